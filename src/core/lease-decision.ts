/**
 * Who collects an account on a search-head cluster, decided from the newest lease record. Pure.
 * Lease records are keyed by generation, so taking over generation g+1 is an insert that only one
 * member can win (the KV store answers 409 to the others): insert-if-absent is the only
 * compare-and-set the KV store offers.
 */

export interface LeaseRecord {
  readonly _key: string;
  readonly kind: 'lease';
  readonly account: string;
  readonly generation: number;
  readonly owner: string;
  /** Epoch milliseconds. */
  readonly expires_at: number;
  readonly renewed_at: number;
}

export type LeaseDecision =
  | { readonly action: 'claim'; readonly generation: number }
  | { readonly action: 'hold'; readonly lease: LeaseRecord }
  | { readonly action: 'yield'; readonly lease: LeaseRecord };

export function leaseKey(account: string, generation: number): string {
  return `${account}__lease_g${String(generation).padStart(10, '0')}`;
}

/**
 * Lease lifetime: one and a half intervals (at least 10 s). The holder renews it at the end of
 * every run and in the background during long runs, so it never lapses between healthy runs; a
 * holder that misses its run has lost the lease half an interval later, and the next member's run
 * takes over: within two intervals of the missed run.
 */
export function leaseTtlMs(intervalSeconds: number): number {
  return Math.max(10_000, Math.round(intervalSeconds * 1500));
}

/** The lease of the longest interval the setup page offers (a day): 36 hours. */
export const longestLeaseMs = leaseTtlMs(86_400);

export function decideLease(
  newest: LeaseRecord | undefined,
  me: string,
  now: number,
): LeaseDecision {
  if (!newest) return { action: 'claim', generation: 1 };
  if (newest.owner === me) return { action: 'hold', lease: newest };
  if (newest.expires_at > now) return { action: 'yield', lease: newest };
  return { action: 'claim', generation: newest.generation + 1 };
}

/** Reads `interval` as splunkd passes it: seconds, or a cron schedule (treated as 60 s). */
export function intervalSecondsOf(value: string | undefined): number {
  const n = Number((value ?? '').trim());
  return Number.isFinite(n) && n > 0 ? n : 60;
}
