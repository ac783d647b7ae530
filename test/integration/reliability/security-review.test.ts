/**
 * The outside security review (issue 13): each attack replayed against the stand-ins through the
 * packaged input. Every case here failed on the code before its fix (docs/reliability.md,
 * "Security review").
 */
import { Agent, request } from 'undici';
import { checkpointCollection, secretRealm } from '../../../src/core/app-identity';
import { leaseKey } from '../../../src/core/lease-decision';
import { startTestbed, type Testbed } from '../../support/harness';
import { credentialName } from '../../support/splunkd-standin';
import { expectCleanStderr, Ledger, ns, startConnectProxy } from './support';

/** Mallory's namespace: an app she can write to, not ours. */
const otherApp = '/servicesNS/nobody/search';

describe('security review', () => {
  let bed: Testbed;
  let ledger: Ledger;

  beforeAll(async () => {
    bed = await startTestbed({ simulator: { seed: 'security-review' } });
    ledger = new Ledger(bed);
  });
  afterAll(() => bed.stop());

  /** Mallory (edit_storage_passwords, no rights on this app) stores an entry of our realm in
   * another app and shares it globally, so it shows up in our app's storage/passwords listing. */
  async function plantForeignSecret(key: string, username: string, text: string): Promise<void> {
    const made = await bed.rest(
      'POST',
      `${otherApp}/storage/passwords`,
      { name: username, password: text, realm: secretRealm },
      key,
    );
    expect(made.status).toBe(201);
    const entity = encodeURIComponent(credentialName(secretRealm, username));
    const shared = await bed.rest(
      'POST',
      `${otherApp}/storage/passwords/${entity}/acl`,
      { sharing: 'global', owner: 'nobody' },
      key,
    );
    expect(shared.status).toBe(200);
  }

  it("item 1: another app's entries of our realm are ignored with a WARN (proxy and token swap)", async () => {
    bed.splunkd.addUser({
      name: 'mallory',
      roles: ['user'],
      capabilities: ['edit_storage_passwords'],
    });
    const mallory = bed.splunkd.createSessionKey('mallory');
    const proxy = await startConnectProxy();
    try {
      await ledger.account('victim', { signinattempts: 12, itemusages: 8, auditevents: 5 });
      // Her own 1Password account, whose events she wants indexed as the victim's.
      const forgedUuid = bed.sim.addAccount({ counts: { signinattempts: 7 } });
      const forgedToken = bed.sim.issueToken({ accountUuid: forgedUuid });
      await plantForeignSecret(
        mallory,
        'network:_global',
        JSON.stringify({ proxy_url: proxy.url }),
      );
      await plantForeignSecret(
        mallory,
        'account:victim',
        JSON.stringify({ token: forgedToken, endpoint: bed.sim.url }),
      );
      const r = await bed.run('victim', { account: 'victim' });
      expectCleanStderr(r);
      expect(r.exitCode).toBe(0);
      expect(proxy.connects).toEqual([]);
      ledger.record('victim', r.events);
      expect(ledger.tally('victim')).toEqual({
        received: 25,
        lost: 0,
        duplicated: 0,
        unexpected: 0,
      });
      const warn = r.byLevel.WARN.join('\n');
      expect(warn).toContain('network:_global (app search, owner nobody)');
      expect(warn).toContain('account:victim (app search, owner nobody)');
      expect(r.stderr).not.toContain(forgedToken);
      expect(r.stderr).not.toContain(proxy.url);
    } finally {
      await proxy.stop();
    }
  });

  it("item 1: another app's account entry is named in a WARN even when the account has none of its own", async () => {
    bed.splunkd.addUser({
      name: 'mallory',
      roles: ['user'],
      capabilities: ['edit_storage_passwords'],
    });
    const mallory = bed.splunkd.createSessionKey('mallory');
    const forgedToken = bed.sim.issueToken({ accountUuid: bed.sim.addAccount({}) });
    await plantForeignSecret(
      mallory,
      'account:ghost',
      JSON.stringify({ token: forgedToken, endpoint: bed.sim.url }),
    );
    const r = await bed.run('ghost', { account: 'ghost' });
    expectCleanStderr(r);
    expect(r.exitCode).toBe(0);
    expect(r.events).toHaveLength(0);
    expect(r.byLevel.WARN.join('\n')).toContain('account:ghost (app search, owner nobody)');
    expect(r.stderr).not.toContain(forgedToken);
  });

  /** Writes one document into the checkpoint collection as someone with KV write access could. */
  async function plantKvDocument(doc: Record<string, unknown>): Promise<void> {
    const dispatcher = new Agent({ connect: { ca: bed.splunkd.caPem } });
    try {
      const r = await request(
        `${bed.splunkd.url}${ns}/storage/collections/data/${checkpointCollection}?output_mode=json`,
        {
          method: 'POST',
          dispatcher,
          headers: {
            authorization: `Splunk ${bed.splunkd.adminSessionKey}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(doc),
        },
      );
      await r.body.text();
      expect(r.statusCode).toBe(201);
    } finally {
      await dispatcher.close();
    }
  }

  const farFuture = Date.now() + 10 * 365 * 86_400_000;

  it('item 3: rate-budget entries from the future are dropped with one WARN, never waited for', async () => {
    await ledger.account('stalled', { signinattempts: 20, itemusages: 20, auditevents: 20 });
    await plantKvDocument({
      _key: 'stalled__budget',
      account: 'stalled',
      feed: 'budget',
      input: 'stalled',
      cursor: '',
      last_event_time: 0,
      recent_uuids: '',
      events_total: 0,
      pages_total: 0,
      updated_at: Math.floor(Date.now() / 1000),
      generation: 0,
      budget_history: JSON.stringify({ [String(Math.floor(farFuture / 1000))]: 30_000 }),
      schema_version: 1,
    });
    const r = await bed.run('stalled', { account: 'stalled', max_run_seconds: '10' });
    expectCleanStderr(r);
    expect(r.stderr).not.toMatch(/TimeoutOverflowWarning/);
    const warned = r.byLevel.WARN.filter((l) => l.includes('stalled__budget'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/1 rate-budget entries dated in the future \(corrupt\)/);
    ledger.record('stalled', r.events);
    expect(ledger.tally('stalled')).toMatchObject({ received: 60, lost: 0, duplicated: 0 });
    // Repaired: the stored history no longer holds the entry from the future.
    const stored = bed.kvDocs(checkpointCollection).find((d) => d['_key'] === 'stalled__budget');
    const seconds = Object.keys(JSON.parse(String(stored?.['budget_history'])) as object);
    expect(seconds.every((sec) => Number(sec) * 1000 < Date.now() + 60_000)).toBe(true);
  }, 120_000);

  it("item 3: an exhausted rate budget is waited for only until the run's deadline", async () => {
    // 30,000 requests in the last minute (within the clock skew, so not corrupt): the budget
    // would wait an hour for them to leave its window; the run's time budget is 10 s.
    await ledger.account('busy', { signinattempts: 3, itemusages: 3, auditevents: 3 });
    await plantKvDocument({
      _key: 'busy__budget',
      account: 'busy',
      feed: 'budget',
      input: 'busy',
      cursor: '',
      last_event_time: 0,
      recent_uuids: '',
      events_total: 0,
      pages_total: 0,
      updated_at: Math.floor(Date.now() / 1000),
      generation: 0,
      budget_history: JSON.stringify({ [String(Math.floor(Date.now() / 1000) - 5)]: 30_000 }),
      schema_version: 1,
    });
    const r = await bed.run('busy', { account: 'busy', max_run_seconds: '10' });
    expectCleanStderr(r);
    expect(r.exitCode).toBe(0);
    expect(r.byLevel.ERROR).toEqual([]);
    // The deadline ended the wait and the run: nothing written, the cursors kept.
    expect(r.events).toEqual([]);
    expect(r.byLevel.INFO.join('\n')).toMatch(/stopped_by="time budget"/);
  }, 120_000);

  it('item 3: a lease expiring years ahead is corrupt: taken over with one WARN naming it', async () => {
    await ledger.account('locked', { signinattempts: 10, itemusages: 10, auditevents: 10 });
    const key = leaseKey('locked', 5);
    await plantKvDocument({
      _key: key,
      kind: 'lease',
      account: 'locked',
      generation: 5,
      owner: 'no-such-member',
      expires_at: farFuture,
      renewed_at: Date.now(),
    });
    const r = await bed.run('locked', { account: 'locked' });
    expectCleanStderr(r);
    expect(r.byLevel.WARN.filter((l) => l.includes(key))).toHaveLength(1);
    ledger.record('locked', r.events);
    expect(ledger.tally('locked')).toMatchObject({ received: 30, lost: 0, duplicated: 0 });
    const leases = bed
      .kvDocs(checkpointCollection)
      .filter((d) => d['kind'] === 'lease' && d['account'] === 'locked');
    expect(leases.map((d) => d['generation'])).toEqual([6]);
  });

  it('item 4: an answer over 64 MiB is not buffered: one ERROR naming the feed and size, cursor kept', async () => {
    await ledger.account('big', { auditevents: 30 });
    // 70 MiB of whitespace after a page's opening: nothing a real page could be.
    const body = `{"items":[${' '.repeat(70 * 1024 * 1024)}`;
    const fault = bed.sim.faults.inject({ kind: 'invalid-json', body, times: 1 });
    const refused = await bed.run('big', { account: 'big', feeds: 'auditevents' });
    bed.sim.faults.clear();
    expectCleanStderr(refused);
    expect(fault.fired).toBe(1);
    expect(refused.events).toEqual([]);
    const errors = refused.byLevel.ERROR.filter((l) => l.includes('more than the 64.0 MiB cap'));
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/feed auditevents .*declares 70\.0 MiB, more than the 64\.0 MiB cap/);
    // The cursor stayed: the next run delivers everything.
    const after = await bed.run('big', { account: 'big', feeds: 'auditevents' });
    expectCleanStderr(after);
    ledger.record('big', after.events);
    expect(ledger.tally('big', ['auditevents'])).toMatchObject({
      received: 30,
      lost: 0,
      duplicated: 0,
    });
  });

  it('item 5: an enabled __check__ stanza never collects, so it cannot hide a collection', async () => {
    await ledger.account('acme', { signinattempts: 30, itemusages: 20, auditevents: 10 });
    const hidden = await bed.run('__check__zz', { account: 'acme', index: 'exfil' });
    expectCleanStderr(hidden);
    expect(hidden.exitCode).toBe(0);
    expect(hidden.events).toEqual([]);
    expect(hidden.byLevel.WARN.join('\n')).toMatch(
      /connection check and never collects.*__check__zz/,
    );
    // acme's visible input still finds everything.
    const visible = await bed.run('acme', { account: 'acme' });
    expectCleanStderr(visible);
    ledger.record('acme', visible.events);
    expect(ledger.tally('acme')).toMatchObject({ received: 60, lost: 0, duplicated: 0 });
  });
});
