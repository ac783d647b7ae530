/**
 * What scripts/soak.mjs runs through tsx: the SIGKILL campaign at soak size (see soak.mjs for the
 * environment it reads). Prints the figures; exit 1 if anything was lost, repeated outside the
 * documented window, changed, or if a run misbehaved.
 */
import { randomInt } from 'node:crypto';
import { feedCounts, runKillCampaign } from './kill-campaign';

const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const seed = envNumber('SOAK_SEED', envNumber('KILL_CAMPAIGN_SEED', randomInt(1, 2 ** 31 - 1)));
  const events = envNumber('SOAK_EVENTS', 1_000_000);
  const kills = envNumber('SOAK_KILLS', 200);
  const slow = envNumber('SOAK_SLOW_FRACTION', 0.25);
  say(`soak seed=${seed} (replay with SOAK_SEED=${seed})`);
  say(`backlog ${events} events over 3 accounts (page sizes 1000, 250, 37), ${kills}+ SIGKILLs`);
  const report = await runKillCampaign({
    seed,
    accounts: [
      { name: 'soak-1000', limit: 1000, counts: feedCounts(Math.round(events * 0.6)) },
      { name: 'soak-250', limit: 250, counts: feedCounts(Math.round(events * 0.28)) },
      {
        name: 'soak-37',
        limit: 37,
        counts: feedCounts(events - Math.round(events * 0.6) - Math.round(events * 0.28)),
      },
    ],
    targetKills: kills,
    slowReaderFraction: slow,
    progress: (line) => say(`  ${line}`),
  });
  const documented = report.duplicates.filter((d) => d.cause === 'write-journal window');
  const bugs = report.duplicates.filter((d) => d.cause !== 'write-journal window');
  say();
  say(`seed                 ${report.seed}`);
  say(
    `kills                ${report.kills} (before the first event: ${report.killsBeforeFirstEvent}, mid-event: ${report.killsMidEvent}, slow reader: ${report.killsWithSlowReader})`,
  );
  say(`runs                 ${report.runs} (reruns after a kill: ${report.reruns})`);
  say(
    `events               ${report.events} (backlog ${report.backlog}, trickle ${report.trickle})`,
  );
  say(`received             ${report.received}`);
  say(`lost                 ${report.lost}`);
  say(
    `duplicated           ${report.duplicated} (documented window: ${documented.length}, other: ${bugs.length})`,
  );
  say(`unexpected           ${report.unexpected}`);
  say(`changed              ${report.changed}`);
  say(`anomalies            ${report.anomalies.length}`);
  say(`duration             ${(report.durationMs / 1000).toFixed(1)} s`);
  say(`bundle sha256        ${report.bundleSha256}`);
  // Duplicates of one interrupted page share their evidence: print each story once.
  const stories = new Map<string, string[]>();
  for (const d of report.duplicates) {
    const key = `${d.account}/${d.feed} ${d.cause}: ${d.evidence}`;
    stories.set(key, [...(stories.get(key) ?? []), d.uuid]);
  }
  for (const [story, uuids] of stories)
    say(`  ${uuids.length} duplicate(s), e.g. ${uuids[0]}: ${story}`);
  for (const a of report.anomalies.slice(0, 20)) say(`  anomaly: ${a}`);
  const { duplicates, anomalies, ...figures } = report;
  say(
    `SOAK ${JSON.stringify({ ...figures, duplicatesOther: bugs.length, anomalies: anomalies.length, duplicateCauses: [...new Set(duplicates.map((d) => d.cause))] })}`,
  );
  const ok =
    report.lost === 0 &&
    report.unexpected === 0 &&
    report.changed === 0 &&
    bugs.length === 0 &&
    report.anomalies.length === 0 &&
    report.kills >= kills;
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  const where =
    error instanceof Error
      ? (error.stack ?? '')
          .split('\n')
          .slice(1, 4)
          .map((l) => l.trim())
          .join(' <- ')
      : '';
  process.stderr.write(
    `ERROR soak: ${error instanceof Error ? error.message : String(error)} (${where})\n`,
  );
  process.exitCode = 1;
});
