/**
 * RFC 3339 instants at nanosecond precision. Events carry 6–9 fraction digits, so milliseconds
 * (Date) are not enough to filter them exactly; an instant is whole microseconds plus 0–999 ns,
 * both exact in a double. Pure.
 */

export interface Instant {
  /** Microseconds since the Unix epoch (an integer). */
  readonly us: number;
  /** Extra nanoseconds, 0..999. */
  readonly ns: number;
}

export function instantFromMs(ms: number): Instant {
  return { us: Math.floor(ms) * 1000, ns: 0 };
}

export function instantToMs(instant: Instant): number {
  return Math.floor(instant.us / 1000);
}

export function addMs(instant: Instant, ms: number): Instant {
  return { us: instant.us + Math.round(ms * 1000), ns: instant.ns };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.us !== b.us ? a.us - b.us : a.ns - b.ns;
}

/** Keeps only the first `digits` fraction digits (what a formatted timestamp with that many carries). */
export function truncateInstant(instant: Instant, digits: number): Instant {
  const fraction9 = (instant.us % 1_000_000) * 1000 + instant.ns;
  const unit = 10 ** (9 - digits);
  const kept = fraction9 - (fraction9 % unit);
  const wholeUs = instant.us - (instant.us % 1_000_000);
  return { us: wholeUs + Math.floor(kept / 1000), ns: kept % 1000 };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

let cachedMinute = Number.NaN;
let cachedPrefix = '';

/** "YYYY-MM-DDTHH:MM:" of an epoch minute; consecutive events mostly share it, so cache one. */
function minutePrefix(minute: number): string {
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  return cachedPrefix;
}

/**
 * Formats like Go's time.Format(RFC3339Nano) but with a fixed number of fraction digits (0–9)
 * and the given UTC offset in minutes (0 → "Z").
 */
export function formatRfc3339(instant: Instant, digits: number, offsetMinutes = 0): string {
  const localMs = Math.floor(instant.us / 1000) + offsetMinutes * 60_000;
  const second = Math.floor(localMs / 1000);
  let text = minutePrefix(Math.floor(second / 60)) + pad(second % 60, 2);
  if (digits > 0) {
    const fraction9 = pad((instant.us % 1_000_000) * 1000 + instant.ns, 9);
    text += '.' + fraction9.slice(0, digits);
  }
  if (offsetMinutes === 0) return text + 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${text}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

const rfc3339Pattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time strictly, the way Go's time.Parse(time.RFC3339, …) does: upper-case
 * "T" and "Z", 1–9 fraction digits, real calendar dates, seconds 00–59. Returns undefined when
 * malformed.
 */
export function parseRfc3339(text: string): Instant | undefined {
  const m = rfc3339Pattern.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, 0);
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const fraction9 = Number((m[7] ?? '').padEnd(9, '0'));
  const epochSeconds = date.getTime() / 1000 - offsetMinutes * 60;
  return { us: epochSeconds * 1_000_000 + Math.floor(fraction9 / 1000), ns: fraction9 % 1000 };
}
