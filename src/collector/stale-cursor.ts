/**
 * Where a feed restarts when the Events API rejects its stored cursor as stale (the cursor's
 * lifetime is undocumented): from the newest delivered event minus an overlap, never before what
 * the API still keeps. What the overlap repeats is dropped by uuid. Pure.
 */
import { retentionMs } from '../core/contracts';
import { formatRfc3339 } from '../core/timestamp';
import type { PageRequest } from '../events-api/client';

/** How far back a stale-cursor reset reaches behind the newest delivered event. */
export const staleCursorOverlapMs = 10 * 60_000;

export function staleCursorRestart(options: {
  /** Newest delivered event time (epoch ms), 0 when none was delivered yet. */
  readonly lastEventTime: number;
  /** The stanza's first-run start, used when nothing was delivered yet. */
  readonly startTime: Date;
  readonly limit: number;
  readonly now: number;
}): PageRequest & { readonly start_time: string } {
  // A minute inside the retention, so the request is not refused for reaching too far back.
  const floor = options.now - retentionMs + 60_000;
  const from =
    options.lastEventTime > 0
      ? Math.max(options.lastEventTime - staleCursorOverlapMs, floor)
      : options.startTime.getTime();
  return { limit: options.limit, start_time: formatRfc3339(new Date(from)) };
}
