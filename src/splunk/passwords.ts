/** Reads this app's secrets from storage/passwords. The token never lives anywhere else. */
import { appId, secretRealm } from '../core/app-identity';
import { AddonError } from '../core/errors';
import { nsPath, splunkdMessage, type SplunkdClient } from './splunkd-client';

interface PasswordEntry {
  readonly content?: {
    readonly realm?: unknown;
    readonly username?: unknown;
    readonly clear_password?: unknown;
  };
}

/**
 * All of the app's secrets in our realm, by username, from one listing. Matching realm and username
 * exactly avoids depending on how splunkd escapes ':' inside entity names (ours contain one, e.g.
 * account:acme).
 */
export async function readSecrets(
  splunkd: SplunkdClient,
  app: string = appId,
): Promise<ReadonlyMap<string, string>> {
  const response = await splunkd.send('GET', `${nsPath(app, 'storage', 'passwords')}?count=0`);
  if (response.status === 403) {
    throw new AddonError(
      'splunkd',
      'splunkd refused to list storage/passwords (403): the input needs list_storage_passwords',
    );
  }
  if (response.status !== 200) {
    throw new AddonError(
      'splunkd',
      `storage/passwords read failed (${response.status}): ${splunkdMessage(response.body)}`,
    );
  }
  const value = JSON.parse(response.body) as { entry?: PasswordEntry[] };
  const secrets = new Map<string, string>();
  for (const e of value.entry ?? []) {
    const { realm, username, clear_password: secret } = e.content ?? {};
    if (realm !== secretRealm || typeof username !== 'string' || typeof secret !== 'string')
      continue;
    secrets.set(username, secret);
  }
  return secrets;
}
