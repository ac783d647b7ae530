/**
 * Turns a response body into a page whose items keep their exact raw JSON text, so fields that
 * 1Password adds later (and numbers beyond 2^53) reach Splunk untouched. zod validates only what
 * the collector relies on. Pure.
 */
import * as z from 'zod/mini';
import { AddonError } from '../core/errors';
import { parseRfc3339, type ParsedTimestamp } from '../core/timestamp';

export interface PageItem {
  readonly raw: string;
  readonly uuid: string;
  readonly timestamp: ParsedTimestamp;
}

export interface Page {
  readonly cursor: string;
  readonly hasMore: boolean;
  readonly items: readonly PageItem[];
}

const envelopeSchema = z.object({
  cursor: z.string().check(z.minLength(1, 'cursor is empty')),
  has_more: z.boolean(),
  items: z.array(
    z.looseObject({
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

/**
 * Finds the raw text of each element of the top-level "items" array. Assumes `text` is valid JSON
 * (JSON.parse has already accepted it).
 */
export function sliceItems(text: string): string[] {
  let depth = 0;
  let i = 0;
  let inItems = false;
  let itemsDepth = -1;
  let elementStart = -1;
  let lastKey = '';
  let expectingKey = false;
  const slices: string[] = [];
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
        if (elementStart !== -1) slices.push(text.slice(elementStart, i).trimEnd());
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
        slices.push(text.slice(elementStart, i).trimEnd());
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

export function parsePage(body: string): Page {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw contractError(`the body is not valid JSON (${body.length} bytes, truncated or corrupt)`);
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw contractError(`${issue?.path.join('.') || 'envelope'}: ${issue?.message ?? 'invalid'}`);
  }
  const raws = sliceItems(body);
  if (raws.length !== parsed.data.items.length) {
    throw contractError(
      `could not isolate the raw items (${raws.length} of ${parsed.data.items.length})`,
    );
  }
  const items = parsed.data.items.map((item, index): PageItem => {
    const timestamp = parseRfc3339(item.timestamp);
    if (!timestamp)
      throw contractError(
        `item ${item.uuid} has an unreadable timestamp "${item.timestamp.slice(0, 40)}"`,
      );
    return { raw: raws[index] as string, uuid: item.uuid, timestamp };
  });
  return { cursor: parsed.data.cursor, hasMore: parsed.data.has_more, items };
}
