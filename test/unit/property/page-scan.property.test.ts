/**
 * Property: the single validating pass (scanPage, and parsePage on top of it) accepts exactly
 * what JSON.parse accepts and reads the same values from it — on hostile items written by any
 * legal JSON writer, on those texts damaged by a few edits anywhere (structure, escapes, numbers,
 * literals, truncation), and on items nested past the depth limit, which it alone refuses.
 */
import fc from 'fast-check';
import { AddonError } from '../../../src/core/errors';
import { parseRfc3339, splunkTimeOf } from '../../../src/core/timestamp';
import { MAX_ITEM_DEPTH, parsePage } from '../../../src/events-api/page';
import { JsonDepthError, JsonSyntaxError, scanPage } from '../../../src/events-api/page-scan';
import {
  hostileItem,
  hostileJson,
  hostileString,
  jsonStyle,
  nestedValue,
  writeJson,
  type JsonValue,
} from './hostile-json';

/** Edits that hit what the grammar cares about, plus any byte. */
const edit = fc.tuple(
  fc.nat(),
  fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
  fc.oneof(
    fc.constantFrom(
      ...[',', ':', '[', ']', '{', '}', '"', '\\', '\\u', 'u', '0', '-', '.', 'e', '+', 'E'],
      ...['t', 'true', 'nul', 'null', ' ', '\t', '\n', '\u0000', '\u001f', '\u007f', '\u00a0'],
      ...['\uFEFF', '\u00e9', 'x'],
    ),
    fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
  ),
);

function damage(text: string, edits: readonly (readonly [number, string, string])[]): string {
  let out = text;
  for (const [at, how, what] of edits) {
    const i = at % (out.length + 1);
    if (how === 'insert') out = out.slice(0, i) + what + out.slice(i);
    else if (how === 'delete') out = out.slice(0, i) + out.slice(i + 1);
    else if (how === 'replace') out = out.slice(0, i) + what + out.slice(i + 1);
    else out = out.slice(0, i);
  }
  return out;
}

/** What JSON.parse says of UTF-8 bytes: the value, or that they are not JSON. */
function jsonParse(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

describe('scanPage accepts exactly the JSON that JSON.parse accepts (property)', () => {
  it('on hostile JSON texts in every writing style, whole and damaged', () => {
    fc.assert(
      fc.property(
        hostileJson,
        jsonStyle,
        fc.array(edit, { maxLength: 3 }),
        (value, style, edits) => {
          const bytes = Buffer.from(damage(writeJson(value, style), edits), 'utf8');
          const want = jsonParse(bytes);
          let syntaxError: unknown;
          try {
            scanPage(bytes);
          } catch (error) {
            syntaxError = error;
          }
          if (syntaxError !== undefined) expect(syntaxError).toBeInstanceOf(JsonSyntaxError);
          expect(syntaxError === undefined).toBe(want.ok);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('on short JSON texts with up to two edits (numbers, literals, escapes, structure)', () => {
    const short = fc.oneof(
      fc.json({ maxDepth: 2 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
      fc.constantFrom('{"a":[1,{"b":null}]}', '"a\\u00e9\\n"', '[-0.5e+10,true,false]'),
    );
    const what = fc.constantFrom(
      ...'[]{}",:\\/u0aAfeE.-+tnlx \t\u0001\u00e9'.split(''),
      ...['\\u', '\\x', '\\"', '1e', '.5', 'e5', 'e+', ']]', '{}', '""'],
    );
    fc.assert(
      fc.property(
        short,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), what), {
          maxLength: 2,
        }),
        (text, edits) => {
          const bytes = Buffer.from(damage(text, edits), 'utf8');
          let accepted = true;
          try {
            scanPage(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(JsonSyntaxError);
            accepted = false;
          }
          expect(accepted).toBe(jsonParse(bytes).ok);
        },
      ),
      { numRuns: 20000 },
    );
  });
});

interface Reading {
  readonly cursor: string;
  readonly hasMore: boolean;
  readonly uuids: readonly string[];
  readonly times: readonly string[];
  readonly items: readonly unknown[];
}

/** The contract read from JSON.parse of the whole body, or undefined when the body breaks it. */
function viaJsonParse(bytes: Buffer): Reading | undefined {
  const parsed = jsonParse(bytes);
  if (!parsed.ok) return undefined;
  const v = parsed.value as { cursor?: unknown; has_more?: unknown; items?: unknown };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  if (typeof v.cursor !== 'string' || v.cursor === '' || typeof v.has_more !== 'boolean')
    return undefined;
  if (!Array.isArray(v.items)) return undefined;
  const uuids: string[] = [];
  const times: string[] = [];
  for (const item of v.items as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const { uuid, timestamp } = item as { uuid?: unknown; timestamp?: unknown };
    if (typeof uuid !== 'string' || uuid === '' || typeof timestamp !== 'string') return undefined;
    const time = parseRfc3339(timestamp);
    if (!time) return undefined;
    uuids.push(uuid);
    times.push(splunkTimeOf(time));
  }
  return { cursor: v.cursor, hasMore: v.has_more, uuids, times, items: v.items as unknown[] };
}

function viaParsePage(bytes: Buffer): Reading | undefined {
  try {
    const page = parsePage(bytes);
    return {
      cursor: page.cursor,
      hasMore: page.hasMore,
      uuids: page.items.map((i) => i.uuid),
      times: page.items.map((i) => splunkTimeOf(i.timestamp)),
      items: page.items.map(
        (i) => JSON.parse(page.bytes.toString('utf8', i.start, i.end)) as unknown,
      ),
    };
  } catch (error) {
    expect(error).toBeInstanceOf(AddonError);
    expect((error as AddonError).errorClass).toBe('protocol');
    return undefined;
  }
}

const timestamp = fc
  .tuple(
    fc.integer({ min: 0, max: 59 }),
    fc.constantFrom('', '.5', '.123456789', '.000001'),
    fc.constantFrom('Z', 'z', '+02:00', '-11:30'),
  )
  .map(([s, f, z]) => `2026-03-01T10:00:${String(s).padStart(2, '0')}${f}${z}`);

/** An item: hostile members, with uuid and timestamp anywhere among them. */
const item: fc.Arbitrary<{ readonly [key: string]: JsonValue }> = fc
  .tuple(hostileItem, hostileString, timestamp, fc.nat(), fc.boolean())
  .map(([members, uuid, time, at, early]) => {
    const entries = Object.entries(members).filter(([k]) => k !== 'uuid' && k !== 'timestamp');
    const pos = at % (entries.length + 1);
    const own: [string, JsonValue][] = [
      ['uuid', `u${uuid}`],
      ['timestamp', time],
    ];
    return Object.fromEntries([
      ...(early ? own : []),
      ...entries.slice(0, pos),
      ...own,
      ...entries.slice(pos),
    ]);
  });

const page = fc
  .tuple(
    fc.array(fc.tuple(item, jsonStyle), { maxLength: 5 }),
    hostileString,
    fc.boolean(),
    hostileJson,
    jsonStyle,
    fc.nat(3),
  )
  .map(([items, cursor, hasMore, extra, style, order]) => {
    const members = [
      `${writeJson('cursor', style)}:${writeJson(`c${cursor}`, style)}`,
      `"has_more":${hasMore}`,
      `"items":[${items.map(([it, s]) => writeJson(it, s)).join(',')}]`,
      `${writeJson('extra', style)}:${writeJson(extra, style)}`,
    ];
    const rotated = [...members.slice(order), ...members.slice(0, order)];
    return `{${rotated.join(',')}}`;
  });

describe('parsePage reads what JSON.parse reads (property)', () => {
  it('on hostile pages: the same cursor, has_more, uuids, _time and items', () => {
    fc.assert(
      fc.property(page, (body) => {
        const bytes = Buffer.from(body, 'utf8');
        const want = viaJsonParse(bytes);
        expect(want).toBeDefined();
        expect(viaParsePage(bytes)).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('on damaged hostile pages: the same reading, or both refuse', () => {
    fc.assert(
      fc.property(page, fc.array(edit, { minLength: 1, maxLength: 3 }), (body, edits) => {
        const bytes = Buffer.from(damage(body, edits), 'utf8');
        expect(viaParsePage(bytes)).toEqual(viaJsonParse(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses an item nested deeper than MAX_ITEM_DEPTH, which JSON.parse would take', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_ITEM_DEPTH, max: 3000 }),
        fc.nat(4),
        hostileString,
        (depth, index, key) => {
          const items = Array.from({ length: 5 }, (_, i) => {
            const deep = i === index ? { deep: nestedValue(depth, null, key) } : {};
            return JSON.stringify({ uuid: `u${i}`, timestamp: '2026-03-01T10:00:00Z', ...deep });
          });
          const body = Buffer.from(`{"cursor":"c","has_more":false,"items":[${items.join(',')}]}`);
          expect(viaJsonParse(body)).toBeDefined();
          expect(() => scanPage(body)).toThrow(JsonDepthError);
          expect(() => parsePage(body)).toThrow(
            new RegExp(`item ${index} is nested deeper than ${MAX_ITEM_DEPTH} levels`),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
