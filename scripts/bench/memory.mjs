/**
 * Scenario 3: peak RSS of the input for backlogs of increasing size (one account, three feeds,
 * each backlog drained in one run). Memory should not depend on the backlog: the input holds at
 * most a page and a prefetched page per feed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertCleanRun } from './measure.mjs';

const probe = pathToFileURL(join(import.meta.dirname, 'memory-probe.mjs')).href;

// Runtime settings tried on the same runs: environment only, so the launcher stays as shipped.
// The launcher sets MALLOC_ARENA_MAX=2 unless the environment has one (7 Dec 2026); 16 is glibc's
// own limit on a 2-core host, the setting before.
const variants = [
  ['as shipped (MALLOC_ARENA_MAX=2)', {}],
  ['MALLOC_ARENA_MAX=16 (glibc default here)', { MALLOC_ARENA_MAX: '16' }],
  ['--max-semi-space-size=1', { NODE_OPTIONS: '--max-semi-space-size=1' }],
  ['--v8-pool-size=1 (NODE_OPTIONS)', { NODE_OPTIONS: '--v8-pool-size=1' }],
  ['MALLOC_ARENA_MAX=1', { MALLOC_ARENA_MAX: '1' }],
];

/**
 * Where the memory goes: a run that finds nothing new and a backlog run, each under the memory
 * probe (peaks of process.memoryUsage, V8's heap spaces, smaps_rollup), for each variant.
 */
async function breakdown(stand, { events, workDir, log }) {
  const idleAccount = await stand.account(stand.dataset(30), 'memprobe');
  assertCleanRun('memory probe: catch-up', await stand.run(idleAccount.name), 30);
  const uuid = stand.dataset(events);
  const rows = [];
  for (const [name, env] of variants) {
    for (const [kind, account, expected] of [
      ['idle', idleAccount, 0],
      [`${events / 1000}k`, await stand.account(uuid, 'memprobe'), events],
    ]) {
      const out = join(workDir, 'memory-probe.jsonl');
      rmSync(out, { force: true });
      const options = [env.NODE_OPTIONS, `--import=${probe}`].filter(Boolean).join(' ');
      const run = await stand.run(
        account.name,
        {},
        {
          env: { ...stand.bed.env, ...env, NODE_OPTIONS: options, MEMORY_PROBE_OUT: out },
        },
      );
      assertCleanRun(`memory probe ${name}, ${kind}`, run, expected);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const { peak } = JSON.parse(lines.at(-1));
      rows.push({
        variant: name,
        run: kind,
        peakRssMb: run.peakRssKb / 1024,
        cpuMs: run.cpuMs,
        peak,
      });
      log(
        `  ${name}, ${kind}: peak RSS ${(run.peakRssKb / 1024).toFixed(0)} MB ` +
          `(anon ${(peak['status.RssAnon'] / 1024).toFixed(0)}, file ${(peak['status.RssFile'] / 1024).toFixed(0)}, ` +
          `V8 heap committed ${(peak['node.heapTotal'] / 1024).toFixed(0)}, external ${(peak['node.external'] / 1024).toFixed(0)} MB)`,
      );
    }
  }
  return rows;
}

/**
 * @param {object} stand from openBed (zero latency)
 * @param {{tiers: number[], breakdownEvents: number, workDir: string, log: Function}} options
 */
export async function measureMemory(stand, options) {
  const tiers = [];
  for (const events of options.tiers) {
    const started = Date.now();
    const uuid = stand.dataset(events);
    const generatedMs = Date.now() - started;
    const account = await stand.account(uuid, 'memory');
    const run = await stand.run(account.name);
    assertCleanRun(`memory, ${events} events`, run, events);
    tiers.push({
      events,
      peakRssMb: run.peakRssKb / 1024,
      peakPrivateMb: run.peakAnonKb / 1024,
      wallMs: Math.round(run.wallMs),
      cpuMs: run.cpuMs,
      cpuUsPerEvent: (run.cpuMs * 1000) / events,
      simulatorGenerationMs: generatedMs,
    });
    options.log(
      `  ${events} events: peak RSS ${(run.peakRssKb / 1024).toFixed(0)} MB, ${(run.wallMs / 1000).toFixed(1)} s (generated in ${(generatedMs / 1000).toFixed(1)} s)`,
    );
  }
  const peaks = tiers.map((t) => t.peakRssMb);
  return {
    tiers,
    breakdown: await breakdown(stand, { events: options.breakdownEvents, ...options }),
    maxPeakRssMb: Math.max(...peaks),
    spreadMb: Math.max(...peaks) - Math.min(...peaks),
    growthLargestOverSmallest: peaks.at(-1) / peaks[0],
  };
}
