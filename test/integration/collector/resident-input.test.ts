/**
 * The resident kind (onepassword_events_resident, use_single_instance): the PACKAGED launcher
 * gets every stanza at once, as splunkd sends them, runs each account on its own timer in one
 * process, and stops on SIGTERM. Delivery, leases and health are the per-run input's own steps;
 * what is tested here is what the process adds: scheduling, sharing one stream, isolation of
 * accounts, stopping, and a search-head cluster of resident members.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { feedIds } from '../../../src/core/feeds';
import {
  runPackaged,
  startTestbed,
  type Member,
  type RunOptions,
  type RunResult,
  type Testbed,
  uuidsOf,
} from '../../support/harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Resident {
  readonly result: Promise<RunResult>;
  /** stderr so far (the result has all of it). */
  stderr(): string;
  /** Completed account-runs of `input` so far (that collected, or found the lease held). */
  runs(input: string): number;
  stop(signal?: NodeJS.Signals): void;
}

function startResident(
  bed: Testbed,
  inputs: readonly { name: string; params: Record<string, string> }[],
  member?: Member,
  options: Partial<RunOptions> = {},
): Resident {
  let child: ChildProcess | undefined;
  let stderr = '';
  const result = runPackaged({
    launcher: bed.residentLauncher,
    env: bed.env,
    cwd: bed.splunkHome,
    stdin: bed.residentXml(inputs, member),
    timeoutMs: 240_000,
    ...options,
    onSpawn: (c) => {
      child = c;
      c.stderr?.on('data', (chunk: Buffer | string) => (stderr += String(chunk)));
    },
  });
  return {
    result,
    stderr: () => stderr,
    runs: (input) =>
      stderr
        .split('\n')
        .filter(
          (l) =>
            (l.startsWith('INFO run summary') || l.startsWith('INFO another member holds')) &&
            l.includes(` input=${input} `),
        ).length,
    stop: (signal = 'SIGTERM') => child?.kill(signal),
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A resident process until a run reports its feeds caught up, then SIGTERM. */
async function runUntilCaughtUp(
  bed: Testbed,
  inputs: readonly { name: string; params: Record<string, string> }[],
): Promise<RunResult> {
  const resident = startResident(bed, inputs);
  await until('the backlog to be drained', () =>
    resident
      .stderr()
      .split('\n')
      .some((l) => l.startsWith('INFO run summary') && l.includes(' caught_up=true')),
  );
  resident.stop();
  return resident.result;
}

describe('the resident input: one process for every stanza', () => {
  let bed: Testbed;
  const accounts = ['r1', 'r2', 'r3'];
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 150, itemusages: 120, auditevents: 100 } },
    });
    for (const [i, name] of accounts.entries()) {
      const accountUuid = bed.sim.addAccount({
        counts: { signinattempts: 100 + i * 40, itemusages: 90, auditevents: 80 + i * 10 },
      });
      uuids[name] = accountUuid;
      await bed.addAccount({ name, token: bed.sim.issueToken({ accountUuid }) });
    }
  });
  afterAll(() => bed.stop());

  const wanted = (account: string): string[] =>
    feedIds.flatMap((f) =>
      bed.sim.allItems(f, { accountUuid: uuids[account] as string }).map((i) => i.uuid),
    );
  const deliveredBy = (r: RunResult, input: string): string[] =>
    uuidsOf({
      events: r.events.filter((e) => e.stanza === `onepassword_events_resident://${input}`),
    });

  it('prints a use_single_instance scheme of its own kind', async () => {
    const r = await runPackaged({
      launcher: bed.residentLauncher,
      args: ['--scheme'],
      env: bed.env,
      cwd: bed.splunkHome,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<use_single_instance>true</use_single_instance>');
    expect(r.stdout).toContain('<title>1Password Events (resident, many accounts)</title>');
    const perRun = await runPackaged({
      launcher: bed.launcher,
      args: ['--scheme'],
      env: bed.env,
      cwd: bed.splunkHome,
    });
    expect(perRun.stdout).toContain('<use_single_instance>false</use_single_instance>');
  });

  it('collects every account on its own interval, each event once, and stops cleanly on SIGTERM', async () => {
    const resident = startResident(
      bed,
      accounts.map((name) => ({ name, params: { account: name, interval: '2', limit: '50' } })),
    );
    await until('a first run of every input', () => accounts.every((a) => resident.runs(a) >= 1));
    // New events after the first runs arrive on later ticks, without any new process.
    const added: Record<string, string[]> = {};
    for (const a of accounts) {
      added[a] = feedIds.flatMap((f) =>
        bed.sim.addEvents(f, 7, { accountUuid: uuids[a] as string }).map((i) => i.uuid),
      );
    }
    const ranBefore = Object.fromEntries(accounts.map((a) => [a, resident.runs(a)]));
    await until('two more runs of every input', () =>
      accounts.every((a) => resident.runs(a) >= (ranBefore[a] as number) + 2),
    );
    resident.stop();
    const r = await resident.result;

    expect(r.exitCode).toBe(0);
    expect(r.truncatedStream).toBe(false);
    expect(r.streamError).toBeUndefined();
    expect(r.stdout.trimEnd().endsWith('</stream>')).toBe(true);
    expect(r.stdout.match(/<stream>/g)).toHaveLength(1);
    expect(r.unprefixed).toEqual([]);
    expect(r.byLevel.ERROR).toEqual([]);
    for (const a of accounts) {
      const got = deliveredBy(r, a);
      expect(got.length).toBe(new Set(got).size);
      expect(new Set(got)).toEqual(new Set(wanted(a)));
      expect(got).toEqual(expect.arrayContaining(added[a] as string[]));
    }
    expect(r.stderrLines.some((l) => /^INFO resident input started .*inputs=3/.test(l))).toBe(true);
    expect(r.stderrLines.at(-1)).toMatch(/^INFO resident input stopped/);
  });

  it("keeps collecting the other accounts while one account's token is refused", async () => {
    const broken = bed.sim.addAccount({
      counts: { signinattempts: 10, itemusages: 10, auditevents: 10 },
    });
    const refused = bed.sim.issueToken({ accountUuid: broken });
    await bed.addAccount({ name: 'rbad', token: refused });
    bed.sim.revokeToken(refused);
    for (const a of accounts)
      bed.sim.addEvents('signinattempts', 5, { accountUuid: uuids[a] as string });
    const resident = startResident(bed, [
      { name: 'rbad', params: { account: 'rbad', interval: '1' } },
      ...accounts.map((name) => ({ name, params: { account: name, interval: '1' } })),
    ]);
    await until(
      'two failed runs of rbad and two runs of the others',
      () =>
        resident
          .stderr()
          .split('\n')
          .filter((l) => l.startsWith('ERROR') && l.includes('input=rbad')).length >= 2 &&
        accounts.every((a) => resident.runs(a) >= 2),
    );
    resident.stop();
    const r = await resident.result;
    expect(r.exitCode).toBe(0);
    expect(r.streamError).toBeUndefined();
    for (const a of accounts) {
      // Everything up to now, and nothing twice: the checkpoints of the first test were kept.
      const got = deliveredBy(r, a);
      expect(got.length).toBe(new Set(got).size);
      expect(got).toHaveLength(5);
    }
    expect(deliveredBy(r, 'rbad')).toEqual([]);
    // The refused account's errors name it and never the token.
    expect(r.byLevel.ERROR.every((l) => l.includes('input=rbad'))).toBe(true);
    expect(r.stderr).not.toContain(refused);
  });

  it('on a search-head cluster, two resident members collect each account exactly once between them', async () => {
    for (const a of accounts) {
      for (const f of feedIds) bed.sim.addEvents(f, 60, { accountUuid: uuids[a] as string });
    }
    const members: Member[] = ['shA', 'shB'].map((serverHost) => {
      const checkpointDir = join(bed.dir, 'members', serverHost);
      mkdirSync(checkpointDir, { recursive: true });
      return { serverHost, checkpointDir };
    });
    const inputs = accounts.map((name) => ({
      name,
      params: { account: name, interval: '2', limit: '20' },
    }));
    const running = members.map((m) => startResident(bed, inputs, m));
    // The leases are still held by the first tests' process for one TTL; then a member takes each.
    const took = (a: string) =>
      running.some((p) =>
        p
          .stderr()
          .split('\n')
          .some(
            (l) => l.startsWith('INFO took the collection lease') && l.includes(` input=${a} `),
          ),
      );
    await until('a member to take every account', () => accounts.every(took));
    // More events while both run: whoever holds each account's lease takes them.
    for (const a of accounts)
      bed.sim.addEvents('auditevents', 9, { accountUuid: uuids[a] as string });
    const ran = running.map((p) => Object.fromEntries(accounts.map((a) => [a, p.runs(a)])));
    await until('two more runs everywhere', () =>
      running.every((p, i) => accounts.every((a) => p.runs(a) >= (ran[i]?.[a] ?? 0) + 2)),
    );
    running.forEach((p) => p.stop());
    const results = await Promise.all(running.map((p) => p.result));
    for (const r of results) {
      expect(r.exitCode).toBe(0);
      expect(r.streamError).toBeUndefined();
      expect(r.byLevel.ERROR).toEqual([]);
    }
    for (const a of accounts) {
      const got = results.flatMap((r) => deliveredBy(r, a));
      expect(got.length).toBe(new Set(got).size);
      // 60 per feed plus 9: what was added since the previous test, each exactly once.
      expect(got).toHaveLength(3 * 60 + 9);
      // One member collected the account; the other found the lease held.
      const collectors = results.filter((r) => deliveredBy(r, a).length > 0);
      expect(collectors).toHaveLength(1);
    }
  });

  it('a SIGKILL mid-backfill loses and repeats nothing: the next process resumes from the journal', async () => {
    for (const f of feedIds) bed.sim.addEvents(f, 400, { accountUuid: uuids['r2'] as string });
    const inputs = [{ name: 'r2', params: { account: 'r2', interval: '1', limit: '25' } }];
    const killed = startResident(bed, inputs, undefined, {
      killOnEvent: (_event, count) => count >= 500,
      quiesceBeforeKillMs: 1000,
    });
    const first = await killed.result;
    expect(first.signal).toBe('SIGKILL');
    expect(first.events.length).toBeGreaterThanOrEqual(500);
    const second = await runUntilCaughtUp(bed, inputs);
    expect(second.exitCode).toBe(0);
    const got = [...deliveredBy(first, 'r2'), ...deliveredBy(second, 'r2')];
    expect(got.length).toBe(new Set(got).size);
    expect(got).toHaveLength(3 * 400);
  });

  it('an input moved from the per-run kind mid-page resumes in the resident process, exactly once', async () => {
    for (const f of feedIds) bed.sim.addEvents(f, 300, { accountUuid: uuids['r3'] as string });
    const params = { account: 'r3', interval: '2', limit: '100' };
    // The per-run input (its own lease owner) waits out the cluster test's lease, then is killed
    // with a page half delivered: that page's journal is in the per-run kind's checkpoint_dir.
    let killed: RunResult | undefined;
    for (let attempt = 0; attempt < 20 && killed?.signal !== 'SIGKILL'; attempt++) {
      if (attempt > 0) await sleep(1000);
      killed = await bed.run('r3', params, {
        killOnEvent: (_event, count) => count >= 150,
        quiesceBeforeKillMs: 1000,
      });
      expect(killed.events).toHaveLength(killed.signal === 'SIGKILL' ? killed.events.length : 0);
    }
    expect(killed?.signal).toBe('SIGKILL');
    const second = await runUntilCaughtUp(bed, [{ name: 'r3', params }]);
    expect(second.exitCode).toBe(0);
    expect(second.stderrLines.some((l) => l.includes('resuming a page interrupted'))).toBe(true);
    const got = [
      ...uuidsOf({ events: (killed as RunResult).events }),
      ...deliveredBy(second, 'r3'),
    ];
    expect(got.length).toBe(new Set(got).size);
    expect(got).toHaveLength(3 * 300);
  });

  it("never takes over a per-run input's live lease, however much longer its lease time is", async () => {
    // The per-run input at interval 60 holds a 90 s lease once it gets one (after the lease the
    // cluster test left expires); the resident input at interval 1 holds 10 s leases.
    let perRun: RunResult | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) await sleep(1000);
      perRun = await bed.run('r1', { account: 'r1', interval: '60' });
      if (perRun.byLevel.INFO.some((l) => l.startsWith('INFO run summary'))) break;
    }
    expect(perRun?.byLevel.INFO.some((l) => l.startsWith('INFO run summary'))).toBe(true);
    const resident = startResident(bed, [{ name: 'r1', params: { account: 'r1', interval: '1' } }]);
    await until('three ticks of the resident input', () => resident.runs('r1') >= 3);
    resident.stop();
    const r = await resident.result;
    expect(r.exitCode).toBe(0);
    expect(r.byLevel.WARN).toEqual([]);
    expect(r.stderrLines.filter((l) => l.includes('took the collection lease'))).toEqual([]);
    expect(
      r.byLevel.INFO.filter((l) => l.startsWith('INFO another member holds')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(r.events).toEqual([]);
  });
});
