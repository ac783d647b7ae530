/**
 * Issue 17, deliverable 3: many accounts on one forwarder.
 *
 * Idle accounts: N caught-up accounts, three ways: today's model (one input process per account
 * per interval, `batch` at a time), the same with V8's compile cache (NODE_COMPILE_CACHE) in the
 * environment, each measured over one interval's work (CPU exact: reaped children), and the
 * resident input (bin/onepassword_events_resident, `use_single_instance=true`): one process with
 * every account as a stanza of one input definition, run for `cycles` intervals of `interval`
 * seconds; a cycle ends when N more run summaries have arrived on stderr, and the process's CPU
 * (/proc/<pid>/stat) and RSS are sampled then. "Per minute" is one idle cycle's CPU over 60 s.
 * Then SIGTERM: the process must exit 0 with the stream closed.
 *
 * Backfill fairness: N accounts with backlogs none can drain, for the same window, twice: one
 * process each, all started at once with the same max_run_seconds, and all as stanzas of one
 * resident process (a run longer than the window, ended by SIGTERM); how evenly the events
 * delivered are spread (min, median, max and Jain's index: 1 is perfectly even, 1/N is one
 * account taking everything).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { assertCleanRun, logField, runMeasured } from './measure.mjs';
import { processCpuMs, processMemoryKb, reapedChildrenCpuMs } from './proc.mjs';

/** A run summary as finish-run.ts logs it, one per account-run. */
const summaryPattern = /^INFO\b.*\brun summary\b/;

const n0 = (x) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const pct = (x) => (x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);

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

/** min, median, max and Jain's index of events per account. */
function spread(events) {
  const sum = events.reduce((a, b) => a + b, 0);
  const sumSquares = events.reduce((a, b) => a + b * b, 0);
  return {
    events: sum,
    minEvents: Math.min(...events),
    medianEvents: median(events),
    maxEvents: Math.max(...events),
    jainIndex: sum > 0 ? (sum * sum) / (events.length * sumSquares) : undefined,
    accountsWithNoEvents: events.filter((e) => e === 0).length,
    eventsPerAccountSorted: [...events].sort((a, b) => a - b),
  };
}

/** bin/onepassword_events_resident in the extracted package (the test bed names it). */
function residentLauncher(stand) {
  const launcher = stand.bed.residentLauncher;
  if (launcher === undefined || !existsSync(launcher))
    throw new Error(
      `${launcher ?? 'bin/onepassword_events_resident'} is missing: this package or test bed has no ` +
        'resident input (rebuild with `node build.mjs`)',
    );
  return launcher;
}

/**
 * The <input> document splunkd sends the single-instance input (the test bed builds it: the
 * resident kind's checkpoint_dir, one <configuration> with a stanza per account), each stanza
 * with the params of a per-run stanza of the same account.
 */
function residentInputXml(stand, names, params) {
  return stand.bed.residentXml(
    names.map((name) => ({ name, params: { account: name, max_run_seconds: '3600', ...params } })),
  );
}

/** The input name of a stanza name or of a log line's `input=` (with or without the scheme). */
function inputName(stanza) {
  const at = stanza.indexOf('://');
  return at < 0 ? stanza : stanza.slice(at + 3);
}

/** How the process ended after SIGTERM, in words, and whether that is the contract's ending. */
function residentEnding(result, state) {
  const shutdownMs =
    state.sigtermAtMs === undefined ? undefined : Math.round(result.wallMs - state.sigtermAtMs);
  let stream;
  if (result.streamError) stream = `stream error: ${result.streamError}`;
  else if (result.truncated) stream = 'stream not closed (ended inside <stream>)';
  else if (result.bytes === 0) stream = 'nothing written on stdout';
  else if (result.stdoutTail.trimEnd().endsWith('</stream>')) stream = 'stream closed';
  else stream = `stream ends with ${JSON.stringify(result.stdoutTail.slice(-40))}`;
  const exit = result.exitCode === null ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  const clean =
    state.sigtermAtMs !== undefined &&
    !state.killed &&
    result.exitCode === 0 &&
    (stream === 'stream closed' || stream === 'nothing written on stdout');
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    sigtermReason: state.stoppedBy,
    shutdownMs,
    stream,
    cleanStop: clean,
    ending:
      state.sigtermAtMs === undefined
        ? `exited on its own (${exit}) before SIGTERM; ${stream}`
        : `${exit} ${shutdownMs} ms after SIGTERM${state.killed ? ' (SIGKILL after the grace period)' : ''}; ${stream}`,
  };
}

/**
 * Runs the resident input with the accounts as stanzas, counting run summaries (per input) and
 * events (per stanza) as they arrive. SIGTERM after `stopAfterMs`, at `deadlineMs`, or when
 * onSummary calls state.stop(); SIGKILL if it has not exited `graceMs` after SIGTERM.
 */
async function runResident(stand, options) {
  const graceMs = options.graceMs ?? 30_000;
  const state = {
    summaries: 0,
    runsByInput: new Map(),
    summaryEventsByInput: new Map(),
    eventsByInput: new Map(),
    firstEventMsByInput: new Map(),
    runsStoppedBy: {},
    yields: 0,
    eventsOfOtherStanzas: 0,
    otherStanzas: new Set(),
    problemLines: [],
    levels: {},
    child: undefined,
    started: 0,
    sigtermAtMs: undefined,
    stoppedBy: undefined,
    killed: false,
  };
  const ours = new Set(options.names);
  const timers = [];
  state.stop = (why) => {
    if (state.sigtermAtMs !== undefined || !state.child) return;
    state.stoppedBy = why;
    state.sigtermAtMs = performance.now() - state.started;
    state.child.kill('SIGTERM');
    timers.push(
      setTimeout(() => {
        state.killed = true;
        state.child.kill('SIGKILL');
      }, graceMs),
    );
  };
  let partial = '';
  const onLine = (line) => {
    const level = /^(DEBUG|INFO|WARN|ERROR|FATAL) /.exec(line)?.[1] ?? 'unprefixed';
    state.levels[level] = (state.levels[level] ?? 0) + 1;
    if (level !== 'INFO' && level !== 'DEBUG' && state.problemLines.length < 20)
      state.problemLines.push(line.slice(0, 400));
    if (/another member holds the collection lease/.test(line)) state.yields++;
    if (!summaryPattern.test(line)) return;
    const name = inputName(logField(line, 'input') ?? '');
    const events = Number(logField(line, 'events') ?? 0);
    state.summaries++;
    state.runsByInput.set(name, (state.runsByInput.get(name) ?? 0) + 1);
    state.summaryEventsByInput.set(name, (state.summaryEventsByInput.get(name) ?? 0) + events);
    const why = logField(line, 'stopped_by')?.replace(/^"|"$/g, '') ?? '?';
    state.runsStoppedBy[why] = (state.runsStoppedBy[why] ?? 0) + 1;
    options.onSummary?.({ name, events, elapsedMs: Number(logField(line, 'elapsed_ms')) }, state);
  };
  const result = await runMeasured({
    command: residentLauncher(stand),
    env: stand.bed.env,
    cwd: stand.bed.splunkHome,
    stdin: residentInputXml(stand, options.names, options.params),
    StreamReader: options.StreamReader,
    exclusive: true,
    timeoutMs: options.deadlineMs + graceMs + 10_000,
    onSpawn(child) {
      state.child = child;
      state.started = performance.now();
      if (options.stopAfterMs !== undefined)
        timers.push(setTimeout(() => state.stop('window'), options.stopAfterMs));
      timers.push(setTimeout(() => state.stop('deadline'), options.deadlineMs));
    },
    onEvent(event) {
      const name = inputName(event.stanza);
      if (ours.has(name)) {
        const count = state.eventsByInput.get(name) ?? 0;
        if (count === 0)
          state.firstEventMsByInput.set(name, Math.round(performance.now() - state.started));
        state.eventsByInput.set(name, count + 1);
      } else {
        state.eventsOfOtherStanzas++;
        if (state.otherStanzas.size < 5) state.otherStanzas.add(event.stanza);
      }
    },
    onStderr(text) {
      const lines = (partial + text).split('\n');
      partial = lines.pop();
      for (const line of lines) onLine(line);
    },
  });
  if (partial !== '') onLine(partial);
  for (const t of timers) clearTimeout(t);
  const runs = options.names.map((n) => state.runsByInput.get(n) ?? 0);
  const unknownInputs = [...state.runsByInput.keys()].filter((n) => !ours.has(n));
  const firsts = [...state.firstEventMsByInput.values()];
  return {
    result,
    state,
    ending: residentEnding(result, state),
    accountRuns: {
      total: state.summaries,
      minPerAccount: Math.min(...runs),
      maxPerAccount: Math.max(...runs),
      accountsNeverRun: runs.filter((r) => r === 0).length,
      summariesOfUnknownInputs: unknownInputs.length > 0 ? unknownInputs.slice(0, 5) : undefined,
      stoppedBy: state.runsStoppedBy,
      // Ticks that found the account's lease held by another owner: no run, no summary.
      yieldedToAnotherLeaseHolder: state.yields,
    },
    // When each account's first event reached stdout, ms after the start (accounts with any).
    firstEventMs:
      firsts.length > 0
        ? { min: Math.min(...firsts), median: median(firsts), max: Math.max(...firsts) }
        : undefined,
    logLevels: state.levels,
    problemLines: state.problemLines,
  };
}

/** The caught-up accounts as stanzas of one resident process, `cycles` intervals long. */
async function idleResident(stand, accounts, options) {
  const n = accounts.length;
  const samples = [];
  const runMs = [];
  let cycleEvents = 0;
  const run = await runResident(stand, {
    names: accounts.map((a) => a.name),
    params: { interval: String(options.interval) },
    StreamReader: options.StreamReader,
    deadlineMs: (options.cycles + 1) * options.interval * 1500 + 120_000,
    onSummary(summary, state) {
      cycleEvents += summary.events;
      if (Number.isFinite(summary.elapsedMs)) runMs.push(summary.elapsedMs);
      if (state.summaries % n !== 0) return;
      const cpu = processCpuMs(state.child.pid);
      const memory = processMemoryKb(state.child.pid);
      samples.push({
        cycle: samples.length + 1,
        atMs: Math.round(performance.now() - state.started),
        cumulativeCpuMs: cpu && cpu.user + cpu.sys,
        events: cycleEvents,
        rssMb: memory && memory.rss / 1024,
        privateMb: memory && memory.anon / 1024,
        hwmMb: memory && memory.hwm / 1024,
      });
      cycleEvents = 0;
      if (samples.length >= options.cycles) state.stop('cycles');
    },
  });
  samples.forEach((x, i) => {
    x.cpuMs = x.cumulativeCpuMs - (i === 0 ? 0 : samples[i - 1].cumulativeCpuMs);
  });
  // The first cycle carries start-up (Node, the bundle, TLS contexts) and whatever it fetched;
  // a later cycle is idle when its runs fetched nothing.
  const idle = samples.slice(1).filter((x) => x.events === 0);
  const perIdle = idle.length > 0 ? idle.reduce((a, x) => a + x.cpuMs, 0) / idle.length : undefined;
  const { result } = run;
  if (samples.length < options.cycles)
    options.log(
      `  WARN the resident input completed ${samples.length} of ${options.cycles} cycles ` +
        `(${run.accountRuns.total} account-runs) before it was stopped (${run.ending.ending})`,
    );
  if (perIdle !== undefined && perIdle > 0.8 * options.interval * 1000)
    options.log(
      `  WARN an idle cycle took ${Math.round(perIdle)} ms of CPU, near or over the ${options.interval} s interval: ` +
        'the process was saturated and its account-runs ran late, back to back',
    );
  if (samples.slice(1).some((x) => x.events > 0))
    options.log(
      '  WARN a cycle after the first fetched events: those cycles are not counted as idle',
    );
  return {
    interval: options.interval,
    cyclesWanted: options.cycles,
    cycles: samples.length,
    accountRuns: run.accountRuns,
    firstCycleCpuMs: samples[0]?.cpuMs,
    firstCycleEvents: samples[0]?.events,
    idleCycles: idle.length,
    cpuMsPerIdleCycle: perIdle,
    medianIdleCycleCpuMs: idle.length > 0 ? median(idle.map((x) => x.cpuMs)) : undefined,
    maxIdleCycleCpuMs: idle.length > 0 ? Math.max(...idle.map((x) => x.cpuMs)) : undefined,
    cpuMsPerAccountRun: perIdle === undefined ? undefined : perIdle / n,
    shareOfOneCoreAt60s: perIdle === undefined ? undefined : perIdle / 60_000,
    shareOfOneCoreAtBenchInterval:
      perIdle === undefined ? undefined : perIdle / (options.interval * 1000),
    medianAccountRunMs: runMs.length > 0 ? median(runMs) : undefined,
    processCpuMs: result.cpuMs,
    peakRssMb: result.peakRssKb / 1024,
    peakPrivateMb: result.peakAnonKb / 1024,
    rssMbAfterFirstCycle: samples[0]?.rssMb,
    rssMbAfterLastCycle: samples.at(-1)?.rssMb,
    privateMbAfterFirstCycle: samples[0]?.privateMb,
    privateMbAfterLastCycle: samples.at(-1)?.privateMb,
    eventsOnStdout: result.events,
    ...run.ending,
    logLevels: run.logLevels,
    problemLines: run.problemLines,
    perCycle: samples.map((x) => ({
      cycle: x.cycle,
      atMs: x.atMs,
      cpuMs: x.cpuMs,
      events: x.events,
      rssMb: x.rssMb,
      privateMb: x.privateMb,
    })),
  };
}

/** One interval of N idle accounts through the packaged launcher. */
async function perIntervalProcesses(stand, accounts, batch, extraEnv, params) {
  const before = cpuNow();
  const started = performance.now();
  const runs = await inBatches(accounts, batch, (a) => runOf(stand, a.name, extraEnv, params));
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
 * @param {{accounts: number, batch: number, cycles: number, interval: number, StreamReader: Function, log: Function}} options
 */
export async function measureIdleAccounts(stand, options) {
  stand.StreamReader = options.StreamReader;
  const uuid = stand.dataset(30);
  const accounts = [];
  for (let i = 0; i < options.accounts; i++) accounts.push(await stand.account(uuid, 'idle'));
  options.log(`  catching up ${options.accounts} accounts`);
  // The per-run stanzas carry the resident's interval: it sets only the lease time (1.5 intervals,
  // at least 10 s), so the leases these runs leave lapse within 10 s and the resident input, a
  // different lease owner, waits at most that long for them instead of a 90 s lease (interval 60).
  const params = { interval: String(options.interval) };
  const first = await inBatches(accounts, options.batch, (a) => runOf(stand, a.name, {}, params));
  first.forEach((r, i) => assertCleanRun(`idle: first run of account ${i + 1}`, r, 30));

  const perInterval = await perIntervalProcesses(stand, accounts, options.batch, {}, params);
  options.log(
    `  one process per account: ${perInterval.cpuMsPerInterval.toFixed(0)} ms CPU per interval ` +
      `(${(perInterval.shareOfOneCoreAt60s * 100).toFixed(1)} % of a core at 60 s), ` +
      `${perInterval.medianPeakRssMb.toFixed(0)} MB each, ${perInterval.alignedRssMb.toFixed(0)} MB aligned`,
  );
  const cacheDir = mkdtempSync(join(os.tmpdir(), 'op-bench-compile-cache-'));
  let compileCache;
  try {
    const env = { NODE_COMPILE_CACHE: cacheDir };
    await runOf(stand, accounts[0].name, env, params); // fills the cache
    compileCache = await perIntervalProcesses(stand, accounts, options.batch, env, params);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  options.log(
    `  the same with NODE_COMPILE_CACHE: ${compileCache.cpuMsPerInterval.toFixed(0)} ms CPU per interval`,
  );

  // The long-running input: the same caught-up accounts as stanzas of one resident process.
  const resident = await idleResident(stand, accounts, options);
  options.log(
    `  one resident input: ${n0(resident.cpuMsPerIdleCycle)} ms CPU per idle cycle ` +
      `(${pct(resident.shareOfOneCoreAt60s)} of a core at 60 s; first cycle ${n0(resident.firstCycleCpuMs)} ms), ` +
      `${n0(resident.peakRssMb)} MB peak, RSS ${n0(resident.rssMbAfterFirstCycle)} MB after the first cycle, ` +
      `${n0(resident.rssMbAfterLastCycle)} MB after ${resident.cycles}; SIGTERM: ${resident.ending}`,
  );
  return { accounts: options.accounts, batch: options.batch, perInterval, compileCache, resident };
}

/**
 * @param {object} stand from openBed (zero latency, no rate limit)
 * @param {{accounts: number, seconds: number, residentInterval: number, StreamReader: Function, log: Function}} options
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
  if (events.some((e) => e >= backlog))
    options.log(
      '  WARN an account drained the whole backlog: the window measured less than contention',
    );
  const result = {
    accounts: options.accounts,
    backlogPerAccount: backlog,
    maxRunSeconds: options.seconds,
    wallMs: Math.round(wallMs),
    cpuMs,
    ...spread(events),
    sumPeakRssMb: runs.reduce((a, r) => a + r.peakRssKb / 1024, 0),
  };
  options.log(
    `  a process each: ${result.events} events, per account min ${result.minEvents}, ` +
      `median ${result.medianEvents}, max ${result.maxEvents}, Jain's index ${result.jainIndex?.toFixed(3)}`,
  );

  // The same window with fresh accounts on the same backlog, all in one resident process. Each
  // account's first run is longer than the window (max_run_seconds twice it) and SIGTERM ends the
  // window, so every account runs throughout once started. The input spreads first runs over the
  // shortest interval (run-schedule.ts), so `residentInterval` is short (1 s): the figure is the
  // sharing of the process, not the start-up spread. Its lease then lives 10 s (the minimum).
  const residentAccounts = [];
  for (let i = 0; i < options.accounts; i++)
    residentAccounts.push(await stand.account(uuid, 'fairres'));
  const names = residentAccounts.map((a) => a.name);
  const maxRunSeconds = Math.min(3600, Math.max(10, 2 * options.seconds));
  const run = await runResident(stand, {
    names,
    params: { interval: String(options.residentInterval), max_run_seconds: String(maxRunSeconds) },
    StreamReader: options.StreamReader,
    stopAfterMs: options.seconds * 1000,
    deadlineMs: options.seconds * 1000 + 60_000,
  });
  const perAccount = names.map((n) => run.state.eventsByInput.get(n) ?? 0);
  const fromSummaries = names.map((n) => run.state.summaryEventsByInput.get(n));
  const summariesDisagree = names.filter(
    (n, i) => fromSummaries[i] !== undefined && fromSummaries[i] !== perAccount[i],
  );
  if (perAccount.some((e) => e >= backlog))
    options.log('  WARN a resident account drained the whole backlog');
  if (run.state.eventsOfOtherStanzas > 0)
    options.log(
      `  WARN ${run.state.eventsOfOtherStanzas} events on stdout named another stanza: ` +
        [...run.state.otherStanzas].join(', '),
    );
  result.resident = {
    interval: options.residentInterval,
    maxRunSeconds,
    windowSeconds: options.seconds,
    wallMs: Math.round(run.result.wallMs),
    cpuMs: run.result.cpuMs,
    ...spread(perAccount),
    eventsOnStdout: run.result.events,
    firstEventMs: run.firstEventMs,
    eventsOfOtherStanzas: run.state.eventsOfOtherStanzas,
    // Each run's summary counts its events too (when the runs log one at SIGTERM).
    accountsWhoseSummaryDisagrees: summariesDisagree.length,
    accountRuns: run.accountRuns,
    peakRssMb: run.result.peakRssKb / 1024,
    peakPrivateMb: run.result.peakAnonKb / 1024,
    ...run.ending,
    logLevels: run.logLevels,
    problemLines: run.problemLines,
  };
  const r = result.resident;
  options.log(
    `  one resident process: ${r.events} events, per account min ${r.minEvents}, median ${r.medianEvents}, ` +
      `max ${r.maxEvents}, Jain's index ${r.jainIndex?.toFixed(3)}; SIGTERM: ${r.ending}`,
  );
  return result;
}
