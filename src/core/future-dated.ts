/**
 * KV documents dated in the future were not written by a healthy member: a rate-budget entry from
 * the future would stall every request until that date, a lease expiring beyond one TTL would stop
 * collection until then. Both are treated as corrupt (the caller logs one WARN naming the document
 * and rewrites it). A minute of clock skew between cluster members is tolerated. Pure.
 */
import type { BudgetHistory } from './rate-budget';

export const clockSkewMs = 60_000;

/** The budget history without the entries dated after now (plus skew), and how many were dropped. */
export function dropFutureBudgetEntries(
  history: BudgetHistory,
  nowMs: number,
): { readonly history: BudgetHistory; readonly dropped: number } {
  const latestSecond = Math.floor((nowMs + clockSkewMs) / 1000);
  const kept: BudgetHistory = {};
  let dropped = 0;
  for (const [second, count] of Object.entries(history)) {
    if (Number(second) > latestSecond) dropped++;
    else kept[second] = count;
  }
  return { history: kept, dropped };
}

/** True when a lease expires later than any member could have set it: now + one TTL (+ skew). */
export function leaseExpiryIsCorrupt(expiresAt: number, nowMs: number, ttlMs: number): boolean {
  return !Number.isFinite(expiresAt) || expiresAt > nowMs + ttlMs + clockSkewMs;
}
