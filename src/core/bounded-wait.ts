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
