/**
 * Per-feed health documents in the KV store, read by the setup page's health panel and the
 * Health dashboard. Pure builder + a best-effort writer.
 */
import { healthCollection } from '../core/app-identity';
import { describeError, errorClassOf } from '../core/errors';
import type { FeedId } from '../core/feeds';
import type { KvDocument, KvStore } from '../splunk/kvstore';
import type { Logger } from '../log/logger';

export interface HealthDocument extends KvDocument {
  account: string;
  feed: FeedId;
  input: string;
  host: string;
  status: 'ok' | 'backfilling' | 'error';
  last_run_start: number;
  last_run_end: number;
  last_success: number | null;
  last_event_time: number | null;
  lag_seconds: number | null;
  events_last_run: number;
  events_24h: number;
  /** JSON {"<epoch hour>": count} for the last 24 hours, so events_24h survives across runs. */
  hourly: string;
  last_error: string | null;
  last_error_class: string | null;
  last_error_time: number | null;
  /** When the token expires (epoch seconds), null when it never does, so an alert can warn ahead. */
  token_expires_at: number | null;
}

export interface HealthContext {
  readonly account: string;
  readonly input: string;
  readonly host: string;
  readonly runStart: number;
  readonly runEnd: number;
  /** From the token's claims: epoch seconds, null if it never expires, undefined when unread. */
  readonly tokenExpiresAt: number | null | undefined;
}

export interface FeedOutcome {
  readonly feed: FeedId;
  readonly events: number;
  readonly lastEventTime: number;
  readonly error: unknown;
  readonly caughtUp: boolean;
}

/** Pure: the next health document from the previous one and this run's outcome. */
export function nextHealth(
  previous: HealthDocument | undefined,
  outcome: FeedOutcome,
  context: HealthContext,
): HealthDocument {
  const hour = Math.floor(context.runEnd / 3600_000);
  let hourly: Record<string, number>;
  try {
    hourly = previous ? (JSON.parse(previous.hourly) as Record<string, number>) : {};
  } catch {
    hourly = {};
  }
  hourly[String(hour)] = (hourly[String(hour)] ?? 0) + outcome.events;
  for (const h of Object.keys(hourly)) if (Number(h) <= hour - 24) delete hourly[h];
  const lastEvent = outcome.lastEventTime > 0 ? outcome.lastEventTime : null;
  const failed = outcome.error !== undefined;
  const endSeconds = Math.floor(context.runEnd / 1000);
  return {
    _key: `${context.account}__${outcome.feed}`,
    account: context.account,
    feed: outcome.feed,
    input: context.input,
    host: context.host,
    status: failed ? 'error' : outcome.caughtUp ? 'ok' : 'backfilling',
    last_run_start: Math.floor(context.runStart / 1000),
    last_run_end: endSeconds,
    last_success: failed ? (previous?.last_success ?? null) : endSeconds,
    last_event_time:
      lastEvent === null ? (previous?.last_event_time ?? null) : Math.floor(lastEvent / 1000),
    lag_seconds:
      lastEvent === null
        ? (previous?.lag_seconds ?? null)
        : Math.max(0, Math.round((context.runEnd - lastEvent) / 1000)),
    events_last_run: outcome.events,
    events_24h: Object.values(hourly).reduce((a, b) => a + b, 0),
    hourly: JSON.stringify(hourly),
    last_error: failed ? describeError(outcome.error) : (previous?.last_error ?? null),
    last_error_class: failed ? errorClassOf(outcome.error) : (previous?.last_error_class ?? null),
    last_error_time: failed ? endSeconds : (previous?.last_error_time ?? null),
    token_expires_at:
      context.tokenExpiresAt === undefined
        ? (previous?.token_expires_at ?? null)
        : context.tokenExpiresAt,
  };
}

export async function writeHealth(
  kv: KvStore,
  outcomes: readonly FeedOutcome[],
  context: HealthContext,
  logger: Logger,
): Promise<void> {
  if (outcomes.length === 0) return;
  try {
    // One query for the account's documents instead of one read per feed.
    const previous = new Map(
      ((await kv.query(healthCollection, { account: context.account })) as HealthDocument[]).map(
        (d) => [d._key, d],
      ),
    );
    const docs = outcomes.map((outcome) =>
      nextHealth(previous.get(`${context.account}__${outcome.feed}`), outcome, context),
    );
    await kv.save(healthCollection, docs);
  } catch (error) {
    logger.warn(`could not record input health: ${describeError(error)}`);
  }
}
