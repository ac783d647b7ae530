/** Checks shared by the emulated platforms' runs of their own packages. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appId } from '../../../src/core/app-identity';
import { feeds, feedIds } from '../../../src/core/feeds';
import { parseRfc3339, splunkTimeOf } from '../../../src/core/timestamp';
import { ensurePackage, type RunResult, type Testbed } from '../../support/harness';

/** The one documented change to an item: characters XML 1.0 cannot carry become JSON \u escapes. */
function withDocumentedEscapes(raw: string): string {
  return raw.replace(
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** Every served item arrived once, in order, byte for byte, with its time, index and host. */
export function expectBackfillUnchanged(bed: Testbed, r: RunResult): void {
  expect(r.streamError).toBeUndefined();
  expect(r.unprefixed).toEqual([]);
  expect(r.byLevel.ERROR).toEqual([]);
  for (const feed of feedIds) {
    const served = bed.sim.allItems(feed);
    const got = r.events.filter((e) => e.sourcetype === feeds[feed].sourcetype);
    expect(got.length).toBe(served.length);
    for (let i = 0; i < served.length; i++) {
      const e = got[i]!;
      const expected = withDocumentedEscapes(served[i]!.raw);
      if (e.data !== expected) expect(e.data).toBe(expected); // cheap check first, full diff on failure
      const ts = (JSON.parse(served[i]!.raw) as { timestamp: string }).timestamp;
      expect(e.time).toBe(splunkTimeOf(parseRfc3339(ts)!));
      if (e.index !== 'onepassword' || e.host !== 'testbed-host' || e.done !== true) {
        expect([e.index, e.host, e.done]).toEqual(['onepassword', 'testbed-host', true]);
      }
    }
  }
}

/** The universal package extracted into a fresh folder; remove() deletes it. */
export function extractUniversal(): { appDir: string; remove: () => void } {
  const spl = ensurePackage('universal');
  const dir = mkdtempSync(join(tmpdir(), 'op-universal-'));
  execFileSync('tar', ['-xzf', spl, '-C', dir]);
  return { appDir: join(dir, appId), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
