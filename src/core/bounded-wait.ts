/**
 * Every wait of a run ends at the run's deadline (max_run_seconds) or when it is stopped. A delay
 * computed from stored state (the rate budget) cannot be trusted to be short, and setTimeout turns
 * any delay above 2^31-1 ms into 1 ms with a TimeoutOverflowWarning, which spins.
 */
import { abortableSleep } from './retry';

/** The longest delay setTimeout honours. */
export const maxTimerDelayMs = 2 ** 31 - 1;

/** The part of `delayMs` that may really be waited: not past `deadline`, a valid timer. Pure. */
export function boundedDelay(delayMs: number, now: number, deadline: number): number {
  const wanted = Number.isFinite(delayMs) ? delayMs : maxTimerDelayMs;
  return Math.max(0, Math.min(wanted, deadline - now, maxTimerDelayMs));
}

/**
 * How long a request started before the deadline may run past it. Aborting at the deadline itself
 * would throw away a page already in flight (it is written and committed when it arrives), so a
 * request gets this much grace instead: a run ends by max_run_seconds + this grace at the latest.
 */
export const requestGraceMs = 30_000;

/** request_timeout_seconds, shortened so the request ends by deadline + grace. Pure. */
export function requestTimeoutWithin(
  requestTimeoutMs: number,
  now: number,
  deadline: number,
  graceMs: number = requestGraceMs,
): number {
  const left = Math.max(0, deadline - now) + graceMs;
  return Math.max(1, Math.min(requestTimeoutMs, left, maxTimerDelayMs));
}

export interface WaitBounds {
  readonly now: () => number;
  /** Epoch ms when the run's time budget ends. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Waits `delayMs`, but only until the deadline: 'deadline' when the deadline cut the wait short
 * (the caller then stops waiting; the run is stopping anyway), 'waited' otherwise. Rejects with a
 * `cancelled` AddonError when the signal aborts.
 */
export async function waitWithin(
  delayMs: number,
  bounds: WaitBounds,
): Promise<'waited' | 'deadline'> {
  const sleep = bounds.sleep ?? abortableSleep;
  const wait = boundedDelay(delayMs, bounds.now(), bounds.deadline);
  if (wait > 0) await sleep(wait, bounds.signal);
  return wait < delayMs && bounds.now() >= bounds.deadline ? 'deadline' : 'waited';
}
