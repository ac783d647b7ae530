/**
 * Cursor checkpoints: flat documents keyed `<account>__<feed>` in the KV store, or — only when the
 * KV store is disabled on this instance — JSON files in checkpoint_dir with the same content.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointCollection } from '../core/app-identity';
import { AddonError, describeError } from '../core/errors';
import type { FeedId } from '../core/feeds';
import { KvStoreDisabled, type KvDocument, type KvStore } from '../splunk/kvstore';
import type { Logger } from '../log/logger';

export interface Checkpoint {
  readonly _key: string;
  readonly account: string;
  readonly feed: FeedId | 'budget';
  readonly input: string;
  /** The cursor to request next; '' before the first page is committed. */
  readonly cursor: string;
  /** Newest delivered event time, epoch milliseconds (0 = none yet). */
  readonly last_event_time: number;
  /** uuids of the most recently delivered events, comma-separated, for stale-cursor recovery. */
  readonly recent_uuids: string;
  readonly events_total: number;
  readonly pages_total: number;
  /** Epoch seconds. */
  readonly updated_at: number;
  /** Lease generation that wrote this checkpoint (fencing on search-head clusters). */
  readonly generation: number;
  /** Rate-budget history (JSON), only on the account's budget document. */
  readonly budget_history?: string;
  readonly schema_version: number;
}

export function checkpointKey(account: string, feed: FeedId | 'budget'): string {
  return `${account}__${feed}`;
}

export interface CheckpointStore {
  readonly kind: 'kvstore' | 'file';
  load(key: string): Promise<Checkpoint | undefined>;
  /** Saves the checkpoint; `alongside` documents (KV only) go in the same batch_save call. */
  save(checkpoint: Checkpoint, alongside?: readonly KvDocument[]): Promise<void>;
}

export class KvCheckpointStore implements CheckpointStore {
  readonly kind = 'kvstore';
  private verified = false;

  constructor(private readonly kv: KvStore) {}

  async load(key: string): Promise<Checkpoint | undefined> {
    return (await this.kv.get(checkpointCollection, key)) as Checkpoint | undefined;
  }

  async save(checkpoint: Checkpoint, alongside: readonly KvDocument[] = []): Promise<void> {
    await this.kv.save(checkpointCollection, [checkpoint as unknown as KvDocument, ...alongside]);
    if (!this.verified) {
      // Read the first write of a run back: a KV store that acknowledges but does not persist
      // (a failure seen on Splunk Cloud by another vendor) must not go unnoticed.
      const back = await this.load(checkpoint._key);
      if (back?.cursor !== checkpoint.cursor) {
        throw new AddonError(
          'checkpoint',
          `the KV store acknowledged checkpoint ${checkpoint._key} but did not keep it`,
        );
      }
      this.verified = true;
    }
  }
}

export class FileCheckpointStore implements CheckpointStore {
  readonly kind = 'file';

  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key}.checkpoint.json`);
  }

  async load(key: string): Promise<Checkpoint | undefined> {
    const path = this.path(key);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
    } catch (error) {
      throw new AddonError(
        'checkpoint',
        `checkpoint file ${path} is unreadable: ${describeError(error)}`,
      );
    }
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    const path = this.path(checkpoint._key);
    const temp = `${path}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      // write + rename: a crash leaves either the old or the new checkpoint, never half of one.
      writeFileSync(temp, JSON.stringify(checkpoint));
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new AddonError(
        'checkpoint',
        `cannot write checkpoint file ${path}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true });
  }
}

/** A KV-backed store opened for one account, with what its opening query returned. */
export interface AccountCheckpointStore extends CheckpointStore {
  readonly kind: 'kvstore';
  /** The account's lease records (kind 'lease'), read in the same query as its checkpoints. */
  readonly leaseRecords: readonly KvDocument[];
  /**
   * Forgets the checkpoints read at opening, so loads go to the KV store again. For a run that
   * has just taken the lease over: the previous holder may have written since the query.
   */
  forgetPrefetched(): void;
}

/**
 * Picks the store for this run: the KV store, unless it reports itself disabled. One query reads
 * every document of the account (its feeds' checkpoints, the rate-budget document and the lease
 * records), so a run's first load of each costs no further call; a file checkpoint left from a
 * time the KV store was off is moved into the KV store when it is newer.
 */
export async function openCheckpointStore(
  kv: KvStore,
  checkpointDir: string,
  account: string,
  logger: Logger,
): Promise<AccountCheckpointStore | FileCheckpointStore> {
  const files = new FileCheckpointStore(checkpointDir);
  const kvStore = new KvCheckpointStore(kv);
  let documents: KvDocument[];
  try {
    documents = await kv.query(checkpointCollection, { account });
  } catch (error) {
    if (error instanceof KvStoreDisabled) {
      logger.warn('the KV store is disabled on this instance; keeping checkpoints as files', {
        dir: checkpointDir,
      });
      return files;
    }
    throw error;
  }
  const leaseRecords = documents.filter((d) => d['kind'] === 'lease');
  const prefetched = new Map<string, Checkpoint>();
  for (const d of documents)
    if (d['kind'] !== 'lease') prefetched.set(d._key, d as unknown as Checkpoint);
  return {
    kind: 'kvstore',
    leaseRecords,
    forgetPrefetched: () => prefetched.clear(),
    async load(key) {
      // Each prefetched checkpoint serves one load; anything later reads the KV store.
      const early = prefetched.get(key);
      prefetched.delete(key);
      const fromKv = early ?? (await kvStore.load(key));
      const fromFile = await files.load(key);
      if (fromFile && (!fromKv || fromFile.updated_at > fromKv.updated_at)) {
        await kvStore.save(fromFile);
        files.remove(key);
        logger.info('moved a file checkpoint into the KV store', { key });
        return fromFile;
      }
      return fromKv;
    },
    save: (checkpoint, alongside) => {
      prefetched.delete(checkpoint._key);
      return kvStore.save(checkpoint, alongside);
    },
  };
}

/** True when `next` records no event beyond `before`: only the cursor (and counters) moved. */
function recordsNoNewEvents(before: Checkpoint, next: Checkpoint): boolean {
  return (
    next.events_total === before.events_total &&
    next.last_event_time === before.last_event_time &&
    next.recent_uuids === before.recent_uuids &&
    next.generation === before.generation
  );
}

/**
 * The store as the feed loops see it: a save that records no delivered event (the Events API
 * hands out a new cursor even when it has nothing new) is held back and written with the run's
 * last save, so a run that finds nothing makes one batch_save instead of one per feed. Losing a
 * held-back save costs nothing: the previous cursor leads to the same events. Every save that
 * records delivered events is written at once, as before.
 */
export class HoldBackCursorOnlySaves implements CheckpointStore {
  readonly kind: CheckpointStore['kind'];
  private readonly known = new Map<string, Checkpoint>();
  private readonly held = new Map<string, Checkpoint>();

  constructor(private readonly inner: CheckpointStore) {
    this.kind = inner.kind;
  }

  async load(key: string): Promise<Checkpoint | undefined> {
    const checkpoint = await this.inner.load(key);
    if (checkpoint) this.known.set(key, checkpoint);
    return checkpoint;
  }

  async save(checkpoint: Checkpoint, alongside: readonly KvDocument[] = []): Promise<void> {
    const before = this.known.get(checkpoint._key);
    if (before && alongside.length === 0 && recordsNoNewEvents(before, checkpoint)) {
      this.held.set(checkpoint._key, checkpoint);
    } else {
      this.held.delete(checkpoint._key);
      await this.inner.save(checkpoint, alongside);
    }
    this.known.set(checkpoint._key, checkpoint);
  }

  /** The held-back checkpoints as KV documents, for the run's last save; the list is emptied. */
  takeHeld(): KvDocument[] {
    const held = [...this.held.values()].map((checkpoint) => ({ ...checkpoint }));
    this.held.clear();
    return held;
  }
}
