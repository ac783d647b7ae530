/**
 * Page selection: walk a feed in ingestion order from a position, keep events whose timestamp is in
 * the reset's window and inside retention. Pure.
 *
 * Skipping past non-matching events is safe because matching is monotone: an event outside the
 * window, or aged out of retention, or not expressible on v1, never becomes servable later. New
 * events are always appended after the position, which is how a stored cursor picks up events
 * ingested later (including late ones with old timestamps).
 */
import type { ApiVersion } from './event-factory';
import { compareInstants, type Instant } from './rfc3339';

export interface PageSource {
  readonly length: number;
  isWithin(index: number, from: Instant, to: Instant | undefined): boolean;
  isServableOn(index: number, version: ApiVersion): boolean;
}

export interface PageQuery {
  /** First index to consider. */
  readonly position: number;
  /** Inclusive lower bound on `timestamp`. */
  readonly from: Instant;
  /** Exclusive upper bound on `timestamp`; undefined when the reset had no end_time. */
  readonly to: Instant | undefined;
  readonly limit: number;
  readonly version: ApiVersion;
  /** Events stamped before this are past retention and never served. */
  readonly retentionCutoff: Instant;
}

export interface PageSelection {
  readonly indices: number[];
  /** Where the next request with the returned cursor starts. */
  readonly nextPosition: number;
  /** True when at least one more servable event exists after this page right now. */
  readonly hasMore: boolean;
}

export function selectPage(source: PageSource, query: PageQuery): PageSelection {
  const from =
    compareInstants(query.retentionCutoff, query.from) > 0 ? query.retentionCutoff : query.from;
  const matches = (i: number): boolean =>
    source.isServableOn(i, query.version) && source.isWithin(i, from, query.to);
  const indices: number[] = [];
  let i = query.position;
  for (; i < source.length && indices.length < query.limit; i += 1) {
    if (matches(i)) indices.push(i);
  }
  for (; i < source.length; i += 1) {
    if (matches(i)) return { indices, nextPosition: i, hasMore: true };
  }
  return { indices, nextPosition: Math.max(query.position, source.length), hasMore: false };
}
