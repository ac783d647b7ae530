/**
 * --validate-arguments through the packaged launcher, as splunkd runs it on input create/edit:
 * each mistake gets its own admin-readable message and a non-zero exit; no stack traces.
 */
import { startTestbed, type Testbed } from '../../support/harness';
import { parseXmlDocument } from '../../../src/splunk/xml-tree';

describe('--validate-arguments', () => {
  let bed: Testbed;
  let goodToken: string;
  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 5, itemusages: 5, auditevents: 5 } },
    });
    goodToken = await bed.addAccount({ name: 'good' });
    await bed.addAccount({
      name: 'audit-only',
      token: bed.sim.issueToken({ features: ['auditevents'] }),
    });
    const revoked = await bed.addAccount({ name: 'revoked' });
    bed.sim.revokeToken(revoked);
    await bed.addAccount({
      name: 'truncated',
      token: bed.sim.truncatedToken(bed.sim.issueToken(), 30),
    });
    await bed.addAccount({ name: 'legacy', token: bed.sim.issueLegacyToken() });
    await bed.addAccount({
      name: 'expired',
      token: bed.sim.issueToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
    });
    await bed.addAccount({ name: 'offline', endpoint: 'https://127.0.0.1:9' });
    await bed.addAccount({ name: 'no-ca', trustSimulatorCa: false });
  });
  afterAll(() => bed.stop());

  async function validate(item: string, params: Record<string, string>) {
    const r = await bed.validate(item, params);
    expect(r.unprefixed).toEqual([]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout + r.stderr).not.toContain(goodToken);
    return r;
  }

  it('accepts a good stanza with exit 0 and no output', async () => {
    const r = await validate('good', {
      account: 'good',
      feeds: 'signinattempts,auditevents',
      limit: '1000',
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['an unknown feed', { account: 'good', feeds: 'signins' }, /unknown feed "signins"/],
    [
      'a limit above 1000',
      { account: 'good', limit: '1001' },
      /limit must be a whole number from 1 to 1000/,
    ],
    [
      'a limit of 0',
      { account: 'good', limit: '0' },
      /limit must be a whole number from 1 to 1000/,
    ],
    [
      'a bad start_time',
      { account: 'good', start_time: 'last week' },
      /start_time "last week" is neither RFC 3339/,
    ],
    [
      'a future start_time',
      { account: 'good', start_time: '2999-01-01T00:00:00Z' },
      /is in the future/,
    ],
    [
      'a bad log level',
      { account: 'good', log_level: 'LOUD' },
      /log_level must be DEBUG, INFO, WARN or ERROR/,
    ],
    ['a hostile account name', { account: '../../etc/passwd' }, /account must be 1-64 letters/],
    ['a missing account', {}, /account is required/],
    ['an unsaved account', { account: 'nobody-here' }, /has no saved token/],
    [
      'a revoked token',
      { account: 'revoked' },
      /^Invalid or revoked token: .*rejected the token \(401.*Issue a new Events API token/,
    ],
    ['a truncated token', { account: 'truncated' }, /cut off|truncated|pasted incompletely/],
    ['a legacy token', { account: 'legacy' }, /legacy Events API token .* Generate a new token/],
    ['an expired token', { account: 'expired' }, /The token has expired/],
    [
      'a missing scope',
      { account: 'audit-only', feeds: 'itemusages' },
      /does not grant itemusages/,
    ],
    ['an unreachable endpoint', { account: 'offline' }, /could not reach .*Check/],
    ['an untrusted certificate', { account: 'no-ca' }, /TLS verification of .* failed/],
  ])('rejects %s with a specific message', async (_name, params, message) => {
    const r = await validate('stanza', params as Record<string, string>);
    expect(r.exitCode).not.toBe(0);
    const doc = parseXmlDocument(r.stdout);
    expect(doc.name).toBe('error');
    expect(doc.children.map((c) => c.name)).toEqual(['message']);
    expect(doc.children[0]!.text).toMatch(message);
  });

  it('records the setup page connection check in onepassword_account_status', async () => {
    const ok = await validate('__check__good', { account: 'good', feeds: '' });
    expect(ok.exitCode).toBe(0);
    const bad = await validate('__check__revoked', { account: 'revoked', feeds: '' });
    expect(bad.exitCode).toBe(1);
    const docs = bed.kvDocs('onepassword_account_status');
    const good = docs.find((d) => d['_key'] === 'good')!;
    expect(good).toMatchObject({ ok: true, region: 'Custom endpoint', host: bed.sim.host });
    expect(good['features']).toEqual(['signinattempts', 'itemusages', 'auditevents']);
    expect(docs.find((d) => d['_key'] === 'revoked')).toMatchObject({ ok: false });
    expect(JSON.stringify(docs)).not.toContain(goodToken);
  });
});
