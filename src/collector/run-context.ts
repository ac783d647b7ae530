/**
 * Step 1 of a run, "open": what every later step shares — the stanza's configuration, a logger at
 * the right level, the splunkd client, the KV store bounded by the run's deadline — and the
 * account's session (token, endpoint, client), whose failure is recorded in the health documents.
 */
import { settingsConf } from '../core/app-identity';
import type { FairPermits } from '../core/fair-permits';
import type { RecentRead } from '../core/recent-read';
import { describeError, errorClassOf } from '../core/errors';
import type { FeedId } from '../core/feeds';
import type { InputConfig } from '../config/input-config';
import type { EventStream, OutputTarget } from '../delivery/event-output';
import type { PageBuffers } from '../delivery/page-buffers';
import { parseLogLevel, type Logger } from '../log/logger';
import type { AppSecrets } from '../splunk/app-secrets';
import { readConfStanza } from '../splunk/conf';
import type { InputDefinition } from '../splunk/input-definition';
import type { DispatcherPool } from '../http/dispatcher-pool';
import { KvStore } from '../splunk/kvstore';
import { SplunkdClient } from '../splunk/splunkd-client';
import { openAccountSession, tokenExpirySeconds, type AccountSession } from './account-session';
import { writeHealth, type FeedOutcome, type HealthContext } from './health';

export interface RunEnvironment {
  readonly logger: Logger;
  /** stdout; the resident input passes the one stream all its accounts share. */
  readonly output: OutputTarget | EventStream;
  /**
   * Present when the resident input runs this account-run: what it keeps across runs. A per-run
   * input opens the splunkd client and dispatchers per run and closes them at its end.
   */
  readonly shared?: {
    readonly splunkd: SplunkdClient;
    readonly dispatchers: DispatcherPool;
    readonly secrets: RecentRead<AppSecrets>;
    /** The global [logging] stanza (onepassword_settings.conf). */
    readonly logging: RecentRead<Record<string, string> | undefined>;
    readonly pagePermits: FairPermits;
    readonly pageBuffers: PageBuffers;
  };
  readonly splunkHome: string | undefined;
  readonly now: () => number;
  readonly random: () => number;
  /** Aborted on SIGTERM/SIGINT. */
  readonly signal: AbortSignal;
  /** Test hook: overrides the KV store's 503 patience. */
  readonly kvStartupWaitMs?: number;
}

export interface RunContext {
  readonly definition: InputDefinition;
  readonly config: InputConfig;
  readonly env: RunEnvironment;
  readonly logger: Logger;
  readonly splunkd: SplunkdClient;
  readonly kv: KvStore;
  readonly runStart: number;
  /** Epoch ms (on env.now) when the run's time budget ends. */
  readonly deadline: number;
}

export async function openRun(
  definition: InputDefinition,
  config: InputConfig,
  env: RunEnvironment,
): Promise<RunContext> {
  const logger = env.logger.child({ input: config.name, account: config.account });
  logger.setLevel(config.logLevel);
  const runStart = env.now();
  const deadline = runStart + config.maxRunSeconds * 1000;
  const splunkd =
    env.shared?.splunkd ??
    new SplunkdClient({
      serverUri: definition.serverUri,
      sessionKey: definition.sessionKey,
      splunkHome: env.splunkHome,
      logger,
    });
  if (!config.logLevelExplicit) {
    const global = await (env.shared?.logging.get() ?? readGlobalLogging(splunkd)).catch(
      () => undefined,
    );
    const level = parseLogLevel(global?.['log_level']);
    if (level) logger.setLevel(level);
  }
  // The KV store's patience ends with the run's time budget (then only a short grace).
  const kv = new KvStore(splunkd, undefined, {
    deadline,
    now: env.now,
    ...(env.kvStartupWaitMs === undefined ? {} : { startupWaitMs: env.kvStartupWaitMs }),
  });
  return { definition, config, env, logger, splunkd, kv, runStart, deadline };
}

/** The global [logging] stanza, which a stanza without its own log_level follows. */
export function readGlobalLogging(
  splunkd: SplunkdClient,
): Promise<Record<string, string> | undefined> {
  return readConfStanza(splunkd, settingsConf, 'logging');
}

export function healthContext(run: RunContext, session?: AccountSession): HealthContext {
  return {
    account: run.config.account,
    input: run.config.name,
    host: run.config.host,
    runStart: run.runStart,
    runEnd: run.env.now(),
    tokenExpiresAt: session ? tokenExpirySeconds(session.claims) : undefined,
  };
}

export function failedOutcomes(feeds: readonly FeedId[], error: unknown): FeedOutcome[] {
  return feeds.map((feed) => ({ feed, events: 0, lastEventTime: 0, error, caughtUp: false }));
}

/** The account's session; undefined when there is nothing to collect (logged, health written). */
export async function startSession(run: RunContext): Promise<AccountSession | undefined> {
  const { config, logger } = run;
  let session: AccountSession | undefined;
  try {
    session = await openAccountSession(
      run.splunkd,
      config.account,
      logger,
      new Date(run.env.now()),
      run.env.shared ?? {},
    );
  } catch (error) {
    logger.error(`cannot start: ${describeError(error)}`, { class: errorClassOf(error) });
    await writeHealth(run.kv, failedOutcomes(config.feeds, error), healthContext(run), logger);
    return undefined;
  }
  if (!session) {
    logger.info(
      'the account has no saved token yet; configure it on the setup page. Nothing collected.',
    );
  }
  return session;
}
