import { readToken, tokenProblemMessages } from '../../../src/events-api/token';
import { checkCustomEndpoint, resolveEndpoint } from '../../../src/events-api/endpoint';
import { AddonError } from '../../../src/core/errors';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (payload: Record<string, unknown>): string =>
  `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(payload)}.c2ln`;
const now = new Date('2026-11-22T00:00:00Z');

describe('readToken', () => {
  it('reads audience, features, account and expiry', () => {
    const reading = readToken(
      jwt({
        aud: ['events.1password.eu'],
        '1password.com/fts': ['auditevents', 'future'],
        '1password.com/auuid': 'ACC',
        exp: 1_900_000_000,
      }),
      now,
    );
    expect(reading).toEqual({
      ok: true,
      claims: {
        audience: 'events.1password.eu',
        features: ['auditevents'],
        unknownFeatures: ['future'],
        accountUuid: 'ACC',
        issuedAt: undefined,
        expiresAt: new Date(1_900_000_000_000),
      },
    });
  });

  it.each([
    ['', 'empty'],
    ['not-a-token', 'malformed'],
    ['a.b', 'malformed'],
    [`${jwt({ aud: ['events.1password.com'] }).slice(0, 30)}.x.y`, 'truncated'],
    [
      jwt({ aud: ['com.1password.streamingservice'], '1password.com/fts': ['auditevents'] }),
      'legacy',
    ],
    [jwt({ aud: ['a', 'b'], '1password.com/fts': ['auditevents'] }), 'unknown_audience'],
    [jwt({ aud: ['events.1password.com'], '1password.com/fts': [] }), 'no_features'],
    [
      jwt({ aud: ['events.1password.com'], '1password.com/fts': ['itemusages'], exp: 1 }),
      'expired',
    ],
  ])('reports %s as %s', (token, problem) => {
    expect(readToken(token, now)).toEqual({ ok: false, problem });
    expect(tokenProblemMessages[problem as keyof typeof tokenProblemMessages]).toMatch(/\w/);
  });
});

describe('endpoint pinning', () => {
  const claims = (audience: string) => ({
    audience,
    features: ['auditevents' as const],
    unknownFeatures: [],
    accountUuid: undefined,
    issuedAt: undefined,
    expiresAt: undefined,
  });

  it('sends the token to the host in its own aud', () => {
    expect(resolveEndpoint({ claims: claims('events.ent.1password.com') })).toMatchObject({
      baseUrl: 'https://events.ent.1password.com',
      source: 'token',
    });
  });

  it('allows a region override only to an official host', () => {
    expect(
      resolveEndpoint({ claims: claims('events.1password.com'), regionHost: 'events.1password.ca' })
        .baseUrl,
    ).toBe('https://events.1password.ca');
    expect(() =>
      resolveEndpoint({ claims: claims('events.1password.com'), regionHost: 'evil.example.com' }),
    ).toThrow(AddonError);
  });

  it('refuses a token for an unknown host unless an admin stored an endpoint beside it', () => {
    expect(() => resolveEndpoint({ claims: claims('evil.example.com') })).toThrow(
      /not an official 1Password events host/,
    );
    expect(
      resolveEndpoint({
        claims: claims('evil.example.com'),
        customEndpoint: 'https://events.corp.example:8443',
      }),
    ).toMatchObject({
      baseUrl: 'https://events.corp.example:8443',
      source: 'custom_endpoint',
    });
  });

  it.each([
    ['http://events.corp.example', /must use https/],
    ['https://user:pw@events.corp.example', /must not contain a user name/],
    ['https://events.corp.example/api', /origin only/],
    ['https://events.corp.example?x=1', /origin only/],
    ['events.corp.example', /not a URL/],
  ])('rejects the custom endpoint %s', (value, message) => {
    const checked = checkCustomEndpoint(value);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toMatch(message);
  });
});
