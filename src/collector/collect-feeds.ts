/**
 * Step 3 of a run, "collect the feeds": every feed of the account runs its loop concurrently,
 * sharing the account's rate budget (carried across runs in its own KV document) and the run's
 * one stop signal. Each request is retried by the one retry policy.
 */
import { join } from 'node:path';
import { schemeName } from '../core/app-identity';
import { requestTimeoutWithin, waitWithin } from '../core/bounded-wait';
import { AddonError, describeError } from '../core/errors';
import { dropFutureBudgetEntries } from '../core/future-dated';
import { feeds as feedTable, type FeedId } from '../core/feeds';
import { budgetKey, type BudgetDocument } from '../core/kv-documents';
import { defaultBudget, RateBudget, type BudgetHistory } from '../core/rate-budget';
import { abortableSleep, defaultRetryPolicy, withRetry } from '../core/retry';
import type { AccountStore } from '../delivery/checkpoint-store';
import type { EventOutput } from '../delivery/event-output';
import { PageJournal } from '../delivery/page-journal';
import type { PageRequest } from '../events-api/client';
import type { Page } from '../events-api/page';
import type { Logger } from '../log/logger';
import { createEventFormatter } from '../splunk/event-format';
import type { AccountSession } from './account-session';
import { runFeed, type FeedRunResult } from './feed-loop';
import type { HeldAccount } from './hold-lease';
import type { RunContext } from './run-context';
import type { RunStop } from './run-stop';

/** The account's rate budget as the last run left it; a corrupt history starts empty (logged). */
export async function loadBudget(run: RunContext, store: AccountStore): Promise<RateBudget> {
  let history: BudgetHistory = {};
  try {
    const document = await store.loadBudget(run.config.account);
    if (document) history = parseHistory(document.budget_history);
  } catch (error) {
    run.logger.warn(`starting with an empty rate budget: ${describeError(error)}`);
  }
  const future = dropFutureBudgetEntries(history, run.env.now());
  if (future.dropped > 0) {
    run.logger.warn(
      `KV document ${budgetKey(run.config.account)} holds ${future.dropped} rate-budget entries dated in the future (corrupt); ignoring them, the run rewrites the document`,
    );
  }
  return new RateBudget(defaultBudget, run.env.now, future.history);
}

function parseHistory(text: string): BudgetHistory {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number',
      ),
    );
  } catch {
    return {};
  }
}

export function budgetDocument(
  run: RunContext,
  budget: RateBudget,
  generation: number,
): BudgetDocument {
  return {
    _key: budgetKey(run.config.account),
    account: run.config.account,
    feed: 'budget',
    input: run.config.name,
    budget_history: JSON.stringify(budget.history()),
    updated_at: Math.floor(run.env.now() / 1000),
    generation,
    schema_version: 1,
  };
}

export interface Collection {
  readonly run: RunContext;
  readonly session: AccountSession;
  readonly held: HeldAccount;
  readonly output: EventOutput;
  readonly stop: RunStop;
  readonly budget: RateBudget;
}

export function collectFeeds(c: Collection, feedIds: readonly FeedId[]): Promise<FeedRunResult[]> {
  return Promise.all(feedIds.map((feedId) => collectFeed(c, feedId)));
}

function collectFeed(c: Collection, feedId: FeedId): Promise<FeedRunResult> {
  const { run, held } = c;
  const { config } = run;
  const feed = feedTable[feedId];
  const logger = run.logger.child({ feed: feedId });
  return runFeed({
    feed,
    account: config.account,
    input: config.name,
    limit: config.limit,
    startTime: config.startTime,
    generation: held.guard?.generation ?? 0,
    ...(held.guard ? { beforeCommit: held.guard.beforeCommit } : {}),
    fetchPage: (request) => fetchWithRetry(c, feedId, request, logger),
    store: held.feedStore,
    output: c.output,
    journal: new PageJournal(
      join(run.definition.checkpointDir, `${config.account}__${feedId}.journal`),
    ),
    formatter: createEventFormatter(
      {
        stanza: config.stanza,
        index: config.feedIndexes[feedId],
        sourcetype: feed.sourcetype,
        source: `${schemeName}://${config.name}`,
        host: config.host,
      },
      run.env.shared?.pageBuffers,
    ),
    logger,
    now: run.env.now,
    shouldStop: () => c.stop.shouldStop(),
    stopReason: () => c.stop.reason,
    pagePermits: run.env.shared?.pagePermits,
  });
}

/** One page: wait for the shared budget, then fetch, retried by the one retry policy. */
function fetchWithRetry(
  c: Collection,
  feedId: FeedId,
  request: PageRequest,
  logger: Logger,
): Promise<Page> {
  const { env } = c.run;
  return withRetry(
    async () => {
      await waitForBudget(c, logger);
      // A page in flight at the deadline may finish, but only within the grace (bounded-wait.ts).
      const timeoutMs = requestTimeoutWithin(
        c.session.account.requestTimeoutMs,
        env.now(),
        c.run.deadline,
      );
      return c.session.client.fetchPage(feedTable[feedId], request, c.stop.signal, timeoutMs);
    },
    defaultRetryPolicy,
    {
      sleep: abortableSleep,
      random: env.random,
      signal: c.stop.signal,
      deadline: c.run.deadline,
      now: env.now,
      onRetry: (error, attempt, delay) =>
        logger.warn(`retrying after ${error.errorClass}: ${describeError(error)}`, {
          attempt,
          delay_ms: delay,
        }),
    },
  );
}

/** Waits for the shared budget, never past the run's deadline (a stored history may be bogus). */
async function waitForBudget(c: Collection, logger: Logger): Promise<void> {
  const bounds = { now: c.run.env.now, deadline: c.run.deadline, signal: c.stop.signal };
  for (let wait = c.budget.delayMs(); wait > 0; wait = c.budget.delayMs()) {
    logger.debug('waiting for the rate budget', { wait_ms: wait });
    if ((await waitWithin(wait, bounds)) === 'deadline') {
      c.stop.stop('time budget');
      throw new AddonError('cancelled', 'the run was stopped (time budget)');
    }
  }
  c.budget.record();
}
