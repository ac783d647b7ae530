import { maskSecrets, redacted, SecretMask } from '../../../src/core/secret-mask';

// JWT-shaped, like an Events API token (header.payload.signature).
const token =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImNhbmFyeSJ9.eyJhdWQiOlsiY29tLjFwYXNzd29yZC5ldmVudHMiXSwic3ViIjoiY2FuYXJ5In0.c2lnbmF0dXJlLW9mLXRoZS1jYW5hcnktdG9rZW4tMTIzNDU2Nzg5MA';
const [header = '', payload = '', signature = ''] = token.split('.');

describe('maskSecrets', () => {
  it('removes the whole token wherever it appears', () => {
    const text = `401: {"headers":{"Authorization":"Bearer ${token}"}} and again ${token}`;
    const masked = maskSecrets(text, [token]);
    expect(masked).toBe(
      `401: {"headers":{"Authorization":"Bearer ${redacted}"}} and again ${redacted}`,
    );
  });

  it('removes a token cut short (a message truncated mid-token), down to 12 characters', () => {
    for (const keep of [token.length - 1, 200, 60, 13, 12]) {
      const text = `answered 500: Bearer ${token.slice(0, keep)}`;
      expect(maskSecrets(text, [token])).toBe(`answered 500: Bearer ${redacted}`);
    }
  });

  it('removes pieces from the middle and the end of the token (12+ characters)', () => {
    const pieces = [payload, signature, signature.slice(5, 17), payload.slice(20, 60)];
    for (const piece of pieces) {
      const masked = maskSecrets(`echo <${piece}>`, [token]);
      expect(masked).toBe(`echo <${redacted}>`);
    }
    expect(maskSecrets(`${header} x ${signature.slice(-12)}`, [token])).toBe(
      `${redacted} x ${redacted}`,
    );
  });

  it('leaves pieces shorter than 12 characters and ordinary text alone', () => {
    const text = `TLS verification of events.1password.com failed; ${signature.slice(0, 11)}`;
    expect(maskSecrets(text, [token])).toBe(text);
  });

  it('masks short secrets (8 to 11 characters) only where they appear whole', () => {
    expect(maskSecrets('user:pw-12345 pw-1234', ['pw-12345'])).toBe(`user:${redacted} pw-1234`);
    expect(maskSecrets('abc', ['abc'])).toBe('abc'); // too short to mask without mangling text
  });

  it('masks several secrets in one text', () => {
    const proxyPassword = 'hunter2-proxy-password';
    const masked = maskSecrets(`${token.slice(40, 80)} ${proxyPassword}`, [token, proxyPassword]);
    expect(masked).toBe(`${redacted} ${redacted}`);
  });
});

describe('SecretMask', () => {
  it('masks nothing until a secret is added, then masks it and its pieces', () => {
    const mask = new SecretMask();
    expect(mask.mask(`x ${token}`)).toBe(`x ${token}`);
    mask.add(token);
    mask.add(token);
    expect(mask.mask(`x ${token} ${token.slice(100, 130)}`)).toBe(`x ${redacted} ${redacted}`);
  });
});

describe('SecretMask (indexed once per secret) masks exactly as maskSecrets', () => {
  const others = Array.from({ length: 40 }, (_, i) =>
    token.replace(/.{20}$/, `other-token-${String(i).padStart(8, '0')}`),
  );
  const mask = new SecretMask();
  for (const s of [token, ...others, 'pw-12345', 'short']) mask.add(s);
  const all = [token, ...others, 'pw-12345', 'short'];

  it.each([
    ['no secret', 'INFO run summary input=acme events=0'],
    ['a whole token', `Bearer ${token}`],
    ['a cut token', `answered 500: Bearer ${token.slice(0, 61)}`],
    ['pieces of several', `${others[3]?.slice(-30)} and ${signature.slice(2, 30)} pw-12345`],
    ['a piece at the very end', `x${others[39]?.slice(-12)}`],
  ])('%s', (_label, text) => {
    expect(mask.mask(text)).toBe(maskSecrets(text, all));
  });

  it('ignores a secret added twice and short strings', () => {
    const m = new SecretMask();
    m.add('abc');
    expect(m.mask('abc')).toBe('abc');
    m.add(token);
    m.add(token);
    expect(m.mask(token)).toBe(redacted);
  });
});
