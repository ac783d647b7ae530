import { AddonError } from '../../../src/core/errors';
import {
  adminMessage,
  errorClassWording,
  networkCodeInText,
  networkFailureKind,
  networkWording,
  rootErrorCode,
  splunkdWording,
  tlsErrorCodes,
  wordingForClass,
} from '../../../src/core/admin-wording';

describe('admin wording', () => {
  it('finds the innermost code on a cause chain, skipping undici’s generic socket code', () => {
    const socket = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    const wrapped = Object.assign(new Error('fetch failed', { cause: socket }), {
      code: 'UND_ERR_SOCKET',
    });
    expect(rootErrorCode(wrapped)).toBe('ENOTFOUND');
    expect(rootErrorCode(new Error('plain'))).toBeUndefined();
  });

  it('sorts codes into kinds an admin can act on', () => {
    expect(networkFailureKind('ENOTFOUND')).toBe('dns');
    expect(networkFailureKind('ECONNREFUSED')).toBe('refused');
    expect(networkFailureKind('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('tls');
    expect(networkFailureKind('SELF_SIGNED_CERT_IN_CHAIN')).toBe('tls');
    expect(networkFailureKind('UND_ERR_CONNECT_TIMEOUT')).toBe('timeout');
    expect(networkFailureKind('EWHATEVER')).toBe('other');
    expect(networkFailureKind(undefined)).toBe('other');
  });

  it('names the host and never echoes a raw code in its words', () => {
    for (const kind of [
      'dns',
      'refused',
      'reset',
      'timeout',
      'tls',
      'proxy',
      'unreachable',
      'other',
    ] as const) {
      const words = networkWording(kind, 'events.1password.com');
      expect(`${words.headline} ${words.action}`).not.toMatch(/\bE[A-Z]{3,}|UND_ERR|getaddrinfo/);
      expect(words.action).toMatch(/events\.1password\.com/);
    }
  });

  it('covers every TLS code the clients used to list apart', () => {
    for (const code of [
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    ]) {
      expect(tlsErrorCodes.has(code)).toBe(true);
    }
  });

  it('reads unknown or empty stored classes as internal', () => {
    expect(wordingForClass('unauthorized').headline).toBe('Invalid or revoked token');
    expect(wordingForClass('no_such_class')).toBe(errorClassWording.internal);
    expect(wordingForClass(null)).toBe(errorClassWording.internal);
  });
});

describe('splunkd wording and codes inside messages', () => {
  it('finds a network or TLS code inside a message, not other capitals', () => {
    expect(networkCodeInText('getaddrinfo ENOTFOUND events.1password.com')).toBe('ENOTFOUND');
    expect(networkCodeInText('unable to verify: UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    expect(networkCodeInText('HTTP ERROR from TLS PROXY')).toBeUndefined();
  });

  it('words no answer and each HTTP status class for the setup page', () => {
    expect(splunkdWording('unreachable').headline).toBe('Splunk did not answer');
    expect(splunkdWording(401).action).toContain('Sign in');
    expect(splunkdWording(503).headline).toBe('splunkd is starting or busy');
    expect(splunkdWording(502).headline).toBe('splunkd failed (HTTP 502)');
    expect(splunkdWording(400).headline).toBe('splunkd refused the request (HTTP 400)');
  });
});

describe('adminMessage', () => {
  it('puts the class headline before the fact and the action after it', () => {
    expect(adminMessage(new AddonError('config', 'interval must be at least 60.'))).toBe(
      `Configuration problem: interval must be at least 60. ${errorClassWording.config.action}`,
    );
    expect(adminMessage(new Error('boom'))).toBe(
      `Unexpected error: boom. ${errorClassWording.internal.action}`,
    );
  });

  it('words a network failure by its kind and host, and never repeats advice already given', () => {
    const cause = Object.assign(new Error('x'), { code: 'ENOTFOUND' });
    const message = adminMessage(new AddonError('network', 'could not reach h', { cause }), 'h');
    expect(message).toBe(
      `Cannot resolve h: could not reach h. ${networkWording('dns', 'h').action}`,
    );
    const advised = new AddonError('token', `bad token. ${errorClassWording.token.action}`);
    expect(adminMessage(advised)).toBe(
      `Token problem: bad token. ${errorClassWording.token.action}`,
    );
  });
});
