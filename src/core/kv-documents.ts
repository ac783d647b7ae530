/**
 * The documents the input keeps in the KV store (and, without a KV store, in files), typed by
 * schema at the boundary: what comes back from storage is checked, never cast. A document that
 * fails its schema is reported as corrupt, naming its key, so an admin can remove it. Pure:
 * zod/mini only, safe in the browser bundle.
 */
import * as z from 'zod/mini';
import { AddonError } from './errors';
import { feedIds, type FeedId } from './feeds';

/** Fields every document of an account's input carries. */
const inputDocumentFields = {
  _key: z.string(),
  account: z.string(),
  input: z.string(),
  /** Epoch seconds. */
  updated_at: z.number(),
  /** Lease generation that wrote it (fencing on search-head clusters). */
  generation: z.number(),
  schema_version: z.number(),
};

export const checkpointSchema = z.object({
  ...inputDocumentFields,
  feed: z.enum(feedIds),
  /** The cursor to request next; '' before the first page is committed. */
  cursor: z.string(),
  /** Newest delivered event time, epoch milliseconds (0 = none yet). */
  last_event_time: z.number(),
  /** uuids of the most recently delivered events, comma-separated, for stale-cursor recovery. */
  recent_uuids: z.string(),
  events_total: z.number(),
  pages_total: z.number(),
});
export type Checkpoint = Readonly<z.infer<typeof checkpointSchema>>;

/** The account's rate-budget history, one document beside its feeds' checkpoints. */
export const budgetSchema = z.object({
  ...inputDocumentFields,
  /** Kept as 'budget' so searches over the checkpoints lookup tell it from the feeds. */
  feed: z.literal('budget'),
  /** JSON {"<epoch second>": requests} of the last hour (see core/rate-budget.ts). */
  budget_history: z.string(),
});
export type BudgetDocument = Readonly<z.infer<typeof budgetSchema>>;

export const leaseSchema = z.object({
  _key: z.string(),
  kind: z.literal('lease'),
  account: z.string(),
  generation: z.number(),
  owner: z.string(),
  /** Epoch milliseconds. */
  expires_at: z.number(),
  renewed_at: z.number(),
});

export function checkpointKey(account: string, feed: FeedId): string {
  return `${account}__${feed}`;
}

export function budgetKey(account: string): string {
  return `${account}__budget`;
}

/** Which schema a document of the checkpoints collection claims to follow. */
export function documentKind(document: {
  readonly _key: string;
  readonly [field: string]: unknown;
}): 'lease' | 'budget' | 'checkpoint' {
  if (document['kind'] === 'lease') return 'lease';
  if (document['feed'] === 'budget' || document._key.endsWith('__budget')) return 'budget';
  return 'checkpoint';
}

/** The document as `schema` types it, or a `checkpoint` error naming what is wrong with it. */
export function parseStored<T>(schema: z.ZodMiniType<T>, document: unknown, where: string): T {
  const parsed = schema.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'document';
  throw new AddonError(
    'checkpoint',
    `${where} is corrupt (${field}: ${issue?.message ?? 'invalid'}); remove it to let the input write a fresh one`,
  );
}
