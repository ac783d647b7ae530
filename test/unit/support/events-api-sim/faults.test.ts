/** Every injectable fault, as an undici client experiences it, plus rule matching and stop(). */
import { request, type Agent } from 'undici';
import { startEventsApiSimulator, type Simulator } from '../../../support/events-api-sim';
import {
  asPage,
  errorCodeOf,
  feedPath,
  get,
  post,
  trustingAgent,
  uuidsOf,
  type Page,
} from './helpers';

const sinceForever = { start_time: '2020-01-01T00:00:00Z', limit: 100 };
const socketErrors = ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'];

let sim: Simulator;
let agent: Agent;
let token: string;

beforeAll(async () => {
  sim = await startEventsApiSimulator({
    seed: 'fault-tests',
    counts: { signinattempts: 300, itemusages: 300, auditevents: 300 },
  });
  agent = trustingAgent(sim);
  token = sim.issueToken();
});

afterEach(() => {
  sim.faults.clear();
});

afterAll(async () => {
  await agent.close();
  await sim.stop();
});

const signins = feedPath('signinattempts');

/** Reads a response body chunk by chunk; returns the bytes read and the error that ended it. */
async function readUntilError(
  body: AsyncIterable<Buffer>,
): Promise<{ bytes: number; code: string | undefined }> {
  let bytes = 0;
  try {
    for await (const chunk of body) bytes += chunk.length;
  } catch (error) {
    return { bytes, code: (error as { code?: string }).code };
  }
  return { bytes, code: undefined };
}

describe('status faults', () => {
  test('429 without Retry-After by default, with one when asked', async () => {
    sim.faults.inject({ kind: 'status', status: 429 });
    const plain = await post(sim, agent, signins, token, sinceForever);
    expect(plain.status).toBe(429);
    expect(plain.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(plain.text)).toEqual(
      expect.objectContaining({ status: 429 }) as unknown as Record<string, unknown>,
    );

    sim.faults.inject({ kind: 'status', status: 429, retryAfter: 7, errorShape: 'legacy' });
    const withHeader = await post(sim, agent, signins, token, sinceForever);
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers['retry-after']).toBe('7');
    expect(JSON.parse(withHeader.text)).toEqual({ Error: { Message: 'Too Many Requests' } });

    sim.faults.inject({ kind: 'status', status: 503, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' });
    const dated = await post(sim, agent, signins, token, sinceForever);
    expect(dated.headers['retry-after']).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    // Afterwards the service answers normally.
    expect((await post(sim, agent, signins, token, sinceForever)).status).toBe(200);
  });

  test('a 5xx burst spoils exactly `times` requests', async () => {
    const handle = sim.faults.inject({ kind: 'status', status: 503, times: 3, body: 'html' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await post(sim, agent, signins, token, {})).status);
    expect(statuses).toEqual([503, 503, 503, 200, 200]);
    expect(handle.fired).toBe(3);
    expect(handle.remaining).toBe(0);
  });

  test.each([
    [500, 'json', 'application/json', /"status":500|"Message":"Internal Server Error"/],
    [502, 'html', 'text/html', /<title>502 Bad Gateway<\/title>/],
    [503, 'text', 'text/plain; charset=utf-8', /^503 Service Unavailable\n$/],
    [504, 'empty', undefined, /^$/],
  ] as const)('%i with a %s body', async (status, body, contentType, pattern) => {
    sim.faults.inject({ kind: 'status', status, body });
    const reply = await post(sim, agent, signins, token, {});
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toBe(contentType);
    expect(reply.text).toMatch(pattern);
  });

  test('plain-text 404', async () => {
    sim.faults.inject({ kind: 'not-found-text' });
    const reply = await post(sim, agent, signins, token, {});
    expect([reply.status, reply.text]).toEqual([404, '404 page not found\n']);
  });
});

describe('connection faults', () => {
  test('reset before the response: the client gets a socket error', async () => {
    sim.faults.inject({ kind: 'reset-before-response' });
    const code = await errorCodeOf(post(sim, agent, signins, token, sinceForever));
    expect(socketErrors).toContain(code);
    expect(sim.requests.at(-1)?.status).toBeUndefined();
    expect((await post(sim, agent, signins, token, sinceForever)).status).toBe(200);
  });

  test('reset mid-body: headers and part of the body arrive, then an error', async () => {
    sim.faults.inject({ kind: 'reset-mid-body', afterBytes: 5000 });
    const res = await request(`${sim.url}${signins}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(sinceForever),
    });
    expect(res.statusCode).toBe(200);
    const announced = Number(res.headers['content-length']);
    const { bytes, code } = await readUntilError(res.body);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(announced);
    expect(socketErrors).toContain(code);
  });

  test('hang before the response is detectable with a headers timeout', async () => {
    sim.faults.inject({ kind: 'hang-before-response' });
    const code = await errorCodeOf(post(sim, agent, signins, token, {}, { headersTimeout: 300 }));
    expect(code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  test('hang mid-body is detectable with a body timeout, after partial data', async () => {
    sim.faults.inject({ kind: 'hang-mid-body', afterBytes: 1000 });
    const res = await request(`${sim.url}${signins}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(sinceForever),
      bodyTimeout: 300,
    });
    expect(res.statusCode).toBe(200);
    const { bytes, code } = await readUntilError(res.body);
    expect(bytes).toBe(1000);
    expect(code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  test('a TLS handshake that never completes is detectable with a connect timeout', async () => {
    sim.faults.inject({ kind: 'hang-tls-handshake' });
    const fresh = trustingAgent(sim, { timeout: 300 });
    try {
      const code = await errorCodeOf(get(sim, fresh, '/api/v2/auth/introspect', token));
      expect(code).toBe('UND_ERR_CONNECT_TIMEOUT');
      // The rule spoiled one connection; the next one works.
      expect((await get(sim, fresh, '/api/v2/auth/introspect', token)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  test('a connection reset on connect fails the TLS handshake', async () => {
    sim.faults.inject({ kind: 'reset-on-connect' });
    const fresh = trustingAgent(sim);
    try {
      const code = await errorCodeOf(get(sim, fresh, '/api/v2/auth/introspect', token));
      expect(socketErrors).toContain(code);
    } finally {
      await fresh.close();
    }
  });
});

describe('body faults', () => {
  test('truncated JSON: clean framing, body cut short, connection still usable', async () => {
    sim.faults.inject({ kind: 'truncated-body' });
    const res = await request(`${sim.url}${signins}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(sinceForever),
    });
    expect(res.statusCode).toBe(200);
    // The cut may split a UTF-8 sequence, so compare bytes, not decoded text.
    const bytes = Buffer.from(await res.body.arrayBuffer());
    expect(bytes.length).toBe(Number(res.headers['content-length']));
    const text = bytes.toString('utf8');
    expect(text.startsWith('{"items":[')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect((await post(sim, agent, signins, token, sinceForever)).status).toBe(200);
  });

  test('truncation applies to introspection too', async () => {
    sim.faults.inject({ kind: 'truncated-body', afterBytes: 5, match: { path: /introspect/ } });
    const reply = await get(sim, agent, '/api/v2/auth/introspect', token);
    expect(reply.text).toBe('{"uui');
  });

  test('invalid JSON with a JSON content type', async () => {
    sim.faults.inject({ kind: 'invalid-json' });
    const reply = await post(sim, agent, signins, token, {});
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(reply.text) as unknown).toThrow(SyntaxError);
  });

  test('wrong content type: JSON body by default, or an HTML page', async () => {
    sim.faults.inject({ kind: 'wrong-content-type' });
    const same = await post(sim, agent, signins, token, {});
    expect(same.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(JSON.parse(same.text)).toHaveProperty('items');

    sim.faults.inject({ kind: 'wrong-content-type', body: 'html', contentType: 'text/html' });
    const html = await post(sim, agent, signins, token, {});
    expect(html.headers['content-type']).toBe('text/html');
    expect(html.text).toContain('<title>Sign in</title>');
  });
});

describe('contract-breaking envelopes', () => {
  test('missing cursor', async () => {
    sim.faults.inject({ kind: 'missing-cursor' });
    const body = JSON.parse((await post(sim, agent, signins, token, sinceForever)).text) as object;
    expect(body).not.toHaveProperty('cursor');
    expect(body).toHaveProperty('items');
    expect(body).toHaveProperty('has_more', true);
  });

  test('has_more true with the request cursor handed back', async () => {
    const first = asPage(await post(sim, agent, signins, token, { ...sinceForever, limit: 5 }));
    sim.faults.inject({ kind: 'stuck-cursor', times: 2 });
    const stuck = asPage(await post(sim, agent, signins, token, { cursor: `${first.cursor}\n` }));
    expect(stuck.has_more).toBe(true);
    expect(stuck.cursor).toBe(first.cursor);
    const again = asPage(await post(sim, agent, signins, token, { cursor: stuck.cursor }));
    expect(again.cursor).toBe(first.cursor);
    expect(uuidsOf(again)).toEqual(uuidsOf(stuck));
  });

  test('items not an array', async () => {
    sim.faults.inject({ kind: 'items-not-array' });
    sim.faults.inject({ kind: 'items-not-array', items: { '0': 'x' } });
    const nulls = JSON.parse((await post(sim, agent, signins, token, {})).text) as Page;
    expect(nulls.items).toBeNull();
    expect(typeof nulls.cursor).toBe('string');
    const object = JSON.parse((await post(sim, agent, signins, token, {})).text) as Page;
    expect(object.items).toEqual({ '0': 'x' });
  });

  test('has_more as a string', async () => {
    sim.faults.inject({ kind: 'has-more-not-boolean' });
    const body = JSON.parse((await post(sim, agent, signins, token, sinceForever)).text) as {
      has_more: unknown;
    };
    expect(body.has_more).toBe('true');
  });

  test('envelope faults wait for a feed page (introspection is left alone)', async () => {
    const handle = sim.faults.inject({ kind: 'missing-cursor' });
    expect((await get(sim, agent, '/api/v2/auth/introspect', token)).status).toBe(200);
    expect(handle.fired).toBe(0);
    const page = JSON.parse((await post(sim, agent, signins, token, {})).text) as object;
    expect(page).not.toHaveProperty('cursor');
    expect(handle.fired).toBe(1);
  });

  test('spoiled pages do not count as served', async () => {
    const other = sim.issueToken({ accountUuid: 'SERVEDCHECK000000000000000' });
    sim.addEvents('auditevents', 4, { accountUuid: 'SERVEDCHECK000000000000000' });
    sim.faults.inject({ kind: 'truncated-body' });
    await post(sim, agent, feedPath('auditevents'), other, {});
    expect(sim.servedItems('auditevents', { accountUuid: 'SERVEDCHECK000000000000000' })).toEqual(
      [],
    );
    await post(sim, agent, feedPath('auditevents'), other, {});
    expect(
      sim.servedItems('auditevents', { accountUuid: 'SERVEDCHECK000000000000000' }),
    ).toHaveLength(4);
  });
});

describe('cursor and token faults', () => {
  test('stale cursor: cursor requests get 400, resets are untouched', async () => {
    const page = asPage(await post(sim, agent, signins, token, { ...sinceForever, limit: 5 }));
    const handle = sim.faults.inject({ kind: 'stale-cursor', times: 2 });
    expect((await post(sim, agent, signins, token, sinceForever)).status).toBe(200);
    const stale = await post(sim, agent, signins, token, { cursor: page.cursor });
    expect(stale.status).toBe(400);
    expect(stale.headers['x-sim-reason']).toBe('cursor_stale');
    expect((await post(sim, agent, signins, token, { cursor: page.cursor })).status).toBe(400);
    expect((await post(sim, agent, signins, token, { cursor: page.cursor })).status).toBe(200);
    expect(handle.fired).toBe(2);
  });

  test('revoke: 401 now and on every later request with that token', async () => {
    const victim = sim.issueToken();
    sim.faults.inject({ kind: 'revoke-token', errorShape: 'legacy' });
    const first = await post(sim, agent, signins, victim, {});
    expect(first.status).toBe(401);
    expect(JSON.parse(first.text)).toEqual({ Error: { Message: 'Unauthorized' } });
    const later = await post(sim, agent, signins, victim, {});
    expect(later.status).toBe(401);
    expect(later.headers['x-sim-reason']).toBe('revoked_token');
    expect((await post(sim, agent, signins, token, {})).status).toBe(200);
  });
});

describe('rule matching', () => {
  test('by feed, version, path, method and cursor presence', async () => {
    sim.faults.inject({ kind: 'status', status: 500, match: { feed: 'itemusages' } });
    expect((await post(sim, agent, signins, token, {})).status).toBe(200);
    expect((await post(sim, agent, feedPath('itemusages'), token, {})).status).toBe(500);

    sim.faults.inject({ kind: 'status', status: 502, match: { version: 'v1' } });
    expect((await post(sim, agent, signins, token, {})).status).toBe(200);
    expect((await post(sim, agent, feedPath('signinattempts', 'v1'), token, {})).status).toBe(502);

    sim.faults.inject({
      kind: 'status',
      status: 503,
      match: { path: '/api/v2/auth/introspect', method: 'get' },
    });
    expect((await post(sim, agent, signins, token, {})).status).toBe(200);
    expect((await get(sim, agent, '/api/v2/auth/introspect', token)).status).toBe(503);

    sim.faults.inject({ kind: 'status', status: 504, match: { withCursor: true } });
    const page = asPage(await post(sim, agent, signins, token, {}));
    expect((await post(sim, agent, signins, token, { cursor: page.cursor })).status).toBe(504);

    sim.faults.inject({
      kind: 'status',
      status: 500,
      match: { feed: ['auditevents', 'itemusages'] },
    });
    expect((await post(sim, agent, feedPath('auditevents'), token, {})).status).toBe(500);
  });

  test('skip lets matching requests through before the fault starts; Infinity lasts until cleared', async () => {
    const nth = sim.faults.inject({
      kind: 'status',
      status: 500,
      skip: 2,
      times: 1,
      match: { feed: 'auditevents' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await post(sim, agent, feedPath('auditevents'), token, {})).status);
    }
    expect(statuses).toEqual([200, 200, 500, 200]);
    expect(nth.fired).toBe(1);

    const forever = sim.faults.inject({ kind: 'status', status: 503, times: Infinity });
    for (let i = 0; i < 5; i += 1)
      expect((await post(sim, agent, signins, token, {})).status).toBe(503);
    expect(forever.remaining).toBe(Infinity);
    sim.faults.clear();
    expect((await post(sim, agent, signins, token, {})).status).toBe(200);
    expect(forever.fired).toBe(5);
  });

  test('rules apply in injection order and are logged and counted', async () => {
    const before = sim.stats.faultsFired;
    sim.faults.inject({ kind: 'status', status: 500 });
    sim.faults.inject({ kind: 'status', status: 502 });
    expect((await post(sim, agent, signins, token, {})).status).toBe(500);
    expect((await post(sim, agent, signins, token, {})).status).toBe(502);
    expect(sim.stats.faultsFired - before).toBe(2);
    expect(sim.requests.slice(-2).map((r) => [r.fault, r.status])).toEqual([
      ['status', 500],
      ['status', 502],
    ]);
    expect(() => sim.faults.inject({ kind: 'status', status: 500, times: -1 })).toThrow(RangeError);
  });
});

describe('stop()', () => {
  test('closes hung requests, hung handshakes and stalled bodies', async () => {
    const doomed = await startEventsApiSimulator({
      seed: 'stop',
      counts: { signinattempts: 200, itemusages: 0, auditevents: 0 },
    });
    const doomedToken = doomed.issueToken();
    const a = trustingAgent(doomed);
    const b = trustingAgent(doomed);
    const c = trustingAgent(doomed);
    try {
      doomed.faults.inject({ kind: 'hang-before-response' });
      const hung = errorCodeOf(post(doomed, a, signins, doomedToken, {}));
      doomed.faults.inject({ kind: 'hang-mid-body', afterBytes: 100 });
      const stalledResponse = await request(`${doomed.url}${signins}`, {
        dispatcher: b,
        method: 'POST',
        headers: { authorization: `Bearer ${doomedToken}` },
        body: JSON.stringify(sinceForever),
      });
      const stalled = readUntilError(stalledResponse.body);
      doomed.faults.inject({ kind: 'hang-tls-handshake' });
      const handshake = errorCodeOf(get(doomed, c, '/api/v2/auth/introspect', doomedToken));
      // Stop only once the handshake connection has reached the server.
      while (doomed.stats.connections < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      await doomed.stop();
      expect(socketErrors).toContain(await hung);
      expect(socketErrors).toContain((await stalled).code);
      expect(socketErrors).toContain(await handshake);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
      await doomed.stop();
    }
  });
});
