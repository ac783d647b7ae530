/**
 * Turns a response body into a page whose items keep their exact raw JSON bytes, so fields that
 * 1Password adds later (and numbers beyond 2^53) reach Splunk untouched. One validating pass over
 * the bytes (page-scan.ts) checks the whole body against the JSON grammar and finds the envelope's
 * members and each item's `uuid` and `timestamp`; only those few strings are ever decoded. Pure.
 */
import { isUtf8 } from 'node:buffer';
import { AddonError } from '../core/errors';
import { parseRfc3339, type ParsedTimestamp } from '../core/timestamp';
import {
  ITEM_END,
  ITEM_KIND,
  ITEM_START,
  JsonDepthError,
  JsonSyntaxError,
  Kind,
  STRIDE,
  TIMESTAMP,
  UUID,
  decodeJsonString,
  scanPage,
  type ScannedPage,
} from './page-scan';

export { MAX_ITEM_DEPTH } from './page-scan';

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

function contractError(message: string): AddonError {
  return new AddonError('protocol', `the Events API answered outside its contract: ${message}`);
}

const kindNames = [
  'missing',
  'a string',
  'a number',
  'true',
  'false',
  'null',
  'an object',
  'an array',
];
const got = (kind: number): string => `got ${kindNames[kind] ?? 'something else'}`;

/** The scan of `bytes`, its failures as the contract errors the collector retries on. */
function scanOrThrow(bytes: Buffer): ScannedPage {
  try {
    return scanPage(bytes);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw contractError(
        `the body is not valid JSON (${bytes.length} bytes, truncated or corrupt): ${error.message}`,
      );
    if (error instanceof JsonDepthError) throw contractError(error.message);
    throw error;
  }
}

/** A JSON body's text as one byte per UTF-16 unit (structure is ASCII, so offsets carry over). */
function unitBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes[i] = c < 0x80 ? c : 0x80;
  }
  return bytes;
}

/**
 * Start and end offsets of each element of the top-level "items" array of a JSON text, flat:
 * [start0, end0, start1, end1, …]. Throws a protocol error when the text is not JSON.
 */
export function sliceItemSpans(text: string): number[] {
  const { items } = scanOrThrow(unitBytes(text));
  const spans: number[] = [];
  for (let at = 0; at < items.length; at += STRIDE)
    spans.push(items[at + ITEM_START] as number, items[at + ITEM_END] as number);
  return spans;
}

/** The exact text of each element of the top-level "items" array of a JSON text. */
export function sliceItems(text: string): string[] {
  const spans = sliceItemSpans(text);
  const slices: string[] = [];
  for (let k = 0; k < spans.length; k += 2) slices.push(text.slice(spans[k], spans[k + 1]));
  return slices;
}

/** The string member recorded at `items[at…]` (kind, start, end, plain), or why it is not one. */
function stringAt(bytes: Buffer, items: readonly number[], at: number): string | number {
  const kind = items[at] as number;
  if (kind !== Kind.String) return kind;
  return decodeJsonString(
    bytes,
    items[at + 1] as number,
    items[at + 2] as number,
    items[at + 3] === 1,
  );
}

/**
 * Parses a page without decoding it: the body stays the Buffer it arrived in, items are offsets
 * into it. Invalid UTF-8 is replaced by U+FFFD first, as a text decoder would. Accepts exactly the
 * bodies JSON.parse accepts whose envelope and items keep the contract, except items nested
 * deeper than MAX_ITEM_DEPTH; rejects everything else with a protocol error.
 */
export function parsePage(body: Buffer | string): Page {
  const whole = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // A leading UTF-8 BOM is dropped, as undici's text() (the decoder used before) dropped it.
  const input =
    whole[0] === 0xef && whole[1] === 0xbb && whole[2] === 0xbf ? whole.subarray(3) : whole;
  const bytes = isUtf8(input) ? input : Buffer.from(input.toString('utf8'), 'utf8');
  const scanned = scanOrThrow(bytes);
  if (scanned.top !== Kind.Object)
    throw contractError(`envelope: expected an object, ${got(scanned.top)}`);
  const { cursor: c, hasMore: h } = scanned;
  if (c.kind !== Kind.String) throw contractError(`cursor: expected a string, ${got(c.kind)}`);
  const cursor = decodeJsonString(bytes, c.start, c.end, c.plain);
  if (cursor.length === 0) throw contractError('cursor: cursor is empty');
  if (h.kind !== Kind.True && h.kind !== Kind.False)
    throw contractError(`has_more: expected a boolean, ${got(h.kind)}`);
  if (scanned.itemsKind !== Kind.Array)
    throw contractError(`items: expected an array, ${got(scanned.itemsKind)}`);
  const found = scanned.items;
  const items = new Array<PageItem>(found.length / STRIDE);
  for (let at = 0, index = 0; at < found.length; at += STRIDE, index++) {
    const kind = found[at + ITEM_KIND] as number;
    if (kind !== Kind.Object)
      throw contractError(`items.${index}: expected an object, ${got(kind)}`);
    const uuid = stringAt(bytes, found, at + UUID);
    if (typeof uuid !== 'string')
      throw contractError(`items.${index}.uuid: expected a string, ${got(uuid)}`);
    if (uuid.length === 0) throw contractError(`items.${index}.uuid: the uuid is empty`);
    const time = stringAt(bytes, found, at + TIMESTAMP);
    if (typeof time !== 'string')
      throw contractError(`items.${index}.timestamp: expected a string, ${got(time)}`);
    const timestamp = parseRfc3339(time);
    if (!timestamp)
      throw contractError(`item ${uuid} has an unreadable timestamp "${time.slice(0, 40)}"`);
    items[index] = {
      uuid,
      timestamp,
      start: found[at + ITEM_START] as number,
      end: found[at + ITEM_END] as number,
    };
  }
  return { cursor, hasMore: h.kind === Kind.True, items, bytes };
}
