/**
 * One loop serves all three feeds: resume where the last run stopped, page through the feed, and
 * hand each page to the feed's delivery (src/delivery/feed-delivery.ts), which writes it and
 * only then moves the cursor. The loop decides what to fetch and which events are new.
 */
import { AddonError, describeError, errorClassOf } from '../core/errors';
import type { FairPermits } from '../core/fair-permits';
import type { FeedSpec } from '../core/feeds';
import { formatRfc3339 } from '../core/timestamp';
import type { PageRequest } from '../events-api/client';
import type { Page, PageItem } from '../events-api/page';
import type { Logger } from '../log/logger';
import { FeedDelivery, type FeedDeliveryDeps } from '../delivery/feed-delivery';
import { staleCursorRestart } from './stale-cursor';
import type { StopReason } from './run-stop';

export { staleCursorOverlapMs } from './stale-cursor';
export { recentUuidLimit } from '../delivery/recent-uuids';

export interface FeedLoopDeps extends Omit<FeedDeliveryDeps, 'feed'> {
  readonly feed: FeedSpec;
  readonly limit: number;
  readonly startTime: Date;
  readonly fetchPage: (request: PageRequest) => Promise<Page>;
  readonly logger: Logger;
  /** True once the run must stop starting new pages (any reason in RunStop). */
  readonly shouldStop: () => boolean;
  /** Why the run stopped ('' while it runs): a request cut by the time budget is no failure. */
  readonly stopReason?: () => StopReason | '';
  /** Shared by the resident input's feeds: a page holds one from its fetch to its commit. */
  readonly pagePermits?: FairPermits | undefined;
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

/** What the loop carries from page to page. */
interface Walk {
  readonly deps: FeedLoopDeps;
  readonly delivery: FeedDelivery;
  request: PageRequest;
  /** Events of an interrupted page splunkd already has (first page only). */
  delivered: readonly string[];
  /** After a stale-cursor reset: everything sent before it, since every later page may repeat it. */
  resetDedupe: ReadonlySet<string> | undefined;
  events: number;
  pages: number;
}

export async function runFeed(deps: FeedLoopDeps): Promise<FeedRunResult> {
  const delivery = new FeedDelivery({ ...deps, feed: deps.feed.id });
  const walk: Walk = {
    deps,
    delivery,
    request: { cursor: '' },
    delivered: [],
    resetDedupe: undefined,
    events: 0,
    pages: 0,
  };
  const result = (error: Error | undefined, caughtUp: boolean): FeedRunResult => ({
    feed: deps.feed,
    events: walk.events,
    pages: walk.pages,
    lastEventTime: delivery.lastEventTime,
    error,
    caughtUp,
  });
  try {
    const first = { limit: deps.limit, start_time: formatRfc3339(deps.startTime) };
    const resume = await delivery.resume(first);
    walk.request = resume.request;
    walk.delivered = resume.delivered;
    if (resume.delivered.length > 0) {
      deps.logger.info('resuming a page interrupted after part of it was delivered', {
        feed: deps.feed.id,
        delivered: resume.delivered.length,
        of: resume.pageSize,
      });
    }
    return result(undefined, await pageThrough(walk));
  } catch (error) {
    // Stopped by the run (time budget, lease lost, SIGTERM, closed stdout): logged once by the
    // run, not a failure of this feed.
    if (isCancelled(error) && deps.stopReason?.()) return result(undefined, false);
    deps.logger.error(`feed ${deps.feed.id} stopped: ${describeError(error)}`, {
      feed: deps.feed.id,
      class: errorClassOf(error),
    });
    return result(error instanceof Error ? error : new Error(String(error)), false);
  } finally {
    delivery.close();
  }
}

/** Pages until the feed is caught up (true) or the run stops (false). */
async function pageThrough(walk: Walk): Promise<boolean> {
  const { deps } = walk;
  const permits = pagePermitsOf(deps);
  try {
    let pending: Promise<Page> | undefined = permits.fetch(walk.request);
    while (pending) {
      const page = await settle(walk, pending);
      pending = undefined;
      checkProgress(walk.request, page);
      // Fetch the next page while this one is written (it is a read; the cursor moves only later).
      if (page.hasMore && !deps.shouldStop()) {
        pending = permits.fetch({ cursor: page.cursor });
        pending.catch(() => undefined);
      }
      const whole = await deliverPage(walk, page);
      permits.releaseOldest();
      if (!whole) return false;
      walk.request = { cursor: page.cursor };
      walk.delivered = [];
      if (!page.hasMore) return true;
      if (deps.shouldStop()) return false;
    }
    return false;
  } finally {
    permits.close();
  }
}

/**
 * fetchPage under the shared page permits (the resident input), released oldest first as pages
 * are delivered; without permits, fetchPage as it is.
 */
function pagePermitsOf(deps: FeedLoopDeps): {
  fetch: (request: PageRequest) => Promise<Page>;
  releaseOldest: () => void;
  close: () => void;
} {
  const shared = deps.pagePermits;
  if (!shared)
    return { fetch: deps.fetchPage, releaseOldest: () => undefined, close: () => undefined };
  const held: (() => void)[] = [];
  let closed = false;
  return {
    fetch: async (request) => {
      const release = await shared.acquire();
      // Granted after the loop ended (a prefetch stopped short): hand it straight back.
      if (closed) {
        release();
        throw new AddonError('cancelled', 'the feed loop has ended');
      }
      held.push(release);
      return deps.fetchPage(request);
    },
    releaseOldest: () => held.shift()?.(),
    close: () => {
      closed = true;
      held.splice(0).forEach((release) => release());
    },
  };
}

/** The page, or after a stale cursor (once per run) the first page from the reset position. */
async function settle(walk: Walk, pending: Promise<Page>): Promise<Page> {
  try {
    return await pending;
  } catch (error) {
    const stale = error instanceof AddonError && error.errorClass === 'stale_cursor';
    if (!stale || walk.resetDedupe !== undefined || !('cursor' in walk.request)) throw error;
    const { deps, delivery } = walk;
    const restart = staleCursorRestart({
      lastEventTime: delivery.lastEventTime,
      startTime: deps.startTime,
      limit: deps.limit,
      now: deps.now(),
    });
    walk.request = restart;
    walk.resetDedupe = new Set([...walk.delivered, ...delivery.recent.list()]);
    deps.logger.warn(
      'the stored cursor was rejected as stale; resetting with overlap and de-duplicating by uuid',
      {
        feed: deps.feed.id,
        start_time: restart.start_time,
        status: error.status,
      },
    );
    return deps.fetchPage(walk.request);
  }
}

/** A server that hands back the cursor it was given with more to read would loop forever. */
function checkProgress(request: PageRequest, page: Page): void {
  if (!('cursor' in request) || page.cursor.trim() !== request.cursor.trim()) return;
  if (!page.hasMore && page.items.length === 0) return;
  throw new AddonError(
    'protocol',
    `the Events API returned the cursor it was given with ${page.items.length} events and has_more=${page.hasMore}; stopping to avoid a loop`,
  );
}

/** Writes the page's new events and commits it; false when the run stopped mid-page. */
async function deliverPage(walk: Walk, page: Page): Promise<boolean> {
  const { deps, delivery } = walk;
  const journalled = new Set(walk.delivered);
  // Besides the interrupted page's journal, never re-send an event delivered recently: a
  // server that replays a page (a broken cursor, a reset overlap) must not cause duplicates.
  const seen = (uuid: string): boolean =>
    journalled.has(uuid) || delivery.recent.has(uuid) || (walk.resetDedupe?.has(uuid) ?? false);
  const items: PageItem[] = page.items.filter((i) => !seen(i.uuid));
  const skipped = page.items.filter((i) => seen(i.uuid)).map((i) => i.uuid);
  const repeated = page.items.length - items.length - journalled.size;
  if (repeated > 0 && walk.resetDedupe === undefined) {
    deps.logger.warn('the Events API repeated events that were already delivered; skipped them', {
      feed: deps.feed.id,
      repeated,
    });
  }
  const written = await delivery.deliver(walk.request, page, items, skipped);
  walk.events += written.delivered;
  if (written.stopped) {
    deps.logger.info('stopped mid-page; the journal keeps the position', {
      feed: deps.feed.id,
      delivered: written.delivered,
      of: items.length,
    });
    return false;
  }
  walk.pages++;
  await delivery.commit(page, items, page.items.filter((i) => journalled.has(i.uuid)).length);
  return true;
}

function isCancelled(error: unknown): boolean {
  return error instanceof AddonError && error.errorClass === 'cancelled';
}
