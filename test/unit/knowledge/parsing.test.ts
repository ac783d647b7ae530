/**
 * props.conf parsing settings: JSON extracted once at search time, one event per line, events
 * never truncated, and a timestamp setup that gives a re-ingested raw event the same _time,
 * sub-seconds included, as the <time> the input sends (epoch seconds with up to 6 decimals).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { feeds, feedIds } from '../../../src/core/feeds';
import { parseRfc3339, splunkTimeOf } from '../../../src/core/timestamp';
import { parseConfFile } from './spl/conf-file';
import { pcreToRegExp } from './spl/eval-expression';
import { loadAllSampleEvents, repoRoot } from './sample-events';

const props = parseConfFile(
  readFileSync(path.join(repoRoot, 'default/props.conf'), 'utf8'),
  'props.conf',
);
const samples = loadAllSampleEvents();

function setting(sourcetype: string, key: string): string {
  const value = props.get(sourcetype)?.get(key);
  if (value === undefined) throw new Error(`[${sourcetype}] has no ${key}`);
  return value;
}

/** Epoch microseconds of an RFC 3339 timestamp: what the input turns into <time>. */
function rfc3339Micros(text: string): bigint {
  const match =
    /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) throw new Error(`not RFC 3339: ${text}`);
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const seconds =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  const offset =
    zone === 'Z'
      ? 0
      : (zone?.startsWith('-') ? -1 : 1) *
        (Number(zone?.slice(1, 3)) * 3600 + Number(zone?.slice(4, 6)) * 60);
  return BigInt(seconds - offset) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/**
 * The strptime subset of TIME_FORMAT, read as Splunk documents it ("Enhanced strptime() support"):
 * %<n>N takes up to n sub-second digits; %Z/%z/%:z take Z, UTC or a ±hh:mm / ±hhmm offset.
 * Returns epoch microseconds, or undefined when the text does not fit the format.
 */
function strptimeMicros(format: string, text: string): bigint | undefined {
  const parts: Record<string, string> = {};
  let position = 0;
  for (let index = 0; index < format.length; index += 1) {
    const char = format[index] as string;
    if (char !== '%') {
      if (text[position] !== char) return undefined;
      position += 1;
      continue;
    }
    const directive = /^(\d*)(N|:z|[YmdHMSZz])/.exec(format.slice(index + 1));
    if (!directive) throw new Error(`unsupported directive in ${format}`);
    index += directive[0].length;
    const kind = directive[2] as string;
    const width = kind === 'Y' ? 4 : kind === 'N' ? Number(directive[1] || 9) : 2;
    const pattern =
      kind === 'N'
        ? new RegExp(`^\\d{1,${width}}`)
        : /[Zz]/.test(kind)
          ? /^(Z|UTC|[+-]\d\d:?\d\d)/
          : new RegExp(`^\\d{${width}}`);
    const found = pattern.exec(text.slice(position));
    if (!found) return undefined;
    parts[kind === ':z' || kind === 'z' ? 'Z' : kind] = found[0];
    position += found[0].length;
  }
  const zone = parts.Z ?? 'Z';
  const rfc = `${parts.Y}-${parts.m}-${parts.d}T${parts.H}:${parts.M}:${parts.S}${parts.N ? `.${parts.N}` : ''}${
    zone === 'Z' || zone === 'UTC'
      ? 'Z'
      : zone.length === 5
        ? `${zone.slice(0, 3)}:${zone.slice(3)}`
        : zone
  }`;
  return rfc3339Micros(rfc);
}

describe('props.conf parsing settings', () => {
  it('has a stanza for each feed sourcetype with search-time JSON extraction and no index-time extraction', () => {
    for (const feed of feedIds) {
      const sourcetype = feeds[feed].sourcetype;
      expect(setting(sourcetype, 'KV_MODE')).toBe('json');
      expect(props.get(sourcetype)?.has('INDEXED_EXTRACTIONS')).toBe(false);
      expect(setting(sourcetype, 'SHOULD_LINEMERGE')).toBe('false');
      expect(setting(sourcetype, 'LINE_BREAKER')).toBe('([\\r\\n]+)');
    }
  });

  it("never truncates an event: TRUNCATE is far above the largest sample and Splunk's 10000-byte default", () => {
    const largest = Math.max(...samples.map((sample) => Buffer.byteLength(sample.event.raw)));
    for (const feed of feedIds) {
      const truncate = Number(setting(feeds[feed].sourcetype, 'TRUNCATE'));
      expect(truncate).toBeGreaterThanOrEqual(100 * largest);
      expect(truncate).toBeGreaterThan(10000);
    }
  });

  it('keeps every sample on one line, so LINE_BREAKER cannot split an event', () => {
    for (const sample of samples) expect(sample.event.raw).not.toMatch(/[\r\n]/);
  });
});

describe.each(feedIds.map((feed) => feeds[feed].sourcetype))('timestamps of %s', (sourcetype) => {
  const prefix = pcreToRegExp(setting(sourcetype, 'TIME_PREFIX'));
  const format = setting(sourcetype, 'TIME_FORMAT');
  const lookahead = Number(setting(sourcetype, 'MAX_TIMESTAMP_LOOKAHEAD'));
  const mine = samples.filter((sample) => sample.event.sourcetype === sourcetype);

  it('finds the top-level timestamp first, whole, within MAX_TIMESTAMP_LOOKAHEAD', () => {
    for (const sample of mine) {
      const match = prefix.exec(sample.event.raw);
      expect(match).not.toBeNull();
      const after = sample.event.raw.slice((match?.index ?? 0) + (match?.[0].length ?? 0));
      const timestamp = sample.item.timestamp as string;
      expect(after.startsWith(`${timestamp}"`)).toBe(true);
      expect(timestamp.length).toBeLessThanOrEqual(lookahead);
    }
  });

  it('parses every timestamp with sub-seconds to the microsecond the input sends as <time>', () => {
    const withFraction = mine.filter((sample) => (sample.item.timestamp as string).includes('.'));
    expect(withFraction.length).toBeGreaterThan(0);
    for (const sample of withFraction) {
      const timestamp = sample.item.timestamp as string;
      const parsed = parseRfc3339(timestamp);
      if (!parsed) throw new Error(`the input cannot parse ${timestamp}`);
      // The input's own <time> text (src/core/timestamp.ts), as epoch microseconds.
      const [seconds, micro = ''] = splunkTimeOf(parsed).split('.');
      const sent = BigInt(seconds as string) * 1_000_000n + BigInt(micro.padEnd(6, '0'));
      expect([timestamp, strptimeMicros(format, timestamp)]).toEqual([timestamp, sent]);
      expect(sent).toBe(rfc3339Micros(timestamp));
    }
  });

  it('covers 3, 6 and 9 sub-second digits, Z and ±hh:mm offsets among the samples', () => {
    const stamps = mine.map((sample) => sample.item.timestamp as string);
    for (const shape of [
      /\.\d{3}[Z+-]/,
      /\.\d{6}[Z+-]/,
      /\.\d{9}Z/,
      /Z$/,
      /\+\d\d:\d\d$/,
      /-\d\d:\d\d$/,
    ]) {
      expect(stamps.some((stamp) => shape.test(stamp))).toBe(true);
    }
  });

  it("leaves timestamps without sub-seconds to Splunk's automatic recognition (TIME_FORMAT does not fit them)", () => {
    expect(strptimeMicros(format, '2026-05-01T08:00:00Z')).toBeUndefined();
    expect(strptimeMicros(format, '2026-05-01T08:00:00.5Z')).toBe(
      rfc3339Micros('2026-05-01T08:00:00.5Z'),
    );
  });
});
