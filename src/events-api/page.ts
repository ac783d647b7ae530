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

// z.object, not looseObject: only these two fields are read, and copying every other member of
// every item cost more than the check itself (the raw bytes keep them all).
const itemSchema = z.object({
  uuid: z.string().check(z.minLength(1)),
  timestamp: z.string(),
});

const envelopeSchema = z.object({
  cursor: z.string().check(z.minLength(1, 'cursor is empty')),
  has_more: z.boolean(),
  items: z.array(itemSchema),
});

type Envelope = z.infer<typeof envelopeSchema>;

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
  return scanItems(text).spans;
}

interface ItemsScan {
  /** [start0, end0, start1, end1, …] of the elements of the top-level "items" arrays. */
  readonly spans: number[];
  /** [open, close] offsets of the brackets of each top-level "items" array. */
  readonly arrays: number[];
}

function scanItems(text: string): ItemsScan {
  const arrays: number[] = [];
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
        arrays.push(i);
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
        arrays.push(i);
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
  return { spans: slices, arrays };
}

function contractError(message: string): AddonError {
  return new AddonError('protocol', `the Events API answered outside its contract: ${message}`);
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Whether text[from, to) is JSON whitespace, with exactly one comma in it when `comma` is set. */
function isSeparator(text: string, from: number, to: number, comma: boolean): boolean {
  let commas = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c) commas++;
    else if (!isJsonSpace(c)) return false;
  }
  return commas === (comma ? 1 : 0);
}

/**
 * The envelope read in parts: the body with its items array emptied, then each item on its own.
 * Same result as JSON.parse of the whole body, but each item's tree dies young instead of the
 * whole page's tree living until the parse ends (which promoted it to the old generation: most
 * of the input's GC work and heap growth). Undefined whenever the parts do not prove the body
 * valid (not exactly one items array, anything but whitespace and commas between the items, a
 * part that does not parse or validate): the whole body is then parsed as before, so what is
 * accepted and every error message stay the same.
 */
function parseApart(text: string, scan: ItemsScan): Envelope | undefined {
  const { spans, arrays } = scan;
  if (arrays.length !== 2) return undefined;
  const open = arrays[0] as number;
  const close = arrays[1] as number;
  let from = open + 1;
  for (let k = 0; k < spans.length; k += 2) {
    if (!isSeparator(text, from, spans[k] as number, k > 0)) return undefined;
    from = spans[k + 1] as number;
  }
  if (!isSeparator(text, from, close, false)) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(text.slice(0, open) + '[]' + text.slice(close + 1));
  } catch {
    return undefined;
  }
  const parsed = envelopeSchema.safeParse(head);
  if (!parsed.success) return undefined;
  const items: Envelope['items'] = new Array<Envelope['items'][number]>(spans.length / 2);
  for (let k = 0; k < spans.length; k += 2) {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(spans[k], spans[k + 1]));
    } catch {
      return undefined;
    }
    const item = itemSchema.safeParse(value);
    if (!item.success) return undefined;
    items[k / 2] = item.data;
  }
  return { ...parsed.data, items };
}

/** The whole body through JSON.parse and the envelope schema; throws the contract errors. */
function parseWhole(text: string): { envelope: Envelope; spans: number[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw contractError(`the body is not valid JSON (${text.length} bytes, truncated or corrupt)`);
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw contractError(`${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`);
  }
  const spans = sliceItemSpans(text);
  if (spans.length !== parsed.data.items.length * 2) {
    throw contractError(
      `could not isolate the raw items (${spans.length / 2} of ${parsed.data.items.length})`,
    );
  }
  return { envelope: parsed.data, spans };
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
  let scan: ItemsScan | undefined;
  try {
    scan = scanItems(text);
  } catch {
    scan = undefined; // an unterminated string: not JSON, as parseWhole will report
  }
  const apart = scan && parseApart(text, scan);
  const { envelope, spans } =
    scan && apart ? { envelope: apart, spans: scan.spans } : parseWhole(text);
  const parsedItems = envelope.items;
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
  const cursor = nonAscii.test(envelope.cursor)
    ? (JSON.parse(bytes.toString('utf8')) as { cursor: string }).cursor
    : envelope.cursor;
  return { cursor, hasMore: envelope.has_more, items, bytes };
}
