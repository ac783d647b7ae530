/**
 * Scenario 3: peak RSS of the input for backlogs of increasing size (one account, three feeds,
 * each backlog drained in one run). Memory should not depend on the backlog: the input holds at
 * most a page and a prefetched page per feed.
 */
import { assertCleanRun } from './measure.mjs';

/**
 * @param {object} stand from openBed (zero latency)
 * @param {{tiers: number[], log: Function}} options
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
    maxPeakRssMb: Math.max(...peaks),
    spreadMb: Math.max(...peaks) - Math.min(...peaks),
    growthLargestOverSmallest: peaks.at(-1) / peaks[0],
  };
}
