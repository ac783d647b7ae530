/** Cursor paging, request-body rules and time windows of the simulator, over real HTTPS. */
import type { Agent } from 'undici';
import { startEventsApiSimulator, type Simulator } from '../../../support/events-api-sim';
import {
  asPage,
  drain,
  fakeClock,
  feedPath,
  post,
  trustingAgent,
  uuidsOf,
  type Page,
} from './helpers';

const hour = 3_600_000;
const day = 24 * hour;
const clock = fakeClock('2026-03-15T12:00:00Z');
const sinceForever = { start_time: '2025-01-01T00:00:00Z' };

let sim: Simulator;
let agent: Agent;
let token: string;

beforeAll(async () => {
  sim = await startEventsApiSimulator({
    seed: 'paging-tests',
    counts: { signinattempts: 1234, itemusages: 250, auditevents: 40 },
    now: clock.now,
  });
  agent = trustingAgent(sim);
  token = sim.issueToken();
});

afterAll(async () => {
  await agent.close();
  await sim.stop();
});

describe('cursor paging', () => {
  test('walks every event exactly once, in ingestion order, byte for byte', async () => {
    const { pages, texts } = await drain(sim, agent, feedPath('itemusages'), token, {
      ...sinceForever,
      limit: 7,
    });
    const expected = sim.allItems('itemusages');
    expect(expected).toHaveLength(250);
    const seen = pages.flatMap(uuidsOf);
    expect(seen).toEqual(expected.map((item) => item.uuid));
    expect(new Set(seen).size).toBe(seen.length);
    // Every page but the last is full and says there is more.
    expect(pages.slice(0, -1).every((p) => p.items.length === 7 && p.has_more)).toBe(true);
    expect(pages.at(-1)?.has_more).toBe(false);
    // The body is the stored raw texts joined, nothing re-serialised.
    const rawPages = texts.map((t) => t.slice('{"items":['.length, t.indexOf('],"cursor":')));
    expect(rawPages.join(',')).toBe(expected.map((item) => item.raw).join(','));
    expect(sim.servedItems('itemusages').map((i) => i.raw)).toEqual(expected.map((i) => i.raw));
  });

  test('ingestion order differs from timestamp order for late-ingested events', () => {
    const stamps = sim
      .allItems('itemusages')
      .map((i) => Date.parse((JSON.parse(i.raw) as { timestamp: string }).timestamp));
    const outOfOrder = stamps.filter((t, i) => i > 0 && t < (stamps[i - 1] ?? 0));
    expect(outOfOrder.length).toBeGreaterThan(0);
  });

  test('an empty page still carries a cursor, and that cursor later returns new events', async () => {
    const first = asPage(
      await post(sim, agent, feedPath('auditevents'), token, {
        start_time: '2026-03-15T11:59:00Z',
      }),
    );
    expect(first.items).toEqual([]);
    expect(first.has_more).toBe(false);
    expect(typeof first.cursor).toBe('string');
    expect(first.cursor.length).toBeGreaterThan(20);
    const added = sim.addEvents('auditevents', 3);
    const next = asPage(
      await post(sim, agent, feedPath('auditevents'), token, { cursor: first.cursor }),
    );
    expect(uuidsOf(next)).toEqual(added.map((a) => a.uuid));
  });

  test('the same cursor returns the same page, plus what was ingested after it', async () => {
    const reset = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 5 }),
    );
    const a = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { cursor: reset.cursor }),
    );
    const b = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { cursor: reset.cursor }),
    );
    expect(uuidsOf(b)).toEqual(uuidsOf(a));
    expect(a.items).toHaveLength(5);
  });

  test('a cursor with a trailing newline (as the official app sends it) is accepted', async () => {
    const reset = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 3 }),
    );
    const plain = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { cursor: reset.cursor }),
    );
    const withNewline = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { cursor: `${reset.cursor}\n` }),
    );
    expect(uuidsOf(withNewline)).toEqual(uuidsOf(plain));
  });

  test('cursors are opaque base64, not a readable position', async () => {
    const page = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 1 }),
    );
    expect(page.cursor).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const decoded = Buffer.from(page.cursor, 'base64').toString('latin1');
    expect(decoded).not.toMatch(/signinattempts|"position"|\b1\b,/);
    // Two cursors for the same position differ (sealed with a fresh IV each time).
    const again = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 1 }),
    );
    expect(again.cursor).not.toBe(page.cursor);
  });

  test('unknown, tampered, cross-feed and non-string cursors are refused with 400', async () => {
    const page = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 1 }),
    );
    const flipped =
      page.cursor.slice(0, 10) + (page.cursor[10] === 'A' ? 'B' : 'A') + page.cursor.slice(11);
    const bad: unknown[] = [
      { cursor: 'aGVsbG8hIGlzIGl0IG1lIHlvdSBhcmUgbG9va2luZyBmb3IK' },
      { cursor: flipped },
      { cursor: '12345' },
      { cursor: '' },
      { cursor: 42 },
      { cursor: page.cursor.replace(/\+/g, '-').replace(/\//g, '_') + '-_' },
    ];
    for (const body of bad) {
      const reply = await post(sim, agent, feedPath('signinattempts'), token, body);
      expect([reply.status, body]).toEqual([400, body]);
    }
    const crossFeed = await post(sim, agent, feedPath('itemusages'), token, {
      cursor: page.cursor,
    });
    expect(crossFeed.status).toBe(400);
    expect(crossFeed.headers['x-sim-reason']).toBe('cursor_unknown');
  });

  test('a body with both a cursor and reset fields is refused', async () => {
    const page = asPage(await post(sim, agent, feedPath('signinattempts'), token, { limit: 1 }));
    const reply = await post(sim, agent, feedPath('signinattempts'), token, {
      cursor: page.cursor,
      limit: 10,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers['x-sim-reason']).toBe('cursor_with_reset_fields');
  });
});

describe('ResetCursor rules', () => {
  test.each([
    [0, 400],
    [-1, 400],
    [1001, 400],
    [1.5, 400],
    ['10', 400],
    [1, 200],
    [1000, 200],
  ])('limit %p → %p', async (limit, status) => {
    const reply = await post(sim, agent, feedPath('signinattempts'), token, {
      ...sinceForever,
      limit,
    });
    expect(reply.status).toBe(status);
    if (status === 200) {
      expect((JSON.parse(reply.text) as Page).items).toHaveLength(limit as number);
    } else {
      expect(reply.headers['x-sim-reason']).toMatch(/^limit_/);
    }
  });

  test('the default limit is 100 and null counts as absent', async () => {
    for (const body of [sinceForever, { ...sinceForever, limit: null }]) {
      const page = asPage(await post(sim, agent, feedPath('signinattempts'), token, body));
      expect(page.items).toHaveLength(100);
      expect(page.has_more).toBe(true);
    }
  });

  test('a cursor keeps the reset limit', async () => {
    const reset = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { ...sinceForever, limit: 13 }),
    );
    const next = asPage(
      await post(sim, agent, feedPath('signinattempts'), token, { cursor: reset.cursor }),
    );
    expect(next.items).toHaveLength(13);
  });

  test.each([
    ['2024-13-01T00:00:00Z'],
    ['2024-02-30T00:00:00Z'],
    ['2024-01-01 00:00:00Z'],
    ['2024-01-01'],
    ['2024-01-01T00:00:00'],
    ['2024-01-01T00:00:00.Z'],
    ['2024-01-01T24:00:00Z'],
    ['yesterday'],
    [1700000000],
  ])('malformed start_time %p → 400', async (startTime) => {
    const reply = await post(sim, agent, feedPath('signinattempts'), token, {
      start_time: startTime,
    });
    expect(reply.status).toBe(400);
    const endReply = await post(sim, agent, feedPath('signinattempts'), token, {
      end_time: startTime,
    });
    expect(endReply.status).toBe(400);
  });

  test.each([['{}'], ['{"unknown_member":true}']])('body %s is a valid reset', async (text) => {
    const reply = await post(sim, agent, feedPath('signinattempts'), token, text, {
      rawBody: true,
    });
    expect(reply.status).toBe(200);
  });

  test.each([[''], ['null'], ['[]'], ['"cursor"'], ['{"limit":'], ['limit=10']])(
    'body %p → 400',
    async (text) => {
      const reply = await post(sim, agent, feedPath('signinattempts'), token, text, {
        rawBody: true,
      });
      expect(reply.status).toBe(400);
    },
  );
});

describe('time windows', () => {
  let windowSim: Simulator;
  let windowAgent: Agent;
  let windowToken: string;
  const windowClock = fakeClock('2026-05-01T00:00:00Z');

  beforeAll(async () => {
    windowSim = await startEventsApiSimulator({
      seed: 'windows',
      counts: { signinattempts: 0, itemusages: 0, auditevents: 0 },
      now: windowClock.now,
    });
    windowAgent = trustingAgent(windowSim);
    windowToken = windowSim.issueToken();
  });

  afterAll(async () => {
    await windowAgent.close();
    await windowSim.stop();
  });

  test('without start_time only the last hour is served; end_time moves that hour', async () => {
    const twoHoursAgo = windowSim.addEvents('signinattempts', 3, { timestampOffsetMs: -2 * hour });
    const halfHourAgo = windowSim.addEvents('signinattempts', 4, { timestampOffsetMs: -hour / 2 });
    const justNow = windowSim.addEvents('signinattempts', 2, { timestampOffsetMs: -1000 });
    const recent = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {}),
    );
    expect(uuidsOf(recent)).toEqual([...halfHourAgo, ...justNow].map((e) => e.uuid));

    const endOnly = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {
        end_time: new Date(windowClock.now() - 1.5 * hour).toISOString(),
      }),
    );
    expect(uuidsOf(endOnly)).toEqual(twoHoursAgo.map((e) => e.uuid));

    const bounded = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {
        start_time: '2026-04-30T21:00:00Z',
        end_time: '2026-04-30T23:50:00+00:00',
      }),
    );
    expect(uuidsOf(bounded)).toEqual([...twoHoursAgo, ...halfHourAgo].map((e) => e.uuid));

    // The same instant written with an offset selects the same events.
    const offset = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {
        start_time: '2026-04-30T18:00:00-03:00',
        end_time: '2026-04-30T20:50:00.000000000-03:00',
      }),
    );
    expect(uuidsOf(offset)).toEqual(uuidsOf(bounded));
  });

  test('late events reach a held cursor but not a time-window poller', async () => {
    const start = new Date(windowClock.now() - day).toISOString();
    const drained = await drain(windowSim, windowAgent, feedPath('itemusages'), windowToken, {
      start_time: start,
    });
    windowClock.advance(60_000);
    // A window poller asks for what happened since its last poll...
    const windowStart = new Date(windowClock.now() - 60_000).toISOString();
    const late = windowSim.insertLateEvents('itemusages', 5, { ageMs: 6 * hour });
    const fresh = windowSim.addEvents('itemusages', 2);
    const windowPoll = asPage(
      await post(windowSim, windowAgent, feedPath('itemusages'), windowToken, {
        start_time: windowStart,
      }),
    );
    expect(uuidsOf(windowPoll)).toEqual(fresh.map((e) => e.uuid));
    // ...while the cursor consumer gets the late ones too, in ingestion order.
    const viaCursor = asPage(
      await post(windowSim, windowAgent, feedPath('itemusages'), windowToken, {
        cursor: drained.lastCursor,
      }),
    );
    expect(uuidsOf(viaCursor)).toEqual([...late, ...fresh].map((e) => e.uuid));
    for (const item of late) {
      const stamp = Date.parse((JSON.parse(item.raw) as { timestamp: string }).timestamp);
      expect(windowClock.now() - stamp).toBeGreaterThanOrEqual(6 * hour);
      expect(windowClock.now() - stamp).toBeLessThanOrEqual(6 * hour + 1000);
    }
  });

  test("a cursor keeps its reset's window: late events stamped before start_time stay out", async () => {
    const reset = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {
        start_time: new Date(windowClock.now() - hour).toISOString(),
        limit: 1000,
      }),
    );
    const tooOld = windowSim.insertLateEvents('signinattempts', 2, { ageMs: 2 * hour });
    const inside = windowSim.insertLateEvents('signinattempts', 2, { ageMs: 10 * 60_000 });
    const next = asPage(
      await post(windowSim, windowAgent, feedPath('signinattempts'), windowToken, {
        cursor: reset.cursor,
      }),
    );
    expect(uuidsOf(next)).toEqual(inside.map((e) => e.uuid));
    for (const e of tooOld) expect(uuidsOf(next)).not.toContain(e.uuid);
  });

  test('events older than 120 days are not served', async () => {
    const old = windowSim.insertLateEvents('auditevents', 2, { ageMs: 121 * day });
    const young = windowSim.insertLateEvents('auditevents', 2, { ageMs: 119 * day });
    const page = asPage(
      await post(windowSim, windowAgent, feedPath('auditevents'), windowToken, {
        start_time: '2020-01-01T00:00:00Z',
      }),
    );
    const served = uuidsOf(page);
    expect(served).toEqual(expect.arrayContaining(young.map((e) => e.uuid)));
    for (const e of old) expect(served).not.toContain(e.uuid);
  });

  test('an event ages out of retention between two requests with the same cursor', async () => {
    const reset = asPage(
      await post(windowSim, windowAgent, feedPath('auditevents'), windowToken, {
        start_time: '2020-01-01T00:00:00Z',
      }),
    );
    const almost = windowSim.insertLateEvents('auditevents', 1, { ageMs: 120 * day - 5 * 60_000 });
    const before = asPage(
      await post(windowSim, windowAgent, feedPath('auditevents'), windowToken, {
        cursor: reset.cursor,
      }),
    );
    expect(uuidsOf(before)).toEqual(almost.map((e) => e.uuid));
    windowClock.advance(10 * 60_000);
    const after = asPage(
      await post(windowSim, windowAgent, feedPath('auditevents'), windowToken, {
        cursor: reset.cursor,
      }),
    );
    expect(after.items).toEqual([]);
  });
});

describe('cursor lifetime', () => {
  test('cursorTtlMs expires cursors with 400; invalidateCursors makes all stale', async () => {
    const ttlClock = fakeClock('2026-02-01T00:00:00Z');
    const ttlSim = await startEventsApiSimulator({
      seed: 'ttl',
      counts: { signinattempts: 30, itemusages: 0, auditevents: 0 },
      now: ttlClock.now,
      cursorTtlMs: 60_000,
    });
    const ttlAgent = trustingAgent(ttlSim);
    try {
      const ttlToken = ttlSim.issueToken();
      const path = feedPath('signinattempts');
      const first = asPage(
        await post(ttlSim, ttlAgent, path, ttlToken, { ...sinceForever, limit: 10 }),
      );
      ttlClock.advance(59_000);
      const second = asPage(await post(ttlSim, ttlAgent, path, ttlToken, { cursor: first.cursor }));
      expect(second.items).toHaveLength(10);
      ttlClock.advance(2_000);
      // first.cursor is now 61 s old; second.cursor only 2 s.
      const expired = await post(ttlSim, ttlAgent, path, ttlToken, { cursor: first.cursor });
      expect(expired.status).toBe(400);
      expect(expired.headers['x-sim-reason']).toBe('cursor_expired');
      expect(
        asPage(await post(ttlSim, ttlAgent, path, ttlToken, { cursor: second.cursor })).items,
      ).toHaveLength(10);

      ttlSim.invalidateCursors();
      const stale = await post(ttlSim, ttlAgent, path, ttlToken, { cursor: second.cursor });
      expect(stale.status).toBe(400);
      expect(stale.headers['x-sim-reason']).toBe('cursor_invalidated');
      // A reset still works and yields fresh, valid cursors.
      const reset = asPage(
        await post(ttlSim, ttlAgent, path, ttlToken, { ...sinceForever, limit: 10 }),
      );
      expect((await post(ttlSim, ttlAgent, path, ttlToken, { cursor: reset.cursor })).status).toBe(
        200,
      );
    } finally {
      await ttlAgent.close();
      await ttlSim.stop();
    }
  });
});

describe('v1 endpoints', () => {
  test('serve the same events without v2-only fields or v2-only events', async () => {
    const v1 = await drain(sim, agent, feedPath('signinattempts', 'v1'), token, {
      ...sinceForever,
      limit: 1000,
    });
    const v1Items = v1.pages.flatMap((p) => p.items) as Array<Record<string, unknown>>;
    const v2Items = sim
      .allItems('signinattempts')
      .map((i) => JSON.parse(i.raw) as Record<string, unknown>);
    const federated = v2Items.filter((i) => i['type'] === 'federated');
    expect(federated.length).toBeGreaterThan(0);
    expect(v1Items).toHaveLength(v2Items.length - federated.length);
    expect(v1Items.some((i) => i['type'] === 'federated')).toBe(false);
    expect(v1Items.some((i) => 'account_uuid' in i)).toBe(false);
    expect(v1Items.some((i) => 'user_type' in (i['target_user'] as Record<string, unknown>))).toBe(
      false,
    );
    expect(v2Items.every((i) => 'account_uuid' in i)).toBe(true);
    expect(sim.servedItems('signinattempts', { version: 'v1' })).toEqual(
      sim.allItems('signinattempts', { version: 'v1' }),
    );
  });
});

describe('accounts', () => {
  test('each account sees only its own events; cursors do not cross accounts', async () => {
    const other = sim.addAccount({ counts: { signinattempts: 12, itemusages: 0, auditevents: 0 } });
    expect(other).not.toBe(sim.accountUuid);
    const otherToken = sim.issueToken({ accountUuid: other });
    const page = asPage(
      await post(sim, agent, feedPath('signinattempts'), otherToken, {
        ...sinceForever,
        limit: 1000,
      }),
    );
    expect(uuidsOf(page)).toEqual(
      sim.allItems('signinattempts', { accountUuid: other }).map((i) => i.uuid),
    );
    const mine = asPage(await post(sim, agent, feedPath('signinattempts'), token, { limit: 1 }));
    const crossed = await post(sim, agent, feedPath('signinattempts'), otherToken, {
      cursor: mine.cursor,
    });
    expect(crossed.status).toBe(400);
  });

  test('a token for an account the simulator has not seen gets an empty account', async () => {
    const fresh = sim.issueToken({ accountUuid: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ' });
    const page = asPage(await post(sim, agent, feedPath('auditevents'), fresh, sinceForever));
    expect(page.items).toEqual([]);
    sim.addEvents('auditevents', 2, { accountUuid: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ' });
    const next = asPage(
      await post(sim, agent, feedPath('auditevents'), fresh, { cursor: page.cursor }),
    );
    expect(next.items).toHaveLength(2);
    expect(() => sim.addEvents('auditevents', 1, { accountUuid: 'NOPE' })).toThrow(RangeError);
  });
});
