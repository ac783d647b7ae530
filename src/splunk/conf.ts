/** Reads one stanza of one of this app's .conf files through splunkd (merged default + local). */
import { appId } from '../core/app-identity';
import { AddonError } from '../core/errors';
import { nsPath, splunkdMessage, type SplunkdClient } from './splunkd-client';

export async function readConfStanza(
  splunkd: SplunkdClient,
  conf: string,
  stanza: string,
  app: string = appId,
): Promise<Record<string, string> | undefined> {
  const response = await splunkd.send(
    'GET',
    nsPath(app, 'configs', `conf-${encodeURIComponent(conf)}`, encodeURIComponent(stanza)),
  );
  if (response.status === 404) return undefined;
  if (response.status !== 200) {
    throw new AddonError(
      'splunkd',
      `reading ${conf}.conf [${stanza}] failed (${response.status}): ${splunkdMessage(response.body)}`,
    );
  }
  const value = JSON.parse(response.body) as { entry?: { content?: Record<string, unknown> }[] };
  const content = value.entry?.[0]?.content ?? {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(content)) {
    if (typeof v === 'string' && !key.startsWith('eai:')) out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}
