import { errorClassWording } from '../../../src/core/admin-wording';
import { AddonError, exitCodeFor, isRetriable } from '../../../src/core/errors';
import { httpError, transportError } from '../../../src/events-api/client';

const host = 'events.1password.com';
const jsonBody = (message: string): string => JSON.stringify({ Error: { Message: message } });

describe('httpError: Events API statuses as typed errors', () => {
  it('maps a 400 on a cursor request to stale_cursor, and on a start_time request to bad_request', () => {
    const stale = httpError(400, jsonBody('invalid cursor'), undefined, host, true);
    expect(stale.errorClass).toBe('stale_cursor');
    expect(stale.status).toBe(400);
    expect(isRetriable(stale)).toBe(false);
    const bad = httpError(400, jsonBody('bad start_time'), undefined, host, false);
    expect(bad.errorClass).toBe('bad_request');
    expect(bad.message).toContain('bad start_time');
  });

  it('reads Retry-After on 429 and 5xx and makes them retriable', () => {
    const limited = httpError(429, 'slow down', '7', host);
    expect(limited.errorClass).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(7000);
    expect(isRetriable(limited)).toBe(true);
    const server = httpError(503, '', ['2'], host);
    expect(server.errorClass).toBe('server');
    expect(server.retryAfterMs).toBe(2000);
    expect(httpError(500, '', undefined, host).retryAfterMs).toBeUndefined();
  });

  it('words 401/403 and 404 from the one wording table and makes them fatal', () => {
    for (const status of [401, 403]) {
      const error = httpError(status, jsonBody('nope'), undefined, host);
      expect(error.errorClass).toBe('unauthorized');
      expect(error.message).toContain(`rejected the token (${status}: nope)`);
      expect(error.message).toContain(errorClassWording.unauthorized.action);
      expect(isRetriable(error)).toBe(false);
    }
    const missing = httpError(404, '404 page not found', undefined, host);
    expect(missing.errorClass).toBe('not_found');
    expect(missing.message).toContain(errorClassWording.not_found.action);
  });
});

describe('transportError: thrown transport failures', () => {
  const wrap = (code: string): Error =>
    Object.assign(new Error('fetch failed', { cause: Object.assign(new Error(code), { code }) }), {
      code: 'UND_ERR_SOCKET',
    });

  it('treats a certificate that does not verify as configuration, naming the code', () => {
    const error = transportError(wrap('SELF_SIGNED_CERT_IN_CHAIN'), host);
    expect(error.errorClass).toBe('config');
    expect(error.message).toMatch(
      /^TLS verification of events\.1password\.com failed \(SELF_SIGNED_CERT_IN_CHAIN\)/,
    );
    expect(isRetriable(error)).toBe(false);
  });

  it('treats the rest as retriable network failures worded by kind', () => {
    const error = transportError(wrap('ECONNREFUSED'), host);
    expect(error.errorClass).toBe('network');
    expect(error.message).toMatch(/^could not reach events\.1password\.com: ECONNREFUSED /);
    expect(isRetriable(error)).toBe(true);
  });

  it('passes typed errors through unchanged', () => {
    const typed = new AddonError('cancelled', 'stopped');
    expect(transportError(typed, host)).toBe(typed);
  });
});

describe('exitCodeFor: the one exit-code rule', () => {
  it('is 1 only when stdout was closed', () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([undefined, new AddonError('network', 'x'), new Error('y')])).toBe(0);
    expect(exitCodeFor([undefined, new AddonError('output', 'closed')])).toBe(1);
  });
});
