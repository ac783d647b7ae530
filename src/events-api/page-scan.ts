/**
 * One validating pass over an Events API page's bytes: checks the whole body against the JSON
 * grammar (RFC 8259, as JSON.parse reads it) and records where the envelope's `cursor`,
 * `has_more` and `items` are, and each item's raw span and its top-level `uuid` and `timestamp`.
 * Nothing is parsed into objects, so a page costs one read of its bytes and no garbage per
 * member. UTF-8 is not checked here (the caller makes the body valid UTF-8 first); bytes at or
 * above 0x80 are accepted inside strings only, as in text. Pure.
 */

/** How deep an item may nest, counting the item itself (issue 13: 80 MB of brackets took 4 GB). */
export const MAX_ITEM_DEPTH = 64;
// The envelope object and the items array sit above every item.
const MAX_DEPTH = MAX_ITEM_DEPTH + 2;

/** The kind of a JSON value, as the scan records it. */
export const Kind = {
  Absent: 0,
  String: 1,
  Number: 2,
  True: 3,
  False: 4,
  Null: 5,
  Object: 6,
  Array: 7,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** The body is not JSON; `offset` is the byte where the grammar failed. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

/** JSON the grammar accepts but nested beyond MAX_ITEM_DEPTH; `item` is -1 outside the items. */
export class JsonDepthError extends Error {
  constructor(
    readonly item: number,
    readonly offset: number,
  ) {
    super(
      item >= 0
        ? `item ${item} is nested deeper than ${MAX_ITEM_DEPTH} levels (at byte ${offset})`
        : `the body is nested deeper than ${MAX_DEPTH} levels (at byte ${offset})`,
    );
    this.name = 'JsonDepthError';
  }
}

/** A member's value: its kind and, for strings, the span between the quotes. */
export interface ScannedValue {
  readonly kind: Kind;
  /** Strings: first byte after the opening quote; others: first byte of the value. */
  readonly start: number;
  /** Strings: the closing quote; others: just past the value. */
  readonly end: number;
  /** Strings: no escape and no byte above 0x7f, so the bytes are the value as they stand. */
  readonly plain: boolean;
}

export interface ScannedPage {
  /** Kind of the top-level value (the envelope must be an Object). */
  readonly top: Kind;
  /** The last `cursor`, `has_more` and `items` members of the envelope (JSON.parse keeps the last). */
  readonly cursor: ScannedValue;
  readonly hasMore: ScannedValue;
  readonly itemsKind: Kind;
  /** Per element of the last top-level `items` array, flat, STRIDE numbers each (see below). */
  readonly items: readonly number[];
}

// Layout of one element in `items`: its span, its kind, then the `uuid` and `timestamp` members
// (kind, start, end, plain as 0/1) of an Object element.
export const STRIDE = 11;
export const ITEM_START = 0;
export const ITEM_END = 1;
export const ITEM_KIND = 2;
export const UUID = 3;
export const TIMESTAMP = 7;

const absent: ScannedValue = { kind: Kind.Absent, start: 0, end: 0, plain: true };

// Byte classes inside a string: 0 plain ASCII, 1 quote, 2 backslash, 3 control, 4 above 0x7f.
const STRING_CLASS = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_CLASS[c] = 3;
STRING_CLASS[0x22] = 1;
STRING_CLASS[0x5c] = 2;
for (let c = 0x80; c < 0x100; c++) STRING_CLASS[c] = 4;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

// Single-character escapes JSON allows after a backslash: " \ / b f n r t.
const SHORT_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= ZERO && c <= NINE;

const KEY_UUID = Buffer.from('uuid');
const KEY_TIMESTAMP = Buffer.from('timestamp');
const KEY_CURSOR = Buffer.from('cursor');
const KEY_HAS_MORE = Buffer.from('has_more');
const KEY_ITEMS = Buffer.from('items');

class Scanner {
  pos = 0;
  /** Whether the string just skipped was plain (see ScannedValue). */
  plain = true;
  /** Index of the item being scanned, -1 outside the items (for the depth error). */
  item = -1;
  /** Content span of the member name just read by key(). */
  keyStart = 0;
  keyEnd = 0;

  constructor(readonly b: Buffer) {}

  fail(reason: string, at = this.pos): never {
    throw new JsonSyntaxError(at >= this.b.length ? 'unexpected end (truncated)' : reason, at);
  }

  /** Moves past JSON whitespace (space, tab, LF, CR) and returns the next byte (undefined at the end). */
  space(): number | undefined {
    const b = this.b;
    let i = this.pos;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    this.pos = i;
    return c;
  }

  expect(byte: number, what: string): void {
    if (this.space() !== byte) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** Skips the string whose opening quote is at `pos`; `pos` ends on its closing quote. */
  string(): void {
    const b = this.b;
    let i = this.pos + 1;
    let plain = true;
    for (;;) {
      let cls = STRING_CLASS[b[i] as number];
      while (cls === 0) cls = STRING_CLASS[b[++i] as number];
      if (cls === 1) break;
      if (cls === 4) {
        plain = false;
        i++;
      } else if (cls === 2) {
        plain = false;
        const e = b[i + 1] as number;
        if (SHORT_ESCAPE[e] === 1) i += 2;
        else if (e === 0x75) {
          // \uXXXX
          if (!(HEX[b[i + 2] as number] && HEX[b[i + 3] as number]))
            this.fail('bad \\u escape in a string', i);
          if (!(HEX[b[i + 4] as number] && HEX[b[i + 5] as number]))
            this.fail('bad \\u escape in a string', i);
          i += 6;
        } else this.fail('bad escape in a string', i + 1);
      } else if (i >= b.length) this.fail('unterminated string', i);
      else this.fail('control character in a string', i);
    }
    this.pos = i;
    this.plain = plain;
  }

  number(): void {
    const b = this.b;
    let i = this.pos;
    if (b[i] === MINUS) i++;
    const first = b[i];
    if (first === ZERO) i++;
    else if (isDigit(first)) while (isDigit(b[++i]));
    else this.fail('bad number', i);
    if (b[i] === DOT) {
      if (!isDigit(b[++i])) this.fail('bad number', i);
      while (isDigit(b[++i]));
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === MINUS) i++;
      if (!isDigit(b[i])) this.fail('bad number', i);
      while (isDigit(b[++i]));
    }
    this.pos = i;
  }

  literal(word: string, kind: Kind): Kind {
    const b = this.b;
    for (let k = 0; k < word.length; k++)
      if (b[this.pos + k] !== word.charCodeAt(k)) this.fail('unexpected character', this.pos + k);
    this.pos += word.length;
    return kind;
  }

  /** Skips any value starting at the next non-space byte, at `depth` (its container's depth). */
  value(depth: number): Kind {
    const c = this.space();
    switch (c) {
      case QUOTE:
        this.string();
        this.pos++;
        return Kind.String;
      case OPEN_BRACE:
        this.object(depth + 1);
        return Kind.Object;
      case OPEN_BRACKET:
        this.array(depth + 1);
        return Kind.Array;
      case 0x74:
        return this.literal('true', Kind.True);
      case 0x66:
        return this.literal('false', Kind.False);
      case 0x6e:
        return this.literal('null', Kind.Null);
      default:
        if (c === MINUS || isDigit(c)) {
          this.number();
          return Kind.Number;
        }
        return this.fail('unexpected character');
    }
  }

  enter(depth: number): void {
    if (depth > MAX_DEPTH) throw new JsonDepthError(this.item, this.pos);
    this.pos++;
  }

  /** A member name: skipped, `pos` past the colon; its content is b[keyStart, keyEnd). */
  key(): void {
    if (this.space() !== QUOTE) this.fail('expected a member name');
    this.keyStart = this.pos + 1;
    this.string();
    this.keyEnd = this.pos;
    this.pos++;
    this.expect(COLON, "':'");
  }

  /** Continues after a member or element: true on a comma, false on `close` (consumed). */
  next(close: number, what: string): boolean {
    const c = this.space();
    this.pos++;
    if (c === COMMA) return true;
    if (c === close) return false;
    return this.fail(`expected ',' or '${what}'`, this.pos - 1);
  }

  object(depth: number): void {
    this.enter(depth);
    if (this.space() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    do {
      this.key();
      this.value(depth);
    } while (this.next(CLOSE_BRACE, '}'));
  }

  array(depth: number): void {
    this.enter(depth);
    if (this.space() === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    do this.value(depth);
    while (this.next(CLOSE_BRACKET, ']'));
  }

  /** Whether the member name just read by key() is `name`. */
  isKey(name: Buffer): boolean {
    const { keyStart, keyEnd, plain } = this;
    if (plain) {
      if (keyEnd - keyStart !== name.length) return false;
      for (let k = 0; k < name.length; k++) if (this.b[keyStart + k] !== name[k]) return false;
      return true;
    }
    // An escaped key ("uu\u0069d") names the member its decoded text spells.
    return decodeJsonString(this.b, keyStart, keyEnd, false) === name.toString('latin1');
  }

  /** A member's value recorded for the caller: strings by span, others by kind. */
  recorded(depth: number, out: number[], at: number): void {
    const c = this.space();
    if (c === QUOTE) {
      const start = this.pos + 1;
      this.string();
      out[at] = Kind.String;
      out[at + 1] = start;
      out[at + 2] = this.pos;
      out[at + 3] = this.plain ? 1 : 0;
      this.pos++;
    } else {
      out[at] = this.value(depth);
      out[at + 1] = 0;
      out[at + 2] = 0;
      out[at + 3] = 0;
    }
  }

  /** One element of the items array (at depth 2), recorded at `items[at…]`. */
  scanItem(items: number[], at: number): void {
    const c = this.space();
    items[at + ITEM_START] = this.pos;
    // Every slot written, in order: the array stays packed and its length a multiple of STRIDE.
    for (let k = ITEM_END; k < STRIDE; k++) items[at + k] = 0;
    if (c !== OPEN_BRACE) {
      items[at + ITEM_KIND] = this.value(2);
      items[at + ITEM_END] = this.pos;
      return;
    }
    this.enter(3);
    if (this.space() === CLOSE_BRACE) this.pos++;
    else {
      do {
        this.key();
        if (this.isKey(KEY_UUID)) this.recorded(3, items, at + UUID);
        else if (this.isKey(KEY_TIMESTAMP)) this.recorded(3, items, at + TIMESTAMP);
        else this.value(3);
      } while (this.next(CLOSE_BRACE, '}'));
    }
    items[at + ITEM_KIND] = Kind.Object;
    items[at + ITEM_END] = this.pos;
  }

  itemsArray(): number[] {
    const items: number[] = [];
    this.enter(2);
    if (this.space() === CLOSE_BRACKET) {
      this.pos++;
      return items;
    }
    let at = 0;
    do {
      this.item = at / STRIDE;
      this.scanItem(items, at);
      at += STRIDE;
    } while (this.next(CLOSE_BRACKET, ']'));
    this.item = -1;
    return items;
  }

  envelope(): ScannedPage {
    let cursor = absent;
    let hasMore = absent;
    let itemsKind: Kind = Kind.Absent;
    let items: number[] = [];
    const member = new Array<number>(4);
    const recordedValue = (): ScannedValue => {
      this.recorded(1, member, 0);
      return {
        kind: member[0] as Kind,
        start: member[1] as number,
        end: member[2] as number,
        plain: member[3] === 1,
      };
    };
    this.enter(1);
    if (this.space() === CLOSE_BRACE) this.pos++;
    else {
      do {
        this.key();
        if (this.isKey(KEY_ITEMS)) {
          // A later items member replaces an earlier one, as in JSON.parse.
          if (this.space() === OPEN_BRACKET) {
            items = this.itemsArray();
            itemsKind = Kind.Array;
          } else {
            items = [];
            itemsKind = this.value(1);
          }
        } else if (this.isKey(KEY_CURSOR)) cursor = recordedValue();
        else if (this.isKey(KEY_HAS_MORE)) hasMore = recordedValue();
        else this.value(1);
      } while (this.next(CLOSE_BRACE, '}'));
    }
    return { top: Kind.Object, cursor, hasMore, itemsKind, items };
  }
}

/**
 * Scans `bytes` (valid UTF-8) in one pass. Throws JsonSyntaxError where the grammar fails and
 * JsonDepthError where the nesting passes the limit, so a hostile body costs at most one read.
 */
export function scanPage(bytes: Buffer): ScannedPage {
  const s = new Scanner(bytes);
  const first = s.space();
  const page: ScannedPage =
    first === OPEN_BRACE
      ? s.envelope()
      : { top: s.value(0), cursor: absent, hasMore: absent, itemsKind: Kind.Absent, items: [] };
  if (s.space() !== undefined) s.fail('unexpected data after the JSON value');
  return page;
}

/**
 * The text of the JSON string whose content lies in bytes[start, end) (between its quotes):
 * the bytes as they stand when `plain`, else decoded as JSON.parse would.
 */
export function decodeJsonString(
  bytes: Buffer,
  start: number,
  end: number,
  plain: boolean,
): string {
  if (plain) return bytes.toString('latin1', start, end);
  return JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string;
}
