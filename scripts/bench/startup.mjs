/**
 * Scenario 4: start-up. Wall time of `--scheme` and of a run that finds nothing new, through the
 * packaged launcher (sh, uname, exec of the bundled Node), median of N; plus a bare
 * `node -e 0` of the same runtime for reference.
 */
import { assertCleanRun, runMeasured } from './measure.mjs';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(runs) {
  return {
    runs: runs.length,
    medianWallMs: Math.round(median(runs.map((r) => r.wallMs)) * 10) / 10,
    minWallMs: Math.round(Math.min(...runs.map((r) => r.wallMs)) * 10) / 10,
    medianCpuMs: median(runs.map((r) => r.cpuMs)),
    medianPeakRssMb: Math.round(median(runs.map((r) => r.peakRssKb)) / 102.4) / 10,
  };
}

/**
 * @param {object} stand from openBed (zero latency)
 * @param {{repeat: number, StreamReader: Function, log: Function}} options
 */
export async function measureStartup(stand, options) {
  const { bed } = stand;
  const bare = [];
  const scheme = [];
  for (let i = 0; i < options.repeat; i++) {
    bare.push(
      await runMeasured({
        command: stand.node,
        args: ['-e', '0'],
        env: bed.env,
        StreamReader: options.StreamReader,
        exclusive: true,
      }),
    );
    const run = await runMeasured({
      command: bed.launcher,
      args: ['--scheme'],
      env: bed.env,
      cwd: bed.splunkHome,
      StreamReader: options.StreamReader,
      exclusive: true,
      keepStdout: true,
    });
    if (run.exitCode !== 0 || !run.stdout.includes('<scheme>'))
      throw new Error(`--scheme failed (exit ${run.exitCode}): ${run.stderr.slice(-300)}`);
    scheme.push(run);
  }

  // An account that is caught up: one backfill, then runs that find nothing new.
  const uuid = stand.dataset(30);
  const account = await stand.account(uuid, 'startup');
  assertCleanRun('startup: first backfill', await stand.run(account.name), 30);
  const kvBefore = stand.kvCalls();
  const requestsBefore = bed.sim.stats.requests;
  const empty = [];
  for (let i = 0; i < options.repeat; i++) {
    const run = await stand.run(account.name);
    assertCleanRun('startup: run with nothing new', run, 0);
    empty.push(run);
  }
  const result = {
    bareNode: summarize(bare),
    scheme: summarize(scheme),
    emptyRun: {
      ...summarize(empty),
      kvCallsPerRun: (stand.kvCalls() - kvBefore) / options.repeat,
      apiRequestsPerRun: (bed.sim.stats.requests - requestsBefore) / options.repeat,
    },
  };
  options.log(
    `  node -e 0 ${result.bareNode.medianWallMs} ms, --scheme ${result.scheme.medianWallMs} ms, ` +
      `empty run ${result.emptyRun.medianWallMs} ms (${result.emptyRun.medianCpuMs} ms CPU)`,
  );
  return result;
}
