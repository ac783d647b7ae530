/**
 * One loop serves all three feeds: resume from the checkpoint (and the journal of an interrupted
 * page), page through the feed, write each page, then — only then — move the cursor.
 */
import { AddonError, describeError, errorClassOf } from '../core/errors';
import type { FeedSpec } from '../core/feeds';
import { epochMillisOf, formatRfc3339 } from '../core/timestamp';
import type { Page, PageItem } from '../events-api/page';
import type { Logger } from '../log/logger';
import type { EventFormatter } from '../splunk/event-format';
import { checkpointKey, type Checkpoint, type CheckpointStore } from '../delivery/checkpoint-store';
import type { EventOutput } from '../delivery/event-output';
import {
  readJournal,
  sameRequest,
  type JournalRequest,
  type PageJournal,
} from '../delivery/page-journal';

/** How far back a stale-cursor reset reaches behind the newest delivered event. */
export const staleCursorOverlapMs = 10 * 60_000;
/** uuids kept for de-duplicating a stale-cursor reset. */
export const recentUuidLimit = 1000;
const retentionMs = 120 * 86_400_000;

export interface FeedLoopDeps {
  readonly feed: FeedSpec;
  readonly account: string;
  readonly input: string;
  readonly limit: number;
  readonly startTime: Date;
  readonly generation: number;
  readonly fetchPage: (request: JournalRequest) => Promise<Page>;
  readonly store: CheckpointStore;
  readonly output: EventOutput;
  readonly journal: PageJournal;
  readonly formatter: EventFormatter;
  readonly logger: Logger;
  readonly now: () => number;
  /** True once the run must stop starting new pages (signal or time budget). */
  readonly shouldStop: () => boolean;
  /** Called before each checkpoint write; throws when this member no longer holds the lease. */
  readonly beforeCommit?: (checkpoint: Checkpoint) => Promise<void>;
}

export interface FeedRunResult {
  readonly feed: FeedSpec;
  readonly events: number;
  readonly pages: number;
  /** Newest event time delivered (epoch ms), from this run or an earlier one. */
  readonly lastEventTime: number;
  readonly error: AddonError | Error | undefined;
  readonly caughtUp: boolean;
}

function isCursorRequest(request: JournalRequest): request is { cursor: string } {
  return 'cursor' in request;
}

export async function runFeed(deps: FeedLoopDeps): Promise<FeedRunResult> {
  const { feed, logger } = deps;
  const key = checkpointKey(deps.account, feed.id);
  let events = 0;
  let pages = 0;
  let checkpoint: Checkpoint | undefined;
  let lastEventTime = 0;
  try {
    checkpoint = await deps.store.load(key);
    lastEventTime = checkpoint?.last_event_time ?? 0;
    const journal = readJournal(deps.journal.path);
    let request: JournalRequest;
    if (checkpoint?.cursor) request = { cursor: checkpoint.cursor };
    else if (journal && 'start_time' in journal.from)
      request = journal.from; // first page was interrupted: same reset
    else request = { limit: deps.limit, start_time: formatRfc3339(deps.startTime) };

    // Events of an interrupted page that splunkd already has.
    let delivered: readonly string[] = [];
    if (journal && journal.delivered > 0 && sameRequest(journal.from, request)) {
      delivered = journal.uuids.slice(0, journal.delivered);
      logger.info('resuming a page interrupted after part of it was delivered', {
        feed: feed.id,
        delivered: journal.delivered,
        of: journal.uuids.length,
      });
    }
    let recent = checkpoint?.recent_uuids ? checkpoint.recent_uuids.split(',') : [];
    let resetDone = false;
    let resetDedupe: ReadonlySet<string> = new Set();
    const recentSet = new Set(recent);

    let pending: Promise<Page> | undefined = deps.fetchPage(request);
    while (pending) {
      let page: Page;
      try {
        page = await pending;
      } catch (error) {
        if (
          !resetDone &&
          isCursorRequest(request) &&
          error instanceof AddonError &&
          error.errorClass === 'stale_cursor'
        ) {
          // Restart from the newest delivered time minus an overlap and drop what was already sent.
          resetDone = true;
          const floor = deps.now() - retentionMs + 60_000;
          const from =
            lastEventTime > 0
              ? Math.max(lastEventTime - staleCursorOverlapMs, floor)
              : deps.startTime.getTime();
          request = { limit: deps.limit, start_time: formatRfc3339(new Date(from)) };
          // Every page after a reset may repeat events sent before it, not just the first one.
          resetDedupe = new Set([...delivered, ...recent]);
          logger.warn(
            'the stored cursor was rejected as stale; resetting with overlap and de-duplicating by uuid',
            {
              feed: feed.id,
              start_time: request.start_time,
              status: error.status,
            },
          );
          pending = deps.fetchPage(request);
          continue;
        }
        throw error;
      }
      pending = undefined;
      if (
        isCursorRequest(request) &&
        page.cursor.trim() === request.cursor.trim() &&
        (page.hasMore || page.items.length > 0)
      ) {
        throw new AddonError(
          'protocol',
          `the Events API returned the cursor it was given with ${page.items.length} events and has_more=${page.hasMore}; stopping to avoid a loop`,
        );
      }
      const journalled = new Set(delivered);
      // Besides the interrupted page's journal, never re-send an event delivered recently: a
      // server that replays a page (a broken cursor, a reset overlap) must not cause duplicates.
      const seen = (uuid: string): boolean =>
        journalled.has(uuid) || recentSet.has(uuid) || resetDedupe.has(uuid);
      const items: PageItem[] = page.items.filter((i) => !seen(i.uuid));
      const repeated = page.items.length - items.length - journalled.size;
      if (repeated > 0 && resetDedupe.size === 0) {
        logger.warn('the Events API repeated events that were already delivered; skipped them', {
          feed: feed.id,
          repeated,
        });
      }
      // Fetch the next page while this one is written (it is a read; the cursor moves only later).
      if (page.hasMore && !deps.shouldStop()) {
        pending = deps.fetchPage({ cursor: page.cursor });
        pending.catch(() => undefined);
      }
      if (items.length > 0) {
        const order = [
          ...page.items.filter((i) => seen(i.uuid)).map((i) => i.uuid),
          ...items.map((i) => i.uuid),
        ];
        const base = order.length - items.length;
        deps.journal.begin(request, order, base);
        const result = await deps.output.writePage(
          deps.formatter.formatPage(page.bytes, items),
          deps.journal,
        );
        events += result.delivered;
        if (result.stopped) {
          logger.info('stopped mid-page; the journal keeps the position', {
            feed: feed.id,
            delivered: result.delivered,
            of: items.length,
          });
          break;
        }
      }
      for (const item of items)
        lastEventTime = Math.max(lastEventTime, epochMillisOf(item.timestamp));
      recent = [...recent, ...items.map((i) => i.uuid)];
      for (const item of items) recentSet.add(item.uuid);
      for (const old of recent.splice(0, Math.max(0, recent.length - recentUuidLimit)))
        recentSet.delete(old);
      pages++;
      if (!checkpoint || page.cursor !== checkpoint.cursor || items.length > 0) {
        const next: Checkpoint = {
          _key: key,
          account: deps.account,
          feed: feed.id,
          input: deps.input,
          cursor: page.cursor,
          last_event_time: lastEventTime,
          recent_uuids: recent.join(','),
          // Events an interrupted run delivered from this page were never counted by a checkpoint.
          events_total:
            (checkpoint?.events_total ?? 0) +
            items.length +
            page.items.filter((i) => journalled.has(i.uuid)).length,
          pages_total: (checkpoint?.pages_total ?? 0) + 1,
          updated_at: Math.floor(deps.now() / 1000),
          generation: deps.generation,
          schema_version: 1,
        };
        await deps.beforeCommit?.(next);
        await deps.store.save(next);
        checkpoint = next;
      }
      request = { cursor: page.cursor };
      delivered = [];
      if (!page.hasMore)
        return { feed, events, pages, lastEventTime, error: undefined, caughtUp: true };
      if (deps.shouldStop()) break;
    }
    return { feed, events, pages, lastEventTime, error: undefined, caughtUp: false };
  } catch (error) {
    logger.error(`feed ${feed.id} stopped: ${describeError(error)}`, {
      feed: feed.id,
      class: errorClassOf(error),
    });
    return {
      feed,
      events,
      pages,
      lastEventTime,
      error: error instanceof Error ? error : new Error(String(error)),
      caughtUp: false,
    };
  } finally {
    deps.journal.close();
  }
}
