/**
 * Reads the KV documents the modular input writes (account status after a live check, health per
 * feed) and turns them into what the page shows. Pure; the schemas are loose so a newer input
 * that adds fields does not break an older page.
 */
import { isSplunkTrue } from '../core/contracts';
import * as z from 'zod/mini';
import { feeds, isFeedId, type FeedId } from '../core/feeds';
import { wordingForClass } from '../core/admin-wording';
import { isOfficialHost, regionLabels } from '../events-api/token';

const epochOrNull = z.optional(z.union([z.number(), z.string(), z.null()]));

export const accountStatusSchema = z.looseObject({
  _key: z.string(),
  account: z.optional(z.string()),
  checked_at: z.optional(z.union([z.number(), z.string()])),
  ok: z.optional(z.union([z.boolean(), z.string(), z.number()])),
  host: z.nullish(z.string()),
  region: z.nullish(z.string()),
  features: z.nullish(z.array(z.string())),
  integration_uuid: z.nullish(z.string()),
  account_uuid: z.nullish(z.string()),
  issued_at: epochOrNull,
  expires_at: epochOrNull,
  error_class: z.nullish(z.string()),
  error_message: z.nullish(z.string()),
  /** Set by the page: when the facts above were last confirmed (a later check may have failed). */
  facts_checked_at: epochOrNull,
});
export type AccountStatusDoc = z.infer<typeof accountStatusSchema>;

export const healthSchema = z.looseObject({
  _key: z.string(),
  account: z.optional(z.string()),
  feed: z.optional(z.string()),
  input: z.nullish(z.string()),
  host: z.nullish(z.string()),
  status: z.nullish(z.string()),
  last_run_start: epochOrNull,
  last_run_end: epochOrNull,
  last_success: epochOrNull,
  last_event_time: epochOrNull,
  lag_seconds: z.optional(z.union([z.number(), z.string(), z.null()])),
  events_last_run: z.optional(z.union([z.number(), z.string(), z.null()])),
  events_24h: z.optional(z.union([z.number(), z.string(), z.null()])),
  last_error: z.nullish(z.string()),
  last_error_class: z.nullish(z.string()),
  last_error_time: epochOrNull,
  token_expires_at: epochOrNull,
});
export type HealthDoc = z.infer<typeof healthSchema>;

/** Epoch seconds (number or numeric string) or an RFC 3339 string → Date. */
export function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) && value > 0 ? new Date(value * 1000) : undefined;
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return toDate(Number(value));
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** The admin wording's headline for an error class the input recorded. */
export function errorHeadline(errorClass: string | null | undefined): string {
  if (errorClass === null || errorClass === undefined || errorClass === '') return 'Check failed';
  return wordingForClass(errorClass).headline;
}

export function regionText(
  host: string | null | undefined,
  region: string | null | undefined,
): string {
  if (host !== null && host !== undefined && isOfficialHost(host)) return regionLabels[host];
  if (region !== null && region !== undefined && region !== '')
    return host ? `${region} (${host})` : region;
  return host ?? 'unknown';
}

/** Tokens expiring within this many days get a warning on the Accounts tab. */
export const expiryWarningDays = 30;

export type CheckTone = 'ok' | 'error';

export interface AccountStatusView {
  readonly ok: boolean;
  readonly checkTone: CheckTone;
  readonly checkedAt: Date | undefined;
  /** "2026-12-03 19:20 UTC (5 min ago)". */
  readonly checkedText: string;
  readonly host: string | undefined;
  readonly region: string;
  readonly scopes: readonly FeedId[];
  readonly scopeText: string;
  readonly expiresAt: Date | undefined;
  readonly expiry: string;
  readonly expired: boolean;
  /** Whole days left when the token expires within expiryWarningDays. */
  readonly expiresInDays: number | undefined;
  readonly accountUuid: string | undefined;
  readonly integrationUuid: string | undefined;
  readonly issuedAt: Date | undefined;
  /** When the shown facts come from an earlier check or the token itself (the last one failed). */
  readonly factsAsOf: Date | undefined;
  readonly errorHeadline: string | undefined;
  readonly errorMessage: string | undefined;
}

/** True when the document carries the token's facts (a failed check records only the error). */
export function hasFacts(doc: AccountStatusDoc): boolean {
  return (
    (doc.host !== null && doc.host !== undefined && doc.host !== '') ||
    (doc.features !== null && doc.features !== undefined && doc.features.length > 0)
  );
}

export function formatUtc(date: Date): string {
  return `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

export function describeAccountStatus(doc: AccountStatusDoc, now: Date): AccountStatusView {
  const ok = isSplunkTrue(doc.ok);
  const known = hasFacts(doc);
  const scopes = (doc.features ?? []).filter(isFeedId);
  const expiresAt = toDate(doc.expires_at);
  const expired = expiresAt !== undefined && expiresAt.getTime() <= now.getTime();
  const daysLeft =
    expiresAt === undefined ? undefined : (expiresAt.getTime() - now.getTime()) / 86_400_000;
  const checkedAt = toDate(doc.checked_at);
  let expiry: string;
  if (expiresAt !== undefined)
    expiry = `${expired ? 'Expired' : 'Expires'} ${expiresAt.toISOString().slice(0, 10)}`;
  // Without the token's facts "never" would be a guess: a failed check records no expiry.
  else expiry = known ? 'Never expires' : 'Unknown';
  return {
    ok,
    checkTone: ok ? 'ok' : 'error',
    checkedAt,
    checkedText:
      checkedAt === undefined ? 'never' : `${formatUtc(checkedAt)} (${formatAgo(checkedAt, now)})`,
    host: doc.host ?? undefined,
    region: known ? regionText(doc.host, doc.region) : 'Unknown',
    scopes,
    scopeText: !known
      ? 'Unknown'
      : scopes.length === 0
        ? 'none'
        : scopes.map((id) => feeds[id].label).join(', '),
    expiresAt,
    expiry,
    expired,
    expiresInDays:
      daysLeft !== undefined && !expired && daysLeft <= expiryWarningDays
        ? Math.max(0, Math.floor(daysLeft))
        : undefined,
    accountUuid: doc.account_uuid ?? undefined,
    integrationUuid: doc.integration_uuid ?? undefined,
    issuedAt: toDate(doc.issued_at),
    factsAsOf: ok || !known ? undefined : (toDate(doc.facts_checked_at) ?? checkedAt),
    errorHeadline: ok ? undefined : errorHeadline(doc.error_class),
    errorMessage: ok ? undefined : (doc.error_message ?? undefined),
  };
}

/** What the page read from a pasted token itself (no secret: region, scopes, expiry, account). */
export interface TokenFacts {
  readonly host: string;
  readonly region: string;
  readonly features: readonly FeedId[];
  readonly accountUuid: string | undefined;
  readonly expiresAt: Date | undefined;
}

const factFields = [
  'host',
  'region',
  'features',
  'integration_uuid',
  'account_uuid',
  'issued_at',
  'expires_at',
] as const;

/**
 * After a failed check the input records only the error. Returns the document to store instead,
 * with the last known facts (from the token just pasted, else the previous document), or
 * undefined when nothing needs keeping.
 */
export function keepKnownFacts(
  fresh: AccountStatusDoc,
  previous: AccountStatusDoc | undefined,
  token: TokenFacts | undefined,
  now: Date,
): AccountStatusDoc | undefined {
  if (isSplunkTrue(fresh.ok) || hasFacts(fresh)) return undefined;
  if (token !== undefined) {
    return {
      ...fresh,
      host: token.host,
      region: token.region,
      features: [...token.features],
      account_uuid: token.accountUuid ?? null,
      expires_at:
        token.expiresAt === undefined ? null : Math.floor(token.expiresAt.getTime() / 1000),
      facts_checked_at: Math.floor(now.getTime() / 1000),
    };
  }
  if (previous === undefined || !hasFacts(previous)) return undefined;
  const kept: Record<string, unknown> = { ...fresh };
  for (const field of factFields) kept[field] = previous[field] ?? null;
  kept['facts_checked_at'] = previous.facts_checked_at ?? previous.checked_at ?? null;
  return kept as AccountStatusDoc;
}

export function parseAccountStatus(value: unknown): AccountStatusDoc | undefined {
  const parsed = accountStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function parseHealthDocs(value: unknown): HealthDoc[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = healthSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** "3 min ago", "2 h ago", "5 days ago". */
export function formatAgo(date: Date | undefined, now: Date): string {
  if (date === undefined) return 'never';
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 0) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

export function formatDuration(totalSeconds: number | undefined): string {
  if (totalSeconds === undefined || !Number.isFinite(totalSeconds)) return '—';
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} days`;
}

/**
 * ok: collecting, new events in the last run; quiet: collecting fine, nothing new (a quiet feed
 * has a large lag without anything being wrong); late: runs missing or failing; error: the last
 * run failed; running: a run (backfill) is under way.
 */
export type HealthState = 'ok' | 'quiet' | 'late' | 'error' | 'running' | 'unknown';

const stateLabels: Readonly<Record<HealthState, string>> = {
  ok: 'OK',
  quiet: 'Quiet',
  late: 'Late',
  error: 'Error',
  running: 'Running',
  unknown: 'Unknown',
};

export interface HealthRow {
  readonly key: string;
  readonly account: string;
  readonly feed: string;
  readonly feedLabel: string;
  readonly state: HealthState;
  /** One word for the badge. */
  readonly status: string;
  /** Why, in a sentence. */
  readonly statusDetail: string;
  readonly lastRun: string;
  readonly lastEvent: string;
  readonly events24h: string;
  readonly tokenExpiry: string;
  readonly tokenExpiresSoon: boolean;
  readonly lastError: string | undefined;
}

/**
 * A feed is late when no run ended within this many intervals (floor: staleFloorSeconds), or when
 * runs keep ending without a success for as long.
 */
export const staleIntervals = 3;
export const staleFloorSeconds = 900;

/**
 * @param intervals seconds between runs per account (from its enabled input), to spot inputs that
 *   stopped running; accounts without an entry are not judged late.
 * @param statuses account status documents: their expires_at stands in when a health document
 *   has no token_expires_at.
 */
export function healthRows(
  docs: readonly HealthDoc[],
  now: Date,
  intervals: ReadonlyMap<string, number> = new Map(),
  statuses: ReadonlyMap<string, AccountStatusDoc> = new Map(),
): HealthRow[] {
  return docs
    .map((doc): HealthRow => {
      const [accountFromKey, feedFromKey] = doc._key.split('__');
      const account = doc.account ?? accountFromKey ?? doc._key;
      const feed = doc.feed ?? feedFromKey ?? '';
      const status = (doc.status ?? 'unknown').toLowerCase();
      const errorAt = toDate(doc.last_error_time);
      const successAt = toDate(doc.last_success);
      const errorIsCurrent =
        doc.last_error !== undefined &&
        doc.last_error !== null &&
        doc.last_error !== '' &&
        (successAt === undefined ||
          (errorAt !== undefined && errorAt.getTime() >= successAt.getTime()));
      const lastRunAt = toDate(doc.last_run_end) ?? toDate(doc.last_run_start);
      const lastEventAt = toDate(doc.last_event_time);
      const interval = intervals.get(account);
      const lateAfterMs =
        interval === undefined
          ? undefined
          : Math.max(staleIntervals * interval, staleFloorSeconds) * 1000;
      const noRunFor =
        lateAfterMs !== undefined &&
        lastRunAt !== undefined &&
        now.getTime() - lastRunAt.getTime() > lateAfterMs;
      const noSuccessFor =
        lateAfterMs !== undefined &&
        successAt !== undefined &&
        now.getTime() - successAt.getTime() > lateAfterMs;
      const eventsRun = toNumber(doc.events_last_run);
      let state: HealthState;
      let detail: string;
      if (status === 'error' || status === 'failed' || (errorIsCurrent && !noRunFor)) {
        state = 'error';
        detail = `Last run failed: ${wordingForClass(doc.last_error_class).headline}.`;
      } else if (noRunFor) {
        state = 'late';
        detail = `No run for ${formatAgo(lastRunAt, now).replace(' ago', '')} (every ${formatDuration(interval)} expected).`;
      } else if (noSuccessFor) {
        state = 'late';
        detail = `No successful run for ${formatAgo(successAt, now).replace(' ago', '')}.`;
      } else if (status === 'running' || status === 'backfilling') {
        state = 'running';
        detail = 'A run is collecting now.';
      } else if (status === 'ok' || status === 'success') {
        state = eventsRun === 0 ? 'quiet' : 'ok';
        detail =
          eventsRun === 0
            ? `Collecting; nothing new${lastEventAt ? `, last event ${formatAgo(lastEventAt, now)}` : ' yet'}.`
            : `Collecting; ${eventsRun === undefined ? 'events' : `${eventsRun.toLocaleString('en-US')} events`} in the last run.`;
      } else {
        state = 'unknown';
        detail = `Status "${status}".`;
      }
      const expiresAt = toDate(doc.token_expires_at) ?? toDate(statuses.get(account)?.expires_at);
      const daysLeft =
        expiresAt === undefined ? undefined : (expiresAt.getTime() - now.getTime()) / 86_400_000;
      const events24 = toNumber(doc.events_24h);
      const errorText = errorIsCurrent
        ? `${errorHeadline(doc.last_error_class)}: ${doc.last_error ?? ''}${errorAt ? ` (${formatAgo(errorAt, now)})` : ''}`
        : undefined;
      return {
        key: doc._key,
        account,
        feed,
        feedLabel: isFeedId(feed) ? feeds[feed].label : feed,
        state,
        status: stateLabels[state],
        statusDetail: detail,
        lastRun: formatAgo(lastRunAt, now),
        lastEvent: formatAgo(lastEventAt, now),
        events24h: events24 === undefined ? '—' : events24.toLocaleString('en-US'),
        tokenExpiry:
          expiresAt === undefined
            ? '—'
            : daysLeft !== undefined && daysLeft <= 0
              ? 'expired'
              : daysLeft !== undefined && daysLeft <= expiryWarningDays
                ? `in ${Math.floor(daysLeft)} days`
                : expiresAt.toISOString().slice(0, 10),
        tokenExpiresSoon: daysLeft !== undefined && daysLeft <= expiryWarningDays,
        lastError: errorText,
      };
    })
    .sort((a, b) => a.account.localeCompare(b.account) || a.feed.localeCompare(b.feed));
}
