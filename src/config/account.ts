/**
 * Loads one account: from storage/passwords everything that decides where the token goes (the
 * token, any custom endpoint, proxy and CA bundle), the rest from onepassword_accounts.conf and
 * onepassword_settings.conf.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { accountsConf, settingsConf } from '../core/app-identity';
import { accountSecretName } from '../core/contracts';
import { AddonError, describeError } from '../core/errors';
import { checkCustomEndpoint } from '../events-api/endpoint';
import { checkProxyUrl } from './proxy-url';
import { readConfStanza } from '../splunk/conf';
import type { AppSecrets } from '../splunk/app-secrets';
import { parseStoredJson } from './stored-json';
import {
  effectiveNetwork,
  globalScope,
  networkSecretUser,
  noNetworkSettings,
  parseNetworkSecret,
  proxySecretUser,
  retiredConfKeys,
  type NetworkSettings,
} from './network-settings';
import type { SplunkdClient } from '../splunk/splunkd-client';

export interface AccountConfig {
  readonly name: string;
  readonly token: string;
  readonly customEndpoint: string | undefined;
  readonly regionHost: string | undefined;
  readonly proxyUrl: string | undefined;
  readonly proxyUsername: string | undefined;
  readonly proxyPassword: string | undefined;
  readonly caPem: string | undefined;
  /** Cap on one Events API request, connect to last byte. */
  readonly requestTimeoutMs: number;
  /** Retired proxy/CA keys found in .conf files (ignored: see network-settings.ts). */
  readonly ignoredConfKeys: readonly string[];
}

/**
 * The storage/passwords usernames a run of account `name` reads, so that other apps' entries
 * under these names can be named in a WARN whether or not the account has its own entry. Pure.
 */
export function secretNamesOf(name: string): string[] {
  return [
    accountSecretName(name),
    networkSecretUser(name),
    proxySecretUser(name),
    networkSecretUser(undefined),
    proxySecretUser(undefined),
  ];
}

export const defaultRequestTimeoutSeconds = 60;

/** request_timeout_seconds from [general]: 1..600, default 60. Pure. */
export function parseRequestTimeout(value: string | undefined): number {
  const raw = (value ?? '').trim();
  if (raw === '') return defaultRequestTimeoutSeconds * 1000;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 600) {
    throw new AddonError(
      'config',
      `request_timeout_seconds must be a whole number from 1 to 600, not "${raw.slice(0, 20)}"`,
    );
  }
  return Number(raw) * 1000;
}

const accountSecretSchema = z.object({
  token: z.string().check(z.minLength(1)),
  endpoint: z.optional(z.string()),
});
const proxySecretSchema = z.object({ username: z.string(), password: z.optional(z.string()) });

/** Parses the account secret: JSON {token, endpoint?}; a bare JWT is accepted too. Pure. */
export function parseAccountSecret(secret: string): {
  token: string;
  endpoint: string | undefined;
} {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) return { token: trimmed, endpoint: undefined };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new AddonError(
      'config',
      'the stored account secret is not readable; save the account again on the setup page',
    );
  }
  const parsed = accountSecretSchema.safeParse(value);
  if (!parsed.success)
    throw new AddonError(
      'config',
      'the stored account secret has no token; save the account again on the setup page',
    );
  return { token: parsed.data.token.trim(), endpoint: parsed.data.endpoint?.trim() || undefined };
}

/** The proxy URL's origin; an AddonError naming the problem when it is unusable. */
export function requireProxyUrl(value: string): string {
  const problem = checkProxyUrl(value);
  if (problem !== undefined) throw new AddonError('config', `proxy_url: ${problem}`);
  return new URL(value.trim()).origin;
}

/** PEM blocks of a CA bundle, each parsed, so a corrupt certificate is named here, not at TLS time. */
export function checkCaBundle(pem: string, path: string): void {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new AddonError('config', `ca_bundle_path ${path} holds no PEM certificate`);
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new AddonError(
        'config',
        `ca_bundle_path ${path}: certificate ${index + 1} of ${blocks.length} is not a valid X.509 certificate`,
      );
    }
  });
}

function readCaBundle(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AddonError(
      'config',
      `ca_bundle_path ${path} cannot be read: ${describeError(error)}`,
    );
  }
  checkCaBundle(pem, path);
  return pem;
}

function readNetworkSettings(secrets: AppSecrets, scope: string | undefined): NetworkSettings {
  const text = secrets.get(networkSecretUser(scope));
  return text === undefined ? noNetworkSettings : parseNetworkSecret(text, scope ?? globalScope);
}

function parseProxyCredentials(text: string): { username: string; password: string | undefined } {
  const parsed = parseStoredJson(text, proxySecretSchema);
  if (parsed === undefined)
    throw new AddonError(
      'config',
      'the stored proxy credentials are not readable; save them again on the setup page',
    );
  return { username: parsed.username, password: parsed.password };
}

/** Retired proxy/CA keys still present in a .conf stanza, as `conf [stanza] key` for a warning. */
function retiredKeysIn(stanza: Readonly<Record<string, string>>, where: string): string[] {
  return retiredConfKeys
    .filter((key) => (stanza[key] ?? '').trim() !== '')
    .map((key) => `${where} ${key}`);
}

/** `secrets`: this app's storage/passwords entries (readSecrets). undefined: no token saved. */
export async function loadAccount(
  splunkd: SplunkdClient,
  name: string,
  secrets: AppSecrets,
): Promise<AccountConfig | undefined> {
  const secret = secrets.get(accountSecretName(name));
  if (secret === undefined) return undefined;
  const { token, endpoint } = parseAccountSecret(secret);
  if (endpoint !== undefined) {
    const checked = checkCustomEndpoint(endpoint);
    if (!checked.ok) throw new AddonError('config', `account ${name}: ${checked.problem}`);
  }
  const network = effectiveNetwork(
    name,
    readNetworkSettings(secrets, name),
    readNetworkSettings(secrets, undefined),
  );
  const proxyUrl = network.proxyUrl === undefined ? undefined : requireProxyUrl(network.proxyUrl);
  const proxySecret =
    network.proxyScope === undefined ? undefined : secrets.get(proxySecretUser(network.proxyScope));
  const credentials = proxySecret === undefined ? undefined : parseProxyCredentials(proxySecret);
  const [conf = {}, settings = {}, general = {}] = await Promise.all([
    readConfStanza(splunkd, accountsConf, name),
    readConfStanza(splunkd, settingsConf, 'proxy'),
    readConfStanza(splunkd, settingsConf, 'general'),
  ]);
  return {
    name,
    token,
    customEndpoint: endpoint,
    regionHost: (conf['region_host'] ?? '').trim() || undefined,
    proxyUrl,
    proxyUsername: credentials?.username,
    proxyPassword: credentials?.password,
    caPem: network.caBundlePath === undefined ? undefined : readCaBundle(network.caBundlePath),
    requestTimeoutMs: parseRequestTimeout(general['request_timeout_seconds']),
    ignoredConfKeys: [
      ...retiredKeysIn(conf, `${accountsConf}.conf [${name}]`),
      ...retiredKeysIn(settings, `${settingsConf}.conf [proxy]`),
    ],
  };
}
