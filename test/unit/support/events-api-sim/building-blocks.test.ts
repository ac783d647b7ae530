/** The simulator's pure building blocks: RFC 3339, cursors, page selection, the byte arena, PRNG. */
import fc from 'fast-check';
import { ByteArena } from '../../../support/events-api-sim/columns';
import { CursorCodec, type CursorState } from '../../../support/events-api-sim/cursor-codec';
import { respellJson, jsonSpellings } from '../../../support/events-api-sim/hostile';
import { selectPage, type PageSource } from '../../../support/events-api-sim/paging';
import { Prng, seedWordsOf } from '../../../support/events-api-sim/prng';
import { readFeedRequest } from '../../../support/events-api-sim/request-body';
import {
  compareInstants,
  formatRfc3339,
  parseRfc3339,
  truncateInstant,
  type Instant,
} from '../../../support/events-api-sim/rfc3339';

describe('RFC 3339', () => {
  test.each([
    ['2020-06-11T16:32:50-03:00', { us: Date.parse('2020-06-11T19:32:50Z') * 1000, ns: 0 }],
    [
      '2023-06-30T18:02:23.273264Z',
      { us: Date.parse('2023-06-30T18:02:23Z') * 1000 + 273264, ns: 0 },
    ],
    [
      '2022-10-24T21:07:34.703106271Z',
      { us: Date.parse('2022-10-24T21:07:34Z') * 1000 + 703106, ns: 271 },
    ],
    ['2024-02-29T23:59:59.5+05:30', { us: Date.parse('2024-02-29T18:29:59.5Z') * 1000, ns: 0 }],
    ['0001-01-01T00:00:00Z', { us: Date.parse('0001-01-01T00:00:00Z') * 1000, ns: 0 }],
  ])('parses %s', (text, expected) => {
    const parsed = parseRfc3339(text);
    expect(parsed).toEqual(expected);
  });

  test.each([
    '2023-02-29T00:00:00Z',
    '2023-04-31T00:00:00Z',
    '2023-01-01T23:60:00Z',
    '2023-01-01T23:59:60Z',
    '2023-01-01t00:00:00z',
    '2023-01-01T00:00:00.1234567890Z',
    '2023-01-01T00:00:00+2400',
    '2023-01-01T00:00:00+24:00',
    ' 2023-01-01T00:00:00Z',
    '2023-1-01T00:00:00Z',
  ])('rejects %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  test('format ∘ parse is the identity for every digit count and offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (us, ns, digits, offset) => {
          const instant = truncateInstant({ us, ns }, digits);
          const text = formatRfc3339(instant, digits, offset);
          expect(parseRfc3339(text)).toEqual(instant);
        },
      ),
    );
  });

  test('comparison orders by microseconds then nanoseconds', () => {
    const a: Instant = { us: 10, ns: 999 };
    const b: Instant = { us: 11, ns: 0 };
    expect(compareInstants(a, b)).toBeLessThan(0);
    expect(compareInstants({ us: 11, ns: 1 }, b)).toBeGreaterThan(0);
    expect(compareInstants(b, { ...b })).toBe(0);
  });
});

describe('cursor codec', () => {
  const codec = new CursorCodec(Buffer.alloc(32, 7));
  const state: CursorState = {
    accountUuid: 'ACCOUNT',
    feed: 'auditevents',
    position: 123_456,
    from: { us: 1_700_000_000_000_000, ns: 5 },
    to: undefined,
    limit: 1000,
    issuedAtMs: 1_700_000_000_123,
    epoch: 2,
  };

  test('round-trips, tolerating CR/LF anywhere', () => {
    const cursor = codec.encode(state);
    expect(codec.decode(cursor)).toEqual(state);
    expect(codec.decode(`${cursor}\n`)).toEqual(state);
    expect(codec.decode(`${cursor.slice(0, 8)}\r\n${cursor.slice(8)}\r\n`)).toEqual(state);
    const bounded = { ...state, to: { us: 1_800_000_000_000_000, ns: 0 } };
    expect(codec.decode(codec.encode(bounded))).toEqual(bounded);
  });

  test('is about the size the official app budgets for (≈200 bytes)', () => {
    expect(codec.encode(state).length).toBeLessThan(260);
  });

  test('refuses other keys, tampering, base64url and garbage', () => {
    const cursor = codec.encode(state);
    expect(new CursorCodec(Buffer.alloc(32, 8)).decode(cursor)).toBeUndefined();
    for (let i = 0; i < cursor.length - 2; i += 7) {
      const flipped = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      expect(codec.decode(flipped)).toBeUndefined();
    }
    expect(codec.decode(cursor.replace(/\+/g, '-').replace(/\//g, '_') + '_-')).toBeUndefined();
    for (const junk of [
      '',
      '\n',
      'AAAA',
      'aGVsbG8hIGlzIGl0IG1lIHlvdSBhcmUgbG9va2luZyBmb3IK',
      '%%%',
    ]) {
      expect(codec.decode(junk)).toBeUndefined();
    }
  });
});

describe('page selection', () => {
  /** Events with the given timestamps (µs) in ingestion order; `v2Only` marks indices. */
  function source(stamps: number[], v2Only: number[] = []): PageSource {
    return {
      length: stamps.length,
      isWithin: (i, from, to) => {
        const us = stamps[i] ?? 0;
        return us >= from.us && (to === undefined || us < to.us);
      },
      isServableOn: (i, version) => version === 'v2' || !v2Only.includes(i),
    };
  }
  const at = (us: number): Instant => ({ us, ns: 0 });
  const query = {
    from: at(0),
    to: undefined,
    limit: 2,
    version: 'v2' as const,
    retentionCutoff: at(0),
  };

  test('pages in ingestion order, skipping what the window excludes', () => {
    const s = source([50, 10, 70, 20, 90, 30]);
    const p1 = selectPage(s, { ...query, position: 0, from: at(15), to: at(80) });
    expect(p1).toEqual({ indices: [0, 2], nextPosition: 3, hasMore: true });
    const p2 = selectPage(s, { ...query, position: p1.nextPosition, from: at(15), to: at(80) });
    expect(p2).toEqual({ indices: [3, 5], nextPosition: 6, hasMore: false });
    const p3 = selectPage(s, { ...query, position: p2.nextPosition, from: at(15), to: at(80) });
    expect(p3).toEqual({ indices: [], nextPosition: 6, hasMore: false });
  });

  test('has_more is false when only excluded events follow the page', () => {
    const s = source([1, 2, 100, 100, 100]);
    expect(selectPage(s, { ...query, position: 0, to: at(50) })).toEqual({
      indices: [0, 1],
      nextPosition: 5,
      hasMore: false,
    });
  });

  test('retention cuts below the reset start; v1 skips v2-only events', () => {
    const s = source([5, 15, 25, 35], [2]);
    expect(
      selectPage(s, { ...query, position: 0, limit: 10, retentionCutoff: at(20) }).indices,
    ).toEqual([2, 3]);
    expect(selectPage(s, { ...query, position: 0, limit: 10, version: 'v1' }).indices).toEqual([
      0, 1, 3,
    ]);
  });

  test('walking any window page by page yields each matching event once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 110 }),
        fc.integer({ min: 1, max: 20 }),
        (stamps, lo, hi, limit) => {
          const s = source(stamps);
          const expected = stamps.flatMap((t, i) => (t >= lo && t < hi ? [i] : []));
          const seen: number[] = [];
          let position = 0;
          for (let guard = 0; guard < 1000; guard += 1) {
            const page = selectPage(s, { ...query, position, from: at(lo), to: at(hi), limit });
            seen.push(...page.indices);
            expect(page.indices.length).toBeLessThanOrEqual(limit);
            position = page.nextPosition;
            if (!page.hasMore) break;
          }
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe('request bodies', () => {
  test('a reset reads limit and times; defaults apply', () => {
    expect(readFeedRequest('{}')).toEqual({
      ok: true,
      request: { kind: 'reset', limit: 100, startTime: undefined, endTime: undefined },
    });
    const reading = readFeedRequest(
      '{"limit":5,"start_time":"2024-01-01T00:00:00Z","end_time":null}',
    );
    expect(reading).toEqual({
      ok: true,
      request: {
        kind: 'reset',
        limit: 5,
        startTime: { us: Date.parse('2024-01-01T00:00:00Z') * 1000, ns: 0 },
        endTime: undefined,
      },
    });
    expect(readFeedRequest('{"cursor":"abc","limit":null}')).toEqual({
      ok: true,
      request: { kind: 'cursor', cursor: 'abc' },
    });
  });

  test.each([
    ['', 'body_empty'],
    ['{', 'body_not_json'],
    ['7', 'body_not_object'],
    ['{"cursor":1}', 'cursor_not_string'],
    ['{"cursor":""}', 'cursor_empty'],
    ['{"cursor":"x","start_time":"2024-01-01T00:00:00Z"}', 'cursor_with_reset_fields'],
    ['{"limit":"5"}', 'limit_not_number'],
    ['{"limit":2.5}', 'limit_not_integer'],
    ['{"limit":0}', 'limit_out_of_range'],
    ['{"limit":1001}', 'limit_out_of_range'],
    ['{"start_time":"now"}', 'start_time_malformed'],
    ['{"end_time":false}', 'end_time_malformed'],
  ])('%s → %s', (text, problem) => {
    expect(readFeedRequest(text)).toEqual({ ok: false, problem });
  });
});

describe('byte arena', () => {
  test('keeps texts byte-exact across chunk boundaries, including huge and non-ASCII ones', () => {
    const arena = new ByteArena();
    const rng = new Prng(seedWordsOf('arena'));
    const texts: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const size = rng.chance(0.002) ? 6_000_000 : rng.int(0, 9000);
      const text = `é🔐\uFFFE${'x'.repeat(size)}${i}`;
      texts.push(text);
      expect(arena.append(text)).toBe(i);
    }
    texts.forEach((text, i) => {
      expect(arena.text(i)).toBe(text);
      expect(arena.byteLength(i)).toBe(Buffer.byteLength(text));
    });
  });
});

describe('JSON respelling', () => {
  test('never changes the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...jsonSpellings), (value, spelling) => {
        const text = JSON.stringify(value);
        expect(JSON.parse(respellJson(text, spelling))).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe('PRNG', () => {
  test('is reproducible per seed and per index, and roughly uniform', () => {
    const words = seedWordsOf('prng');
    const a = Prng.forIndex(words, 41);
    const b = Prng.forIndex(words, 41);
    const c = Prng.forIndex(words, 42);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    const rng = new Prng(words);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) {
      const k = rng.int(0, 9);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(600);
  });
});
