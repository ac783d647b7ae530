/**
 * The delivery protocol of one feed, behind two calls: `deliver(page)` records the page in the
 * journal and writes its new events to splunkd, `commit(page)` moves the cursor — only after the
 * page is written, and only while the lease still fences this member. The feed loop never touches
 * the journal, the output, the lease or the store itself. Guarantee: exactly once, except that a
 * SIGKILL inside one write may repeat that one write (at most 16 KiB).
 */
import type { FeedId } from '../core/feeds';
import { checkpointKey, type Checkpoint } from '../core/kv-documents';
import { epochMillisOf } from '../core/timestamp';
import type { PageRequest } from '../events-api/client';
import type { Page, PageItem } from '../events-api/page';
import type { EventFormatter } from '../splunk/event-format';
import { RecentUuids } from './recent-uuids';
import type { CheckpointStore } from './checkpoint-store';
import type { EventOutput } from './event-output';
import { readJournal, sameRequest, type PageJournal } from './page-journal';

export interface FeedDeliveryDeps {
  readonly feed: FeedId;
  readonly account: string;
  readonly input: string;
  readonly generation: number;
  readonly store: CheckpointStore;
  readonly output: EventOutput;
  readonly journal: PageJournal;
  readonly formatter: EventFormatter;
  readonly now: () => number;
  /** Called before each checkpoint write; throws when this member no longer holds the lease. */
  readonly beforeCommit?: (checkpoint: Checkpoint) => Promise<void>;
}

/** Where a feed resumes: the request to send and the events of it splunkd already has. */
export interface Resume {
  readonly request: PageRequest;
  /** uuids of an interrupted page that were delivered before the interruption. */
  readonly delivered: readonly string[];
  /** Events in the interrupted page (0 when none was interrupted). */
  readonly pageSize: number;
}

export class FeedDelivery {
  private checkpoint: Checkpoint | undefined;
  /** Newest event time delivered (epoch ms), from this run or an earlier one. */
  lastEventTime = 0;
  recent = new RecentUuids('');

  constructor(private readonly deps: FeedDeliveryDeps) {}

  /** Loads the checkpoint and the journal of an interrupted page. */
  async resume(firstRequest: PageRequest): Promise<Resume> {
    const checkpoint = await this.deps.store.load(checkpointKey(this.deps.account, this.deps.feed));
    this.checkpoint = checkpoint;
    this.lastEventTime = checkpoint?.last_event_time ?? 0;
    this.recent = new RecentUuids(checkpoint?.recent_uuids ?? '');
    const journal = readJournal(this.deps.journal.path);
    let request = firstRequest;
    if (checkpoint?.cursor) request = { cursor: checkpoint.cursor };
    // The first page was interrupted: resume the same request.
    else if (journal && 'start_time' in journal.from) request = journal.from;
    if (!journal || journal.delivered === 0 || !sameRequest(journal.from, request))
      return { request, delivered: [], pageSize: 0 };
    return {
      request,
      delivered: journal.uuids.slice(0, journal.delivered),
      pageSize: journal.uuids.length,
    };
  }

  /**
   * Journals the page (`skipped`: its events splunkd already has, in page order) and writes the
   * new `items`. `stopped`: the run stopped mid-page; the journal keeps the position.
   */
  async deliver(
    request: PageRequest,
    page: Page,
    items: readonly PageItem[],
    skipped: readonly string[],
  ): Promise<{ readonly delivered: number; readonly stopped: boolean }> {
    if (items.length === 0) return { delivered: 0, stopped: false };
    this.deps.journal.begin(request, [...skipped, ...items.map((i) => i.uuid)], skipped.length);
    try {
      return await this.deps.output.writePage(
        this.deps.formatter.formatPage(page.bytes, items),
        this.deps.journal,
      );
    } finally {
      this.deps.formatter.release();
    }
  }

  /**
   * Moves the cursor past a written page. `items`: the events this page delivered in this run;
   * `resumed`: those an interrupted run delivered from it (never counted by a checkpoint).
   */
  async commit(page: Page, items: readonly PageItem[], resumed: number): Promise<void> {
    for (const item of items)
      this.lastEventTime = Math.max(this.lastEventTime, epochMillisOf(item.timestamp));
    this.recent.add(items.map((i) => i.uuid));
    const previous = this.checkpoint;
    if (previous && page.cursor === previous.cursor && items.length === 0) return;
    const next: Checkpoint = {
      _key: checkpointKey(this.deps.account, this.deps.feed),
      account: this.deps.account,
      feed: this.deps.feed,
      input: this.deps.input,
      cursor: page.cursor,
      last_event_time: this.lastEventTime,
      recent_uuids: this.recent.toString(),
      events_total: (previous?.events_total ?? 0) + items.length + resumed,
      pages_total: (previous?.pages_total ?? 0) + 1,
      updated_at: Math.floor(this.deps.now() / 1000),
      generation: this.deps.generation,
      schema_version: 1,
    };
    await this.deps.beforeCommit?.(next);
    await this.deps.store.save(next);
    this.checkpoint = next;
  }

  close(): void {
    this.deps.journal.close();
  }
}
