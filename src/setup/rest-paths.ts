/**
 * splunkd REST endpoints the setup page uses, relative to the app namespace
 * (servicesNS/nobody/TA-1password-events/…) unless noted. Pure: no fetch, no window.
 */
import { accountSecretName, checkStanzaPrefix } from '../core/contracts';
import {
  accountStatusCollection,
  accountsConf,
  appId,
  secretRealm,
  settingsConf,
} from '../core/app-identity';
import { defaultInputKind, kindScheme, type InputKind } from './input-kind';

export { accountStatusCollection };

/** Prefix that makes the modular input treat a stanza as a check-only probe. */
export const probePrefix = checkStanzaPrefix;
/** Owner `nobody`: shared at app level, as the modular input reads it. */
export const appNamespace = { app: appId, owner: 'nobody' } as const;

/** Each kind's own collection (splunkd serves every scheme under data/inputs/<scheme>). */
export function inputsEndpointOf(kind: InputKind): string {
  return `data/inputs/${kindScheme[kind]}`;
}
/** The per-run kind's collection: the connection check's probes go there. */
export const inputsEndpoint = inputsEndpointOf(defaultInputKind);
export const passwordsEndpoint = 'storage/passwords';
export const macrosConf = 'macros';
export const indexMacroName = 'onepassword_index';

/** storage/passwords user names (the entry's `username`). */
export const accountSecretUser = accountSecretName;
export { networkSecretUser, proxySecretUser } from '../config/network-settings';

/**
 * The entity name splunkd gives a storage/passwords entry: `<realm>:<username>:` with every ':'
 * inside realm or username escaped as `\:` (splunk-sdk-python's test_create_with_colons pins this).
 */
export function secretEntityName(username: string, realm: string = secretRealm): string {
  const escape = (part: string): string => part.replace(/:/g, '\\:');
  return `${escape(realm)}:${escape(username)}:`;
}

export function secretEntityEndpoint(username: string): string {
  return `${passwordsEndpoint}/${encodeURIComponent(secretEntityName(username))}`;
}

export function confEndpoint(conf: string, stanza?: string): string {
  const base = `configs/conf-${conf}`;
  return stanza === undefined ? base : `${base}/${encodeURIComponent(stanza)}`;
}

export const accountsConfEndpoint = (stanza?: string): string => confEndpoint(accountsConf, stanza);
export const settingsConfEndpoint = (stanza?: string): string => confEndpoint(settingsConf, stanza);

export function inputEndpoint(stanza: string, kind: InputKind = defaultInputKind): string {
  return `${inputsEndpointOf(kind)}/${encodeURIComponent(stanza)}`;
}

export function probeStanzaName(account: string): string {
  return `${probePrefix}${account}`;
}

export function isProbeStanza(name: string): boolean {
  return name.startsWith(probePrefix);
}

export function kvDataEndpoint(collection: string, key?: string): string {
  const base = `storage/collections/data/${encodeURIComponent(collection)}`;
  return key === undefined ? base : `${base}/${encodeURIComponent(key)}`;
}

/** Endpoints outside the app namespace (plain /services/…). */
export const globalEndpoints = {
  currentContext: 'authentication/current-context',
  serverInfo: 'server/info',
  indexes: 'data/indexes',
  appLocal: `apps/local/${encodeURIComponent(appId)}`,
  appReload: `apps/local/${encodeURIComponent(appId)}/_reload`,
} as const;
