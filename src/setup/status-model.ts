/**
 * Reads the KV documents the modular input writes (account status after a live check, health per
 * feed) and turns them into what the page shows. Pure; the schemas are loose so a newer input
 * that adds fields does not break an older page.
 */
import * as z from 'zod/mini';
import { feeds, isFeedId, type FeedId } from '../core/feeds';
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

function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/** Plain words for the error classes the input reports (src/core/errors.ts). */
export const errorHeadlines: Readonly<Record<string, string>> = {
  unauthorized: 'Invalid or revoked token',
  not_found: 'Truncated token (the Events API answered with its plain-text 404)',
  network: 'Unreachable',
  token: 'Token problem',
  config: 'Configuration problem',
  rate_limited: 'Rate limited by 1Password',
  server: '1Password server error',
  protocol: 'Unexpected answer from the Events API',
  bad_request: 'Request refused by the Events API',
  stale_cursor: 'Stored position rejected',
  splunkd: 'splunkd problem',
  splunkd_auth: 'splunkd refused the input',
  checkpoint: 'Checkpoint problem',
};

export function errorHeadline(errorClass: string | null | undefined): string {
  if (errorClass === null || errorClass === undefined || errorClass === '') return 'Check failed';
  return errorHeadlines[errorClass] ?? `Check failed (${errorClass})`;
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

export interface AccountStatusView {
  readonly ok: boolean;
  readonly checkedAt: Date | undefined;
  readonly host: string | undefined;
  readonly region: string;
  readonly scopes: readonly FeedId[];
  readonly scopeText: string;
  readonly expiry: string;
  readonly expired: boolean;
  readonly accountUuid: string | undefined;
  readonly integrationUuid: string | undefined;
  readonly issuedAt: Date | undefined;
  readonly errorHeadline: string | undefined;
  readonly errorMessage: string | undefined;
}

export function describeAccountStatus(doc: AccountStatusDoc, now: Date): AccountStatusView {
  const ok = toBool(doc.ok);
  const scopes = (doc.features ?? []).filter(isFeedId);
  const expiresAt = toDate(doc.expires_at);
  const expired = expiresAt !== undefined && expiresAt.getTime() <= now.getTime();
  return {
    ok,
    checkedAt: toDate(doc.checked_at),
    host: doc.host ?? undefined,
    region: regionText(doc.host, doc.region),
    scopes,
    scopeText: scopes.length === 0 ? 'none' : scopes.map((id) => feeds[id].label).join(', '),
    expiry:
      expiresAt === undefined
        ? 'Never expires'
        : `${expired ? 'Expired' : 'Expires'} ${expiresAt.toISOString().slice(0, 10)}`,
    expired,
    accountUuid: doc.account_uuid ?? undefined,
    integrationUuid: doc.integration_uuid ?? undefined,
    issuedAt: toDate(doc.issued_at),
    errorHeadline: ok ? undefined : errorHeadline(doc.error_class),
    errorMessage: ok ? undefined : (doc.error_message ?? undefined),
  };
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

export type HealthTone = 'ok' | 'warning' | 'error' | 'running' | 'unknown';

export interface HealthRow {
  readonly key: string;
  readonly account: string;
  readonly feed: string;
  readonly feedLabel: string;
  readonly tone: HealthTone;
  readonly status: string;
  readonly lastRun: string;
  readonly lastSuccess: string;
  readonly lastEvent: string;
  readonly lag: string;
  readonly eventsLastRun: string;
  readonly events24h: string;
  readonly lastError: string | undefined;
}

/**
 * A run is overdue when none ended within this many intervals (floor: staleFloorSeconds). Lag is
 * not judged: a quiet feed (few audit events) has a large lag without anything being wrong.
 */
export const staleIntervals = 3;
export const staleFloorSeconds = 900;

/**
 * @param intervals seconds between runs per account (from its input), to spot inputs that stopped
 *   running; accounts without an entry are not judged.
 */
export function healthRows(
  docs: readonly HealthDoc[],
  now: Date,
  intervals: ReadonlyMap<string, number> = new Map(),
): HealthRow[] {
  return docs
    .map((doc): HealthRow => {
      const [accountFromKey, feedFromKey] = doc._key.split('__');
      const account = doc.account ?? accountFromKey ?? doc._key;
      const feed = doc.feed ?? feedFromKey ?? '';
      const status = (doc.status ?? 'unknown').toLowerCase();
      const lag = toNumber(doc.lag_seconds);
      const errorAt = toDate(doc.last_error_time);
      const successAt = toDate(doc.last_success);
      const errorIsCurrent =
        doc.last_error !== undefined &&
        doc.last_error !== null &&
        doc.last_error !== '' &&
        (successAt === undefined ||
          (errorAt !== undefined && errorAt.getTime() >= successAt.getTime()));
      let tone: HealthTone = 'unknown';
      if (status === 'error' || status === 'failed') tone = 'error';
      else if (status === 'running' || status === 'backfilling') tone = 'running';
      else if (status === 'ok' || status === 'success') tone = 'ok';
      else if (status === 'warning' || status === 'partial') tone = 'warning';
      const lastRunAt = toDate(doc.last_run_end) ?? toDate(doc.last_run_start);
      const interval = intervals.get(account);
      const overdue =
        interval !== undefined &&
        lastRunAt !== undefined &&
        now.getTime() - lastRunAt.getTime() >
          Math.max(staleIntervals * interval, staleFloorSeconds) * 1000;
      if (overdue && tone !== 'error') tone = 'warning';
      const events24 = toNumber(doc.events_24h);
      const eventsRun = toNumber(doc.events_last_run);
      const errorText = errorIsCurrent
        ? `${errorHeadline(doc.last_error_class)}: ${doc.last_error ?? ''}${errorAt ? ` (${formatAgo(errorAt, now)})` : ''}`
        : undefined;
      return {
        key: doc._key,
        account,
        feed,
        feedLabel: isFeedId(feed) ? feeds[feed].label : feed,
        tone,
        status: overdue
          ? `${status}, no run for ${formatAgo(lastRunAt, now).replace(' ago', '')}`
          : status,
        lastRun: formatAgo(lastRunAt, now),
        lastSuccess: formatAgo(successAt, now),
        lastEvent: formatAgo(toDate(doc.last_event_time), now),
        lag: formatDuration(lag),
        eventsLastRun: eventsRun === undefined ? '—' : eventsRun.toLocaleString('en-US'),
        events24h: events24 === undefined ? '—' : events24.toLocaleString('en-US'),
        lastError: errorText,
      };
    })
    .sort((a, b) => a.account.localeCompare(b.account) || a.feed.localeCompare(b.feed));
}
