/**
 * Sliding-window request limits (documented: 600/minute and 30,000/hour, events-api.md §1.9).
 * A request is admitted when fewer than `perMinute` admitted requests fall in the last 60 s and
 * fewer than `perHour` in the last 3600 s; refused requests do not count. Pure: the caller passes
 * the clock reading.
 */

export interface RateLimit {
  readonly perMinute: number;
  readonly perHour: number;
}

export const documentedRateLimit: RateLimit = { perMinute: 600, perHour: 30_000 };

export type RateDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly window: 'minute' | 'hour' };

const minuteMs = 60_000;
const hourMs = 3_600_000;

/** Admission times of one key, oldest first, with a moving head instead of shifting. */
interface History {
  times: number[];
  head: number;
}

export class SlidingWindowRateLimiter {
  private readonly histories = new Map<string, History>();

  constructor(private readonly limit: RateLimit) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    let history = this.histories.get(key);
    if (history === undefined) {
      history = { times: [], head: 0 };
      this.histories.set(key, history);
    }
    const { times } = history;
    const last = times[times.length - 1];
    // A clock that steps back (fake clocks do) must not reorder the history.
    const now = last !== undefined && nowMs < last ? last : nowMs;
    while (history.head < times.length && (times[history.head] ?? 0) <= now - hourMs) {
      history.head += 1;
    }
    if (history.head > 1024 && history.head * 2 > times.length) {
      times.splice(0, history.head);
      history.head = 0;
    }
    const inHour = times.length - history.head;
    if (inHour >= this.limit.perHour) return { allowed: false, window: 'hour' };
    const inMinute = times.length - firstAfter(times, history.head, now - minuteMs);
    if (inMinute >= this.limit.perMinute) return { allowed: false, window: 'minute' };
    times.push(now);
    return { allowed: true };
  }
}

/** Index of the first entry > `bound` in sorted `times[from…]`. */
function firstAfter(times: readonly number[], from: number, bound: number): number {
  let lo = from;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
