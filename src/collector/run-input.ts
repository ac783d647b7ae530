/**
 * Run mode: one invocation collects every feed of the stanza's account until caught up or out of
 * time, then exits; splunkd schedules the next run by `interval`.
 */
import { join } from 'node:path';
import { schemeName, settingsConf } from '../core/app-identity';
import { waitWithin } from '../core/bounded-wait';
import { isConnectionCheckStanza } from '../core/connection-check';
import { dropFutureBudgetEntries } from '../core/future-dated';
import { AddonError, describeError, errorClassOf } from '../core/errors';
import { feeds as feedTable } from '../core/feeds';
import { defaultBudget, RateBudget } from '../core/rate-budget';
import { abortableSleep, defaultRetryPolicy, withRetry } from '../core/retry';
import { parseInputConfig, type InputConfig } from '../config/input-config';
import {
  checkpointKey,
  HoldBackCursorOnlySaves,
  openCheckpointStore,
  type Checkpoint,
  type CheckpointStore,
} from '../delivery/checkpoint-store';
import { EventOutput, type OutputTarget } from '../delivery/event-output';
import { PageJournal } from '../delivery/page-journal';
import { parseLogLevel, type Logger } from '../log/logger';
import { readConfStanza } from '../splunk/conf';
import { createEventFormatter } from '../splunk/event-format';
import type { InputDefinition } from '../splunk/input-definition';
import { KvStore, type KvDocument } from '../splunk/kvstore';
import { SplunkdClient } from '../splunk/splunkd-client';
import { missingScopes, openAccountSession, scopeError } from './account-session';
import { runFeed, type FeedRunResult } from './feed-loop';
import { writeHealth, type FeedOutcome } from './health';
import { guardLease, LeaseManager, type LeaseGuard } from './lease';
import { leaseTtlMs } from '../core/lease-decision';

export interface RunEnvironment {
  readonly logger: Logger;
  readonly output: OutputTarget;
  readonly splunkHome: string | undefined;
  readonly now: () => number;
  readonly random: () => number;
  /** Aborted on SIGTERM/SIGINT. */
  readonly signal: AbortSignal;
  /** Test hook: overrides the KV store's 503 patience. */
  readonly kvStartupWaitMs?: number;
}

/** Returns the process exit code. */
export async function runInputDefinition(
  definition: InputDefinition,
  env: RunEnvironment,
): Promise<number> {
  env.logger.addSecret(definition.sessionKey);
  if (definition.stanzas.length === 0) {
    env.logger.info('no enabled onepassword_events stanza was given; nothing to do');
    return 0;
  }
  let exitCode = 0;
  for (const stanza of definition.stanzas) {
    if (isConnectionCheckStanza(stanza.name)) {
      env.logger.warn(
        "this stanza is the setup page's connection check and never collects; disable or delete it",
        { input: stanza.name },
      );
      continue;
    }
    let config: InputConfig;
    try {
      config = parseInputConfig(
        stanza.name,
        stanza.params,
        definition.serverHost,
        new Date(env.now()),
      );
    } catch (error) {
      env.logger.error(describeError(error), { input: stanza.name, class: errorClassOf(error) });
      continue;
    }
    if (config.disabled) {
      env.logger.info('input is disabled; nothing to do', { input: config.name });
      continue;
    }
    exitCode = Math.max(exitCode, await runStanza(definition, config, env));
  }
  return exitCode;
}

async function runStanza(
  definition: InputDefinition,
  config: InputConfig,
  env: RunEnvironment,
): Promise<number> {
  const logger = env.logger.child({ input: config.name, account: config.account });
  logger.setLevel(config.logLevel);
  const runStart = env.now();
  const deadline = runStart + config.maxRunSeconds * 1000;
  const splunkd = new SplunkdClient({
    serverUri: definition.serverUri,
    sessionKey: definition.sessionKey,
    splunkHome: env.splunkHome,
    logger,
  });
  if (!config.logLevelExplicit) {
    const global = await readConfStanza(splunkd, settingsConf, 'logging').catch(() => undefined);
    const level = parseLogLevel(global?.['log_level']);
    if (level) logger.setLevel(level);
  }
  // The KV store's patience ends with the run's time budget (then only a short grace).
  const kv = new KvStore(splunkd, undefined, {
    deadline,
    now: env.now,
    ...(env.kvStartupWaitMs === undefined ? {} : { startupWaitMs: env.kvStartupWaitMs }),
  });
  const healthContext = () => ({
    account: config.account,
    input: config.name,
    host: config.host,
    runStart,
    runEnd: env.now(),
  });
  let session;
  try {
    session = await openAccountSession(splunkd, config.account, logger, new Date(env.now()));
  } catch (error) {
    logger.error(`cannot start: ${describeError(error)}`, { class: errorClassOf(error) });
    const outcomes = config.feeds.map((feed) => ({
      feed,
      events: 0,
      lastEventTime: 0,
      error,
      caughtUp: false,
    }));
    await writeHealth(kv, outcomes, healthContext(), logger);
    await splunkd.close();
    return 0;
  }
  if (!session) {
    logger.info(
      'the account has no saved token yet; configure it on the setup page. Nothing collected.',
    );
    await splunkd.close();
    return 0;
  }
  const missing = missingScopes(config.feeds, session.claims.features);
  const feedIds = config.feeds.filter((f) => !missing.includes(f));
  const outcomes: FeedOutcome[] = [];
  if (missing.length > 0) {
    const error = scopeError(missing);
    logger.error(describeError(error), { class: 'token' });
    for (const feed of missing)
      outcomes.push({ feed, events: 0, lastEventTime: 0, error, caughtUp: false });
  }
  const stopReason = { value: '' };
  const output: EventOutput = new EventOutput(env.output, () => shouldStop());
  const shouldStop = (): boolean => {
    if (output.broken) stopReason.value ||= 'closed stream';
    else if (env.signal.aborted) stopReason.value ||= 'signal';
    else if (env.now() >= deadline) stopReason.value ||= 'time budget';
    else if (guard?.lost()) stopReason.value ||= 'lease lost';
    return stopReason.value !== '';
  };
  let exitCode: number;
  let guard: LeaseGuard | undefined;
  let healthWrite: Promise<void> | undefined;
  try {
    const opened = await openCheckpointStore(kv, definition.checkpointDir, config.account, logger);
    if (opened.kind === 'kvstore') {
      // Several search-head cluster members run this input; the lease lets exactly one collect.
      const ttl = leaseTtlMs(config.intervalSeconds);
      const member = definition.serverHost || 'unknown-member';
      const manager = new LeaseManager(kv, config.account, member, ttl, env.now, (m) =>
        logger.warn(m),
      );
      const outcome = await manager.acquire(opened.leaseRecords);
      if (!outcome.held) {
        logger.info(
          'another member holds the collection lease for this account; nothing to do here',
          {
            holder: outcome.holder.owner,
            generation: outcome.holder.generation,
            expires_in_s: Math.max(0, Math.round((outcome.holder.expires_at - env.now()) / 1000)),
          },
        );
        return 0;
      }
      if (outcome.claimed) {
        // The previous holder may have written checkpoints since they were read: read them again.
        opened.forgetPrefetched();
        logger.info('took the collection lease', { member, generation: outcome.lease.generation });
      }
      guard = guardLease(manager, ttl, (reason) => logger.warn(`stopping: ${reason}`));
    }
    const store = opened;
    // The feeds' cursor-only saves wait for the run's last save (KV store only: files are cheap).
    const feedStore = opened.kind === 'kvstore' ? new HoldBackCursorOnlySaves(opened) : opened;
    const budgetDoc = await store.load(checkpointKey(config.account, 'budget'));
    let history = {};
    try {
      history = budgetDoc?.budget_history
        ? (JSON.parse(budgetDoc.budget_history) as Record<string, number>)
        : {};
    } catch {
      history = {};
    }
    const future = dropFutureBudgetEntries(history, env.now());
    if (future.dropped > 0) {
      logger.warn(
        `KV document ${checkpointKey(config.account, 'budget')} holds ${future.dropped} rate-budget entries dated in the future (corrupt); ignoring them, the run rewrites the document`,
      );
    }
    const budget = new RateBudget(defaultBudget, env.now, future.history);
    const acquire = async (): Promise<void> => {
      for (let wait = budget.delayMs(); wait > 0; wait = budget.delayMs()) {
        logger.debug('waiting for the rate budget', { wait_ms: wait });
        // At the deadline the run stops after this request: one more stays inside the 5 % margin.
        if ((await waitWithin(wait, { now: env.now, deadline, signal: env.signal })) === 'deadline')
          break;
      }
      budget.record();
    };
    const results = await Promise.all(
      feedIds.map((feedId) => {
        const feed = feedTable[feedId];
        const feedLogger = logger.child({ feed: feedId });
        return runFeed({
          feed,
          account: config.account,
          input: config.name,
          limit: config.limit,
          startTime: config.startTime,
          generation: guard?.generation ?? 0,
          ...(guard ? { beforeCommit: guard.beforeCommit } : {}),
          fetchPage: (request) =>
            withRetry(
              async () => {
                await acquire();
                return session.client.fetchPage(feed, request, env.signal);
              },
              defaultRetryPolicy,
              {
                sleep: abortableSleep,
                random: env.random,
                signal: env.signal,
                deadline,
                now: env.now,
                onRetry: (error, attempt, delay) =>
                  feedLogger.warn(`retrying after ${error.errorClass}: ${describeError(error)}`, {
                    attempt,
                    delay_ms: delay,
                  }),
              },
            ),
          store: feedStore,
          output,
          journal: new PageJournal(
            join(definition.checkpointDir, `${config.account}__${feedId}.journal`),
          ),
          formatter: createEventFormatter({
            stanza: config.stanza,
            index: config.index,
            sourcetype: feed.sourcetype,
            source: `${schemeName}://${config.name}`,
            host: config.host,
          }),
          logger: feedLogger,
          now: env.now,
          shouldStop,
        });
      }),
    );
    await output.close();
    const budgetCheckpoint: Checkpoint = {
      _key: checkpointKey(config.account, 'budget'),
      account: config.account,
      feed: 'budget',
      input: config.name,
      cursor: '',
      last_event_time: 0,
      recent_uuids: '',
      events_total: 0,
      pages_total: 0,
      updated_at: Math.floor(env.now() / 1000),
      generation: guard?.generation ?? 0,
      budget_history: JSON.stringify(budget.history()),
      schema_version: 1,
    };
    for (const r of results) outcomes.push(outcomeOf(r));
    // Health documents live in another collection: write them while the checkpoints are saved.
    healthWrite = writeHealth(kv, [...outcomes], healthContext(), logger);
    await store
      .save(budgetCheckpoint, [
        ...(await heldBackCheckpoints(feedStore, guard)),
        ...(guard?.renewalDocuments() ?? []),
      ])
      .catch((error: unknown) =>
        logger.warn(`could not save the rate budget: ${describeError(error)}`),
      );
    await healthWrite;
    // A feed that failed on a closed stdout stopped the run without asking shouldStop().
    if (output.broken) stopReason.value ||= 'closed stream';
    exitCode = summarize(results, logger, store.kind, stopReason.value, env.now() - runStart);
  } catch (error) {
    await output.close().catch(() => undefined);
    logger.error(`run failed: ${describeError(error)}`, { class: errorClassOf(error) });
    for (const feed of feedIds)
      outcomes.push({ feed, events: 0, lastEventTime: 0, error, caughtUp: false });
    exitCode = error instanceof AddonError && error.errorClass === 'output' ? 1 : 0;
  } finally {
    guard?.close();
    await (healthWrite ?? writeHealth(kv, outcomes, healthContext(), logger));
    await session.client.close().catch(() => undefined);
    await splunkd.close().catch(() => undefined);
  }
  return exitCode;
}

/**
 * The cursor-only checkpoints the feeds left for the run's last save, as long as the lease still
 * fences them: a member that has lost it must not move another holder's cursors back.
 */
async function heldBackCheckpoints(
  store: CheckpointStore,
  guard: LeaseGuard | undefined,
): Promise<KvDocument[]> {
  if (!(store instanceof HoldBackCursorOnlySaves)) return [];
  const held = store.takeHeld();
  if (held.length === 0 || !guard) return held;
  try {
    await guard.beforeCommit();
  } catch {
    return [];
  }
  return guard.lost() ? [] : held;
}

function outcomeOf(result: FeedRunResult): FeedOutcome {
  return {
    feed: result.feed.id,
    events: result.events,
    lastEventTime: result.lastEventTime,
    error: result.error,
    caughtUp: result.caughtUp,
  };
}

function summarize(
  results: readonly FeedRunResult[],
  logger: Logger,
  storeKind: string,
  stopReason: string,
  elapsedMs: number,
): number {
  const fields: Record<string, string | number> = {};
  let total = 0;
  for (const r of results) {
    fields[r.feed.id] = r.events;
    total += r.events;
  }
  const failed = results.filter((r) => r.error !== undefined).map((r) => r.feed.id);
  logger.info('run summary', {
    events: total,
    ...fields,
    pages: results.reduce((a, r) => a + r.pages, 0),
    caught_up: results.every((r) => r.caughtUp),
    failed: failed.join(',') || 'none',
    stopped_by: stopReason || 'none',
    checkpoints: storeKind,
    elapsed_ms: elapsedMs,
  });
  const outputFailed = results.some(
    (r) => r.error instanceof AddonError && r.error.errorClass === 'output',
  );
  return outputFailed ? 1 : 0;
}
