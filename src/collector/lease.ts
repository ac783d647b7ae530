/**
 * The per-account collection lease in the KV store. On a standalone instance or a heavy forwarder
 * this member always holds it, at the cost of one KV query per run (renewal rides on the
 * end-of-run checkpoint write); on a search-head cluster it makes exactly one member collect.
 */
import { checkpointCollection } from '../core/app-identity';
import { AddonError } from '../core/errors';
import { leaseExpiryIsCorrupt } from '../core/future-dated';
import { decideLease, leaseKey, type LeaseRecord } from '../core/lease-decision';
import { leaseSchema, parseStored } from '../core/kv-documents';
import type { KvStore } from '../splunk/kvstore';

export type LeaseOutcome =
  | { readonly held: true; readonly lease: LeaseRecord; readonly claimed: boolean }
  | { readonly held: false; readonly holder: LeaseRecord };

export class LeaseManager {
  private current: LeaseRecord | undefined;

  constructor(
    private readonly kv: KvStore,
    private readonly account: string,
    private readonly me: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  private async newest(): Promise<LeaseRecord | undefined> {
    const documents = await this.kv.query(checkpointCollection, {
      account: this.account,
      kind: 'lease',
    });
    return newestOf(
      documents.map((d) => parseStored(leaseSchema, d, `lease record ${d._key} in the KV store`)),
    );
  }

  private record(generation: number): LeaseRecord {
    const now = this.now();
    return {
      _key: leaseKey(this.account, generation),
      kind: 'lease',
      account: this.account,
      generation,
      owner: this.me,
      expires_at: now + this.ttlMs,
      renewed_at: now,
    };
  }

  /**
   * Decides at the start of a run; tries at most a few times when members race for a claim. Not a
   * retry of a failure (KV failures are retried inside KvStore by the one retry policy): a lost
   * race means another member wrote a newer record, so the decision is made again on it.
   * `prefetched`: the account's lease records, just read with its checkpoints, for the first try.
   */
  async acquire(prefetched?: readonly LeaseRecord[]): Promise<LeaseOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const newest = attempt === 0 && prefetched ? newestOf(prefetched) : await this.newest();
      let decision = decideLease(newest, this.me, this.now());
      if (
        decision.action === 'yield' &&
        leaseExpiryIsCorrupt(decision.lease, this.now(), this.ttlMs)
      ) {
        // No holder sets an expiry beyond its lease time: claim over it (the claim removes it).
        this.warn(
          `KV document ${decision.lease._key} holds a lease expiring beyond its lease time (corrupt); taking the lease over`,
        );
        decision = { action: 'claim', generation: decision.lease.generation + 1 };
      }
      if (decision.action === 'yield') return { held: false, holder: decision.lease };
      if (decision.action === 'hold') {
        this.current = decision.lease;
        return { held: true, lease: decision.lease, claimed: false };
      }
      const claim = this.record(decision.generation);
      if (await this.kv.insert(checkpointCollection, claim)) {
        this.current = claim;
        if (newest) await this.kv.remove(checkpointCollection, newest._key).catch(() => undefined);
        return { held: true, lease: claim, claimed: true };
      }
    }
    const newest = await this.newest();
    if (newest && newest.owner !== this.me) return { held: false, holder: newest };
    throw new AddonError(
      'checkpoint',
      'could not settle the collection lease after three attempts',
    );
  }

  get generation(): number {
    return this.current?.generation ?? 0;
  }

  /** True while the lease cannot have passed to another member (it has not expired). */
  isSafe(): boolean {
    return this.current !== undefined && this.now() < this.current.expires_at;
  }

  /** Whether our lease runs out within `ms`. */
  expiresWithin(ms: number): boolean {
    return this.current === undefined || this.current.expires_at - this.now() <= ms;
  }

  /**
   * Extends the lease if no newer generation exists. Throws AddonError('cancelled') when another
   * member has taken over: the caller must not write or commit anything more.
   */
  async renew(): Promise<void> {
    const newest = await this.newest();
    if (!this.current || (newest && newest.generation > this.current.generation)) {
      throw new AddonError(
        'cancelled',
        `member ${newest?.owner ?? '?'} took over account ${this.account} (lease generation ${newest?.generation ?? '?'})`,
      );
    }
    const renewed = this.record(this.current.generation);
    await this.kv.save(checkpointCollection, [renewed]);
    this.current = renewed;
  }

  /** The renewed record, to be written together with the end-of-run checkpoint. */
  renewalRecord(): LeaseRecord | undefined {
    if (!this.current) return undefined;
    this.current = this.record(this.current.generation);
    return this.current;
  }
}

function newestOf(records: readonly LeaseRecord[]): LeaseRecord | undefined {
  return records.reduce<LeaseRecord | undefined>(
    (top, d) => (!top || d.generation > top.generation ? d : top),
    undefined,
  );
}

export interface LeaseGuard {
  readonly generation: number;
  /** True once the lease may have passed to another member: stop writing. */
  lost(): boolean;
  /** Before a checkpoint write: renew when close to expiry; throws if another member took over. */
  beforeCommit(): Promise<void>;
  /** Lease renewal to write with the end-of-run checkpoint. */
  renewalDocuments(): LeaseRecord[];
  close(): void;
}

/**
 * Holds the lease for a run: renews it in the background during long runs, and reports it lost
 * when it lapses (for instance after this process was paused) or another member took over.
 */
export function guardLease(
  manager: LeaseManager,
  ttlMs: number,
  onLost: (reason: string) => void,
  onRenewFailed: (error: unknown) => void = () => undefined,
): LeaseGuard {
  let lostReason = '';
  const markLost = (reason: string): void => {
    if (lostReason === '') {
      lostReason = reason;
      onLost(reason);
    }
  };
  const renewIfNeeded = async (): Promise<void> => {
    if (lostReason !== '') throw new AddonError('cancelled', lostReason);
    if (!manager.expiresWithin(ttlMs / 3)) return;
    try {
      await manager.renew();
    } catch (error) {
      if (error instanceof AddonError && error.errorClass === 'cancelled') markLost(error.message);
      throw error;
    }
  };
  // A failed background renewal is tried again at the next tick; the lease is given up (and the
  // run stopped) only once it can no longer be safe. Said once per run, so an outage shows why.
  let failureSaid = false;
  const timer = setInterval(
    () =>
      void renewIfNeeded().catch((error: unknown) => {
        if (lostReason !== '' || failureSaid) return;
        failureSaid = true;
        onRenewFailed(error);
      }),
    Math.max(1000, Math.floor(ttlMs / 6)),
  );
  timer.unref();
  return {
    generation: manager.generation,
    lost: () => lostReason !== '' || !manager.isSafe(),
    beforeCommit: renewIfNeeded,
    renewalDocuments: () => {
      const doc = lostReason === '' ? manager.renewalRecord() : undefined;
      return doc ? [doc] : [];
    },
    close: () => clearInterval(timer),
  };
}
