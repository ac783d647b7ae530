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

const twoDigits = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** Days since 1970-01-01 → [year, month 1..12, day 1..31] (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** "YYYY-MM-DDTHH:MM:SS" of an epoch second, by arithmetic (no Date allocation). */
function dateTimeOf(epochSecond: number): string {
  const days = Math.floor(epochSecond / 86_400);
  const secondOfDay = epochSecond - days * 86_400;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${pad(year, 4)}-${twoDigits[month]}-${twoDigits[day]}T${twoDigits[hour]}:${twoDigits[minute]}:${twoDigits[secondOfDay % 60]}`;
}

/**
 * Formats like Go's time.Format(RFC3339Nano) but with a fixed number of fraction digits (0–9)
 * and the given UTC offset in minutes (0 → "Z").
 */
export function formatRfc3339(instant: Instant, digits: number, offsetMinutes = 0): string {
  const localMs = Math.floor(instant.us / 1000) + offsetMinutes * 60_000;
  let text = dateTimeOf(Math.floor(localMs / 1000));
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
