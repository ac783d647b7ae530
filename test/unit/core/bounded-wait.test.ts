import {
  boundedDelay,
  maxTimerDelayMs,
  requestGraceMs,
  requestTimeoutWithin,
  waitWithin,
} from '../../../src/core/bounded-wait';

describe('boundedDelay', () => {
  it('keeps a short delay as it is', () => {
    expect(boundedDelay(1500, 1_000, 60_000)).toBe(1500);
  });
  it('ends at the deadline', () => {
    expect(boundedDelay(3_600_000, 50_000, 60_000)).toBe(10_000);
    expect(boundedDelay(5, 70_000, 60_000)).toBe(0);
  });
  it('never hands setTimeout more than 2^31-1 ms, nor NaN, Infinity or a negative delay', () => {
    const far = Number.MAX_SAFE_INTEGER;
    expect(boundedDelay(1e15, 0, far)).toBe(maxTimerDelayMs);
    expect(boundedDelay(Infinity, 0, far)).toBe(maxTimerDelayMs);
    expect(boundedDelay(NaN, 0, far)).toBe(maxTimerDelayMs);
    expect(boundedDelay(NaN, 0, 10)).toBe(10);
    expect(boundedDelay(-5, 0, far)).toBe(0);
  });
});

describe('waitWithin', () => {
  /** A fake clock whose sleep moves time forward by exactly what was asked. */
  function clock(start: number) {
    let t = start;
    const slept: number[] = [];
    return {
      now: () => t,
      slept,
      sleep: (ms: number) => {
        slept.push(ms);
        t += ms;
        return Promise.resolve();
      },
    };
  }

  it('waits the whole delay when it ends before the deadline', async () => {
    const c = clock(0);
    await expect(waitWithin(2000, { ...c, deadline: 10_000 })).resolves.toBe('waited');
    expect(c.slept).toEqual([2000]);
  });

  it('waits only until the deadline and says so, even for a delay no timer can hold', async () => {
    const c = clock(0);
    await expect(waitWithin(1e13, { ...c, deadline: 10_000 })).resolves.toBe('deadline');
    expect(c.slept).toEqual([10_000]);
  });

  it('does not sleep at all once the deadline has passed', async () => {
    const c = clock(20_000);
    await expect(waitWithin(500, { ...c, deadline: 10_000 })).resolves.toBe('deadline');
    expect(c.slept).toEqual([]);
  });

  it('ends early when the run is stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      waitWithin(60_000, {
        now: Date.now,
        deadline: Date.now() + 120_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/stopped/);
  });
});

describe('requestTimeoutWithin: a request started before the deadline ends by deadline + grace', () => {
  it('keeps request_timeout_seconds when the deadline is far away', () => {
    expect(requestTimeoutWithin(60_000, 0, 600_000)).toBe(60_000);
  });

  it('shortens it to the time left plus the grace near the deadline', () => {
    expect(requestGraceMs).toBe(30_000);
    expect(requestTimeoutWithin(600_000, 100_000, 110_000)).toBe(40_000);
  });

  it('gives the grace alone once the deadline has passed', () => {
    expect(requestTimeoutWithin(600_000, 200_000, 110_000)).toBe(30_000);
  });

  it('never exceeds request_timeout_seconds nor a valid timer, never goes below 1 ms', () => {
    for (const [timeout, now, deadline] of [
      [5_000, 0, 10_000],
      [600_000, 0, Number.MAX_SAFE_INTEGER],
      [1, 1e12, 0],
    ] as const) {
      const bound = requestTimeoutWithin(timeout, now, deadline);
      expect(bound).toBeLessThanOrEqual(Math.min(timeout, maxTimerDelayMs));
      expect(bound).toBeLessThanOrEqual(Math.max(0, deadline - now) + requestGraceMs);
      expect(bound).toBeGreaterThanOrEqual(1);
    }
  });
});
