import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCaBundle } from '../../../src/config/account';
import {
  effectiveNetwork,
  networkSecretPayload,
  networkSecretUser,
  noNetworkSettings,
  parseNetworkSecret,
  proxySecretUser,
} from '../../../src/config/network-settings';
import { AddonError } from '../../../src/core/errors';
import { createTlsMaterial } from '../../support/events-api-sim/tls-material';

describe('network settings entries', () => {
  it('are named per scope, the global one _global', () => {
    expect(networkSecretUser('acme')).toBe('network:acme');
    expect(networkSecretUser(undefined)).toBe('network:_global');
    expect(proxySecretUser(undefined)).toBe('proxy:_global');
  });

  it('round-trip through the stored payload, trimmed', () => {
    const text = networkSecretPayload({ proxyUrl: ' http://p:3128 ', caBundlePath: '/ca.pem ' });
    expect(parseNetworkSecret(text, 'acme')).toEqual({
      proxyUrl: 'http://p:3128',
      caBundlePath: '/ca.pem',
    });
    expect(parseNetworkSecret('{}', 'acme')).toEqual(noNetworkSettings);
  });

  it.each(['not json', '[]', '{"proxy_url": 3128}', 'null', '"http://p:1"'])(
    'rejects %j with a message naming the entry and the fix',
    (text) => {
      expect(() => parseNetworkSecret(text, 'acme')).toThrow(
        new AddonError(
          'config',
          "the stored proxy and CA settings (network:acme) are not readable; save them again on the setup page's Proxy tab",
        ),
      );
    },
  );
});

describe('effectiveNetwork', () => {
  const global = { proxyUrl: 'http://global:1', caBundlePath: '/global.pem' };
  const own = { proxyUrl: 'http://own:2', caBundlePath: '/own.pem' };

  it('uses nothing when nothing is stored', () => {
    expect(effectiveNetwork('acme', noNetworkSettings, noNetworkSettings)).toEqual({
      proxyUrl: undefined,
      proxyScope: undefined,
      caBundlePath: undefined,
    });
  });

  it("lets the account's own settings win, each field on its own", () => {
    expect(effectiveNetwork('acme', own, global)).toEqual({
      proxyUrl: 'http://own:2',
      proxyScope: 'acme',
      caBundlePath: '/own.pem',
    });
    expect(effectiveNetwork('acme', { ...own, caBundlePath: '' }, global)).toEqual({
      proxyUrl: 'http://own:2',
      proxyScope: 'acme',
      caBundlePath: '/global.pem',
    });
    expect(effectiveNetwork('acme', { ...own, proxyUrl: '' }, global)).toEqual({
      proxyUrl: 'http://global:1',
      proxyScope: '_global',
      caBundlePath: '/own.pem',
    });
  });
});

describe('checkCaBundle', () => {
  let pem: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ca-'));
    pem = (await createTlsMaterial(dir, ['localhost'], undefined)).caCertPem;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a bundle of valid certificates', () => {
    expect(() => checkCaBundle(pem + '\n' + pem, '/ca.pem')).not.toThrow();
  });

  it('names a bundle without certificates', () => {
    expect(() => checkCaBundle('hello', '/ca.pem')).toThrow(
      'ca_bundle_path /ca.pem holds no PEM certificate',
    );
  });

  it('names the corrupt certificate instead of leaving it to a TLS failure', () => {
    const lines = pem.trim().split('\n');
    // Damage the DER inside the base64 body, keeping the PEM armour intact.
    lines[3] = 'A'.repeat(lines[3]?.length ?? 64);
    const corrupt = lines.join('\n');
    expect(() => checkCaBundle(`${pem}\n${corrupt}`, '/ca.pem')).toThrow(
      'ca_bundle_path /ca.pem: certificate 2 of 2 is not a valid X.509 certificate',
    );
    expect(() =>
      checkCaBundle('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', '/c.pem'),
    ).toThrow('certificate 1 of 1 is not a valid X.509 certificate');
  });
});
