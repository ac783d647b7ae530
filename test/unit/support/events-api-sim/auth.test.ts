/** Tokens, introspection, authentication failures, routing and error-body shapes. */
import { request, type Agent } from 'undici';
import { readToken } from '../../../../src/events-api/token';
import {
  legacyAudience,
  startEventsApiSimulator,
  truncateToken,
  type Simulator,
} from '../../../support/events-api-sim';
import { fakeClock, feedPath, get, post, trustingAgent } from './helpers';

const clock = fakeClock('2026-06-01T08:00:00Z');
const nowSeconds = (): number => Math.floor(clock.now() / 1000);

let sim: Simulator;
let agent: Agent;

beforeAll(async () => {
  sim = await startEventsApiSimulator({
    seed: 'auth-tests',
    counts: { signinattempts: 20, itemusages: 20, auditevents: 20 },
    now: clock.now,
    errorShape: 'current',
  });
  agent = trustingAgent(sim);
});

afterAll(async () => {
  await agent.close();
  await sim.stop();
});

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('issued tokens', () => {
  test('are JWT-shaped ES256 tokens carrying the claims connectors read', () => {
    const token = sim.issueToken({
      features: ['auditevents', 'signinattempts'],
      exp: nowSeconds() + 3600,
    });
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    const header = decodePart(parts[0]);
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' });
    const payload = decodePart(parts[1]);
    expect(payload).toEqual({
      '1password.com/auuid': sim.accountUuid,
      '1password.com/fts': ['auditevents', 'signinattempts'],
      aud: [sim.host],
      sub: expect.stringMatching(/^[A-Z2-7]{26}$/),
      iat: nowSeconds(),
      iss: 'com.1password.b5',
      jti: expect.any(String),
      exp: nowSeconds() + 3600,
    });
    // ES256 signatures in JWS form are r‖s, 64 bytes.
    expect(Buffer.from(parts[2] ?? '', 'base64url')).toHaveLength(64);
  });

  test("satisfy the add-on's own token reader", () => {
    const reading = readToken(sim.issueToken(), new Date(clock.now()));
    expect(reading).toEqual({
      ok: true,
      claims: expect.objectContaining({
        audience: sim.host,
        features: ['signinattempts', 'itemusages', 'auditevents'],
        accountUuid: sim.accountUuid,
      }),
    });
    expect(readToken(sim.issueLegacyToken())).toEqual({ ok: false, problem: 'legacy' });
    // Cut into the payload, the reader notices; cut inside the signature it cannot (only the
    // service can, which is why introspect answers such tokens with 404).
    expect(readToken(truncateToken(sim.issueToken(), 120)).ok).toBe(false);
    expect(readToken(truncateToken(sim.issueToken()), new Date(clock.now())).ok).toBe(true);
  });

  test('legacy tokens carry the streaming-service audience and still work', async () => {
    const legacy = sim.issueLegacyToken();
    expect(decodePart(legacy.split('.')[1])['aud']).toEqual([legacyAudience]);
    expect((await get(sim, agent, '/api/v2/auth/introspect', legacy)).status).toBe(200);
  });
});

describe('introspection', () => {
  test('v2 answers uuid, issued_at, features and account_uuid', async () => {
    const token = sim.issueToken({
      features: ['itemusages'],
      integrationUuid: 'INTEGRATION0000000000000001',
    });
    const reply = await get(sim, agent, '/api/v2/auth/introspect', token);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.text)).toEqual({
      uuid: 'INTEGRATION0000000000000001',
      issued_at: '2026-06-01T08:00:00Z',
      features: ['itemusages'],
      account_uuid: sim.accountUuid,
    });
  });

  test('the deprecated v1 introspect answers capitalised keys', async () => {
    const token = sim.issueToken();
    const reply = await get(sim, agent, '/api/auth/introspect', token);
    expect(JSON.parse(reply.text)).toEqual({
      UUID: expect.any(String),
      IssuedAt: '2026-06-01T08:00:00Z',
      Features: ['auditevents', 'itemusages', 'signinattempts'],
    });
  });

  test('a truncated token gets the plain-text "404 page not found" from introspect', async () => {
    const token = sim.issueToken();
    for (const drop of [1, 10, 60, 200]) {
      for (const path of ['/api/v2/auth/introspect', '/api/auth/introspect']) {
        const reply = await get(sim, agent, path, sim.truncatedToken(token, drop));
        expect(reply.status).toBe(404);
        expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
        expect(reply.text).toBe('404 page not found\n');
      }
    }
    // On a feed endpoint the same token is just invalid.
    const feedReply = await post(
      sim,
      agent,
      feedPath('signinattempts'),
      sim.truncatedToken(token),
      {},
    );
    expect(feedReply.status).toBe(401);
  });
});

describe('authentication failures answer 401 with a JSON error', () => {
  const cases: Array<[string, () => string | undefined, string]> = [
    ['no Authorization header', () => undefined, 'missing_authorization'],
    ['an unknown token', () => 'eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOlsieCJdfQ.c2ln', 'unknown_token'],
    ['garbage', () => 'not a token at all', 'unknown_token'],
    ['a token with an extra character', () => `${sim.issueToken()}x`, 'unknown_token'],
    [
      'a revoked token',
      () => {
        const t = sim.issueToken();
        sim.revokeToken(t);
        return t;
      },
      'revoked_token',
    ],
    ['an expired token', () => sim.issueToken({ exp: nowSeconds() - 1 }), 'expired_token'],
    ['a token expiring right now', () => sim.issueToken({ exp: nowSeconds() }), 'expired_token'],
  ];

  test.each(cases)('%s', async (_label, makeToken, reason) => {
    const token = makeToken();
    for (const reply of [
      await post(sim, agent, feedPath('auditevents'), token, {}),
      await get(sim, agent, '/api/v2/auth/introspect', token),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.headers['x-sim-reason']).toBe(reason);
      expect(JSON.parse(reply.text)).toEqual({ status: 401, message: 'Unauthorized' });
    }
  });

  test('a non-Bearer scheme is refused', async () => {
    const res = await request(`${sim.url}/api/v2/auth/introspect`, {
      dispatcher: agent,
      headers: { authorization: `Basic ${sim.issueToken()}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-sim-reason']).toBe('not_bearer');
    await res.body.text();
  });

  test('a token is valid until its exp, then not', async () => {
    const token = sim.issueToken({ exp: nowSeconds() + 60 });
    expect((await post(sim, agent, feedPath('auditevents'), token, {})).status).toBe(200);
    clock.advance(61_000);
    expect((await post(sim, agent, feedPath('auditevents'), token, {})).status).toBe(401);
  });

  test('a feed outside the token features is refused (wrong scope)', async () => {
    const token = sim.issueToken({ features: ['auditevents'] });
    const refused = await post(sim, agent, feedPath('signinattempts'), token, {});
    expect(refused.status).toBe(401);
    expect(refused.headers['x-sim-reason']).toBe('feature_not_in_token');
    expect((await post(sim, agent, feedPath('itemusages', 'v1'), token, {})).status).toBe(401);
    expect((await post(sim, agent, feedPath('auditevents'), token, {})).status).toBe(200);
    // Introspection needs no feature.
    expect((await get(sim, agent, '/api/v2/auth/introspect', token)).status).toBe(200);
  });

  test('the request log keeps a hash of the token, never the token', async () => {
    const token = sim.issueToken();
    sim.clearRequests();
    await post(sim, agent, feedPath('auditevents'), token, {});
    const [record] = sim.requests;
    expect(record?.hasAuthorization).toBe(true);
    expect(record?.tokenHash).toMatch(/^[0-9a-f]{16}$/);
    expect(record?.headers['authorization']).toBe('[redacted]');
    expect(JSON.stringify(sim.requests)).not.toContain(token);
    expect(JSON.stringify(sim.requests)).not.toContain(token.split('.')[2]);
  });
});

describe('audience check (opt-in)', () => {
  test('with acceptedAudiences, a token for another host is refused', async () => {
    const strict = await startEventsApiSimulator({
      seed: 'aud',
      counts: { signinattempts: 1, itemusages: 1, auditevents: 1 },
      acceptedAudiences: ['events.1password.eu'],
    });
    const strictAgent = trustingAgent(strict);
    try {
      const eu = strict.issueToken({ aud: 'events.1password.eu' });
      const com = strict.issueToken({ aud: ['events.1password.com'] });
      expect((await get(strict, strictAgent, '/api/v2/auth/introspect', eu)).status).toBe(200);
      const refused = await get(strict, strictAgent, '/api/v2/auth/introspect', com);
      expect(refused.status).toBe(401);
      expect(refused.headers['x-sim-reason']).toBe('wrong_audience');
    } finally {
      await strictAgent.close();
      await strict.stop();
    }
  });
});

describe('routing', () => {
  test.each([
    ['GET', '/'],
    ['GET', '/api/v2/auth/introspect/'],
    ['POST', '/api/v2/signinattempts/'],
    ['POST', '/api/v3/auditevents'],
    ['GET', '/api/v3/auditevents'],
    ['POST', '/api/v2/SignInAttempts'],
    ['POST', '/api/v2/usersessions'],
  ])('%s %s → plain-text 404', async (method, path) => {
    const res = await request(`${sim.url}${path}`, {
      dispatcher: agent,
      method: method as 'GET' | 'POST',
      headers: { authorization: `Bearer ${sim.issueToken()}` },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    expect(res.statusCode).toBe(404);
    expect(await res.body.text()).toBe('404 page not found\n');
  });

  test('a query string does not change the route', async () => {
    const reply = await get(sim, agent, '/api/v2/auth/introspect?x=1', sim.issueToken());
    expect(reply.status).toBe(200);
  });

  test.each([
    ['GET', '/api/v2/signinattempts', 'POST'],
    ['PUT', '/api/v1/auditevents', 'POST'],
    ['POST', '/api/v2/auth/introspect', 'GET'],
    ['DELETE', '/api/auth/introspect', 'GET'],
  ])('%s %s → 405 allowing %s', async (method, path, allow) => {
    const res = await request(`${sim.url}${path}`, {
      dispatcher: agent,
      method: method as 'GET',
      headers: { authorization: `Bearer ${sim.issueToken()}` },
    });
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe(allow);
    expect(await res.body.text()).toBe('Method Not Allowed\n');
  });
});

describe('error body shapes', () => {
  async function unauthorizedBodies(shape: 'legacy' | 'current' | 'alternate'): Promise<unknown[]> {
    const shaped = await startEventsApiSimulator({
      seed: `shape-${shape}`,
      counts: { signinattempts: 0, itemusages: 0, auditevents: 0 },
      errorShape: shape,
    });
    const shapedAgent = trustingAgent(shaped);
    try {
      const bodies: unknown[] = [];
      for (let i = 0; i < 3; i += 1) {
        const reply = await post(shaped, shapedAgent, feedPath('signinattempts'), 'nope', {});
        expect(reply.status).toBe(401);
        bodies.push(JSON.parse(reply.text));
      }
      const bad = await post(shaped, shapedAgent, feedPath('signinattempts'), shaped.issueToken(), {
        limit: 0,
      });
      expect(bad.status).toBe(400);
      bodies.push(JSON.parse(bad.text));
      return bodies;
    } finally {
      await shapedAgent.close();
      await shaped.stop();
    }
  }

  test('legacy: {"Error":{"Message":…}} as in spec 1.2.0', async () => {
    expect(await unauthorizedBodies('legacy')).toEqual([
      { Error: { Message: 'Unauthorized' } },
      { Error: { Message: 'Unauthorized' } },
      { Error: { Message: 'Unauthorized' } },
      { Error: { Message: 'Bad Request' } },
    ]);
  });

  test('current: {"status":…,"message":…} as in the current reference', async () => {
    expect(await unauthorizedBodies('current')).toEqual([
      { status: 401, message: 'Unauthorized' },
      { status: 401, message: 'Unauthorized' },
      { status: 401, message: 'Unauthorized' },
      { status: 400, message: 'Bad Request' },
    ]);
  });

  test('alternate: the two shapes in turn', async () => {
    expect(await unauthorizedBodies('alternate')).toEqual([
      { status: 401, message: 'Unauthorized' },
      { Error: { Message: 'Unauthorized' } },
      { status: 401, message: 'Unauthorized' },
      { Error: { Message: 'Bad Request' } },
    ]);
  });
});
