/**
 * Stanza parameters (all strings from splunkd) → a typed InputConfig, in one place, with messages
 * an admin can act on. Pure.
 */
import * as z from 'zod/mini';
import { accountNamePattern, inputNameOf, isSplunkTrue, retentionMs } from '../core/contracts';
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
  feedIndexParams,
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
  /** Index per feed: its `index_<feed>` override, else the input's index. */
  readonly feedIndexes: Readonly<Record<FeedId, string>>;
  readonly host: string;
  readonly disabled: boolean;
  /** splunkd's `interval` for this stanza, in seconds (cron schedules count as 60). */
  readonly intervalSeconds: number;
}

export { accountNamePattern };

const text = (p: ParamValue | undefined): string | undefined =>
  Array.isArray(p) ? p.join(',') : (p as string | undefined);

type Reading<T> = { readonly value: T } | { readonly problem: string };

/** One stanza parameter: an optional string read by `read`, which names the problem if any. */
function param<T>(read: (value: string | undefined) => Reading<T>) {
  return z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined, ctx) => {
      const reading = read(value);
      if ('value' in reading) return reading.value;
      ctx.issues.push({ code: 'custom', message: reading.problem, input: value });
      return z.NEVER;
    }),
  );
}

const orDefault = (value: string | undefined, fallback: string | number): string =>
  (value ?? '').trim() === '' ? String(fallback) : (value as string).trim();

function wholeNumber(name: string, fallback: number, min: number, max: number) {
  return param((value) => {
    const raw = orDefault(value, fallback);
    return /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max
      ? { value: Number(raw) }
      : {
          problem: `${name} must be a whole number from ${min} to ${max}, not "${raw.slice(0, 20)}"`,
        };
  });
}

/** An index name; `fallback` '' lets the parameter stay empty (a per-feed override not set). */
function indexParam(name: string, fallback: string) {
  return param((value) => {
    const index = orDefault(value, fallback);
    if (index === '') return { value: '' };
    // Splunk index names: lower-case letters, digits, _ and -, not starting with _ or - (internal).
    return /^[a-z0-9][a-z0-9_-]{0,79}$/.test(index)
      ? { value: index }
      : {
          problem: `${name} "${index.slice(0, 40)}" is not a valid Splunk index name`,
        };
  });
}

const paramsSchema = z.object({
  account: param((value) => {
    const account = (value ?? '').trim();
    if (account === '')
      return {
        problem: 'account is required: name the 1Password account configured on the setup page',
      };
    return accountNamePattern.test(account)
      ? { value: account }
      : {
          problem:
            'account must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        };
  }),
  feeds: param((value): Reading<FeedId[]> => {
    const names = (value ?? feedIds.join(','))
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
    const unknown = names.find((n) => !isFeedId(n));
    if (unknown !== undefined)
      return { problem: `feeds: unknown feed "${unknown}"; use ${feedIds.join(', ')}` };
    if (names.length === 0) return { problem: 'feeds: select at least one feed' };
    return { value: [...new Set(names)] as FeedId[] };
  }),
  limit: wholeNumber('limit', defaultLimit, 1, 1000),
  max_run_seconds: wholeNumber('max_run_seconds', defaultMaxRunSeconds, 10, 3600),
  log_level: param((value) => {
    const level = parseLogLevel(orDefault(value, defaultLogLevel));
    return level
      ? { value: level }
      : {
          problem: `log_level must be DEBUG, INFO, WARN or ERROR, not "${String(value).slice(0, 20)}"`,
        };
  }),
  start_time: z.optional(z.string()),
  index: indexParam('index', defaultIndex),
  [feedIndexParams.signinattempts]: indexParam(feedIndexParams.signinattempts, ''),
  [feedIndexParams.itemusages]: indexParam(feedIndexParams.itemusages, ''),
  [feedIndexParams.auditevents]: indexParam(feedIndexParams.auditevents, ''),
  host: z.optional(z.string()),
  disabled: z.optional(z.string()),
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
  const oldest = new Date(now.getTime() - retentionMs);
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
  const name = inputNameOf(stanza);
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
    feedIndexes: Object.fromEntries(
      feedIds.map((feed) => [feed, data[feedIndexParams[feed]] || data.index]),
    ) as Record<FeedId, string>,
    host: (data.host ?? '').trim() || serverHost,
    disabled: isSplunkTrue(data.disabled),
    intervalSeconds: intervalSecondsOf(flat['interval']),
  };
}
