import { boundedDelay, maxTimerDelayMs, waitWithin } from '../../../src/core/bounded-wait';

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
