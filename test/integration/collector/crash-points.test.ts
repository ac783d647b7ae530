/**
 * SIGKILL at each distinct step of a page cycle, through the packaged launcher, then a rerun:
 * what splunkd received over both runs is exactly the simulator's events.
 */
import { startTestbed, type RunResult, type Testbed, uuidsOf } from '../../support/harness';
import type { RunOptions } from '../../support/harness';
import { join } from 'node:path';
import { readJournal } from '../../../src/delivery/page-journal';

describe('SIGKILL at each step of a page cycle', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 0, itemusages: 0, auditevents: 200 } },
    });
  });
  afterAll(() => bed.stop());
  afterEach(() => {
    bed.sim.faults.clear();
    bed.splunkd.faults.clear();
  });

  async function killThenRerun(
    account: string,
    kill: Partial<RunOptions>,
    limit = '50',
  ): Promise<{ killed: RunResult; all: string[] }> {
    await bed.addAccount({ name: account });
    const p = { account, feeds: 'auditevents', limit };
    const killed = await bed.run(account, p, kill);
    expect(killed.signal).toBe('SIGKILL');
    bed.sim.faults.clear();
    bed.splunkd.faults.clear();
    const rerun = await bed.run(account, p);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.streamError).toBeUndefined();
    const all = [...uuidsOf(killed), ...uuidsOf(rerun)];
    expect(all).toEqual(bed.sim.allItems('auditevents').map((i) => i.uuid));
    return { killed, all };
  }

  it('before the fetch (a request in flight)', async () => {
    const before = bed.sim.requests.length;
    bed.sim.faults.inject({
      kind: 'hang-before-response',
      skip: 2,
      times: 1,
      match: { feed: 'auditevents' },
    });
    const { killed } = await killThenRerun('before-fetch', {
      killWhen: () => bed.sim.requests.length >= before + 3,
    });
    expect(killed.events.length % 50).toBe(0);
  });

  it('mid-write (the reader is slow, the page half delivered)', async () => {
    // Pages of 1000 events (~700 KB) are far larger than a pipe's 64 KB, so the writer is blocked
    // mid-page while the slow reader drains it.
    bed.sim.addEvents('auditevents', 2800);
    const { killed } = await killThenRerun(
      'mid-write',
      // Killed with the writer parked on the full pipe, not inside the write/journal window.
      { readerDelayMs: 5, killOnEvent: (_e, n) => n === 1500, quiesceBeforeKillMs: 400 },
      '1000',
    );
    expect(killed.events.length).toBeGreaterThanOrEqual(1500);
    expect(killed.events.length).toBeLessThan(2000);
  });

  it('after the write, before the checkpoint', async () => {
    // The checkpoint write is held, then refused: it never lands, as when the process dies first.
    bed.splunkd.faults.inject({
      path: /onepassword_checkpoints\/batch_save/,
      delayMs: 4000,
      status: 503,
      count: 1,
    });
    // Kill once the journal says the page is in the pipe and the checkpoint write is held: killing
    // on the sight of the 50th event instead would race the journal update that follows write().
    const journal = join(bed.checkpointDir, 'after-write__auditevents.journal');
    const { killed } = await killThenRerun('after-write', {
      killWhen: () => readJournal(journal)?.delivered === 50,
    });
    expect(killed.events).toHaveLength(50);
    const cp = bed
      .kvDocs('onepassword_checkpoints')
      .find((d) => d['_key'] === 'after-write__auditevents');
    expect(cp?.['events_total']).toBe(bed.sim.allItems('auditevents').length);
  });

  it('after the checkpoint', async () => {
    const saves = (): number =>
      bed.splunkd.kv
        .calls()
        .filter((c) => c.method === 'POST' && c.path.includes('onepassword_checkpoints/batch_save'))
        .length;
    const start = saves();
    await killThenRerun('after-checkpoint', { killWhen: () => saves() >= start + 2 });
  });
});
