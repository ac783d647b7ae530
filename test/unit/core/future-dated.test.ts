import {
  clockSkewMs,
  dropFutureBudgetEntries,
  leaseExpiryIsCorrupt,
} from '../../../src/core/future-dated';
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
  it('accepts any expiry a member could have written', () => {
    expect(leaseExpiryIsCorrupt(now - 1, now, ttl)).toBe(false);
    expect(leaseExpiryIsCorrupt(now + ttl, now, ttl)).toBe(false);
    expect(leaseExpiryIsCorrupt(now + ttl + clockSkewMs, now, ttl)).toBe(false);
  });
  it('flags an expiry beyond one TTL (plus skew), and one that is not a number', () => {
    expect(leaseExpiryIsCorrupt(now + ttl + clockSkewMs + 1, now, ttl)).toBe(true);
    expect(leaseExpiryIsCorrupt(8.64e15, now, ttl)).toBe(true);
    expect(leaseExpiryIsCorrupt(NaN, now, ttl)).toBe(true);
  });
});
