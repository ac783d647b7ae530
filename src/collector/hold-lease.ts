/**
 * Step 2 of a run, "hold the lease": opens the account's checkpoint store and, on the KV store,
 * takes or keeps the account's collection lease, so on a search-head cluster exactly one member
 * collects. A lost lease stops the run through the run's RunStop.
 */
import { describeError } from '../core/errors';
import { leaseTtlMs } from '../core/lease-decision';
import {
  HoldBackCursorOnlySaves,
  openCheckpointStore,
  type AccountStore,
  type CheckpointStore,
} from '../delivery/checkpoint-store';
import { guardLease, LeaseManager, type LeaseGuard } from './lease';
import type { RunContext } from './run-context';
import type { RunStop } from './run-stop';

export interface HeldAccount {
  /** The account's store: budget document and the run's last save. */
  readonly store: AccountStore;
  /** The store as the feeds see it (cursor-only saves held back for the last save). */
  readonly feedStore: CheckpointStore;
  /** Absent with file checkpoints (no KV store, so no cluster to share with). */
  readonly guard: LeaseGuard | undefined;
}

/** undefined when another member holds the lease (logged): nothing to do here. */
export async function holdLease(run: RunContext, stop: RunStop): Promise<HeldAccount | undefined> {
  const { config, logger, env } = run;
  const opened = await openCheckpointStore(
    run.kv,
    run.definition.checkpointDir,
    config.account,
    logger,
  );
  if (opened.kind !== 'kvstore') return { store: opened, feedStore: opened, guard: undefined };
  const ttl = leaseTtlMs(config.intervalSeconds);
  const host = run.definition.serverHost || 'unknown-member';
  // The resident input's owner differs from a per-run input's on the same host, so the two never
  // collect one account at once.
  const member = env.shared ? `${host}#resident` : host;
  const manager = new LeaseManager(run.kv, config.account, member, ttl, env.now, (m) =>
    run.logger.warn(m),
  );
  const outcome = await manager.acquire(opened.leaseRecords);
  if (!outcome.held) {
    logger.info('another member holds the collection lease for this account; nothing to do here', {
      holder: outcome.holder.owner,
      generation: outcome.holder.generation,
      expires_in_s: Math.max(0, Math.round((outcome.holder.expires_at - env.now()) / 1000)),
    });
    return undefined;
  }
  if (outcome.claimed) {
    // The previous holder may have written checkpoints since they were read: read them again.
    opened.forgetPrefetched();
    logger.info('took the collection lease', { member, generation: outcome.lease.generation });
  }
  const guard = guardLease(
    manager,
    ttl,
    (reason) => {
      logger.warn(`stopping: ${reason}`);
      stop.stop('lease lost');
    },
    (error) =>
      logger.warn(`could not renew the collection lease; trying again: ${describeError(error)}`),
  );
  stop.watch(() => {
    if (!guard.lost()) return undefined;
    if (stop.reason === '') {
      logger.warn('stopping: the collection lease could not be renewed before it ran short');
    }
    return 'lease lost';
  });
  // The feeds' cursor-only saves wait for the run's last save (KV store only: files are cheap).
  return { store: opened, feedStore: new HoldBackCursorOnlySaves(opened), guard };
}
