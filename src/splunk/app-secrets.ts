/**
 * Which storage/passwords entries the app may trust. splunkd lists, beside this app's entries, every
 * entry another app shares globally, and anyone with edit_storage_passwords can share one. An
 * entry of our realm from another app could swap the token, endpoint, proxy or CA bundle, so only
 * entries whose `acl.app` is this app count; the others are named (never their values) for a WARN.
 * Two entries with one username inside the app are ambiguous: reading it fails closed. Pure.
 */
import { AddonError } from '../core/errors';

export interface AppSecrets {
  /** The value of the app's one entry for `username`; AddonError when the app holds several. */
  get(username: string): string | undefined;
  /** Entries of our realm listed from other apps, ignored: `username (app <app>, owner <owner>)`. */
  readonly foreign: readonly string[];
  /** The `foreign` entries whose username is one of `usernames`. */
  foreignOf(usernames: readonly string[]): string[];
}

interface ListedEntry {
  readonly acl?: { readonly app?: unknown; readonly owner?: unknown };
  readonly content?: {
    readonly realm?: unknown;
    readonly username?: unknown;
    readonly clear_password?: unknown;
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '?');

/** Reads a storage/passwords listing (`{entry: [...]}`) for `app`'s entries in `realm`. */
export function selectAppSecrets(listing: unknown, app: string, realm: string): AppSecrets {
  const entries =
    listing !== null && typeof listing === 'object'
      ? ((listing as { entry?: unknown }).entry ?? [])
      : [];
  const values = new Map<string, string[]>();
  const owners = new Map<string, string[]>();
  const foreign: { username: string; label: string }[] = [];
  for (const e of Array.isArray(entries) ? (entries as ListedEntry[]) : []) {
    const { realm: entryRealm, username, clear_password: secret } = e.content ?? {};
    if (entryRealm !== realm || typeof username !== 'string' || typeof secret !== 'string')
      continue;
    const owner = text(e.acl?.owner);
    if (e.acl?.app !== app) {
      foreign.push({ username, label: `${username} (app ${text(e.acl?.app)}, owner ${owner})` });
      continue;
    }
    values.set(username, [...(values.get(username) ?? []), secret]);
    owners.set(username, [...(owners.get(username) ?? []), owner]);
  }
  return {
    foreign: foreign.map((f) => f.label),
    foreignOf: (usernames) =>
      foreign.filter((f) => usernames.includes(f.username)).map((f) => f.label),
    get(username: string): string | undefined {
      const found = values.get(username);
      if (found === undefined) return undefined;
      if (found.length > 1) {
        throw new AddonError(
          'config',
          `storage/passwords holds ${found.length} entries for ${username} in app ${app} (owners ${(owners.get(username) ?? []).join(', ')}); refusing to use any of them until an administrator deletes all but one`,
        );
      }
      return found[0];
    },
  };
}
