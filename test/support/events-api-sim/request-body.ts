/**
 * Reads a feed request body: exactly one of a ResetCursor {limit?, start_time?, end_time?} or a
 * Cursor {cursor} (events-api.md §1.4). Unknown members are ignored and `null` counts as absent,
 * as Go's encoding/json does. Pure.
 */
import { z } from 'zod';
import { parseRfc3339, type Instant } from './rfc3339';

/** Documented default page size (developer.1password.com/docs/events-api/pagination). */
export const defaultLimit = 100;
export const minLimit = 1;
export const maxLimit = 1000;

export type FeedRequest =
  | {
      readonly kind: 'reset';
      readonly limit: number;
      readonly startTime: Instant | undefined;
      readonly endTime: Instant | undefined;
    }
  | { readonly kind: 'cursor'; readonly cursor: string };

/** Why a body was refused; sent back in the simulator-only `x-sim-reason` header. */
export type BodyProblem =
  | 'body_empty'
  | 'body_not_json'
  | 'body_not_object'
  | 'cursor_not_string'
  | 'cursor_empty'
  | 'cursor_with_reset_fields'
  | 'limit_not_number'
  | 'limit_not_integer'
  | 'limit_out_of_range'
  | 'start_time_malformed'
  | 'end_time_malformed';

export type FeedRequestReading =
  | { readonly ok: true; readonly request: FeedRequest }
  | { readonly ok: false; readonly problem: BodyProblem };

const absent = z.null().optional();
const bodySchema = z.looseObject({
  cursor: z.union([z.string(), absent]),
  limit: z.union([z.number(), absent]),
  start_time: z.union([z.string(), absent]),
  end_time: z.union([z.string(), absent]),
});

const problemByField: Readonly<Record<string, BodyProblem>> = {
  cursor: 'cursor_not_string',
  limit: 'limit_not_number',
  start_time: 'start_time_malformed',
  end_time: 'end_time_malformed',
};

export function readFeedRequest(text: string): FeedRequestReading {
  if (text.trim() === '') return { ok: false, problem: 'body_empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'body_not_json' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: 'body_not_object' };
  }
  const parsed = bodySchema.safeParse(value);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '');
    return { ok: false, problem: problemByField[field] ?? 'body_not_object' };
  }
  const { cursor, limit, start_time: startText, end_time: endText } = parsed.data;
  const hasResetFields = limit != null || startText != null || endText != null;
  if (cursor != null) {
    if (hasResetFields) return { ok: false, problem: 'cursor_with_reset_fields' };
    if (cursor === '') return { ok: false, problem: 'cursor_empty' };
    return { ok: true, request: { kind: 'cursor', cursor } };
  }
  if (limit != null && !Number.isInteger(limit)) return { ok: false, problem: 'limit_not_integer' };
  if (limit != null && (limit < minLimit || limit > maxLimit)) {
    return { ok: false, problem: 'limit_out_of_range' };
  }
  const startTime = startText == null ? undefined : parseRfc3339(startText);
  if (startText != null && startTime === undefined) {
    return { ok: false, problem: 'start_time_malformed' };
  }
  const endTime = endText == null ? undefined : parseRfc3339(endText);
  if (endText != null && endTime === undefined) return { ok: false, problem: 'end_time_malformed' };
  return { ok: true, request: { kind: 'reset', limit: limit ?? defaultLimit, startTime, endTime } };
}
