/**
 * The delivery guarantee at the unit level (exactly once, except that a SIGKILL inside one write
 * may repeat that one write, at most 16 KiB): the feed loop is interrupted at every step of a page cycle and
 * at many byte offsets inside a write, then rerun; what "splunkd" received must equal the feed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFeed, type FeedLoopDeps } from '../../../src/collector/feed-loop';
import { AddonError } from '../../../src/core/errors';
import { feeds } from '../../../src/core/feeds';
import type { Checkpoint, CheckpointStore } from '../../../src/delivery/checkpoint-store';
import { EventOutput, type OutputTarget } from '../../../src/delivery/event-output';
import { journalSlotPaths, PageJournal } from '../../../src/delivery/page-journal';
import type { PageRequest } from '../../../src/events-api/client';
import { FairPermits } from '../../../src/core/fair-permits';
import { parsePage, type Page } from '../../../src/events-api/page';
import { createLogger } from '../../../src/log/logger';
import { createEventFormatter } from '../../../src/splunk/event-format';

class Killed extends Error {}

interface Fakes {
  api: FakeApi;
  store: MemoryStore;
  received: string[];
}

/** Cursor = position in ingestion order; same cursor, same page. */
class FakeApi {
  items: { uuid: string; raw: string; timestamp: string }[] = [];
  pageSize = 4;
  staleCursors = false;
  constructor(count: number) {
    for (let i = 0; i < count; i++) this.add(i);
  }
  add(i: number): void {
    const timestamp = `2026-11-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}Z`;
    const uuid = `U${String(i).padStart(5, '0')}`;
    this.items.push({ uuid, timestamp, raw: JSON.stringify({ uuid, timestamp, note: `<&>${i}` }) });
  }
  fetch(request: PageRequest): Page {
    let start: number;
    if ('cursor' in request) {
      if (this.staleCursors) throw new AddonError('stale_cursor', 'stale', { status: 400 });
      start = Number(request.cursor.slice(1));
    } else {
      const from = Date.parse(request.start_time);
      start = this.items.findIndex((i) => Date.parse(i.timestamp) >= from);
      if (start === -1) start = this.items.length;
    }
    const slice = this.items.slice(start, start + this.pageSize);
    const body = {
      cursor: `c${start + slice.length}`,
      has_more: start + slice.length < this.items.length,
    };
    // As served: the envelope with the items' raw JSON, parsed by the real page reader.
    return parsePage(
      `${JSON.stringify(body).slice(0, -1)},"items":[${slice.map((i) => i.raw).join(',')}]}`,
    );
  }
}

class MemoryStore implements CheckpointStore {
  readonly kind = 'kvstore' as const;
  docs = new Map<string, Checkpoint>();
  failNextSave: Error | undefined;
  async load(key: string) {
    return this.docs.get(key);
  }
  async save(cp: Checkpoint) {
    if (this.failNextSave) {
      const e = this.failNextSave;
      this.failNextSave = undefined;
      throw e;
    }
    this.docs.set(cp._key, cp);
  }
}

/** A pipe that takes at most `chunk` bytes per write and "dies" after `killAfterWrites` writes. */
function pipe(received: string[], opts: { chunk: number; killAfterWrites?: number }): OutputTarget {
  let writes = 0;
  return {
    write(buffer, offset, length) {
      if (opts.killAfterWrites !== undefined && writes >= opts.killAfterWrites)
        throw new Killed('killed');
      writes++;
      const n = Math.min(length, opts.chunk);
      received.push(buffer.subarray(offset, offset + n).toString('utf8'));
      return n;
    },
    waitWritable: () => Promise.resolve(),
  };
}

function deliveredUuids(received: string[]): string[] {
  // Like splunkd: only complete <event> elements count, a torn one at the end of a run is dropped.
  return received
    .join('')
    .split('<event ')
    .filter((e) => e.includes('</event>'))
    .map((e) => /&quot;uuid&quot;:&quot;|"uuid":"(U\d+)"/.exec(e)?.[1] ?? '');
}

function deps(
  f: Fakes,
  dir: string,
  target: OutputTarget,
  extra: Partial<FeedLoopDeps> = {},
): FeedLoopDeps {
  const logger = createLogger(() => undefined, 'ERROR');
  return {
    feed: feeds.signinattempts,
    account: 'acme',
    input: 'acme',
    limit: f.api.pageSize,
    startTime: new Date('2026-10-01T00:00:00Z'),
    generation: 0,
    fetchPage: async (request) => f.api.fetch(request),
    store: f.store,
    output: new EventOutput(target, () => false),
    journal: new PageJournal(join(dir, 'acme__signinattempts.journal')),
    formatter: createEventFormatter({
      stanza: 's',
      index: 'i',
      sourcetype: 'st',
      source: 'src',
      host: 'h',
    }),
    logger,
    now: () => Date.parse('2026-11-22T00:00:00Z'),
    shouldStop: () => false,
    ...extra,
  };
}

describe('runFeed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feed-loop-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers every event once and commits the last cursor', async () => {
    const f: Fakes = { api: new FakeApi(10), store: new MemoryStore(), received: [] };
    const result = await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(result.error).toBeUndefined();
    expect(result.caughtUp).toBe(true);
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
    expect(f.store.docs.get('acme__signinattempts')?.cursor).toBe('c10');
  });

  it('picks up events added later from the stored cursor, including late ones', async () => {
    const f: Fakes = { api: new FakeApi(5), store: new MemoryStore(), received: [] };
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    f.api.add(3); // ingested now, timestamped in the past
    f.api.items[f.api.items.length - 1]!.uuid = 'U99999';
    f.api.items[f.api.items.length - 1]!.raw = JSON.stringify({
      uuid: 'U99999',
      timestamp: f.api.items[3]!.timestamp,
    });
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(deliveredUuids(f.received)).toEqual([
      ...f.api.items.slice(0, 5).map((i) => i.uuid),
      'U99999',
    ]);
  });

  it.each([1, 2, 3, 5, 8, 13, 21, 34])(
    'loses and duplicates nothing when killed after %i pipe writes, at every chunk size',
    async (killAfter) => {
      for (const chunk of [7, 64, 300, 1 << 20]) {
        const f: Fakes = { api: new FakeApi(23), store: new MemoryStore(), received: [] };
        let r = await runFeed(
          deps(f, dir, pipe(f.received, { chunk, killAfterWrites: killAfter })),
        );
        for (let reruns = 0; r.error && reruns < 100; reruns++) {
          r = await runFeed(
            deps(f, dir, pipe(f.received, { chunk, killAfterWrites: killAfter + reruns })),
          );
        }
        expect(r.error).toBeUndefined();
        expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
        for (const slot of journalSlotPaths(join(dir, 'acme__signinattempts.journal')))
          rmSync(slot, { force: true });
      }
    },
  );

  it.each(['lease lost', 'signal', 'time budget'] as const)(
    'a wait cancelled because the run stopped (%s) ends the feed without an error, cursor kept',
    async (reason) => {
      const f: Fakes = { api: new FakeApi(10), store: new MemoryStore(), received: [] };
      const lines: string[] = [];
      let calls = 0;
      const result = await runFeed(
        deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
          logger: createLogger((line) => lines.push(line), 'DEBUG'),
          fetchPage: async (request) => {
            if (++calls === 2) throw new AddonError('cancelled', 'the run was stopped');
            return f.api.fetch(request);
          },
          stopReason: () => (calls >= 2 ? reason : ''),
        }),
      );
      expect(result.error).toBeUndefined();
      expect(result.caughtUp).toBe(false);
      expect(deliveredUuids(f.received)).toEqual(['U00000', 'U00001', 'U00002', 'U00003']);
      expect(f.store.docs.get('acme__signinattempts')?.cursor).toBe('c4');
      expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    },
  );

  it('a cancel while the run has no stop reason is an error of the feed', async () => {
    const f: Fakes = { api: new FakeApi(10), store: new MemoryStore(), received: [] };
    const result = await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        fetchPage: async () => {
          throw new AddonError('cancelled', 'the run was stopped');
        },
        stopReason: () => '',
      }),
    );
    expect(result.error).toBeInstanceOf(AddonError);
  });

  it('loses and duplicates nothing when killed after the write and before the checkpoint', async () => {
    const f: Fakes = { api: new FakeApi(9), store: new MemoryStore(), received: [] };
    f.store.failNextSave = new Killed('killed between write and checkpoint');
    const first = await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(first.error).toBeInstanceOf(Killed);
    expect(deliveredUuids(f.received)).toEqual(['U00000', 'U00001', 'U00002', 'U00003']);
    const second = await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(second.error).toBeUndefined();
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
  });

  it('loses nothing when killed before a fetch', async () => {
    const f: Fakes = { api: new FakeApi(9), store: new MemoryStore(), received: [] };
    let calls = 0;
    const failing = deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
      fetchPage: async (request) => {
        if (++calls === 2) throw new Killed('killed before fetch');
        return f.api.fetch(request);
      },
    });
    expect((await runFeed(failing)).error).toBeInstanceOf(Killed);
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
  });

  it('recovers from a stale cursor by resetting with overlap and de-duplicating by uuid', async () => {
    const f: Fakes = { api: new FakeApi(6), store: new MemoryStore(), received: [] };
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    for (let i = 6; i < 10; i++) f.api.add(i);
    f.api.staleCursors = true;
    const r = await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        fetchPage: async (request) => {
          const page = f.api.fetch(request);
          f.api.staleCursors = false; // only the stored cursor is stale
          return page;
        },
      }),
    );
    expect(r.error).toBeUndefined();
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
  });

  it('refuses a page that returns the cursor it was given with has_more=true', async () => {
    const f: Fakes = { api: new FakeApi(4), store: new MemoryStore(), received: [] };
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    const r = await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        fetchPage: async () => parsePage('{"cursor":"c4","has_more":true,"items":[]}'),
      }),
    );
    expect(r.error).toBeInstanceOf(AddonError);
    expect((r.error as AddonError).errorClass).toBe('protocol');
    expect(f.store.docs.get('acme__signinattempts')?.cursor).toBe('c4');
  });

  it('leaves the cursor untouched on a fatal 401', async () => {
    const f: Fakes = { api: new FakeApi(4), store: new MemoryStore(), received: [] };
    const r = await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        fetchPage: async () => {
          throw new AddonError('unauthorized', 'revoked', { status: 401 });
        },
      }),
    );
    expect((r.error as AddonError).errorClass).toBe('unauthorized');
    expect(f.store.docs.size).toBe(0);
    expect(f.received).toEqual([]);
  });

  it('under shared page permits (the resident input): at most two pages held, all handed back', async () => {
    const permits = new FairPermits(2);
    const f: Fakes = { api: new FakeApi(10), store: new MemoryStore(), received: [] };
    let most = 0;
    const r = await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        pagePermits: permits,
        fetchPage: async (request) => {
          most = Math.max(most, 2 - permits.available);
          return f.api.fetch(request);
        },
      }),
    );
    expect(r.error).toBeUndefined();
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
    expect(most).toBeGreaterThan(0);
    expect([permits.available, permits.queued]).toEqual([2, 0]);
  });

  it('hands every permit back when a fetch fails (401) or the run stops mid-page', async () => {
    const permits = new FairPermits(1);
    const f: Fakes = { api: new FakeApi(4), store: new MemoryStore(), received: [] };
    await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        pagePermits: permits,
        fetchPage: async () => {
          throw new AddonError('unauthorized', 'revoked', { status: 401 });
        },
      }),
    );
    expect(permits.available).toBe(1);
    let stop = false;
    await runFeed(
      deps(f, dir, pipe(f.received, { chunk: 1 << 20 }), {
        pagePermits: permits,
        fetchPage: async (request) => {
          stop = true;
          return f.api.fetch(request);
        },
        shouldStop: () => stop,
      }),
    );
    expect([permits.available, permits.queued]).toEqual([1, 0]);
  });

  it('stops at an event boundary when asked to stop mid-page, then resumes exactly', async () => {
    const f: Fakes = { api: new FakeApi(12), store: new MemoryStore(), received: [] };
    let writes = 0;
    let stop = false;
    const target = pipe(f.received, { chunk: 50 });
    const counting: OutputTarget = {
      write: (b, o, l) => {
        if (++writes === 6) stop = true;
        return target.write(b, o, l);
      },
      waitWritable: target.waitWritable,
    };
    const d = deps(f, dir, counting, { shouldStop: () => stop });
    const first = await runFeed({ ...d, output: new EventOutput(counting, () => stop) });
    expect(first.error).toBeUndefined();
    expect(first.caughtUp).toBe(false);
    const text = f.received.join('');
    expect(text.endsWith('</event>\n')).toBe(true);
    await runFeed(deps(f, dir, pipe(f.received, { chunk: 1 << 20 })));
    expect(deliveredUuids(f.received)).toEqual(f.api.items.map((i) => i.uuid));
  });
});
