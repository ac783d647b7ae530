/**
 * Step 4 of a run, "finish" (the output already closed): write the account's last save (rate budget, the
 * feeds' held-back cursors and the lease renewal, one KV call) while the health documents are
 * written, then one summary line. Returns the process exit code (the one rule in core/errors).
 */
import { describeError, exitCodeFor } from '../core/errors';
import {
  HoldBackCursorOnlySaves,
  type Checkpoint,
  type CheckpointStore,
} from '../delivery/checkpoint-store';
import type { Logger } from '../log/logger';
import { budgetDocument, type Collection } from './collect-feeds';
import type { FeedRunResult } from './feed-loop';
import { writeHealth, type FeedOutcome } from './health';
import type { LeaseGuard } from './lease';
import { healthContext } from './run-context';

export interface Finish extends Collection {
  /** Feeds that did not run (scopes missing), already with their error. */
  readonly refused: readonly FeedOutcome[];
}

export async function finishRun(f: Finish, results: readonly FeedRunResult[]): Promise<number> {
  const { run, held } = f;
  const outcomes = [...f.refused, ...results.map(outcomeOf)];
  // Health documents live in another collection: write them while the checkpoints are saved.
  const healthWrite = writeHealth(run.kv, outcomes, healthContext(run, f.session), run.logger);
  const budget = budgetDocument(run, f.budget, held.guard?.generation ?? 0);
  await held.store
    .saveBudget(budget, [
      ...(await heldBackCheckpoints(held.feedStore, held.guard)),
      ...(held.guard?.renewalDocuments() ?? []),
    ])
    .catch((error: unknown) =>
      run.logger.warn(`could not save the rate budget: ${describeError(error)}`),
    );
  await healthWrite;
  // A feed that failed on a closed stdout stopped the run without asking shouldStop().
  if (f.output.broken) f.stop.stop('closed stream');
  summarize(results, run.logger, held.store.kind, f.stop.reason, run.env.now() - run.runStart);
  return exitCodeFor(results.map((r) => r.error));
}

/**
 * The cursor-only checkpoints the feeds left for the run's last save, as long as the lease still
 * fences them: a member that has lost it must not move another holder's cursors back.
 */
async function heldBackCheckpoints(
  store: CheckpointStore,
  guard: LeaseGuard | undefined,
): Promise<Checkpoint[]> {
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

export function outcomeOf(result: FeedRunResult): FeedOutcome {
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
): void {
  const perFeed: Record<string, number> = {};
  for (const r of results) perFeed[r.feed.id] = r.events;
  const failed = results.filter((r) => r.error !== undefined).map((r) => r.feed.id);
  logger.info('run summary', {
    events: results.reduce((a, r) => a + r.events, 0),
    ...perFeed,
    pages: results.reduce((a, r) => a + r.pages, 0),
    caught_up: results.every((r) => r.caughtUp),
    failed: failed.join(',') || 'none',
    stopped_by: stopReason || 'none',
    checkpoints: storeKind,
    elapsed_ms: elapsedMs,
  });
}
