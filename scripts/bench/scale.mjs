/**
 * Scenario 7 (issue [7] scale-out): N accounts on one instance, one input process per account,
 * all started at once as splunkd starts them. Each account backfills its own backlog from the
 * simulator (zero latency). CPU is exact for the whole group (this process's reaped children);
 * per-account RSS is each process's own peak.
 */
import { reapedChildrenCpuMs } from './proc.mjs';
import { assertCleanRun, runMeasured } from './measure.mjs';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * @param {object} stand from openBed (zero latency, no rate limit)
 * @param {{accounts: number[], eventsPerAccount: number, StreamReader: Function, log: Function}} options
 */
export async function measureScaleOut(stand, options) {
  const largest = Math.max(...options.accounts);
  // One simulator account per input, shared by the groups (each group uses fresh splunkd accounts).
  const datasets = Array.from({ length: largest }, () => stand.dataset(options.eventsPerAccount));
  const groups = [];
  for (const count of options.accounts) {
    const accounts = [];
    for (let i = 0; i < count; i++)
      accounts.push(await stand.account(datasets[i], `scale${count}x`));
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const runs = await Promise.all(
      accounts.map((a) =>
        runMeasured({
          command: stand.bed.launcher,
          env: stand.bed.env,
          cwd: stand.bed.splunkHome,
          stdin: stand.inputXml(a.name),
          StreamReader: options.StreamReader,
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const cpuAfter = reapedChildrenCpuMs();
    runs.forEach((r, i) =>
      assertCleanRun(`scale-out ${count}, account ${i + 1}`, r, options.eventsPerAccount),
    );
    const events = runs.reduce((a, r) => a + r.events, 0);
    const cpuMs = cpuAfter.user + cpuAfter.sys - cpuBefore.user - cpuBefore.sys;
    const rss = runs.map((r) => r.peakRssKb / 1024);
    const anon = runs.map((r) => r.peakAnonKb / 1024);
    const group = {
      accounts: count,
      events,
      wallMs: Math.round(wallMs),
      eventsPerSecond: Math.round((events * 1000) / wallMs),
      cpuMsTotal: cpuMs,
      cpuMsPerAccount: cpuMs / count,
      cpuUsPerEvent: (cpuMs * 1000) / events,
      medianPeakRssMbPerAccount: median(rss),
      maxPeakRssMbPerAccount: Math.max(...rss),
      sumPeakRssMb: rss.reduce((a, b) => a + b, 0),
      medianPeakPrivateMbPerAccount: median(anon),
      sumPeakPrivateMb: anon.reduce((a, b) => a + b, 0),
      slowestRunMs: Math.round(Math.max(...runs.map((r) => r.wallMs))),
    };
    groups.push(group);
    options.log(
      `  ${count} account(s): ${events} events in ${(wallMs / 1000).toFixed(1)} s, ` +
        `${group.cpuMsPerAccount.toFixed(0)} ms CPU and ${group.medianPeakRssMbPerAccount.toFixed(0)} MB peak RSS per account`,
    );
  }
  return { eventsPerAccount: options.eventsPerAccount, groups };
}
