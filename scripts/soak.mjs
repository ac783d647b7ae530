#!/usr/bin/env node
/**
 * npm run soak: the SIGKILL campaign of test/integration/reliability/kill-campaign.test.ts at
 * 1,000,000 events. The packaged input (dist/*-linux-x86_64.spl, built by `npm run soak` first) is
 * killed at random moments (seeded PRNG) and rerun until caught up; then every delivered event is
 * checked against the simulator. Prints the figures; exits 1 if anything was lost, repeated outside
 * the documented window, changed, or if a run misbehaved.
 *
 * Environment: SOAK_SEED (else KILL_CAMPAIGN_SEED, else random), SOAK_EVENTS (default 1000000),
 * SOAK_KILLS (default 200), SOAK_SLOW_FRACTION (default 0.25).
 */
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (text = '') => process.stdout.write(`${text}\n`);

/** Bundles the campaign engine (TypeScript, shared with the jest test) for this Node. */
async function loadCampaign() {
  const { build } = require('esbuild');
  const outfile = join(root, 'build', 'soak', 'kill-campaign.cjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'scripts', 'soak', 'kill-campaign.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    logLevel: 'silent',
  });
  return require(outfile);
}

function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not "${raw}"`);
  return value;
}

async function main() {
  const seed = envNumber('SOAK_SEED', envNumber('KILL_CAMPAIGN_SEED', randomInt(1, 2 ** 31 - 1)));
  const events = envNumber('SOAK_EVENTS', 1_000_000);
  const kills = envNumber('SOAK_KILLS', 200);
  const slow = envNumber('SOAK_SLOW_FRACTION', 0.25);
  const { runKillCampaign, feedCounts } = await loadCampaign();
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
  const stories = new Map();
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

main().catch((error) => {
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
