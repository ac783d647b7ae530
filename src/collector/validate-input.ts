/**
 * --validate-arguments: checks a stanza for real before splunkd saves it — parameters, the saved
 * token, a live introspect call through the token's own endpoint, and the feeds against its scopes.
 * Stanzas named `__check__<account>` are the setup page's connection check: the same checks, and
 * the result is recorded in the onepassword_account_status collection for the page to show.
 */
import { adminMessage } from '../core/admin-wording';
import { accountStatusCollection } from '../core/app-identity';
import { checkStanzaPrefix, inputNameOf, isConnectionCheckStanza } from '../core/contracts';
import { AddonError, describeError, errorClassOf } from '../core/errors';
import { feedIds, type FeedId } from '../core/feeds';
import { parseInputConfig, type InputConfig } from '../config/input-config';
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

type ValidationEnv = { logger: Logger; splunkHome: string | undefined; now: () => number };

export async function validateDefinition(
  definition: ValidationDefinition,
  env: ValidationEnv,
): Promise<ValidationOutcome> {
  env.logger.addSecret(definition.sessionKey);
  const itemName = inputNameOf(definition.item.name);
  const checkOnly = isConnectionCheckStanza(itemName);
  const params = { ...definition.item.params };
  // The setup page's check may leave feeds empty: then every feed the token grants is fine.
  if (checkOnly && String(params['feeds'] ?? '').trim() === '') delete params['feeds'];
  const allFeedsImplicit = checkOnly && params['feeds'] === undefined;
  let config: InputConfig;
  try {
    config = parseInputConfig(itemName, params, definition.serverHost, new Date(env.now()));
  } catch (error) {
    return { ok: false, message: describeError(error) };
  }
  const splunkd = new SplunkdClient({
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    splunkHome: env.splunkHome,
    logger: env.logger,
  });
  try {
    const wanted = allFeedsImplicit ? [] : config.feeds;
    const checked = await checkAccount(splunkd, config.account, wanted, env);
    if (checkOnly) await recordCheck(splunkd, config.account, checked, env);
    return checked.outcome;
  } finally {
    await splunkd.close().catch(() => undefined);
  }
}

interface CheckedAccount {
  readonly outcome: ValidationOutcome;
  /** What the connection check learnt, for the setup page (onepassword_account_status). */
  readonly details: Record<string, unknown>;
}

/** The saved token, a live introspect call through its own endpoint, and its scopes. */
async function checkAccount(
  splunkd: SplunkdClient,
  account: string,
  wanted: readonly FeedId[],
  env: ValidationEnv,
): Promise<CheckedAccount> {
  const { logger } = env;
  let session: AccountSession | undefined;
  let details: Record<string, unknown> = {};
  try {
    session = await openAccountSession(splunkd, account, logger, new Date(env.now()));
    if (!session) {
      throw new AddonError(
        'config',
        `Account "${account}" has no saved token. Add the account on the setup page first.`,
      );
    }
    const introspection = await session.client.introspect(AbortSignal.timeout(30_000));
    const granted = introspection.features;
    details = {
      host: session.endpoint.host,
      region: session.endpoint.region,
      features: feedIds.filter((f) => granted.includes(f)),
      integration_uuid: introspection.uuid,
      account_uuid: introspection.accountUuid ?? session.claims.accountUuid ?? null,
      issued_at: introspection.issuedAt,
      expires_at: tokenExpirySeconds(session.claims),
    };
    const missing = missingScopes(wanted, granted);
    if (missing.length > 0) throw scopeError(missing);
    logger.info('validation passed', { account, host: session.endpoint.host });
    return { outcome: { ok: true, message: '' }, details };
  } catch (error) {
    logger.info('validation failed', { account, class: errorClassOf(error) });
    return {
      outcome: { ok: false, message: adminMessage(error, session?.endpoint.host) },
      details: { ...details, error_class: errorClassOf(error) },
    };
  } finally {
    await session?.client.close().catch(() => undefined);
  }
}

/** The setup page's connection check: the result, recorded for the page to show. */
async function recordCheck(
  splunkd: SplunkdClient,
  account: string,
  checked: CheckedAccount,
  env: ValidationEnv,
): Promise<void> {
  const { outcome } = checked;
  try {
    const kv = new KvStore(splunkd, undefined, { startupWaitMs: 10_000 });
    const status = {
      _key: account,
      account,
      checked_at: Math.floor(env.now() / 1000),
      ok: outcome.ok,
      error_message: outcome.ok ? null : outcome.message,
      error_class: null,
      ...checked.details,
    };
    await kv.save(accountStatusCollection, [status]);
  } catch (error) {
    env.logger.warn(`could not record the connection check: ${describeError(error)}`);
  }
}
