/**
 * At least 100 SIGKILLs at random moments of the packaged input's runs over a 100,000-event
 * backlog (three accounts, page sizes 1000, 250 and 37; a quarter of the runs read by a slow
 * reader so kills land mid-write), each followed by a rerun, until caught up. The union of what
 * splunkd received must be the simulator's events: none lost, none duplicated, none changed.
 *
 * Kill times come from a seeded PRNG (KILL_CAMPAIGN_SEED to replay one). `npm run soak` runs the
 * same campaign at 1,000,000 events.
 */
import { randomInt } from 'node:crypto';
import { feedCounts, runKillCampaign } from '../../../scripts/soak/kill-campaign';

const seed = process.env['KILL_CAMPAIGN_SEED']
  ? Number(process.env['KILL_CAMPAIGN_SEED'])
  : randomInt(1, 2 ** 31 - 1);

describe('SIGKILL campaign through the packaged launcher', () => {
  it('delivers a 100k backlog across 100+ random kills exactly once, except that a SIGKILL inside one write may repeat that one write (at most 16 KiB)', async () => {
    console.log(`kill campaign seed=${seed} (replay with KILL_CAMPAIGN_SEED=${seed})`);
    expect(Number.isInteger(seed)).toBe(true);
    const report = await runKillCampaign({
      seed,
      accounts: [
        { name: 'kc-1000', limit: 1000, counts: feedCounts(60_000) },
        { name: 'kc-250', limit: 250, counts: feedCounts(28_000) },
        { name: 'kc-37', limit: 37, counts: feedCounts(12_000) },
      ],
      targetKills: 100,
      slowReaderFraction: 0.25,
    });
    const { duplicates, anomalies, ...figures } = report;
    console.log(`kill campaign figures ${JSON.stringify(figures)}`);
    // Duplicates of one interrupted write share their evidence: one line per story.
    const stories = new Map<string, number>();
    for (const d of duplicates) {
      const story = `${d.account}/${d.feed} ${d.cause}: ${d.evidence}`;
      stories.set(story, (stories.get(story) ?? 0) + 1);
    }
    if (stories.size > 0)
      console.log([...stories].map(([story, n]) => `${n} duplicate(s): ${story}`).join('\n'));

    expect(anomalies).toEqual([]);
    expect(report.backlog).toBeGreaterThanOrEqual(100_000);
    expect(report.kills).toBeGreaterThanOrEqual(100);
    expect(report.reruns).toBeGreaterThanOrEqual(report.kills);
    // The kills really hit every phase: start-up, and pages cut in the middle of an event.
    expect(report.killsBeforeFirstEvent).toBeGreaterThan(0);
    expect(report.killsMidEvent).toBeGreaterThan(0);
    expect(report.killsWithSlowReader).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.unexpected).toBe(0);
    expect(report.changed).toBe(0);
    // Exactly once, apart from the one window README "Guarantees" documents (a kill between a
    // write() returning and the journal update). Every other duplicate is a bug.
    expect(duplicates.filter((d) => d.cause !== 'write-journal window')).toEqual([]);
    expect(report.duplicated).toBe(duplicates.length);
  });
});
