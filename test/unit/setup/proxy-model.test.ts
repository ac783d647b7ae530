import {
  checkCaBundlePath,
  checkProxyUrl,
  emptyProxyForm,
  proxyNetworkPayload,
  proxySecretPayload,
  validateProxyForm,
} from '../../../src/setup/proxy-model';

describe('checkProxyUrl', () => {
  it.each(['', 'http://proxy:3128', 'https://proxy.example.com:8443/', 'http://[::1]:3128'])(
    'accepts %j',
    (url) => {
      expect(checkProxyUrl(url)).toBeUndefined();
    },
  );
  it.each([
    ['proxy:3128', 'must start with http'],
    ['socks5://proxy:1080', 'must start with http'],
    ['not a url', 'is not a URL'],
    ['http://user:pw@proxy:3128', 'Do not put credentials in the proxy URL'],
    ['http://proxy:3128/path', 'without a path'],
    ['http://proxy:3128/?x=1', 'without a path'],
  ])('refuses %j', (url, message) => {
    expect(checkProxyUrl(url)).toContain(message);
  });
});

describe('checkCaBundlePath', () => {
  it.each(['', '/opt/splunk/etc/auth/ca.pem', 'C:\\Splunk\\ca.pem', 'D:/certs/ca.pem'])(
    'accepts %j',
    (p) => {
      expect(checkCaBundlePath(p)).toBeUndefined();
    },
  );
  it.each(['ca.pem', './ca.pem', '$SPLUNK_HOME/ca.pem', '/tmp/a\nb.pem'])('refuses %j', (p) => {
    expect(checkCaBundlePath(p)).toBeDefined();
  });
});

describe('validateProxyForm', () => {
  it('credentials need a proxy URL, a user name and a password', () => {
    expect(validateProxyForm({ ...emptyProxyForm, credentials: 'set' })).toEqual({
      username: 'Set a proxy URL to use proxy credentials.',
      secret: 'Enter the proxy password.',
    });
    expect(
      validateProxyForm({
        ...emptyProxyForm,
        credentials: 'set',
        proxyUrl: 'http://p:1',
        secret: 'x',
      }),
    ).toEqual({
      username: 'Enter the proxy user name.',
    });
    expect(
      validateProxyForm({
        ...emptyProxyForm,
        credentials: 'set',
        proxyUrl: 'http://p:1',
        username: 'u',
        secret: 'x',
      }),
    ).toEqual({});
  });

  it('keeping or removing stored credentials needs nothing typed', () => {
    expect(validateProxyForm({ ...emptyProxyForm, credentials: 'remove' })).toEqual({});
  });
});

it('keeps the URL and path in the network entry and the credentials only in the proxy entry', () => {
  const form = {
    ...emptyProxyForm,
    proxyUrl: ' http://p:1 ',
    caBundlePath: ' /ca.pem',
    credentials: 'set' as const,
    username: ' u ',
    secret: ' pw ',
  };
  const network = proxyNetworkPayload(form);
  expect(JSON.parse(network ?? '')).toEqual({ proxy_url: 'http://p:1', ca_bundle_path: '/ca.pem' });
  expect(network).not.toContain('pw');
  expect(JSON.parse(proxySecretPayload(form))).toEqual({ username: 'u', password: ' pw ' });
});

it('has no network entry when both fields are empty (saving removes it)', () => {
  expect(
    proxyNetworkPayload({ ...emptyProxyForm, proxyUrl: ' ', caBundlePath: '' }),
  ).toBeUndefined();
  expect(
    JSON.parse(proxyNetworkPayload({ ...emptyProxyForm, caBundlePath: '/c.pem' }) ?? ''),
  ).toEqual({
    proxy_url: '',
    ca_bundle_path: '/c.pem',
  });
});
