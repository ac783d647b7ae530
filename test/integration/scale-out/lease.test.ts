/**
 * Search-head cluster: every member runs the packaged input against one shared (replicated) KV
 * store; the lease makes exactly one of them collect each account.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { feedIds } from '../../../src/core/feeds';
import { readJournal } from '../../../src/delivery/page-journal';
import { startTestbed, type RunResult, type Testbed, uuidsOf } from '../../support/harness';

const members = ['sh1', 'sh2', 'sh3'];
/** interval 5 s → lease TTL 10 s (two intervals). */
const params = { account: 'shc', interval: '5', limit: '200' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('exactly one collector per account on a search-head cluster', () => {
  let bed: Testbed;
  const delivered: string[] = [];
  const collect = (r: RunResult): void => {
    expect(r.unprefixed).toEqual([]);
    delivered.push(...uuidsOf(r));
  };
  const expectExactlyOnce = (): void => {
    const want = feedIds.flatMap((f) => bed.sim.allItems(f).map((i) => i.uuid));
    expect(delivered.length).toBe(new Set(delivered).size);
    expect(new Set(delivered)).toEqual(new Set(want));
  };
  const leases = () =>
    bed
      .kvDocs('onepassword_checkpoints')
      .filter((d) => d['kind'] === 'lease' && d['account'] === 'shc');
  const holder = () =>
    leases().reduce<Record<string, unknown> | undefined>(
      (a, d) => (!a || Number(d['generation']) > Number(a['generation']) ? d : a),
      undefined,
    );

  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 600, itemusages: 500, auditevents: 400 } },
    });
    const general = await bed.rest(
      'POST',
      '/servicesNS/nobody/TA-1password-events/configs/conf-onepassword_settings',
      {
        name: 'general',
        request_timeout_seconds: '2',
      },
    );
    expect([200, 201]).toContain(general.status);
    await bed.addAccount({ name: 'shc' });
  });
  afterAll(() => bed.stop());

  it('steady state: members run concurrently, one collects, the others exit with one INFO line', async () => {
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(members.map((m) => bed.runAs(m, 'shc', params)));
      results.forEach(collect);
      const collecting = results.filter(
        (r) => r.events.length > 0 || r.byLevel.INFO.some((l) => l.includes('run summary')),
      );
      expect(collecting).toHaveLength(1);
      for (const idle of results.filter((r) => !collecting.includes(r))) {
        expect(idle.stderrLines).toHaveLength(1);
        expect(idle.stderrLines[0]).toMatch(
          /^INFO another member holds the collection lease for this account; nothing to do here .*holder=sh\d/,
        );
      }
      for (const feed of feedIds) bed.sim.addEvents(feed, 25);
    }
    expect(holder()?.['generation']).toBe(1);
    const last = await Promise.all(members.map((m) => bed.runAs(m, 'shc', params)));
    last.forEach(collect);
    expectExactlyOnce();
  });

  it('a holder whose process is killed mid-run resumes on its own member, without gaps or duplicates', async () => {
    const owner = String(holder()?.['owner']);
    for (const feed of feedIds) bed.sim.addEvents(feed, 900);
    // Kill while one of its pages is half delivered (its journal says so), whatever the timing.
    const journals = feedIds.map((f) => join(bed.dir, 'members', owner, `shc__${f}.journal`));
    const midPage = (): boolean =>
      journals.some((j) => {
        const record = readJournal(j);
        return (
          record !== undefined && record.delivered > 0 && record.delivered < record.uuids.length
        );
      });
    const killed = await bed.runAs(owner, 'shc', params, {
      readerDelayMs: 3,
      killWhen: midPage,
      // Aimed outside the write/journal window, which README Guarantees documents as the one
      // place a kill repeats events (the kill campaign covers it).
      quiesceBeforeKillMs: 400,
    });
    collect(killed);
    expect(killed.signal).toBe('SIGKILL');
    const results = await Promise.all(members.map((m) => bed.runAs(m, 'shc', params)));
    results.forEach(collect);
    expect(holder()?.['owner']).toBe(owner);
    expectExactlyOnce();
  });

  it('a lost member is replaced within two intervals, with no duplicates and no gaps', async () => {
    // interval 10 s → lease TTL 15 s. The others run once per interval; the lost member never again.
    const slow = { ...params, interval: '10' };
    const last = await Promise.all(members.map((m) => bed.runAs(m, 'shc', slow)));
    last.forEach(collect);
    const gone = String(holder()?.['owner']);
    const generation = Number(holder()?.['generation']);
    const others = members.filter((m) => m !== gone);
    for (const feed of feedIds) bed.sim.addEvents(feed, 40);
    const lostAt = Date.now();
    const rounds: string[] = [];
    for (let round = 1; round <= 3 && Number(holder()?.['generation']) === generation; round++) {
      await sleep(lostAt + round * 10_000 - Date.now());
      const results = await Promise.all(others.map((m) => bed.runAs(m, 'shc', slow)));
      results.forEach(collect);
      rounds.push(Number(holder()?.['generation']) > generation ? 'took over' : 'yielded');
    }
    // The first interval after the loss (the missed run) still honours the lease; the second takes over.
    expect(rounds).toEqual(['yielded', 'took over']);
    expect(others).toContain(holder()?.['owner']);
    expectExactlyOnce();
  });

  it('a member paused past its lease and resumed is fenced: it writes nothing more', async () => {
    // A second account that collects one feed, so the member's only request can be held.
    await bed.addAccount({ name: 'fenced' });
    const one = { account: 'fenced', feeds: 'auditevents', interval: '5', limit: '200' };
    const seen: string[] = [];
    const record = (r: RunResult): void => {
      expect(r.unprefixed).toEqual([]);
      seen.push(...uuidsOf(r));
    };
    record(await bed.runAs('sh1', 'fenced', one)); // sh1 takes the lease and catches up
    bed.sim.addEvents('auditevents', 70);
    bed.sim.faults.inject({
      kind: 'hang-before-response',
      times: 1,
      match: { feed: 'auditevents' },
    });
    let child: ChildProcess | undefined;
    const pausedRun = bed.runAs('sh1', 'fenced', one, { onSpawn: (c) => (child = c) });
    await sleep(1500); // its page request is now held by the simulator
    child!.kill('SIGSTOP');
    await sleep(10_500); // past the lease TTL
    const taken = await bed.runAs('sh2', 'fenced', one);
    record(taken);
    expect(taken.byLevel.INFO.some((l) => l.includes('took the collection lease'))).toBe(true);
    expect(taken.events.length).toBe(70);
    child!.kill('SIGCONT');
    const resumed = await pausedRun; // its held request times out, the retry gets the page...
    record(resumed);
    expect(resumed.events).toEqual([]); // ...but the fenced member writes none of it
    expect(resumed.stderr).toMatch(/WARN stopping: member sh2 took over|stopped_by="?lease lost/);
    const after = await Promise.all(members.map((m) => bed.runAs(m, 'fenced', one)));
    after.forEach(record);
    const want = bed.sim.allItems('auditevents').map((i) => i.uuid);
    expect(seen.length).toBe(new Set(seen).size);
    expect(new Set(seen)).toEqual(new Set(want));
  });

  it('rides out a KV store that is briefly unavailable', async () => {
    for (const feed of feedIds) bed.sim.addEvents(feed, 30);
    bed.splunkd.kv.setState({ state: 'starting', readyAfterRequests: 6 });
    const results = await Promise.all(members.map((m) => bed.runAs(m, 'shc', params)));
    results.forEach(collect);
    for (const r of results) expect(r.byLevel.ERROR).toEqual([]);
    // A member that waited out the KV store may have used up its run; the next interval finishes.
    const next = await Promise.all(members.map((m) => bed.runAs(m, 'shc', params)));
    next.forEach(collect);
    expectExactlyOnce();
  });
});
