/**
 * Faults of the Events API and of splunkd, each through the packaged launcher: the documented
 * behaviour, a clear log line, and in the end every event exactly once.
 */
import { feedIds } from '../../../src/core/feeds';
import type { FaultRule } from '../../support/events-api-sim';
import { startTestbed, type RunResult, type Testbed, uuidsOf } from '../../support/harness';

const params = (account: string): Record<string, string> => ({ account, limit: '50' });

describe('fault handling of the packaged input', () => {
  let bed: Testbed;
  const delivered = new Map<string, string[]>();
  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 120, itemusages: 110, auditevents: 100 } },
    });
    const general = await bed.rest(
      'POST',
      '/servicesNS/nobody/TA-1password-events/configs/conf-onepassword_settings',
      {
        name: 'general',
        request_timeout_seconds: '3',
      },
    );
    expect([200, 201]).toContain(general.status);
  });
  afterAll(() => bed.stop());
  afterEach(() => bed.sim.faults.clear());

  async function run(account: string): Promise<RunResult> {
    const r = await bed.run(account, params(account));
    expect(r.unprefixed).toEqual([]);
    expect(r.streamError).toBeUndefined();
    const list = delivered.get(account) ?? [];
    list.push(...uuidsOf(r));
    delivered.set(account, list);
    return r;
  }

  function expectExactlyOnce(account: string): void {
    const got = delivered.get(account) ?? [];
    const want = feedIds.flatMap((f) => bed.sim.allItems(f).map((i) => i.uuid));
    expect(got.length).toBe(new Set(got).size);
    expect(new Set(got)).toEqual(new Set(want));
  }

  it.each<[string, FaultRule, RegExp]>([
    [
      '429 with Retry-After',
      { kind: 'status', status: 429, retryAfter: 1, times: 2 },
      /^WARN retrying after rate_limited: .*429/,
    ],
    [
      '429 without Retry-After',
      { kind: 'status', status: 429, times: 2 },
      /^WARN retrying after rate_limited/,
    ],
    [
      'a 500 burst',
      { kind: 'status', status: 500, times: 3 },
      /^WARN retrying after server: .*answered 500/,
    ],
    [
      'a 502 with an HTML body',
      { kind: 'status', status: 502, body: 'html', times: 1 },
      /^WARN retrying after server: .*502/,
    ],
    [
      'a connection reset',
      { kind: 'reset-before-response', times: 2 },
      /^WARN retrying after network: could not reach/,
    ],
    ['a reset mid-body', { kind: 'reset-mid-body', times: 2 }, /^WARN retrying after network/],
    [
      'a hung response',
      { kind: 'hang-before-response', times: 1 },
      /^WARN retrying after network: .*did not answer within 3000 ms/,
    ],
    ['a hang mid-body', { kind: 'hang-mid-body', times: 1 }, /^WARN retrying after network/],
    [
      'a hung TLS handshake',
      { kind: 'hang-tls-handshake', times: 1 },
      /^WARN retrying after network/,
    ],
    [
      'truncated JSON',
      { kind: 'truncated-body', times: 2 },
      /^WARN retrying after (protocol|network)/,
    ],
    [
      'invalid JSON',
      { kind: 'invalid-json', times: 1 },
      /^WARN retrying after protocol: .*not valid JSON/,
    ],
    [
      'a missing cursor',
      { kind: 'missing-cursor', times: 1 },
      /^WARN retrying after protocol: .*cursor/,
    ],
  ])('survives %s', async (name, rule, line) => {
    const account = `acct-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 60);
    await bed.addAccount({ name: account });
    bed.sim.faults.inject(rule);
    const r = await run(account);
    expect(r.stderrLines.some((l) => line.test(l))).toBe(true);
    expect(r.byLevel.ERROR).toEqual([]);
    expectExactlyOnce(account);
  });

  it('recovers from a stale cursor (400) without loss or duplicates', async () => {
    await bed.addAccount({ name: 'stale' });
    await run('stale');
    for (const feed of feedIds) bed.sim.addEvents(feed, 30);
    bed.sim.faults.inject({ kind: 'stale-cursor', match: { withCursor: true }, times: 3 });
    const r = await run('stale');
    expect(
      r.byLevel.WARN.filter((l) => l.includes('stored cursor was rejected as stale')),
    ).toHaveLength(3);
    expectExactlyOnce('stale');
  });

  it('stops on a revoked token (401) without moving the cursor, and resumes with a new token', async () => {
    await bed.addAccount({ name: 'revoked' });
    bed.sim.faults.inject({ kind: 'revoke-token', match: { feed: 'itemusages' }, skip: 1 });
    const r = await run('revoked');
    expect(
      r.byLevel.ERROR.some((l) => /feed itemusages stopped: .* rejected the token \(401/.test(l)),
    ).toBe(true);
    const cp = bed
      .kvDocs('onepassword_checkpoints')
      .find((d) => d['_key'] === 'revoked__itemusages');
    const health = bed
      .kvDocs('onepassword_health')
      .find((d) => d['_key'] === 'revoked__itemusages');
    expect(health).toMatchObject({ status: 'error', last_error_class: 'unauthorized' });
    const fresh = bed.sim.issueToken();
    await bed.rest(
      'POST',
      `/servicesNS/nobody/TA-1password-events/storage/passwords/${encodeURIComponent('TA-1password-events:account\\:revoked:')}`,
      {
        password: JSON.stringify({ token: fresh, endpoint: bed.sim.url }),
      },
    );
    await run('revoked');
    expect(
      bed.kvDocs('onepassword_checkpoints').find((d) => d['_key'] === 'revoked__itemusages')?.[
        'cursor'
      ],
    ).not.toBe(cp?.['cursor']);
    expectExactlyOnce('revoked');
  });

  it('explains the plain-text 404 of a truncated token', async () => {
    await bed.addAccount({ name: 'four-oh-four' });
    bed.sim.faults.inject({ kind: 'not-found-text', times: 3 });
    const r = await run('four-oh-four');
    expect(
      r.byLevel.ERROR.some((l) =>
        /answered 404 \(404 page not found\)\..*The token was probably pasted incompletely/.test(l),
      ),
    ).toBe(true);
    await run('four-oh-four');
    expectExactlyOnce('four-oh-four');
  });

  it('waits for a KV store that answers 503 while it starts', async () => {
    await bed.addAccount({ name: 'kv-starting' });
    bed.splunkd.kv.setState({ state: 'starting', readyAfterRequests: 3 });
    const r = await run('kv-starting');
    expect(r.byLevel.ERROR).toEqual([]);
    expectExactlyOnce('kv-starting');
  });
});
