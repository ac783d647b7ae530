import {
  clockSkewMs,
  dropFutureBudgetEntries,
  leaseExpiryIsCorrupt,
} from '../../../src/core/future-dated';
import { longestLeaseMs } from '../../../src/core/lease-decision';
import { defaultBudget, RateBudget } from '../../../src/core/rate-budget';

const now = 1_800_000_000_000;
const second = (ms: number): string => String(Math.floor(ms / 1000));

describe('dropFutureBudgetEntries', () => {
  it('keeps past entries and those within the clock skew, drops the ones from the future', () => {
    const history = {
      [second(now - 30_000)]: 5,
      [second(now + clockSkewMs - 1000)]: 1,
      [second(now + 10 * 365 * 86_400_000)]: 30_000,
      '99999999999': 600,
    };
    const { history: kept, dropped } = dropFutureBudgetEntries(history, now);
    expect(dropped).toBe(2);
    expect(kept).toEqual({ [second(now - 30_000)]: 5, [second(now + clockSkewMs - 1000)]: 1 });
  });

  it('is what keeps a tampered history from stalling the budget', () => {
    const tampered = { [second(now + 86_400_000)]: 30_000 };
    // Without the check the budget would wait for an hour's window to pass.
    expect(new RateBudget(defaultBudget, () => now, tampered).delayMs()).toBeGreaterThan(0);
    const { history } = dropFutureBudgetEntries(tampered, now);
    expect(new RateBudget(defaultBudget, () => now, history).delayMs()).toBe(0);
  });
});

describe('leaseExpiryIsCorrupt', () => {
  const ttl = 90_000;
  /** A lease as its holder writes it: renewed at `renewed`, for `holderTtl`. */
  const lease = (renewed: number, holderTtl: number) => ({
    renewed_at: renewed,
    expires_at: renewed + holderTtl,
  });

  it('accepts any expiry a member with our lease time could have written', () => {
    expect(leaseExpiryIsCorrupt(lease(now - ttl - 1, ttl), now, ttl)).toBe(false);
    expect(leaseExpiryIsCorrupt(lease(now, ttl), now, ttl)).toBe(false);
    expect(leaseExpiryIsCorrupt(lease(now + clockSkewMs, ttl), now, ttl)).toBe(false);
  });

  it("believes a holder's longer lease time (a per-run input's 90 s seen by a resident one's 10 s)", () => {
    expect(leaseExpiryIsCorrupt(lease(now, 90_000), now, 10_000)).toBe(false);
    expect(leaseExpiryIsCorrupt(lease(now - 5_000, longestLeaseMs), now, 10_000)).toBe(false);
  });

  it('flags an expiry beyond the lease time the holder could have had (plus skew), and no number', () => {
    expect(leaseExpiryIsCorrupt(lease(now + clockSkewMs + 1, ttl), now, ttl)).toBe(true);
    // Beyond the longest lease any input sets, whatever renewed_at says.
    expect(leaseExpiryIsCorrupt(lease(now, longestLeaseMs + clockSkewMs + 1), now, ttl)).toBe(true);
    expect(leaseExpiryIsCorrupt({ renewed_at: now, expires_at: 8.64e15 }, now, ttl)).toBe(true);
    // A renewal dated in the future proves nothing: only our own lease time counts then.
    expect(
      leaseExpiryIsCorrupt({ renewed_at: now + 3_600_000, expires_at: now + 3_700_000 }, now, ttl),
    ).toBe(true);
    expect(leaseExpiryIsCorrupt({ renewed_at: now, expires_at: NaN }, now, ttl)).toBe(true);
    expect(leaseExpiryIsCorrupt({ renewed_at: NaN, expires_at: now + ttl }, now, ttl)).toBe(false);
  });
});
