/**
 * Where the token's connections go besides the endpoint: a proxy and a CA bundle to trust. Both can
 * redirect the token (a TLS-intercepting proxy plus its CA reads every request), so they are kept in
 * storage/passwords, which only admin-level roles can write, never in a .conf file that an ACL could
 * open to other roles. Pure: shared by the modular input and the setup page.
 *
 * Entries (realm TA-1password-events): `network:<account>` and `network:_global` hold
 * `{"proxy_url": "…", "ca_bundle_path": "…"}`, nothing secret, so the setup page may read them back;
 * proxy credentials stay in the write-only `proxy:<account>` / `proxy:_global` entries.
 */
import * as z from 'zod/mini';
import { AddonError } from '../core/errors';
import { parseStoredJson } from './stored-json';

export const globalScope = '_global';

export interface NetworkSettings {
  /** '' = none at this scope. */
  readonly proxyUrl: string;
  /** '' = none at this scope. */
  readonly caBundlePath: string;
}

export const noNetworkSettings: NetworkSettings = { proxyUrl: '', caBundlePath: '' };

/** storage/passwords user name of the network settings; undefined scope = global. */
export function networkSecretUser(account: string | undefined): string {
  return `network:${account ?? globalScope}`;
}

/** storage/passwords user name of the proxy credentials; undefined scope = global. */
export function proxySecretUser(account: string | undefined): string {
  return `proxy:${account ?? globalScope}`;
}

const networkSecretSchema = z.object({
  proxy_url: z.optional(z.string()),
  ca_bundle_path: z.optional(z.string()),
});

/** Reads a stored `network:` entry; an AddonError an admin can act on when it is not ours. */
export function parseNetworkSecret(text: string, scope: string): NetworkSettings {
  const parsed = parseStoredJson(text, networkSecretSchema);
  if (parsed === undefined) {
    throw new AddonError(
      'config',
      `the stored proxy and CA settings (${networkSecretUser(scope === globalScope ? undefined : scope)}) are not readable; save them again on the setup page's Proxy tab`,
    );
  }
  return {
    proxyUrl: (parsed.proxy_url ?? '').trim(),
    caBundlePath: (parsed.ca_bundle_path ?? '').trim(),
  };
}

export function networkSecretPayload(settings: NetworkSettings): string {
  return JSON.stringify({
    proxy_url: settings.proxyUrl.trim(),
    ca_bundle_path: settings.caBundlePath.trim(),
  });
}

export interface EffectiveNetwork {
  readonly proxyUrl: string | undefined;
  /** Scope whose `proxy:` entry holds the proxy's credentials. */
  readonly proxyScope: string | undefined;
  readonly caBundlePath: string | undefined;
}

/** An account's own proxy wins over the global one, and so does its own CA bundle, each on its own. */
export function effectiveNetwork(
  account: string,
  own: NetworkSettings,
  global: NetworkSettings,
): EffectiveNetwork {
  const proxyScope =
    own.proxyUrl !== '' ? account : global.proxyUrl !== '' ? globalScope : undefined;
  const proxyUrl = own.proxyUrl || global.proxyUrl;
  const caBundlePath = own.caBundlePath || global.caBundlePath;
  return {
    proxyUrl: proxyUrl === '' ? undefined : proxyUrl,
    proxyScope,
    caBundlePath: caBundlePath === '' ? undefined : caBundlePath,
  };
}

/** Keys that earlier builds read from .conf files and that are now ignored there. */
export const retiredConfKeys = ['proxy_url', 'ca_bundle_path'] as const;
