/**
 * Retry maths (pure) and the retry loop (sleep injected). Retrying the Events API's POSTs is safe:
 * they are reads, and the same cursor yields the same page.
 */
import { AddonError, isRetriable } from './errors';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
};

/** Exponential backoff with full jitter; a server-requested delay wins when it is longer. */
export function computeDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 3600) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), 3_600_000);
}

export interface RetryHooks {
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (error: AddonError, attempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal;
  /** Latest moment (epoch ms) a retry may start; later retries give up instead. */
  readonly deadline?: number;
  /**
   * Instead of giving up when the next delay would pass the deadline, wait until the deadline and
   * try once more there (patience measured in time, like the KV store's start-up wait).
   */
  readonly lastTryAtDeadline?: boolean;
  readonly now?: () => number;
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt >= policy.maxAttempts) throw error;
      const addonError = error as AddonError;
      let delay = computeDelay(attempt, policy, hooks.random, addonError.retryAfterMs);
      const now = hooks.now?.() ?? Date.now();
      if (hooks.deadline !== undefined && now + delay > hooks.deadline) {
        if (!hooks.lastTryAtDeadline || now >= hooks.deadline) throw error;
        delay = hooks.deadline - now;
      }
      hooks.onRetry?.(addonError, attempt, delay);
      await hooks.sleep(delay, hooks.signal);
    }
  }
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AddonError('cancelled', 'the run was stopped'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AddonError('cancelled', 'the run was stopped'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
