/**
 * --validate-arguments: checks a stanza for real before splunkd saves it — parameters, the saved
 * token, a live introspect call through the token's own endpoint, and the feeds against its scopes.
 * Stanzas named `__check__<account>` are the setup page's connection check: the same checks, and
 * the result is recorded in the onepassword_account_status collection for the page to show.
 */
import { adminMessage } from '../core/admin-wording';
import { accountStatusCollection } from '../core/app-identity';
import { checkStanzaPrefix, inputNameOf } from '../core/contracts';
import { AddonError, describeError, errorClassOf } from '../core/errors';
import { feedIds, type FeedId } from '../core/feeds';
import { parseInputConfig } from '../config/input-config';
import type { Logger } from '../log/logger';
import type { ValidationDefinition } from '../splunk/input-definition';
import { KvStore } from '../splunk/kvstore';
import { SplunkdClient } from '../splunk/splunkd-client';
import {
  missingScopes,
  openAccountSession,
  scopeError,
  tokenExpirySeconds,
  type AccountSession,
} from './account-session';

export { checkStanzaPrefix };

export interface ValidationOutcome {
  readonly ok: boolean;
  /** Admin-readable reason when not ok. */
  readonly message: string;
}

export async function validateDefinition(
  definition: ValidationDefinition,
  env: { logger: Logger; splunkHome: string | undefined; now: () => number },
): Promise<ValidationOutcome> {
  const { logger } = env;
  logger.addSecret(definition.sessionKey);
  const itemName = inputNameOf(definition.item.name);
  const checkOnly = itemName.startsWith(checkStanzaPrefix);
  const params = { ...definition.item.params };
  if (checkOnly && String(params['feeds'] ?? '').trim() === '') delete params['feeds'];
  const allFeedsImplicit = checkOnly && params['feeds'] === undefined;

  let config;
  try {
    config = parseInputConfig(itemName, params, definition.serverHost, new Date(env.now()));
  } catch (error) {
    return { ok: false, message: describeError(error) };
  }
  const splunkd = new SplunkdClient({
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    splunkHome: env.splunkHome,
    logger,
  });
  let session: AccountSession | undefined;
  let outcome: ValidationOutcome;
  let details: Record<string, unknown> = {};
  try {
    session = await openAccountSession(splunkd, config.account, logger, new Date(env.now()));
    if (!session) {
      throw new AddonError(
        'config',
        `Account "${config.account}" has no saved token. Add the account on the setup page first.`,
      );
    }
    const introspection = await session.client.introspect(AbortSignal.timeout(30_000));
    const granted = introspection.features;
    const wanted: readonly FeedId[] = allFeedsImplicit ? [] : config.feeds;
    const missing = missingScopes(wanted, granted);
    details = {
      host: session.endpoint.host,
      region: session.endpoint.region,
      features: feedIds.filter((f) => granted.includes(f)),
      integration_uuid: introspection.uuid,
      account_uuid: introspection.accountUuid ?? session.claims.accountUuid ?? null,
      issued_at: introspection.issuedAt,
      expires_at: tokenExpirySeconds(session.claims),
    };
    if (missing.length > 0) throw scopeError(missing);
    outcome = { ok: true, message: '' };
    logger.info('validation passed', { account: config.account, host: session.endpoint.host });
  } catch (error) {
    outcome = { ok: false, message: adminMessage(error, session?.endpoint.host) };
    details = { ...details, error_class: errorClassOf(error) };
    logger.info('validation failed', { account: config.account, class: errorClassOf(error) });
  }
  if (checkOnly) {
    try {
      const kv = new KvStore(splunkd, undefined, { startupWaitMs: 10_000 });
      const status = {
        _key: config.account,
        account: config.account,
        checked_at: Math.floor(env.now() / 1000),
        ok: outcome.ok,
        error_message: outcome.ok ? null : outcome.message,
        error_class: null,
        ...details,
      };
      await kv.save(accountStatusCollection, [status]);
    } catch (error) {
      logger.warn(`could not record the connection check: ${describeError(error)}`);
    }
  }
  await session?.client.close().catch(() => undefined);
  await splunkd.close().catch(() => undefined);
  return outcome;
}
