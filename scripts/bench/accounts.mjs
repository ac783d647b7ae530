/**
 * Issue 17, deliverable 3: many accounts on one forwarder.
 *
 * Idle accounts: N caught-up accounts, one interval's worth of work (each account once), three
 * ways: today's model (one input process per account per interval, `batch` at a time), the same
 * with V8's compile cache (NODE_COMPILE_CACHE) in the environment, and a model of a long-running
 * input (resident-worker.mjs: one process polling every account over kept-alive connections).
 * CPU is exact (reaped children); "per minute" is one interval of 60 s.
 *
 * Backfill fairness: N accounts with backlogs none can drain, one process each, all started at
 * once with the same max_run_seconds; how evenly the events delivered are spread (min, median,
 * max and Jain's index: 1 is perfectly even, 1/N is one account taking everything).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { assertCleanRun, runMeasured } from './measure.mjs';
import { reapedChildrenCpuMs } from './proc.mjs';

const residentWorker = join(import.meta.dirname, 'resident-worker.mjs');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cpuNow = () => {
  const c = reapedChildrenCpuMs();
  return c.user + c.sys;
};

/** Runs `task` over `items`, at most `limit` at a time. */
async function inBatches(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}

function runOf(stand, name, extraEnv = {}, params = {}) {
  return runMeasured({
    command: stand.bed.launcher,
    env: { ...stand.bed.env, ...extraEnv },
    cwd: stand.bed.splunkHome,
    stdin: stand.inputXml(name, params),
    StreamReader: stand.StreamReader,
  });
}

/** One interval of N idle accounts through the packaged launcher. */
async function perIntervalProcesses(stand, accounts, batch, extraEnv) {
  const before = cpuNow();
  const started = performance.now();
  const runs = await inBatches(accounts, batch, (a) => runOf(stand, a.name, extraEnv));
  const wallMs = performance.now() - started;
  runs.forEach((r, i) => assertCleanRun(`idle account ${i + 1}`, r, 0));
  const cpuMs = cpuNow() - before;
  const rss = runs.map((r) => r.peakRssKb / 1024);
  const anon = runs.map((r) => r.peakAnonKb / 1024);
  return {
    cpuMsPerInterval: cpuMs,
    cpuMsPerAccount: cpuMs / accounts.length,
    shareOfOneCoreAt60s: cpuMs / 60_000,
    wallMs: Math.round(wallMs),
    medianPeakRssMb: median(rss),
    medianPeakPrivateMb: median(anon),
    // All N at once (intervals aligned): every process's peak together, the worst case.
    alignedRssMb: rss.reduce((a, b) => a + b, 0),
    alignedPrivateMb: anon.reduce((a, b) => a + b, 0),
  };
}

/**
 * @param {object} stand from openBed (zero latency, no rate limit)
 * @param {{accounts: number, batch: number, cycles: number, StreamReader: Function, log: Function}} options
 */
export async function measureIdleAccounts(stand, options) {
  stand.StreamReader = options.StreamReader;
  const uuid = stand.dataset(30);
  const accounts = [];
  for (let i = 0; i < options.accounts; i++) accounts.push(await stand.account(uuid, 'idle'));
  options.log(`  catching up ${options.accounts} accounts`);
  const first = await inBatches(accounts, options.batch, (a) => runOf(stand, a.name));
  first.forEach((r, i) => assertCleanRun(`idle: first run of account ${i + 1}`, r, 30));

  const perInterval = await perIntervalProcesses(stand, accounts, options.batch, {});
  options.log(
    `  one process per account: ${perInterval.cpuMsPerInterval.toFixed(0)} ms CPU per interval ` +
      `(${(perInterval.shareOfOneCoreAt60s * 100).toFixed(1)} % of a core at 60 s), ` +
      `${perInterval.medianPeakRssMb.toFixed(0)} MB each, ${perInterval.alignedRssMb.toFixed(0)} MB aligned`,
  );
  const cacheDir = mkdtempSync(join(os.tmpdir(), 'op-bench-compile-cache-'));
  let compileCache;
  try {
    const env = { NODE_COMPILE_CACHE: cacheDir };
    await runOf(stand, accounts[0].name, env); // fills the cache
    compileCache = await perIntervalProcesses(stand, accounts, options.batch, env);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  options.log(
    `  the same with NODE_COMPILE_CACHE: ${compileCache.cpuMsPerInterval.toFixed(0)} ms CPU per interval`,
  );

  // The long-running model: the same accounts' tokens, one resident process.
  const { bed } = stand;
  const configDir = mkdtempSync(join(os.tmpdir(), 'op-bench-resident-'));
  const configPath = join(configDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      simUrl: bed.sim.url,
      simCaPem: bed.sim.caPem,
      tokens: accounts.map(() => bed.sim.issueToken({ accountUuid: uuid })),
      splunkdUrl: bed.splunkd.url,
      splunkdCaPem: bed.splunkd.caPem,
      sessionKey: bed.splunkd.systemSessionKey,
      cycles: options.cycles,
      startTime: new Date(Date.now() - 120 * 86_400_000 + 60_000).toISOString(),
    }),
  );
  let resident;
  try {
    const before = cpuNow();
    const run = await runMeasured({
      command: stand.node,
      args: [residentWorker, configPath],
      env: { PATH: bed.env.PATH, LANG: 'C.UTF-8' },
      StreamReader: options.StreamReader,
      exclusive: true,
      timeoutMs: 600_000,
    });
    const cpuMs = cpuNow() - before;
    if (run.exitCode !== 0) throw new Error(`resident model failed: ${run.stderr.slice(-500)}`);
    const cycles = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    // The first cycle opens every connection and fetches the 30 events; the rest are idle.
    const idle = cycles.slice(1);
    resident = {
      cycles: cycles.length,
      processCpuMs: cpuMs,
      firstCycleCpuMs: cycles[0]?.cpuMs,
      medianIdleCycleCpuMs: median(idle.map((c) => c.cpuMs)),
      shareOfOneCoreAt60s: median(idle.map((c) => c.cpuMs)) / 60_000,
      medianIdleCycleWallMs: Math.round(median(idle.map((c) => c.wallMs))),
      rssMbAfterFirstCycle: (cycles[0]?.rssKb ?? 0) / 1024,
      rssMbAfterLastCycle: (cycles.at(-1)?.rssKb ?? 0) / 1024,
      heapUsedMbAfterLastCycle: (cycles.at(-1)?.heapUsedKb ?? 0) / 1024,
      peakRssMb: run.peakRssKb / 1024,
    };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  options.log(
    `  one resident process: ${resident.medianIdleCycleCpuMs.toFixed(0)} ms CPU per interval, ` +
      `${resident.peakRssMb.toFixed(0)} MB peak (after the first cycle ${resident.rssMbAfterFirstCycle.toFixed(0)}, ` +
      `after ${resident.cycles}: ${resident.rssMbAfterLastCycle.toFixed(0)} MB)`,
  );
  return { accounts: options.accounts, batch: options.batch, perInterval, compileCache, resident };
}

/**
 * @param {object} stand from openBed (zero latency, no rate limit)
 * @param {{accounts: number, seconds: number, StreamReader: Function, log: Function}} options
 */
export async function measureBackfillFairness(stand, options) {
  stand.StreamReader = options.StreamReader;
  // One backlog read by every account (each has its own token and cursors), larger than all of
  // them together can drain in the window at zero latency (two cores: well under 100k events/s).
  const backlog = Math.max(
    20_000,
    Math.ceil((2 * 100 * options.seconds) / options.accounts) * 1000,
  );
  const uuid = stand.dataset(backlog);
  const accounts = [];
  for (let i = 0; i < options.accounts; i++) accounts.push(await stand.account(uuid, 'fair'));
  const before = cpuNow();
  const started = performance.now();
  const runs = await Promise.all(
    accounts.map((a) => runOf(stand, a.name, {}, { max_run_seconds: String(options.seconds) })),
  );
  const wallMs = performance.now() - started;
  const cpuMs = cpuNow() - before;
  runs.forEach((r, i) => assertCleanRun(`fairness: account ${i + 1}`, r));
  const events = runs.map((r) => r.events);
  const sum = events.reduce((a, b) => a + b, 0);
  const sumSquares = events.reduce((a, b) => a + b * b, 0);
  if (events.some((e) => e >= backlog))
    options.log(
      '  WARN an account drained the whole backlog: the window measured less than contention',
    );
  const result = {
    accounts: options.accounts,
    backlogPerAccount: backlog,
    maxRunSeconds: options.seconds,
    wallMs: Math.round(wallMs),
    events: sum,
    cpuMs,
    minEvents: Math.min(...events),
    medianEvents: median(events),
    maxEvents: Math.max(...events),
    jainIndex: sum > 0 ? (sum * sum) / (events.length * sumSquares) : undefined,
    sumPeakRssMb: runs.reduce((a, r) => a + r.peakRssKb / 1024, 0),
  };
  options.log(
    `  ${options.accounts} accounts, ${options.seconds} s: ${sum} events, per account min ${result.minEvents}, ` +
      `median ${result.medianEvents}, max ${result.maxEvents}, Jain's index ${result.jainIndex?.toFixed(3)}`,
  );
  return result;
}
