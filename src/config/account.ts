/**
 * Loads one account: the token (and any admin-recorded custom endpoint) from storage/passwords,
 * the rest from onepassword_accounts.conf and onepassword_settings.conf.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { accountsConf, settingsConf } from '../core/app-identity';
import { AddonError, describeError } from '../core/errors';
import { checkCustomEndpoint } from '../events-api/endpoint';
import { checkProxyUrl } from './proxy-url';
import { readConfStanza } from '../splunk/conf';
import { readSecret } from '../splunk/passwords';
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
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    throw new AddonError('config', `ca_bundle_path ${path} holds no PEM certificate`);
  }
  return pem;
}

export async function loadAccount(
  splunkd: SplunkdClient,
  name: string,
): Promise<AccountConfig | undefined> {
  const secret = await readSecret(splunkd, `account:${name}`);
  if (secret === undefined) return undefined;
  const { token, endpoint } = parseAccountSecret(secret);
  if (endpoint !== undefined) {
    const checked = checkCustomEndpoint(endpoint);
    if (!checked.ok) throw new AddonError('config', `account ${name}: ${checked.problem}`);
  }
  const conf = (await readConfStanza(splunkd, accountsConf, name)) ?? {};
  const globalProxy = (await readConfStanza(splunkd, settingsConf, 'proxy')) ?? {};
  const general = (await readConfStanza(splunkd, settingsConf, 'general')) ?? {};
  const proxyRaw = (conf['proxy_url'] ?? '').trim() || (globalProxy['proxy_url'] ?? '').trim();
  const proxyUrl = proxyRaw === '' ? undefined : requireProxyUrl(proxyRaw);
  let proxyUsername: string | undefined;
  let proxyPassword: string | undefined;
  if (proxyUrl) {
    const usesOwn = (conf['proxy_url'] ?? '').trim() !== '';
    const proxySecret = await readSecret(splunkd, usesOwn ? `proxy:${name}` : 'proxy:_global');
    if (proxySecret !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(proxySecret);
      } catch {
        value = undefined;
      }
      const parsed = proxySecretSchema.safeParse(value);
      if (!parsed.success)
        throw new AddonError(
          'config',
          'the stored proxy credentials are not readable; save them again on the setup page',
        );
      proxyUsername = parsed.data.username;
      proxyPassword = parsed.data.password;
    }
  }
  const caPath =
    (conf['ca_bundle_path'] ?? '').trim() || (globalProxy['ca_bundle_path'] ?? '').trim();
  return {
    name,
    token,
    customEndpoint: endpoint,
    regionHost: (conf['region_host'] ?? '').trim() || undefined,
    proxyUrl,
    proxyUsername,
    proxyPassword,
    caPem: caPath === '' ? undefined : readCaBundle(caPath),
    requestTimeoutMs: parseRequestTimeout(general['request_timeout_seconds']),
  };
}
