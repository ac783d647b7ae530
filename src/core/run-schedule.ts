/**
 * When the resident input (one process for every stanza) starts each account's runs. splunkd
 * schedules a per-run input by `interval`, from the start of one run to the start of the next;
 * the resident input keeps that rule on its own timers. Pure.
 */
import { maxTimerDelayMs } from './bounded-wait';

/** Jitter on each interval: accounts started together drift apart instead of firing together. */
export const intervalJitter = 0.1;

/** The first runs of all stanzas are spread over at most this long after the process starts. */
export const maxStartSpreadMs = 30_000;

/**
 * Delay before an account's next run: its interval (± 10 %) counted from the start of the last
 * run, and at once when the run took longer than that (as splunkd does for a per-run input).
 * `random` is in [0, 1).
 */
export function nextRunDelayMs(intervalSeconds: number, elapsedMs: number, random: number): number {
  const factor = 1 + intervalJitter * (2 * random - 1);
  const interval = Math.max(1, intervalSeconds) * 1000 * factor;
  return Math.min(maxTimerDelayMs, Math.max(0, Math.round(interval - elapsedMs)));
}

/**
 * Delay before stanza `index` of `count` runs for the first time: evenly spread over the shortest
 * interval (at most 30 s), so a restart does not open every account's connections at once.
 */
export function firstRunDelayMs(
  index: number,
  count: number,
  shortestIntervalSeconds: number,
): number {
  if (count <= 1) return 0;
  const spread = Math.min(maxStartSpreadMs, Math.max(1, shortestIntervalSeconds) * 1000);
  return Math.floor((index * spread) / count);
}
