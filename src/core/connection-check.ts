/**
 * Stanzas named `__check__<account>` are the setup page's connection check: splunkd validates them
 * (`--validate-arguments`) and the page hides them from its list. Run mode must never collect for
 * one, or an enabled check stanza would collect an account's events unseen. Pure.
 */
export const checkStanzaPrefix = '__check__';

/** True for `__check__x` and for the full `onepassword_events://__check__x`. */
export function isConnectionCheckStanza(stanzaName: string): boolean {
  const schemeEnd = stanzaName.indexOf('://');
  const bare = schemeEnd === -1 ? stanzaName : stanzaName.slice(schemeEnd + 3);
  return bare.startsWith(checkStanzaPrefix);
}
