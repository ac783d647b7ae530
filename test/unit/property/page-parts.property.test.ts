/**
 * Property: parsePage agrees with JSON.parse of the whole body on valid pages and on pages with
 * random damage near the structure: extra or missing commas, brackets, braces, quotes, colons, a
 * second items array (JSON.parse keeps the last one, and so must the single pass). Whatever
 * JSON.parse says of the whole body, parsePage must say the same: the same items, or a protocol
 * error.
 */
import fc from 'fast-check';
import { AddonError } from '../../../src/core/errors';
import { parseRfc3339 } from '../../../src/core/timestamp';
import { parsePage } from '../../../src/events-api/page';

const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');
const item = fc
  .record({
    uuid: fc.constantFrom('a', 'b\u00e9', 'c,]', 'd"}'),
    extra: fc.constantFrom('', ',"n":[1,{"x":"]"}]', ',"s":"\\"],["', ',"o":{}'),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map(
    ({ uuid, extra, second }) =>
      `{"uuid":${JSON.stringify(uuid)},"timestamp":"2026-01-01T00:00:${String(second).padStart(2, '0')}Z"${extra}}`,
  );
const page = fc
  .tuple(fc.array(fc.tuple(ws, item, ws), { maxLength: 5 }), ws, fc.boolean(), fc.boolean())
  .map(([items, pad, hasMore, itemsFirst]) => {
    const array = `[${pad}${items.map(([a, it, b]) => `${a}${it}${b}`).join(',')}]`;
    const rest = `"cursor":"cur","has_more":${hasMore}`;
    return itemsFirst
      ? `{"items":${pad}${array},${rest}}`
      : `{${rest},${pad}"items":${array}${pad}}`;
  });
const damaged = fc
  .tuple(
    page,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete'),
        fc.constantFrom(',', '[', ']', '{', '}', '"', ':', ' ', 'x', ',"items":[]', '\u0001'),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([text, edits]) => {
    let out = text;
    for (const [at, how, what] of edits) {
      const i = at % (out.length + 1);
      out =
        how === 'insert'
          ? out.slice(0, i) + what + out.slice(i)
          : out.slice(0, i) + out.slice(i + 1);
    }
    return out;
  });

interface Outcome {
  readonly ok: boolean;
  readonly cursor?: string;
  readonly uuids?: readonly string[];
  readonly raws?: readonly unknown[];
}

/** What the whole-body reading says: JSON.parse, then the envelope's contract and timestamps. */
function expected(body: string): Outcome {
  let value: { cursor?: unknown; has_more?: unknown; items?: unknown };
  try {
    value = JSON.parse(body) as typeof value;
  } catch {
    return { ok: false };
  }
  const items = value.items;
  const valid =
    typeof value.cursor === 'string' &&
    value.cursor.length > 0 &&
    typeof value.has_more === 'boolean' &&
    Array.isArray(items) &&
    items.every(
      (i: unknown) =>
        typeof i === 'object' &&
        i !== null &&
        !Array.isArray(i) &&
        typeof (i as { uuid?: unknown }).uuid === 'string' &&
        (i as { uuid: string }).uuid.length > 0 &&
        typeof (i as { timestamp?: unknown }).timestamp === 'string' &&
        parseRfc3339((i as { timestamp: string }).timestamp) !== undefined,
    );
  if (!valid) return { ok: false };
  return {
    ok: true,
    cursor: value.cursor as string,
    uuids: (items as { uuid: string }[]).map((i) => i.uuid),
    raws: items as unknown[],
  };
}

function actual(body: string): Outcome {
  try {
    const p = parsePage(Buffer.from(body, 'utf8'));
    return {
      ok: true,
      cursor: p.cursor,
      uuids: p.items.map((i) => i.uuid),
      raws: p.items.map((i) => JSON.parse(p.bytes.toString('utf8', i.start, i.end)) as unknown),
    };
  } catch (error) {
    expect(error).toBeInstanceOf(AddonError);
    expect((error as AddonError).errorClass).toBe('protocol');
    return { ok: false };
  }
}

describe('parsePage agrees with parsing the whole body (property)', () => {
  it('on valid pages and on pages damaged near their structure', () => {
    fc.assert(
      fc.property(fc.oneof(page, damaged), (body) => {
        expect(actual(body)).toEqual(expected(body));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses the separators JSON refuses between items', () => {
    const a = '{"uuid":"a","timestamp":"2026-01-01T00:00:00Z"}';
    for (const items of [`${a},,${a}`, `${a},`, `,${a}`, `${a} ${a}`, `${a},\u0001${a}`]) {
      expect(() => parsePage(`{"cursor":"c","has_more":false,"items":[${items}]}`)).toThrow(
        /not valid JSON/,
      );
    }
  });
});
