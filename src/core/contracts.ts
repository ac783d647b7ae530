/**
 * Small contracts the input, validation and the setup page must agree on, defined once. Pure: no
 * I/O, safe in the browser bundle.
 */

/** 1Password keeps this many days of events; a first run cannot start earlier. */
export const retentionDays = 120;
export const retentionMs = retentionDays * 86_400_000;

/** Stanzas named `__check__<account>` are the setup page's connection check, never collected. */
export const checkStanzaPrefix = '__check__';

/** Account names become storage/passwords usernames, KV keys and file names: keep them plain. */
export const accountNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The storage/passwords user that holds an account's token (realm: the app id). */
export function accountSecretName(account: string): string {
  return `account:${account}`;
}

/** Stanza name without the scheme prefix: onepassword_events://acme → acme */
export function inputNameOf(stanzaName: string): string {
  const at = stanzaName.indexOf('://');
  return at === -1 ? stanzaName : stanzaName.slice(at + 3);
}

/**
 * True for `__check__x` and `onepassword_events://__check__x`. Run mode never collects for one:
 * the page hides them, so an enabled one would collect an account's events unseen.
 */
export function isConnectionCheckStanza(stanzaName: string): boolean {
  return inputNameOf(stanzaName).startsWith(checkStanzaPrefix);
}

/**
 * A boolean as Splunk reads .conf and REST values (splunk.util.normalizeBoolean): 1, true, t, yes,
 * y and on, in any case, are true; anything else is false.
 */
export function isSplunkTrue(value: unknown): boolean {
  if (value === true || value === 1) return true;
  return typeof value === 'string' && /^(1|true|t|yes|y|on)$/i.test(value.trim());
}
