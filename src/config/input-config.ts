/**
 * Stanza parameters (all strings from splunkd) → a typed InputConfig, in one place, with messages
 * an admin can act on. Pure.
 */
import { z } from 'zod';
import { AddonError } from '../core/errors';
import { feedIds, isFeedId, type FeedId } from '../core/feeds';
import { intervalSecondsOf } from '../core/lease-decision';
import { resolveStartTime } from '../core/timestamp';
import { parseLogLevel, type LogLevel } from '../log/logger';
import {
  defaultIndex,
  defaultLimit,
  defaultLogLevel,
  defaultMaxRunSeconds,
  defaultStartTime,
} from './input-params';
import type { ParamValue } from '../splunk/input-definition';

export interface InputConfig {
  /** Input name without the scheme, e.g. acme */
  readonly name: string;
  readonly stanza: string;
  readonly account: string;
  readonly feeds: readonly FeedId[];
  readonly startTime: Date;
  readonly limit: number;
  readonly maxRunSeconds: number;
  readonly logLevel: LogLevel;
  /** False when the stanza leaves log_level empty: the global [logging] level then applies. */
  readonly logLevelExplicit: boolean;
  readonly index: string;
  readonly host: string;
  readonly disabled: boolean;
  /** splunkd's `interval` for this stanza, in seconds (cron schedules count as 60). */
  readonly intervalSeconds: number;
}

/** Account names become storage/passwords usernames, KV keys and file names: keep them plain. */
export const accountNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const retentionDays = 120;

const text = (p: ParamValue | undefined): string | undefined =>
  Array.isArray(p) ? p.join(',') : (p as string | undefined);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|t|yes|y|on)$/i.test(value.trim());
}

const paramsSchema = z.object({
  account: z
    .string({
      error: 'account is required: name the 1Password account configured on the setup page',
    })
    .trim()
    .regex(
      accountNamePattern,
      'account must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
  feeds: z
    .string()
    .optional()
    .transform((value, ctx): FeedId[] => {
      const names = (value ?? feedIds.join(','))
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== '');
      const unknown = names.filter((n) => !isFeedId(n));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `feeds: unknown feed "${unknown[0]}"; use ${feedIds.join(', ')}`,
        });
        return z.NEVER;
      }
      if (names.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'feeds: select at least one feed' });
        return z.NEVER;
      }
      return [...new Set(names)] as FeedId[];
    }),
  limit: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = (value ?? '').trim() === '' ? String(defaultLimit) : (value as string).trim();
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
        ctx.addIssue({
          code: 'custom',
          message: `limit must be a whole number from 1 to 1000, not "${raw.slice(0, 20)}"`,
        });
        return z.NEVER;
      }
      return Number(raw);
    }),
  max_run_seconds: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw =
        (value ?? '').trim() === '' ? String(defaultMaxRunSeconds) : (value as string).trim();
      if (!/^\d+$/.test(raw) || Number(raw) < 10 || Number(raw) > 3600) {
        ctx.addIssue({
          code: 'custom',
          message: `max_run_seconds must be a whole number from 10 to 3600, not "${raw.slice(0, 20)}"`,
        });
        return z.NEVER;
      }
      return Number(raw);
    }),
  log_level: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const level = parseLogLevel((value ?? '').trim() === '' ? defaultLogLevel : value);
      if (!level) {
        ctx.addIssue({
          code: 'custom',
          message: `log_level must be DEBUG, INFO, WARN or ERROR, not "${String(value).slice(0, 20)}"`,
        });
        return z.NEVER;
      }
      return level;
    }),
  start_time: z.string().optional(),
  index: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const index = (value ?? '').trim() === '' ? defaultIndex : (value as string).trim();
      // Splunk index names: lower-case letters, digits, _ and -, not starting with _ or - (internal).
      if (!/^[a-z0-9][a-z0-9_-]{0,79}$/.test(index)) {
        ctx.addIssue({
          code: 'custom',
          message: `index "${index.slice(0, 40)}" is not a valid Splunk index name`,
        });
        return z.NEVER;
      }
      return index;
    }),
  host: z.string().optional(),
  disabled: z.string().optional(),
});

/** Validates a stanza; throws AddonError('config') with every problem in one sentence. */
export function parseInputConfig(
  stanza: string,
  params: Readonly<Record<string, ParamValue>>,
  serverHost: string,
  now: Date,
): InputConfig {
  const flat: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(params)) flat[key] = text(value);
  const parsed = paramsSchema.safeParse(flat);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  const startText =
    (flat['start_time'] ?? '').trim() === '' ? defaultStartTime : (flat['start_time'] as string);
  const resolved = resolveStartTime(startText, now);
  const oldest = new Date(now.getTime() - retentionDays * 86_400_000);
  if (!resolved) {
    problems.push(
      `start_time "${startText.slice(0, 40)}" is neither RFC 3339 (2026-01-31T00:00:00Z) nor relative (-7d)`,
    );
  } else if (resolved.getTime() > now.getTime()) {
    problems.push(`start_time ${startText} is in the future`);
  }
  if (!parsed.success || problems.length > 0 || !resolved) {
    throw new AddonError('config', `Invalid input "${stanza}": ${problems.join('; ')}`);
  }
  const data = parsed.data;
  const name = stanza.includes('://') ? stanza.slice(stanza.indexOf('://') + 3) : stanza;
  return {
    name,
    stanza,
    account: data.account,
    feeds: data.feeds,
    // The API keeps 120 days; asking for more only returns the same events later.
    startTime: resolved.getTime() < oldest.getTime() ? oldest : resolved,
    limit: data.limit,
    maxRunSeconds: data.max_run_seconds,
    logLevel: data.log_level,
    logLevelExplicit: (flat['log_level'] ?? '').trim() !== '',
    index: data.index,
    host: (data.host ?? '').trim() || serverHost,
    disabled: isTrue(data.disabled),
    intervalSeconds: intervalSecondsOf(flat['interval']),
  };
}
