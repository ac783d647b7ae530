/**
 * Cursor checkpoints: flat documents keyed `<account>__<feed>` in the KV store, or — only when the
 * KV store is disabled on this instance — JSON files in checkpoint_dir with the same content.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointCollection } from '../core/app-identity';
import { AddonError, describeError } from '../core/errors';
import {
  budgetKey,
  budgetSchema,
  checkpointSchema,
  documentKind,
  leaseSchema,
  parseStored,
  type BudgetDocument,
  type Checkpoint,
} from '../core/kv-documents';
import type { LeaseRecord } from '../core/lease-decision';
import { KvStoreDisabled, type KvDocument, type KvStore, type KvWritable } from '../splunk/kvstore';
import type { Logger } from '../log/logger';

export { checkpointKey, type Checkpoint } from '../core/kv-documents';

export interface CheckpointStore {
  readonly kind: 'kvstore' | 'file';
  load(key: string): Promise<Checkpoint | undefined>;
  /** Saves the checkpoint; `alongside` documents (KV only) go in the same batch_save call. */
  save(checkpoint: Checkpoint, alongside?: readonly KvWritable[]): Promise<void>;
}

/** The store of one account: its feeds' checkpoints and its rate-budget document. */
export interface AccountStore extends CheckpointStore {
  loadBudget(account: string): Promise<BudgetDocument | undefined>;
  saveBudget(budget: BudgetDocument, alongside?: readonly KvWritable[]): Promise<void>;
}

export class KvCheckpointStore implements AccountStore {
  readonly kind = 'kvstore';
  private verified = false;

  constructor(private readonly kv: KvStore) {}

  async load(key: string): Promise<Checkpoint | undefined> {
    const document = await this.kv.get(checkpointCollection, key);
    return document && parseStored(checkpointSchema, document, `checkpoint ${key} in the KV store`);
  }

  async loadBudget(account: string): Promise<BudgetDocument | undefined> {
    const key = budgetKey(account);
    const document = await this.kv.get(checkpointCollection, key);
    return document && parseStored(budgetSchema, document, `rate budget ${key} in the KV store`);
  }

  saveBudget(budget: BudgetDocument, alongside: readonly KvWritable[] = []): Promise<void> {
    return this.write(budget, 'budget_history', alongside);
  }

  save(checkpoint: Checkpoint, alongside: readonly KvWritable[] = []): Promise<void> {
    return this.write(checkpoint, 'cursor', alongside);
  }

  private async write<T extends KvWritable>(
    document: T,
    field: keyof T & string,
    alongside: readonly KvWritable[],
  ): Promise<void> {
    await this.kv.save(checkpointCollection, [document, ...alongside]);
    if (this.verified) return;
    // Read the first write of a run back: a KV store that acknowledges but does not persist
    // (a failure seen on Splunk Cloud by another vendor) must not go unnoticed.
    const back = await this.kv.get(checkpointCollection, document._key);
    if (back?.[field] !== document[field]) {
      throw new AddonError(
        'checkpoint',
        `the KV store acknowledged checkpoint ${document._key} but did not keep it`,
      );
    }
    this.verified = true;
  }
}

export class FileCheckpointStore implements AccountStore {
  readonly kind = 'file';

  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key}.checkpoint.json`);
  }

  private read(key: string): unknown {
    const path = this.path(key);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new AddonError(
        'checkpoint',
        `checkpoint file ${path} is unreadable: ${describeError(error)}`,
      );
    }
  }

  async load(key: string): Promise<Checkpoint | undefined> {
    const document = this.read(key);
    return document === undefined
      ? undefined
      : parseStored(checkpointSchema, document, `checkpoint file ${this.path(key)}`);
  }

  async loadBudget(account: string): Promise<BudgetDocument | undefined> {
    const path = this.path(budgetKey(account));
    const document = this.read(budgetKey(account));
    return document === undefined
      ? undefined
      : parseStored(budgetSchema, document, `rate budget file ${path}`);
  }

  saveBudget(budget: BudgetDocument): Promise<void> {
    return this.write(budget);
  }

  save(checkpoint: Checkpoint): Promise<void> {
    return this.write(checkpoint);
  }

  private async write(document: KvWritable): Promise<void> {
    const path = this.path(document._key);
    const temp = `${path}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      // write + rename: a crash leaves either the old or the new checkpoint, never half of one.
      writeFileSync(temp, JSON.stringify(document));
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
export interface AccountCheckpointStore extends AccountStore {
  readonly kind: 'kvstore';
  /** The account's lease records (kind 'lease'), read in the same query as its checkpoints. */
  readonly leaseRecords: readonly LeaseRecord[];
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
  const leaseRecords = documents
    .filter((d) => documentKind(d) === 'lease')
    .map((d) => parseStored(leaseSchema, d, `lease record ${d._key} in the KV store`));
  const prefetched = new Map(
    documents.filter((d) => documentKind(d) !== 'lease').map((d) => [d._key, d] as const),
  );
  return accountStore(new KvCheckpointStore(kv), files, prefetched, leaseRecords, logger);
}

function accountStore(
  kvStore: KvCheckpointStore,
  files: FileCheckpointStore,
  prefetched: Map<string, KvDocument>,
  leaseRecords: readonly LeaseRecord[],
  logger: Logger,
): AccountCheckpointStore {
  /** Each prefetched document serves one load; anything later reads the KV store. */
  const take = (key: string): KvDocument | undefined => {
    const early = prefetched.get(key);
    prefetched.delete(key);
    return early;
  };
  return {
    kind: 'kvstore',
    leaseRecords,
    forgetPrefetched: () => prefetched.clear(),
    async load(key) {
      const early = take(key);
      const fromKv = early
        ? parseStored(checkpointSchema, early, `checkpoint ${key} in the KV store`)
        : await kvStore.load(key);
      const fromFile = await files.load(key);
      if (fromFile && (!fromKv || fromFile.updated_at > fromKv.updated_at)) {
        await kvStore.save(fromFile);
        files.remove(key);
        logger.info('moved a file checkpoint into the KV store', { key });
        return fromFile;
      }
      return fromKv;
    },
    async loadBudget(account) {
      const early = take(budgetKey(account));
      return early
        ? parseStored(budgetSchema, early, `rate budget ${early._key} in the KV store`)
        : kvStore.loadBudget(account);
    },
    save: (checkpoint, alongside) => {
      prefetched.delete(checkpoint._key);
      return kvStore.save(checkpoint, alongside);
    },
    saveBudget: (budget, alongside) => {
      prefetched.delete(budget._key);
      return kvStore.saveBudget(budget, alongside);
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

  async save(checkpoint: Checkpoint, alongside: readonly KvWritable[] = []): Promise<void> {
    const before = this.known.get(checkpoint._key);
    if (before && alongside.length === 0 && recordsNoNewEvents(before, checkpoint)) {
      this.held.set(checkpoint._key, checkpoint);
    } else {
      this.held.delete(checkpoint._key);
      await this.inner.save(checkpoint, alongside);
    }
    this.known.set(checkpoint._key, checkpoint);
  }

  /** The held-back checkpoints, for the run's last save; the list is emptied. */
  takeHeld(): Checkpoint[] {
    const held = [...this.held.values()];
    this.held.clear();
    return held;
  }
}
