/**
 * Turns a response body into a page whose items keep their exact raw JSON text, so fields that
 * 1Password adds later (and numbers beyond 2^53) reach Splunk untouched. zod validates only what
 * the collector relies on. Pure.
 */
import { isUtf8 } from 'node:buffer';
import * as z from 'zod/mini';
import { AddonError } from '../core/errors';
import { parseRfc3339, type ParsedTimestamp } from '../core/timestamp';

export interface PageItem {
  readonly uuid: string;
  readonly timestamp: ParsedTimestamp;
  /** Where the item's exact raw JSON lies in the page's `bytes` (byte offsets, end excluded). */
  readonly start: number;
  readonly end: number;
}

export interface Page {
  readonly cursor: string;
  readonly hasMore: boolean;
  readonly items: readonly PageItem[];
  /** The body as served (UTF-8; invalid sequences replaced by U+FFFD), never decoded. */
  readonly bytes: Buffer;
}

const envelopeSchema = z.object({
  cursor: z.string().check(z.minLength(1, 'cursor is empty')),
  has_more: z.boolean(),
  items: z.array(
    // z.object, not looseObject: only these two fields are read, and copying every other
    // member of every item cost more than the check itself (the raw bytes keep them all).
    z.object({
      uuid: z.string().check(z.minLength(1)),
      timestamp: z.string(),
    }),
  ),
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the closing quote of the string starting at `start` (which holds a quote). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) throw new Error('unterminated string');
    let backslashes = 0;
    for (let j = q - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** `end` moved back over JSON whitespace (what trimEnd did on the slice). */
function trimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && text.charCodeAt(e - 1) <= 0x20) e--;
  return e;
}

/**
 * Finds the raw text of each element of the top-level "items" array. Assumes `text` is valid JSON
 * (JSON.parse has already accepted it).
 */
export function sliceItems(text: string): string[] {
  const spans = sliceItemSpans(text);
  const slices: string[] = [];
  for (let k = 0; k < spans.length; k += 2) slices.push(text.slice(spans[k], spans[k + 1]));
  return slices;
}

/**
 * Start and end offsets of each element of the top-level "items" array (same rules), flat:
 * [start0, end0, start1, end1, …].
 */
export function sliceItemSpans(text: string): number[] {
  let depth = 0;
  let i = 0;
  let inItems = false;
  let itemsDepth = -1;
  let elementStart = -1;
  let lastKey = '';
  let expectingKey = false;
  const slices: number[] = [];
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (depth === 1 && expectingKey) lastKey = text.slice(i + 1, end - 1);
      if (inItems && depth === itemsDepth && elementStart === -1) elementStart = i;
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { or [
      if (!inItems && depth === 1 && c === 0x5b && lastKey === 'items') {
        inItems = true;
        itemsDepth = depth + 1;
      } else if (inItems && depth === itemsDepth && elementStart === -1) {
        elementStart = i;
      }
      depth++;
      expectingKey = c === 0x7b;
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      if (inItems && depth === itemsDepth - 1) {
        if (elementStart !== -1) slices.push(elementStart, trimmedEnd(text, elementStart, i));
        inItems = false;
        elementStart = -1;
      }
      expectingKey = false;
      i++;
      continue;
    }
    if (c === 0x2c) {
      // ,
      if (inItems && depth === itemsDepth && elementStart !== -1) {
        slices.push(elementStart, trimmedEnd(text, elementStart, i));
        elementStart = -1;
      }
      if (depth === 1) expectingKey = true;
      i++;
      continue;
    }
    if (c === 0x3a) {
      expectingKey = false;
      i++;
      continue;
    }
    if (inItems && depth === itemsDepth && elementStart === -1 && c > 0x20) elementStart = i;
    i++;
  }
  return slices;
}

function contractError(message: string): AddonError {
  return new AddonError('protocol', `the Events API answered outside its contract: ${message}`);
}

const nonAscii = /[\u0080-\uffff]/;

/**
 * Parses a page without decoding it to UTF-16: the body is read as a one-byte string (char i =
 * byte i). JSON's structure is ASCII, so JSON.parse of that text accepts exactly the bodies it
 * accepts as UTF-8 text, and offsets in it are byte offsets into the body, which the page keeps
 * for the formatter. Invalid UTF-8 is replaced by U+FFFD first, as a text decoder would.
 */
export function parsePage(body: Buffer | string): Page {
  const whole = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // A leading UTF-8 BOM is dropped, as undici's text() (the decoder used before) dropped it.
  const input =
    whole[0] === 0xef && whole[1] === 0xbb && whole[2] === 0xbf ? whole.subarray(3) : whole;
  const bytes = isUtf8(input) ? input : Buffer.from(input.toString('utf8'), 'utf8');
  const text = bytes.toString('latin1');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw contractError(`the body is not valid JSON (${bytes.length} bytes, truncated or corrupt)`);
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw contractError(`${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`);
  }
  const spans = sliceItemSpans(text);
  const parsedItems = parsed.data.items;
  if (spans.length !== parsedItems.length * 2) {
    throw contractError(
      `could not isolate the raw items (${spans.length / 2} of ${parsedItems.length})`,
    );
  }
  const items: PageItem[] = new Array<PageItem>(parsedItems.length);
  for (let index = 0; index < parsedItems.length; index++) {
    const item = parsedItems[index] as { uuid: string; timestamp: string };
    const start = spans[2 * index] as number;
    const end = spans[2 * index + 1] as number;
    // Values were read from the one-byte view: anything beyond ASCII is read again as UTF-8.
    const fields =
      nonAscii.test(item.uuid) || nonAscii.test(item.timestamp)
        ? (JSON.parse(bytes.toString('utf8', start, end)) as { uuid: string; timestamp: string })
        : item;
    const timestamp = parseRfc3339(fields.timestamp);
    if (!timestamp)
      throw contractError(
        `item ${fields.uuid} has an unreadable timestamp "${fields.timestamp.slice(0, 40)}"`,
      );
    items[index] = { uuid: fields.uuid, timestamp, start, end };
  }
  // A cursor beyond ASCII (never seen; opaque base64 in practice) is read again from UTF-8 text.
  const cursor = nonAscii.test(parsed.data.cursor)
    ? (JSON.parse(bytes.toString('utf8')) as { cursor: string }).cursor
    : parsed.data.cursor;
  return { cursor, hasMore: parsed.data.has_more, items, bytes };
}
