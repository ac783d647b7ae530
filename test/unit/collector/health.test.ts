import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddonError } from '../../../src/core/errors';
import { nextHealth, type HealthContext } from '../../../src/collector/health';

const hour = 3600_000;
const base: HealthContext = {
  account: 'acme',
  input: 'acme_main',
  host: 'sh1',
  runStart: 1000 * hour,
  runEnd: 1000 * hour + 5_000,
  tokenExpiresAt: 1_900_000_000,
};
const ok = {
  feed: 'signinattempts' as const,
  events: 3,
  lastEventTime: 1000 * hour,
  error: undefined,
  caughtUp: true,
};

describe('nextHealth', () => {
  it('records the token expiry from the claims, and null for a token that never expires', () => {
    expect(nextHealth(undefined, ok, base).token_expires_at).toBe(1_900_000_000);
    expect(
      nextHealth(undefined, ok, { ...base, tokenExpiresAt: null }).token_expires_at,
    ).toBeNull();
  });

  it('keeps the last known expiry when this run could not read the token', () => {
    const first = nextHealth(undefined, ok, base);
    const failed = {
      ...ok,
      events: 0,
      error: new AddonError('token', 'The token has expired.'),
      caughtUp: false,
    };
    const second = nextHealth(first, failed, { ...base, tokenExpiresAt: undefined });
    expect(second.token_expires_at).toBe(1_900_000_000);
    expect(second.status).toBe('error');
    expect(second.last_error_class).toBe('token');
    expect(
      nextHealth(undefined, failed, { ...base, tokenExpiresAt: undefined }).token_expires_at,
    ).toBeNull();
  });

  it('counts events over the last 24 hours only and keeps the last success through a failure', () => {
    const first = nextHealth(undefined, ok, base);
    expect(first).toMatchObject({ status: 'ok', events_24h: 3, last_success: first.last_run_end });
    const later = { ...base, runStart: 1025 * hour, runEnd: 1025 * hour + 1000 };
    const failed = { ...ok, events: 0, error: new Error('boom'), caughtUp: false };
    const second = nextHealth(first, failed, later);
    expect(second.events_24h).toBe(0);
    expect(second.last_success).toBe(first.last_success);
    expect(second.last_error_class).toBe('internal');
  });
});

describe('default/collections.conf', () => {
  it('declares token_expires_at as a number in onepassword_health', () => {
    const conf = readFileSync(join(__dirname, '../../../default/collections.conf'), 'utf8');
    const stanza = conf.split(/^\[/m).find((s) => s.startsWith('onepassword_health]')) ?? '';
    expect(stanza).toMatch(/^field\.token_expires_at = number$/m);
  });
});
