import { parseInputConfig } from '../../../src/config/input-config';
import {
  requireProxyUrl,
  parseAccountSecret,
  parseRequestTimeout,
} from '../../../src/config/account';

const now = new Date('2026-11-22T00:00:00Z');

describe('parseInputConfig', () => {
  it('sends every feed to the input index unless a per-feed index overrides it', () => {
    const plain = parseInputConfig('x', { account: 'a', index: 'sec' }, 'h', now);
    expect(plain.feedIndexes).toEqual({
      signinattempts: 'sec',
      itemusages: 'sec',
      auditevents: 'sec',
    });
    const split = parseInputConfig(
      'x',
      { account: 'a', index: 'sec', index_audit_events: 'audit', index_item_usages: ' ' },
      'h',
      now,
    );
    expect(split.feedIndexes).toEqual({
      signinattempts: 'sec',
      itemusages: 'sec',
      auditevents: 'audit',
    });
    expect(parseInputConfig('x', { account: 'a' }, 'h', now).feedIndexes.signinattempts).toBe(
      'onepassword',
    );
  });

  it('refuses an invalid per-feed index and names the parameter', () => {
    expect(() =>
      parseInputConfig('x', { account: 'a', index_signin_attempts: '_internal' }, 'h', now),
    ).toThrow(/index_signin_attempts "_internal" is not a valid Splunk index name/);
  });

  it('applies the documented defaults', () => {
    const c = parseInputConfig('onepassword_events://acme', { account: 'acme' }, 'sh1', now);
    expect(c).toMatchObject({
      name: 'acme',
      account: 'acme',
      feeds: ['signinattempts', 'itemusages', 'auditevents'],
      limit: 1000,
      maxRunSeconds: 300,
      logLevel: 'INFO',
      index: 'onepassword',
      host: 'sh1',
      disabled: false,
    });
    expect(c.startTime.toISOString()).toBe('2026-07-25T00:00:00.000Z');
  });

  it('clamps a start beyond the 120-day retention', () => {
    expect(
      parseInputConfig(
        'x',
        { account: 'a', start_time: '2020-01-01T00:00:00Z' },
        'h',
        now,
      ).startTime.toISOString(),
    ).toBe('2026-07-25T00:00:00.000Z');
  });

  it('ignores parameters it does not know, so no stanza value can redirect the token', () => {
    const c = parseInputConfig(
      'x',
      { account: 'a', endpoint: 'https://evil.example', events_url: 'https://evil.example' },
      'h',
      now,
    );
    expect(JSON.stringify(c)).not.toContain('evil');
  });

  it('reports every problem at once', () => {
    expect(() =>
      parseInputConfig(
        'x',
        { account: 'a', limit: 'lots', feeds: 'nope', start_time: 'soon' },
        'h',
        now,
      ),
    ).toThrow(/feeds: unknown feed "nope".*limit must be.*start_time "soon"/);
  });

  it.each(['1', 'true', 'TRUE', 'yes'])('reads disabled=%s', (v) => {
    expect(parseInputConfig('x', { account: 'a', disabled: v }, 'h', now).disabled).toBe(true);
  });

  it.each(['Main', '_internal', 'a b', '-x'])('rejects the index name %s', (index) => {
    expect(() => parseInputConfig('x', { account: 'a', index }, 'h', now)).toThrow(
      /not a valid Splunk index name/,
    );
  });
});

describe('account settings', () => {
  it('reads the secret as JSON or a bare token', () => {
    expect(parseAccountSecret('{"token":"t.o.k","endpoint":"https://x"}')).toEqual({
      token: 't.o.k',
      endpoint: 'https://x',
    });
    expect(parseAccountSecret(' t.o.k ')).toEqual({ token: 't.o.k', endpoint: undefined });
    expect(() => parseAccountSecret('{"token":')).toThrow(/not readable/);
  });

  it.each([
    ['ftp://proxy:21', /must start with http/],
    ['http://u:p@proxy:3128', /Do not put credentials in the proxy URL/],
    ['proxy:3128', /must start with http|not a URL/],
    ['http://proxy:3128/path', /without a path/],
  ])('rejects the proxy URL %s', (url, message) => {
    expect(() => requireProxyUrl(url)).toThrow(message);
  });

  it('accepts http and https proxies', () => {
    expect(requireProxyUrl('http://proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(requireProxyUrl('https://proxy.corp')).toBe('https://proxy.corp');
  });

  it('bounds the request timeout', () => {
    expect(parseRequestTimeout(undefined)).toBe(60_000);
    expect(parseRequestTimeout('5')).toBe(5000);
    expect(() => parseRequestTimeout('0')).toThrow(/1 to 600/);
    expect(() => parseRequestTimeout('1e3')).toThrow(/1 to 600/);
  });
});
