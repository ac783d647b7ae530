/** RFC 3339 handling without floating-point loss of the sub-second part. Pure. */

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export interface ParsedTimestamp {
  /** Whole seconds since the epoch (UTC). */
  readonly epochSeconds: number;
  /** Fraction digits as written (up to 9), '' when none. */
  readonly fraction: string;
}

export function parseRfc3339(text: string): ParsedTimestamp | undefined {
  const m = rfc3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const utc = Date.UTC(Number(y), month - 1, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls February 30 over into March; a real date reads back unchanged.
  if (!Number.isFinite(utc) || new Date(utc).getUTCDate() !== day) return undefined;
  const offset =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  return {
    epochSeconds: Math.floor(utc / 1000) - offset + (second === 60 ? 1 : 0),
    fraction: frac ?? '',
  };
}

/**
 * The `<time>` value splunkd expects: epoch seconds with the sub-second part kept. Splunk stores
 * _time to the microsecond, so digits past the sixth are dropped (truncated, never rounded up).
 */
export function splunkTimeOf(parsed: ParsedTimestamp): string {
  const micro = parsed.fraction.slice(0, 6);
  return micro === '' ? String(parsed.epochSeconds) : `${parsed.epochSeconds}.${micro}`;
}

export function epochMillisOf(parsed: ParsedTimestamp): number {
  return parsed.epochSeconds * 1000 + Number((parsed.fraction + '000').slice(0, 3));
}

/** Formats for the API's start_time: RFC 3339 in UTC, whole seconds. */
export function formatRfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const relative = /^-(\d+)([smhdw])$/;
const unitSeconds: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Reads `start_time`: RFC 3339 or a relative `-<n><unit>`; undefined when unreadable. */
export function resolveStartTime(value: string, now: Date): Date | undefined {
  const trimmed = value.trim();
  const rel = relative.exec(trimmed);
  if (rel) {
    const at = new Date(now.getTime() - Number(rel[1]) * (unitSeconds[rel[2] ?? 's'] ?? 1) * 1000);
    return Number.isFinite(at.getTime()) && at.getTime() >= 0 ? at : undefined;
  }
  const parsed = parseRfc3339(trimmed);
  return parsed ? new Date(parsed.epochSeconds * 1000) : undefined;
}
