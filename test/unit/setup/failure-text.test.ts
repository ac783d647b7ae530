import {
  describeCheckFailure,
  describePageError,
  failureLine,
} from '../../../src/setup/failure-text';
import { SplunkdRequestError, SplunkdUnreachableError } from '../../../src/setup/splunkd-rest';

describe('describePageError', () => {
  it('says Splunk did not answer instead of the browser’s "Failed to fetch"', () => {
    const line = failureLine(
      describePageError(new SplunkdUnreachableError(new TypeError('Failed to fetch'))),
    );
    expect(line).toMatch(/^Splunk did not answer\. .*Retry/);
    expect(line).not.toContain('Failed to fetch');
  });

  it.each([
    [401, /session ended/],
    [403, /Permission denied/],
    [503, /starting or busy/],
    [500, /splunkd failed \(HTTP 500\)/],
  ])('words HTTP %i from splunkd', (status, words) => {
    expect(failureLine(describePageError(new SplunkdRequestError(status, 'x')))).toMatch(words);
  });

  it('keeps splunkd’s own message as the detail, but not its generic fallback', () => {
    expect(describePageError(new SplunkdRequestError(400, 'interval: bad')).detail).toBe(
      'interval: bad',
    );
    expect(
      describePageError(new SplunkdRequestError(502, 'splunkd answered 502 to GET x.')).detail,
    ).toBeUndefined();
  });
});

describe('describeCheckFailure', () => {
  it('words a DNS failure by its code and host, not the raw getaddrinfo text', () => {
    const text = describeCheckFailure({
      errorClass: 'network',
      message:
        '1Password could not be reached: ENOTFOUND getaddrinfo ENOTFOUND events.1password.com.',
      host: null,
    });
    expect(text.headline).toBe('Cannot resolve events.1password.com');
    expect(text.action).toContain('DNS');
    expect(text.detail).toBe('ENOTFOUND');
  });

  it('words a TLS failure as a trust problem, with or without a code', () => {
    expect(
      describeCheckFailure({
        errorClass: 'network',
        message: 'TLS verification of localhost:8089 failed',
        host: 'localhost:8089',
      }).headline,
    ).toBe('Certificate of localhost:8089 not trusted');
    expect(
      describeCheckFailure({
        errorClass: null,
        message: 'request failed: SELF_SIGNED_CERT_IN_CHAIN',
        host: 'gw.example.com',
      }).action,
    ).toContain('CA certificate');
  });

  it('says a revoked token once (the wording, not the message repeating it)', () => {
    const text = describeCheckFailure({
      errorClass: 'unauthorized',
      message: '1Password rejected the token: it is invalid or has been revoked.',
      host: 'events.1password.com',
    });
    const line = failureLine(text);
    expect(line).toMatch(/^Invalid or revoked token\. /);
    expect(line).not.toContain('it is invalid or has been revoked');
  });

  it('keeps the message of a configuration problem: it names the setting', () => {
    const text = describeCheckFailure({
      errorClass: 'config',
      message: 'Account "x" has no saved token.',
      host: null,
    });
    expect(text).toEqual({
      headline: 'Configuration problem',
      action: 'Account "x" has no saved token.',
      detail: undefined,
    });
  });
});
