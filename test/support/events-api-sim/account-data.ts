/**
 * One 1Password account's event data: a directory and three feed stores, filled at creation with
 * events spread over a time span and ingested in realistic order (mostly seconds after they
 * happen; some sign-ins and audit events minutes late, some item usages up to a day late, as
 * events-api.md §1.10 reports).
 */
import { feedIds, type FeedId } from '../../../src/core/feeds';
import { buildDirectory, directorySizeFor, type Directory } from './directory';
import type { GeneratorSettings } from './event-factory';
import { FeedStore, type StoredItem } from './feed-store';
import { opUuid } from './ids';
import { Prng, seedWordsOf } from './prng';

export type FeedCounts = Readonly<Partial<Record<FeedId, number>>>;

/** Share of events ingested late, and the most they are late by (ms). */
const lateness: Readonly<Record<FeedId, { readonly share: number; readonly maxMs: number }>> = {
  signinattempts: { share: 0.005, maxMs: 10 * 60_000 },
  itemusages: { share: 0.03, maxMs: 24 * 3_600_000 },
  auditevents: { share: 0.01, maxMs: 3_600_000 },
};

export interface AccountData {
  readonly accountUuid: string;
  readonly directory: Directory;
  readonly stores: Readonly<Record<FeedId, FeedStore>>;
  /** Draws for runtime mutations (timestamps of added and late events). */
  readonly mutationRng: Prng;
}

export interface AccountSpec {
  readonly seed: string;
  /** Distinguishes accounts under one seed. */
  readonly label: string;
  readonly accountUuid: string | undefined;
  readonly counts: Readonly<Record<FeedId, number>>;
  readonly spanMs: number;
  readonly nowMs: number;
  readonly settings: GeneratorSettings;
}

export function createAccount(spec: AccountSpec): AccountData {
  const accountUuid =
    spec.accountUuid ?? opUuid(new Prng(seedWordsOf(spec.seed, spec.label, 'account-uuid')));
  const total = feedIds.reduce((sum, feed) => sum + spec.counts[feed], 0);
  const directory = buildDirectory(
    seedWordsOf(spec.seed, spec.label, 'directory'),
    accountUuid,
    directorySizeFor(total),
    spec.settings.msp,
  );
  const stores = {} as Record<FeedId, FeedStore>;
  for (const feed of feedIds) {
    const store = new FeedStore(feed, {
      directory,
      settings: spec.settings,
      words: seedWordsOf(spec.seed, spec.label, feed, 'events'),
    });
    fillStore(store, spec, new Prng(seedWordsOf(spec.seed, spec.label, feed, 'plan')));
    stores[feed] = store;
  }
  return {
    accountUuid,
    directory,
    stores,
    mutationRng: new Prng(seedWordsOf(spec.seed, spec.label, 'mutations')),
  };
}

/**
 * Stratified occurrence times over [now − span, now], each ingested after a delay, then stored in
 * ingestion order. The times are nearly sorted already, which keeps the sort cheap.
 */
function fillStore(store: FeedStore, spec: AccountSpec, rng: Prng): void {
  const count = spec.counts[store.feed];
  if (count <= 0) return;
  const start = spec.nowMs - spec.spanMs;
  const step = spec.spanMs / count;
  const late = lateness[store.feed];
  const plan: Array<{ readonly occurredMs: number; readonly ingestedMs: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const occurredMs = Math.floor(start + (i + rng.float()) * step);
    const delayMs = rng.chance(late.share) ? rng.int(60_000, late.maxMs) : rng.int(200, 5_000);
    plan.push({ occurredMs, ingestedMs: Math.min(spec.nowMs, occurredMs + delayMs) });
  }
  plan.sort((a, b) => a.ingestedMs - b.ingestedMs);
  for (const entry of plan) store.ingest(Math.min(entry.occurredMs, spec.nowMs - 1));
}

/** Appends `n` events happening now (plus an optional offset), ingested now. */
export function addEvents(
  account: AccountData,
  feed: FeedId,
  n: number,
  nowMs: number,
  timestampOffsetMs: number,
): StoredItem[] {
  const out: StoredItem[] = [];
  for (let i = 0; i < n; i += 1) {
    out.push(account.stores[feed].ingest(nowMs + timestampOffsetMs));
  }
  return out;
}

/**
 * Appends `n` events ingested now but stamped about `ageMs` ago (within the second before
 * now − ageMs): eventual consistency. A cursor consumer still gets them; a time-window poller that
 * already moved past that time does not.
 */
export function insertLateEvents(
  account: AccountData,
  feed: FeedId,
  n: number,
  nowMs: number,
  ageMs: number,
): StoredItem[] {
  const out: StoredItem[] = [];
  for (let i = 0; i < n; i += 1) {
    const baseMs = nowMs - ageMs - account.mutationRng.int(1, 1000);
    out.push(account.stores[feed].ingest(baseMs));
  }
  return out;
}
