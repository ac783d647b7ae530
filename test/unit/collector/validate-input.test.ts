/**
 * --validate-arguments at unit level: the stanza-parameter messages an admin sees (the packaged
 * launcher's bad-input matrix keeps a few of these as the end-to-end proof), the wording of a
 * failed account check, and the setup page's check recorded in onepassword_account_status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateDefinition } from '../../../src/collector/validate-input';
import { accountStatusCollection } from '../../../src/core/app-identity';
import { errorClassWording } from '../../../src/core/admin-wording';
import { createLogger } from '../../../src/log/logger';
import type { ValidationDefinition } from '../../../src/splunk/input-definition';
import { startSplunkd, type Splunkd } from '../../support/splunkd-standin';

const logger = createLogger(() => undefined);
const env = { logger, splunkHome: undefined, now: () => Date.parse('2026-12-03T12:00:00Z') };

function definition(
  name: string,
  params: Record<string, string>,
  serverUri = 'https://127.0.0.1:1',
): ValidationDefinition {
  return {
    serverHost: 'sh1',
    serverUri,
    sessionKey: 'session-key',
    checkpointDir: '/nonexistent',
    item: { name: `onepassword_events://${name}`, app: undefined, params },
  };
}

const notRfc3339 = (value: string): RegExp =>
  new RegExp(`start_time "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is neither RFC 3339`);

describe('validateDefinition: stanza parameters (no splunkd call)', () => {
  it.each([
    [{ limit: 'abc' }, /limit must be a whole number from 1 to 1000, not "abc"/],
    [{ limit: '-5' }, /limit must be a whole number from 1 to 1000, not "-5"/],
    [{ limit: '1e3' }, /limit must be a whole number from 1 to 1000, not "1e3"/],
    [{ limit: '12.5' }, /limit must be a whole number from 1 to 1000, not "12\.5"/],
    [{ limit: '0x10' }, /limit must be a whole number from 1 to 1000, not "0x10"/],
    [{ max_run_seconds: '5' }, /max_run_seconds must be a whole number from 10 to 3600, not "5"/],
    [{ max_run_seconds: '3601' }, /max_run_seconds must be a whole number from 10 to 3600/],
    [{ max_run_seconds: 'forever' }, /max_run_seconds must be a whole number from 10 to 3600/],
    [{ feeds: ',,' }, /feeds: select at least one feed/],
    [{ feeds: 'signinattempts,audit' }, /feeds: unknown feed "audit"/],
    [{ feeds: 'sign-in attempts' }, /feeds: unknown feed "sign-in attempts"/],
    [{ index: '_internal' }, /index "_internal" is not a valid Splunk index name/],
    [{ index: 'Main' }, /index "Main" is not a valid Splunk index name/],
    [{ index: 'one password' }, /index "one password" is not a valid Splunk index name/],
    [{ account: '../../etc/passwd' }, /account must be 1-64 letters, digits/],
    [{ account: 'a'.repeat(65) }, /account must be 1-64 letters, digits/],
    [{ account: '' }, /account is required|account must be 1-64 letters/],
    [{ start_time: '2026-13-01T00:00:00Z' }, notRfc3339('2026-13-01T00:00:00Z')],
    [{ start_time: '2026-02-30T00:00:00Z' }, notRfc3339('2026-02-30T00:00:00Z')],
    [{ start_time: '+7d' }, notRfc3339('+7d')],
    [{ start_time: '1767225600' }, notRfc3339('1767225600')],
    [{ start_time: '2026-01-01' }, notRfc3339('2026-01-01')],
    [{ log_level: 'TRACE' }, /log_level must be DEBUG, INFO, WARN or ERROR, not "TRACE"/],
  ])('rejects %j with a message that names the problem', async (bad, message) => {
    const params = { account: 'acme', feeds: 'signinattempts', ...bad };
    const outcome = await validateDefinition(definition('acme', params), env);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(message);
  });
});

describe('validateDefinition against splunkd', () => {
  let splunkd: Splunkd;
  const home = mkdtempSync(path.join(tmpdir(), 'validate-home-'));

  beforeAll(async () => {
    splunkd = await startSplunkd({ collections: [accountStatusCollection] });
    await splunkd.writeSplunkHome(home);
  });
  afterAll(async () => {
    await splunkd.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const withSplunkd = (name: string, params: Record<string, string>): ValidationDefinition => ({
    ...definition(name, params, splunkd.url),
    sessionKey: splunkd.adminSessionKey,
  });

  it('words an unsaved account from the one wording table', async () => {
    const outcome = await validateDefinition(withSplunkd('acme', { account: 'nobody' }), {
      ...env,
      splunkHome: home,
    });
    expect(outcome).toEqual({
      ok: false,
      message: `${errorClassWording.config.headline}: Account "nobody" has no saved token. Add the account on the setup page first. ${errorClassWording.config.action}`,
    });
  });

  it("records the setup page's check, with its error class, in onepassword_account_status", async () => {
    const outcome = await validateDefinition(
      withSplunkd('__check__nobody', { account: 'nobody', feeds: '' }),
      { ...env, splunkHome: home },
    );
    expect(outcome.ok).toBe(false);
    const saved = splunkd.kv.documents(accountStatusCollection);
    expect(saved).toEqual([
      expect.objectContaining({
        _key: 'nobody',
        ok: false,
        error_class: 'config',
        error_message: outcome.message,
        checked_at: Math.floor(env.now() / 1000),
      }),
    ]);
  });
});
