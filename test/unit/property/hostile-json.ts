/**
 * fast-check generators for Events API items that try to break the XML event stream: strings with
 * control characters, U+FFFE/U+FFFF, lone surrogates, `]]>`, `</data></event>`, markup and escapes,
 * very long strings and deep nesting — and a JSON writer that serializes them the way a server
 * legally may (raw non-ASCII, raw lone surrogates, \u escapes anywhere, odd whitespace), not only
 * the way JSON.stringify does.
 */
import fc from 'fast-check';

/** A number beyond 2^53, kept as digits so the writer emits them verbatim. */
export class BigNumberText {
  constructor(readonly digits: string) {}
}

export type JsonValue =
  | null
  | boolean
  | number
  | BigNumberText
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

const hostilePieces = [
  ']]>',
  '</data></event>',
  '</data><done/></event>\n<event>',
  '<![CDATA[',
  '</stream>',
  '&amp;',
  '&#0;',
  '&',
  '<',
  '>',
  '"',
  "'",
  '\\',
  '\\u0000',
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u001F',
  '\t',
  '\n',
  '\r',
  '\u007F',
  '\u0085',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '\uFFFD',
  '\uFFFE',
  '\uFFFF',
  '\uD800', // lone high surrogate
  '\uDBFF',
  '\uDC00', // lone low surrogate
  '\uDFFF',
  '\uDFFF\uD800', // reversed pair: two lone surrogates
  '\uD83D\uDE00', // a valid pair (😀)
  '\u{10FFFF}',
  'é',
  '中',
];

/** One UTF-16 "unit" of a hostile string: a piece above, any code unit, or any code point. */
const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostilePieces) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
);

export const hostileString: fc.Arbitrary<string> = fc.string({ unit: hostileUnit, maxLength: 40 });

/** Long strings (up to ~200 KB): a hostile chunk repeated. */
export const longHostileString: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: hostileUnit, minLength: 1, maxLength: 24 }),
    fc.integer({ min: 500, max: 8000 }),
  )
  .map(([chunk, times]) => chunk.repeat(times));

const bigNumber: fc.Arbitrary<BigNumberText> = fc
  .bigInt({ min: -(10n ** 30n), max: 10n ** 30n })
  .map((n) => new BigNumberText(n.toString()));

const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const scalar: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  number,
  bigNumber,
  hostileString,
);

/** Arbitrary JSON with hostile strings (keys too) and moderate nesting. */
export const hostileJson: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** `leaf` buried `depth` levels deep in alternating arrays and objects. */
export function nestedValue(depth: number, leaf: JsonValue, key: string): JsonValue {
  let value: JsonValue = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { [key]: value };
  return value;
}

/**
 * A value 30 to 62 levels deep: with the item and its member around it, up to the deepest item
 * the parser accepts (MAX_ITEM_DEPTH, 64 levels counting the item itself).
 */
export const deeplyNested: fc.Arbitrary<JsonValue> = fc
  .tuple(fc.integer({ min: 30, max: 62 }), scalar, hostileString)
  .map(([depth, leaf, key]) => nestedValue(depth, leaf, key));

/** `arbitrary` in about one case out of six, else null (big values are slow to check). */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** An item object: arbitrary members, sometimes a very long string or a deep branch. */
export const hostileItem: fc.Arbitrary<{ readonly [key: string]: JsonValue }> = fc
  .tuple(
    fc.dictionary(hostileString, hostileJson, { maxKeys: 8 }),
    rarely(longHostileString),
    rarely(deeplyNested),
  )
  .map(([members, long, deep]) => ({
    ...members,
    ...(long === null ? {} : { long }),
    ...(deep === null ? {} : { deep }),
  }));

/** How a server might write JSON text. `seed` drives the per-token choices deterministically. */
export interface JsonStyle {
  /** stringify: JSON.stringify; raw: every character that may be raw is raw; mixed: random \u escapes. */
  readonly mode: 'stringify' | 'raw' | 'mixed';
  readonly seed: number;
}

export const jsonStyle: fc.Arbitrary<JsonStyle> = fc.record({
  mode: fc.constantFrom('stringify', 'raw', 'mixed'),
  seed: fc.integer(),
});

class Choices {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  /** xorshift32: deterministic, good enough to pick whitespace and escapes. */
  next(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % n;
  }
}

const whitespace = ['', '', '', ' ', '\n', '\t', '\r\n', '  '];
const shortEscapes: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function hex4(code: number, upper: boolean): string {
  const h = code.toString(16).padStart(4, '0');
  return '\\u' + (upper ? h.toUpperCase() : h);
}

function writeString(text: string, mode: JsonStyle['mode'], choices: Choices): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const code = text.charCodeAt(i);
    if (c === '"' || c === '\\' || code < 0x20) {
      const short = shortEscapes[c];
      out += short !== undefined && choices.next(3) > 0 ? short : hex4(code, choices.next(2) === 0);
    } else if (mode === 'mixed' && choices.next(4) === 0) {
      out += c === '/' && choices.next(2) === 0 ? '\\/' : hex4(code, choices.next(2) === 0);
    } else {
      out += c; // raw: lone surrogates, U+FFFE/U+FFFF and markup included
    }
  }
  return out + '"';
}

/** Serializes `value` in `style`. Valid JSON in every style (JSON.parse accepts it). */
export function writeJson(value: JsonValue, style: JsonStyle): string {
  if (style.mode === 'stringify') {
    return JSON.stringify(value, (_k, v: unknown) =>
      v instanceof BigNumberText ? Number(v.digits) : v,
    );
  }
  const choices = new Choices(style.seed);
  const ws = (): string => whitespace[choices.next(whitespace.length)] ?? '';
  const write = (v: JsonValue): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return JSON.stringify(v);
    if (typeof v === 'string') return writeString(v, style.mode, choices);
    if (v instanceof BigNumberText) return v.digits;
    if (Array.isArray(v)) {
      const list = v as readonly JsonValue[];
      return `[${ws()}${list.map((x) => write(x) + ws()).join(`,${ws()}`)}]`;
    }
    const entries = Object.entries(v as { readonly [key: string]: JsonValue });
    return `{${ws()}${entries
      .map(([k, x]) => `${writeString(k, style.mode, choices)}${ws()}:${ws()}${write(x)}${ws()}`)
      .join(`,${ws()}`)}}`;
  };
  return write(value);
}

/** The one documented change the event stream makes to `<data>`: XML-illegal characters become \u escapes. */
export function withDocumentedEscapes(raw: string): string {
  return raw.replace(
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
