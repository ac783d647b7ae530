import { maxTimerDelayMs } from '../../../src/core/bounded-wait';
import {
  firstRunDelayMs,
  intervalJitter,
  maxStartSpreadMs,
  nextRunDelayMs,
} from '../../../src/core/run-schedule';

describe("nextRunDelayMs (the resident input keeps splunkd's interval rule)", () => {
  it('counts the interval from the start of the last run', () => {
    expect(nextRunDelayMs(60, 0, 0.5)).toBe(60_000);
    expect(nextRunDelayMs(60, 12_000, 0.5)).toBe(48_000);
  });

  it('jitters each interval by at most ± 10 %', () => {
    expect(nextRunDelayMs(60, 0, 0)).toBe(60_000 * (1 - intervalJitter));
    expect(nextRunDelayMs(60, 0, 0.999999)).toBeCloseTo(60_000 * (1 + intervalJitter), -1);
    const seen = new Set([0.1, 0.3, 0.7, 0.9].map((r) => nextRunDelayMs(60, 0, r)));
    expect(seen.size).toBe(4);
  });

  it('starts at once when a run took longer than the interval (a backlog keeps draining)', () => {
    expect(nextRunDelayMs(60, 300_000, 0.5)).toBe(0);
  });

  it('never asks for a timer setTimeout cannot keep, nor for less than a second of interval', () => {
    expect(nextRunDelayMs(1e12, 0, 0.5)).toBe(maxTimerDelayMs);
    expect(nextRunDelayMs(0, 0, 0.5)).toBe(1000);
  });
});

describe('firstRunDelayMs', () => {
  it('starts a single input at once', () => {
    expect(firstRunDelayMs(0, 1, 60)).toBe(0);
  });

  it('spreads the first runs evenly over the shortest interval, at most 30 s', () => {
    const delays = Array.from({ length: 100 }, (_, i) => firstRunDelayMs(i, 100, 60));
    expect(delays[0]).toBe(0);
    expect(Math.max(...delays)).toBeLessThan(maxStartSpreadMs);
    expect(new Set(delays).size).toBe(100);
    expect(firstRunDelayMs(1, 2, 4)).toBe(2000);
  });
});
