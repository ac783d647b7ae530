/**
 * KV documents dated in the future were not written by a healthy member: a rate-budget entry from
 * the future would stall every request until that date, a lease expiring beyond its holder's
 * lease time would stop collection until then. Both are treated as corrupt (the caller logs one
 * WARN naming the document and rewrites it). A minute of clock skew between members is tolerated.
 * Pure.
 */
import { longestLeaseMs } from './lease-decision';
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

/**
 * True when a lease expires later than its holder could have set it. The holder's lease time is
 * its own (expires_at − renewed_at: a per-run input at interval 60 holds 90 s while a resident one
 * at interval 5 holds 10 s), believed up to the longest any input sets, and never less than ours.
 */
export function leaseExpiryIsCorrupt(
  lease: { readonly expires_at: number; readonly renewed_at: number },
  nowMs: number,
  ttlMs: number,
): boolean {
  if (!Number.isFinite(lease.expires_at)) return true;
  const claimed = lease.expires_at - lease.renewed_at;
  const believable =
    Number.isFinite(claimed) && lease.renewed_at <= nowMs + clockSkewMs
      ? Math.min(Math.max(claimed, 0), longestLeaseMs)
      : 0;
  return lease.expires_at > nowMs + Math.max(ttlMs, believable) + clockSkewMs;
}
