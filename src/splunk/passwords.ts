/** Reads this app's secrets from storage/passwords. The token never lives anywhere else. */
import { appId, secretRealm } from '../core/app-identity';
import { AddonError } from '../core/errors';
import { selectAppSecrets, type AppSecrets } from './app-secrets';
import { nsPath, splunkdMessage, type SplunkdClient } from './splunkd-client';

/**
 * All of the app's secrets in our realm, by username, from one listing. Matching realm and username
 * exactly avoids depending on how splunkd escapes ':' inside entity names (ours contain one, e.g.
 * account:acme). Only entries stored in this app count (see app-secrets.ts).
 */
export async function readSecrets(
  splunkd: SplunkdClient,
  app: string = appId,
): Promise<AppSecrets> {
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
  return selectAppSecrets(JSON.parse(response.body), app, secretRealm);
}
