import { defaultBudget, documentedLimits, RateBudget } from '../../../src/core/rate-budget';
import { computeDelay, parseRetryAfter, withRetry } from '../../../src/core/retry';
import { AddonError } from '../../../src/core/errors';

/** Drives the budget with a fake clock the way the collector does: wait when told, then send. */
function simulate(budget: RateBudget, clock: { now: number }, requests: number): number[] {
  const sent: number[] = [];
  for (let i = 0; i < requests; i++) {
    for (let wait = budget.delayMs(); wait > 0; wait = budget.delayMs()) clock.now += wait;
    budget.record();
    sent.push(clock.now);
    clock.now += 5; // request latency
  }
  return sent;
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('RateBudget', () => {
  it('never exceeds the documented per-minute or per-hour limits, even in a long backfill', () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const budget = new RateBudget(defaultBudget, () => clock.now);
    const sent = simulate(budget, clock, 40_000);
    expect(maxInWindow(sent, 60_000)).toBeLessThanOrEqual(documentedLimits.perMinute);
    expect(maxInWindow(sent, 3_600_000)).toBeLessThanOrEqual(documentedLimits.perHour);
    // ...while staying close to the ceiling: 40k requests need at least 80 minutes at 30k/h.
    const hours = (sent.at(-1)! - sent[0]!) / 3_600_000;
    expect(40_000 / hours).toBeGreaterThan(0.9 * documentedLimits.perHour);
  });

  it('carries its history across runs so a restart does not reset the window', () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const first = new RateBudget(defaultBudget, () => clock.now);
    const sentFirst = simulate(first, clock, defaultBudget.perMinute);
    const second = new RateBudget(defaultBudget, () => clock.now, first.history());
    const sentSecond = simulate(second, clock, 100);
    expect(maxInWindow([...sentFirst, ...sentSecond], 60_000)).toBeLessThanOrEqual(
      defaultBudget.perMinute,
    );
  });

  it('forgets history older than an hour', () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const old = new RateBudget(defaultBudget, () => clock.now);
    simulate(old, clock, 10);
    clock.now += 3_700_000;
    expect(
      Object.keys(new RateBudget(defaultBudget, () => clock.now, old.history()).history()),
    ).toEqual([]);
  });
});

describe('retry', () => {
  it('uses full jitter under an exponential ceiling, and a longer Retry-After wins', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(computeDelay(1, policy, () => 0.999)).toBe(99);
    expect(computeDelay(4, policy, () => 0.5)).toBe(400);
    expect(computeDelay(9, policy, () => 0.999)).toBe(999);
    expect(computeDelay(1, policy, () => 0.5, 5000)).toBe(5000);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('retries retriable errors only, and gives up past the deadline', async () => {
    const sleeps: number[] = [];
    const hooks = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          if (calls < 3) throw new AddonError('server', '500');
          return 'ok';
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
        hooks,
      ),
    ).resolves.toBe('ok');
    expect(sleeps).toEqual([50, 100]);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new AddonError('unauthorized', '401');
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
        hooks,
      ),
    ).rejects.toThrow('401');
    expect(calls).toBe(1);
    // The first delay (50 ms) would end past the deadline: one attempt, no sleep.
    calls = 0;
    sleeps.length = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new AddonError('network', 'reset');
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
        { ...hooks, now: () => 1000, deadline: 1010 },
      ),
    ).rejects.toThrow('reset');
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
    // Without a deadline the same error is tried maxAttempts times.
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new AddonError('network', 'reset');
        },
        { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
        hooks,
      ),
    ).rejects.toThrow('reset');
    expect(calls).toBe(5);
  });

  it('with lastTryAtDeadline waits until the deadline and tries once more there', async () => {
    let now = 0;
    const sleeps: number[] = [];
    let calls = 0;
    const hooks = {
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 1,
      now: () => now,
      deadline: 1200,
      lastTryAtDeadline: true,
    };
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new AddonError('splunkd', '503');
        },
        { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 5000 },
        hooks,
      ),
    ).rejects.toThrow('503');
    // 500, then 1000 cut to the 700 left; the third try is at the deadline and is the last.
    expect(sleeps).toEqual([500, 700]);
    expect(calls).toBe(3);
  });
});
