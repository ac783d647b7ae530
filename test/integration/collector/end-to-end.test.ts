/**
 * The packaged input, run as splunkd runs it, against the simulator and the splunkd stand-in.
 */
import { feeds, feedIds } from '../../../src/core/feeds';
import { runPackaged, startTestbed, type Testbed } from '../../support/harness';

describe('packaged input end to end', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      simulator: { counts: { signinattempts: 300, itemusages: 250, auditevents: 200 } },
    });
    await bed.addAccount({ name: 'acme' });
  });
  afterAll(() => bed.stop());

  it('prints a scheme splunkd can register', async () => {
    const r = await runPackaged({ launcher: bed.launcher, args: ['--scheme'], env: bed.env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<streaming_mode>xml</streaming_mode>');
  });

  it('backfills all three feeds exactly once with correct metadata, then picks up new events', async () => {
    const first = await bed.run('acme', { account: 'acme', limit: '100' });
    expect(first.unprefixed).toEqual([]);
    expect(first.byLevel.ERROR).toEqual([]);
    expect(first.exitCode).toBe(0);
    for (const feed of feedIds) {
      const served = bed.sim.allItems(feed);
      const got = first.events.filter((e) => e.sourcetype === feeds[feed].sourcetype);
      expect(got.map((e) => (JSON.parse(e.data) as { uuid: string }).uuid)).toEqual(
        served.map((s) => s.uuid),
      );
      for (const [i, e] of got.entries()) {
        expect(e.index).toBe('onepassword');
        expect(e.host).toBe('testbed-host');
        expect(e.source).toBe('onepassword_events://acme');
        expect(e.stanza).toBe('onepassword_events://acme');
        expect(e.unbroken).toBe('1');
        expect(e.done).toBe(true);
        const raw = served[i]!.raw;
        expect(JSON.parse(e.data)).toEqual(JSON.parse(raw));
        const ts = (JSON.parse(raw) as { timestamp: string }).timestamp;
        const whole = Math.floor(Date.parse(ts) / 1000);
        expect(e.time?.split('.')[0]).toBe(String(whole));
      }
    }
    expect(
      first.byLevel.INFO.some((l) => l.startsWith('INFO run summary') && l.includes('events=750')),
    ).toBe(true);
    const checkpoints = bed.kvDocs('onepassword_checkpoints');
    expect(
      checkpoints.filter(
        (d) =>
          String(d['_key']).startsWith('acme__') && d['feed'] !== 'budget' && d['kind'] !== 'lease',
      ),
    ).toHaveLength(3);

    bed.sim.addEvents('itemusages', 7);
    bed.sim.insertLateEvents('signinattempts', 3, { ageMs: 86_400_000 });
    const second = await bed.run('acme', { account: 'acme' });
    expect(second.events.map((e) => e.sourcetype).sort()).toEqual(
      [
        ...Array(7).fill(feeds.itemusages.sourcetype),
        ...Array(3).fill(feeds.signinattempts.sourcetype),
      ].sort(),
    );
    const health = bed.kvDocs('onepassword_health');
    expect(health.map((h) => h['status'])).toEqual(['ok', 'ok', 'ok']);
  });

  it('exits quietly with one INFO line when the account has no token yet', async () => {
    const r = await bed.run('ghost', { account: 'ghost' });
    expect(r.exitCode).toBe(0);
    expect(r.events).toEqual([]);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^INFO .*no saved token/);
  });
});
