/** Builds unsigned JWT-shaped tokens for the form-logic tests (the page never verifies signatures). */
export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString(
    'base64url',
  );
}

export function makeToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'ES256', kid: 'k1', typ: 'JWT' },
): string {
  return `${b64url(header)}.${b64url(payload)}.${b64url('signature-bytes-not-checked')}`;
}

export const allScopes = ['signinattempts', 'itemusages', 'auditevents'];

export function officialToken(extra: Record<string, unknown> = {}): string {
  return makeToken({
    aud: ['events.1password.com'],
    '1password.com/fts': allScopes,
    '1password.com/auuid': 'ACCOUNTUUID1',
    iat: 1_700_000_000,
    ...extra,
  });
}
