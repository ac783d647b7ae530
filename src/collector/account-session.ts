/**
 * Everything one account needs to talk to 1Password: its loaded configuration, the endpoint the
 * token may go to, and a client. Shared by run mode and --validate-arguments.
 */
import { userAgentProduct } from '../core/app-identity';
import type { RecentRead } from '../core/recent-read';
import { AddonError } from '../core/errors';
import type { FeedId } from '../core/feeds';
import { loadAccount, secretNamesOf, type AccountConfig } from '../config/account';
import { EventsApiClient } from '../events-api/client';
import { resolveEndpoint, type EndpointChoice } from '../events-api/endpoint';
import type { DispatcherPool } from '../http/dispatcher-pool';
import { requireTokenClaims, type TokenClaims } from '../events-api/token';
import type { Logger } from '../log/logger';
import type { AppSecrets } from '../splunk/app-secrets';
import { readSecrets } from '../splunk/passwords';
import type { SplunkdClient } from '../splunk/splunkd-client';

export interface AccountSession {
  readonly account: AccountConfig;
  readonly claims: TokenClaims;
  readonly endpoint: EndpointChoice;
  readonly client: EventsApiClient;
}

export const userAgent = `${userAgentProduct}/${typeof __PINNED_NODE_VERSION__ === 'string' ? 'node-' + __PINNED_NODE_VERSION__ : 'dev'}`;

/** What the resident input keeps between runs; a per-run input reads and opens each itself. */
export interface SharedSessionParts {
  readonly dispatchers?: DispatcherPool | undefined;
  readonly secrets?: RecentRead<AppSecrets> | undefined;
}

/** undefined when the account has no saved token (not configured yet). */
export async function openAccountSession(
  splunkd: SplunkdClient,
  name: string,
  logger: Logger,
  now: Date,
  shared: SharedSessionParts = {},
): Promise<AccountSession | undefined> {
  const secrets = await (shared.secrets?.get() ?? readSecrets(splunkd));
  // Before loading: a forged entry must be named even when the account has no entry of its own
  // or its own entry fails to load.
  const ignoredSecrets = secrets.foreignOf(secretNamesOf(name));
  if (ignoredSecrets.length > 0) {
    logger.warn(
      `ignoring storage/passwords entries of this add-on's realm stored in other apps: ${ignoredSecrets.join(', ')}; only entries in the add-on's own app are used, so delete these`,
    );
  }
  const account = await loadAccount(splunkd, name, secrets);
  if (!account) return undefined;
  logger.addSecret(account.token);
  if (account.proxyPassword) logger.addSecret(account.proxyPassword);
  if (account.ignoredConfKeys.length > 0) {
    logger.warn(
      `ignoring ${account.ignoredConfKeys.join(', ')}: the proxy and CA bundle are read from storage/passwords only, so set them on the setup page's Proxy tab`,
    );
  }
  const claims = requireTokenClaims(account.token, now);
  const endpoint = resolveEndpoint({
    claims,
    regionHost: account.regionHost,
    customEndpoint: account.customEndpoint,
  });
  const client = new EventsApiClient({
    baseUrl: endpoint.baseUrl,
    pool: shared.dispatchers,
    token: account.token,
    userAgent,
    caPem: account.caPem,
    proxyUrl: account.proxyUrl,
    proxyUsername: account.proxyUsername,
    proxyPassword: account.proxyPassword,
    requestTimeoutMs: account.requestTimeoutMs,
    // undici does not abort a connect in progress when the request's signal fires, so the
    // connect timeout must not exceed the request timeout.
    connectTimeoutMs: Math.min(10_000, account.requestTimeoutMs),
    headersTimeoutMs: account.requestTimeoutMs,
    bodyTimeoutMs: account.requestTimeoutMs,
  });
  return { account, claims, endpoint, client };
}

/** Feeds the stanza asks for that the token's scopes do not grant. */
export function missingScopes(wanted: readonly FeedId[], granted: readonly string[]): FeedId[] {
  return wanted.filter((feed) => !granted.includes(feed));
}

export function scopeError(missing: readonly FeedId[]): AddonError {
  return new AddonError(
    'token',
    `The token does not grant ${missing.join(', ')}. Create a token with these feeds in 1Password, or deselect them.`,
  );
}

/** The token's expiry in epoch seconds, null when it never expires (health and status documents). */
export function tokenExpirySeconds(claims: TokenClaims): number | null {
  return claims.expiresAt ? Math.floor(claims.expiresAt.getTime() / 1000) : null;
}
