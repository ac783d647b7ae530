/** Documented rate limits (600/min, 30,000/h), per token or per account, on a fake clock. */
import type { Agent } from 'undici';
import {
  documentedRateLimit,
  startEventsApiSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../../support/events-api-sim';
import { SlidingWindowRateLimiter } from '../../../support/events-api-sim/rate-limiter';
import { fakeClock, feedPath, get, post, trustingAgent } from './helpers';

const minute = 60_000;
const hour = 60 * minute;

describe('SlidingWindowRateLimiter', () => {
  test('admits 600 in a minute, refuses the 601st, admits again as the window slides', () => {
    const limiter = new SlidingWindowRateLimiter(documentedRateLimit);
    const t0 = 1_000_000;
    for (let i = 0; i < 600; i += 1) {
      expect(limiter.tryAcquire('k', t0 + i * 10)).toEqual({ allowed: true });
    }
    expect(limiter.tryAcquire('k', t0 + 6_000)).toEqual({ allowed: false, window: 'minute' });
    // Refusals do not count; at t0 + 60 s the first admission (at t0) has left the window.
    expect(limiter.tryAcquire('k', t0 + minute - 1)).toEqual({ allowed: false, window: 'minute' });
    expect(limiter.tryAcquire('k', t0 + minute)).toEqual({ allowed: true });
    expect(limiter.tryAcquire('k', t0 + minute)).toEqual({ allowed: false, window: 'minute' });
    // Another key has its own budget.
    expect(limiter.tryAcquire('other', t0 + 6_000)).toEqual({ allowed: true });
  });

  test('caps 30,000 an hour even when every minute stays under 600', () => {
    const limiter = new SlidingWindowRateLimiter(documentedRateLimit);
    let t = 0;
    let admitted = 0;
    // 500 a minute for 60 minutes: 30,000 by minute 60, all within one hour.
    for (let m = 0; m < 60; m += 1) {
      for (let i = 0; i < 500; i += 1) {
        if (limiter.tryAcquire('k', t + i).allowed) admitted += 1;
      }
      t += minute;
    }
    expect(admitted).toBe(30_000);
    // t is now 60 min: the first minute's admissions (at 0..499 ms) are exactly an hour old.
    expect(limiter.tryAcquire('k', hour - 1)).toEqual({ allowed: false, window: 'hour' });
    expect(limiter.tryAcquire('k', hour)).toEqual({ allowed: true });
  });

  test('a clock stepping back does not corrupt the windows', () => {
    const limiter = new SlidingWindowRateLimiter({ perMinute: 2, perHour: 100 });
    expect(limiter.tryAcquire('k', 10_000).allowed).toBe(true);
    expect(limiter.tryAcquire('k', 5_000).allowed).toBe(true);
    expect(limiter.tryAcquire('k', 10_001).allowed).toBe(false);
    expect(limiter.tryAcquire('k', 70_001).allowed).toBe(true);
  });
});

async function withSimulator(
  options: SimulatorOptions,
  run: (sim: Simulator, agent: Agent) => Promise<void>,
): Promise<void> {
  const sim = await startEventsApiSimulator({
    counts: { signinattempts: 5, itemusages: 5, auditevents: 5 },
    ...options,
  });
  const agent = trustingAgent(sim);
  try {
    await run(sim, agent);
  } finally {
    await agent.close();
    await sim.stop();
  }
}

/**
 * Sends `n` introspection requests, 20 at a time; returns their statuses sorted, since concurrent
 * requests reach the server in no fixed order.
 */
async function burst(sim: Simulator, agent: Agent, token: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let done = 0; done < n; done += 20) {
    const batch = Array.from({ length: Math.min(20, n - done) }, () =>
      get(sim, agent, '/api/v2/auth/introspect', token).then((r) => r.status),
    );
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses.sort((x, y) => x - y);
}

describe('over HTTPS', () => {
  test('the 601st request within a minute gets 429 without Retry-After; a minute later it recovers', async () => {
    const clock = fakeClock('2026-04-01T00:00:00Z');
    await withSimulator(
      { seed: 'rl-minute', now: clock.now, rateLimit: documentedRateLimit, errorShape: 'current' },
      async (sim, agent) => {
        const token = sim.issueToken();
        const statuses = await burst(sim, agent, token, 600);
        expect(statuses.every((s) => s === 200)).toBe(true);
        const refused = await post(sim, agent, feedPath('signinattempts'), token, {});
        expect(refused.status).toBe(429);
        expect(refused.headers['retry-after']).toBeUndefined();
        expect(refused.headers['content-type']).toBe('application/json');
        expect(refused.headers['x-sim-reason']).toBe('rate_limited_per_minute');
        expect(JSON.parse(refused.text)).toEqual({ status: 429, message: 'Too Many Requests' });
        expect(sim.stats.rateLimited).toBe(1);
        expect(sim.stats.byStatus[429]).toBe(1);
        clock.advance(minute);
        expect((await post(sim, agent, feedPath('signinattempts'), token, {})).status).toBe(200);
      },
    );
  });

  test('the hourly cap and an optional Retry-After', async () => {
    const clock = fakeClock('2026-04-01T00:00:00Z');
    await withSimulator(
      {
        seed: 'rl-hour',
        now: clock.now,
        rateLimit: { perMinute: 5, perHour: 12 },
        retryAfterSeconds: 30,
      },
      async (sim, agent) => {
        const token = sim.issueToken();
        expect(await burst(sim, agent, token, 6)).toEqual([200, 200, 200, 200, 200, 429]);
        clock.advance(minute);
        expect(await burst(sim, agent, token, 6)).toEqual([200, 200, 200, 200, 200, 429]);
        clock.advance(minute);
        expect(await burst(sim, agent, token, 3)).toEqual([200, 200, 429]);
        const refused = await get(sim, agent, '/api/v2/auth/introspect', token);
        expect(refused.headers['x-sim-reason']).toBe('rate_limited_per_hour');
        expect(refused.headers['retry-after']).toBe('30');
        clock.set(Date.parse('2026-04-01T01:00:00.001Z'));
        expect(await burst(sim, agent, token, 6)).toEqual([200, 200, 200, 200, 200, 429]);
      },
    );
  });

  test.each([
    ['token', [200, 200, 200, 429], [200, 200, 200, 429]],
    ['account', [200, 200, 200, 429], [429, 429, 429, 429]],
  ] as const)('scope %s', async (scope, first, second) => {
    const clock = fakeClock('2026-04-01T00:00:00Z');
    await withSimulator(
      {
        seed: `rl-${scope}`,
        now: clock.now,
        rateLimit: { perMinute: 3, perHour: 100 },
        rateLimitScope: scope,
      },
      async (sim, agent) => {
        const a = sim.issueToken();
        const b = sim.issueToken({ features: ['auditevents'] });
        expect(await burst(sim, agent, a, 4)).toEqual(first);
        expect(await burst(sim, agent, b, 4)).toEqual(second);
        // Another account never shares the budget.
        const elsewhere = sim.issueToken({ accountUuid: 'OTHERACCOUNT00000000000000' });
        expect(await burst(sim, agent, elsewhere, 1)).toEqual([200]);
      },
    );
  });

  test('refused tokens are not rate limited and do not consume the budget', async () => {
    const clock = fakeClock('2026-04-01T00:00:00Z');
    await withSimulator(
      { seed: 'rl-401', now: clock.now, rateLimit: { perMinute: 2, perHour: 100 } },
      async (sim, agent) => {
        const token = sim.issueToken({ features: ['itemusages'] });
        for (let i = 0; i < 5; i += 1) {
          expect((await post(sim, agent, feedPath('auditevents'), token, {})).status).toBe(401);
          expect((await get(sim, agent, '/api/v2/auth/introspect', 'unknown')).status).toBe(401);
        }
        expect(await burst(sim, agent, token, 3)).toEqual([200, 200, 429]);
      },
    );
  });

  test('without the option there is no limit', async () => {
    await withSimulator({ seed: 'rl-off' }, async (sim, agent) => {
      const statuses = await burst(sim, agent, sim.issueToken(), 700);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(sim.stats.rateLimited).toBe(0);
    });
  });
});
