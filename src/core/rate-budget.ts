/**
 * One request budget per account, shared by all its feeds, so the add-on never causes a 429
 * itself. 1Password documents 600 requests/minute and 30,000/hour; we keep a safety margin and
 * count requests in one-second buckets over both sliding windows. Pure apart from the injected clock.
 */

export interface RateLimits {
  readonly perMinute: number;
  readonly perHour: number;
}

export const documentedLimits: RateLimits = { perMinute: 600, perHour: 30_000 };
/** 95 % of the documented limits: room for clock skew and other clients of the same account. */
export const defaultBudget: RateLimits = { perMinute: 570, perHour: 28_500 };

/** Persisted form: request counts per epoch second over the last hour. */
export type BudgetHistory = Record<string, number>;

export class RateBudget {
  private readonly seconds = new Map<number, number>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
    history: BudgetHistory = {},
  ) {
    const oldest = Math.floor(now() / 1000) - 3600;
    for (const [second, count] of Object.entries(history)) {
      const s = Number(second);
      if (Number.isInteger(s) && s > oldest && count > 0) this.seconds.set(s, count);
    }
  }

  private prune(nowSecond: number): void {
    for (const s of this.seconds.keys()) if (s <= nowSecond - 3600) this.seconds.delete(s);
  }

  private countSince(fromSecond: number): number {
    let total = 0;
    for (const [s, count] of this.seconds) if (s > fromSecond) total += count;
    return total;
  }

  /** Milliseconds to wait before one more request fits both windows (0 = now). */
  delayMs(): number {
    const nowMs = this.now();
    const nowSecond = Math.floor(nowMs / 1000);
    this.prune(nowSecond);
    const wait = (windowSeconds: number, limit: number): number => {
      const windowStart = nowSecond - windowSeconds;
      let used = this.countSince(windowStart);
      if (used < limit) return 0;
      // Walk forward until enough old requests leave the window.
      const ordered = [...this.seconds.entries()]
        .filter(([s]) => s > windowStart)
        .sort((a, b) => a[0] - b[0]);
      for (const [s, count] of ordered) {
        used -= count;
        if (used < limit) return (s + windowSeconds + 1) * 1000 - nowMs;
      }
      return windowSeconds * 1000;
    };
    return Math.max(0, wait(60, this.limits.perMinute), wait(3600, this.limits.perHour));
  }

  record(): void {
    const second = Math.floor(this.now() / 1000);
    this.seconds.set(second, (this.seconds.get(second) ?? 0) + 1);
  }

  history(): BudgetHistory {
    this.prune(Math.floor(this.now() / 1000));
    const out: BudgetHistory = {};
    for (const [s, count] of this.seconds) out[String(s)] = count;
    return out;
  }

  usedLastMinute(): number {
    return this.countSince(Math.floor(this.now() / 1000) - 60);
  }
}
