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
 * Lists the app's entries and matches realm and username exactly, which avoids depending on how
 * splunkd escapes ':' inside entity names (our usernames contain one, e.g. account:acme).
 */
export async function readSecret(
  splunkd: SplunkdClient,
  username: string,
  app: string = appId,
): Promise<string | undefined> {
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
  const match = value.entry?.find(
    (e) => e.content?.realm === secretRealm && e.content.username === username,
  );
  const secret = match?.content?.clear_password;
  return typeof secret === 'string' ? secret : undefined;
}
