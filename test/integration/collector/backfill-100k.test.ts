/**
 * A backfill of 100,000+ events over the three feeds through the packaged launcher: every uuid
 * exactly once, `_time`/sourcetype/index/host right, and `<data>` equal to the simulator's item
 * byte for byte apart from the documented escapes. The token is checked as a canary everywhere.
 */
import { feeds, feedIds } from '../../../src/core/feeds';
import { parseRfc3339, splunkTimeOf } from '../../../src/core/timestamp';
import { startTestbed, type Testbed, uuidsOf } from '../../support/harness';

/** The one documented change to an item: characters XML 1.0 cannot carry become JSON \u escapes. */
function withDocumentedEscapes(raw: string): string {
  return raw.replace(
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

describe('100k-event backfill through the packaged input', () => {
  let bed: Testbed;
  let token: string;
  beforeAll(async () => {
    bed = await startTestbed({
      simulator: {
        seed: 'backfill-100k',
        counts: { signinattempts: 40_000, itemusages: 35_000, auditevents: 25_000 },
        hostileFraction: 0.01,
      },
    });
    token = await bed.addAccount({ name: 'bulk' });
  });
  afterAll(() => bed.stop());

  it('delivers every event exactly once, unchanged', async () => {
    const r = await bed.run('bulk', { account: 'bulk' });
    expect(r.exitCode).toBe(0);
    expect(r.streamError).toBeUndefined();
    expect(r.unprefixed).toEqual([]);
    expect(r.byLevel.ERROR).toEqual([]);
    expect(r.events.length).toBe(100_000);
    let hostile = 0;
    for (const feed of feedIds) {
      const served = bed.sim.allItems(feed);
      const got = r.events.filter((e) => e.sourcetype === feeds[feed].sourcetype);
      expect(got.length).toBe(served.length);
      for (let i = 0; i < served.length; i++) {
        const e = got[i]!;
        const expected = withDocumentedEscapes(served[i]!.raw);
        if (expected !== served[i]!.raw || /[<&]/.test(expected)) hostile++;
        if (e.data !== expected) expect(e.data).toBe(expected); // cheap check first, full diff on failure
        const ts = (JSON.parse(served[i]!.raw) as { timestamp: string }).timestamp;
        expect(e.time).toBe(splunkTimeOf(parseRfc3339(ts)!));
        if (e.index !== 'onepassword' || e.host !== 'testbed-host' || e.done !== true) {
          expect([e.index, e.host, e.done]).toEqual(['onepassword', 'testbed-host', true]);
        }
      }
    }
    expect(hostile).toBeGreaterThan(100);
    const uuids = uuidsOf(r);
    expect(new Set(uuids).size).toBe(100_000);

    // Canary: the token is nowhere but storage/passwords (encrypted there).
    const places: [string, string][] = [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      [
        'KV store',
        JSON.stringify(['onepassword_checkpoints', 'onepassword_health'].map((c) => bed.kvDocs(c))),
      ],
      ['onepassword_accounts.conf', bed.splunkd.confText('onepassword_accounts')],
      ['passwords.conf', bed.splunkd.passwordsConfText()],
      ['child environment', JSON.stringify(bed.env)],
    ];
    for (const [place, text] of places) {
      if (text.includes(token)) throw new Error(`the token leaked into ${place}`);
      expect(text.includes(token.split('.')[2]!)).toBe(false);
    }
  });
});
