import fc from 'fast-check';
import { parseRfc3339, resolveStartTime, splunkTimeOf } from '../../../src/core/timestamp';

describe('timestamps', () => {
  it('keeps sub-seconds as written, truncated to microseconds for <time>', () => {
    const t = parseRfc3339('2023-06-30T18:02:23.273264999Z');
    expect(t).toBeDefined();
    expect(splunkTimeOf(t!)).toBe('1688148143.273264');
  });

  it('applies offsets', () => {
    expect(parseRfc3339('2026-01-01T02:00:00-01:30')?.epochSeconds).toBe(
      Date.UTC(2026, 0, 1, 3, 30) / 1000,
    );
  });

  it('gives whole seconds when there is no fraction', () => {
    expect(splunkTimeOf(parseRfc3339('1970-01-02T00:00:00Z')!)).toBe('86400');
  });

  it.each(['2026-13-01T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', 'x'])(
    'rejects %s',
    (text) => {
      expect(parseRfc3339(text)).toBeUndefined();
    },
  );

  it('resolves relative and absolute start times', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    expect(resolveStartTime('-7d', now)?.toISOString()).toBe('2026-11-15T00:00:00.000Z');
    expect(resolveStartTime('2026-01-01T00:00:00Z', now)?.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(resolveStartTime('last tuesday', now)).toBeUndefined();
    expect(resolveStartTime('-9999999999999d', now)).toBeUndefined();
  });
});

/** The regex and Date.UTC reader this module used before its hand-written one: the oracle. */
const reference =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
function referenceParse(text: string): { epochSeconds: number; fraction: string } | undefined {
  const m = reference.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const [month, day, hour, minute, second] = [mo, d, h, mi, s].map(Number) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59)
    return undefined;
  if (second! > 60) return undefined;
  const utc = Date.UTC(Number(y), month! - 1, day!, hour!, minute!, Math.min(second!, 59));
  if (!Number.isFinite(utc) || new Date(utc).getUTCDate() !== day) return undefined;
  const offset =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  return {
    epochSeconds: Math.floor(utc / 1000) - offset + (second === 60 ? 1 : 0),
    fraction: frac ?? '',
  };
}

describe('parseRfc3339 against the regex reader it replaced (property)', () => {
  const two = (max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(2, '0'));
  const stamp = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }).map((v) => String(v).padStart(4, '0')),
      month: two(14),
      day: two(33),
      sep: fc.constantFrom('T', 't', ' ', 'x'),
      hour: two(25),
      minute: two(61),
      second: two(62),
      fraction: fc.option(fc.stringMatching(/^[0-9]{0,11}$/), { nil: undefined }),
      zone: fc.oneof(
        fc.constantFrom('Z', 'z', '', 'Zz', '+0100'),
        fc.tuple(fc.constantFrom('+', '-'), two(99), two(99)).map(([s, h, m]) => `${s}${h}:${m}`),
      ),
    })
    .map(
      (p) =>
        `${p.year}-${p.month}-${p.day}${p.sep}${p.hour}:${p.minute}:${p.second}` +
        `${p.fraction === undefined ? '' : '.' + p.fraction}${p.zone}`,
    );
  /** A valid-looking stamp with one character replaced, dropped or added anywhere. */
  const mutated = fc
    .tuple(stamp, fc.nat(), fc.constantFrom('replace', 'drop', 'add'), fc.string({ maxLength: 1 }))
    .map(([text, at, how, c]) => {
      const i = at % (text.length + 1);
      if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
      if (how === 'add') return text.slice(0, i) + c + text.slice(i);
      return text.slice(0, i) + c + text.slice(i + 1);
    });

  it('reads every string exactly as the regex reader did', () => {
    fc.assert(
      fc.property(fc.oneof(stamp, mutated, fc.string()), (text) => {
        expect(parseRfc3339(text)).toEqual(referenceParse(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    '2024-02-29T23:59:60.5+14:00',
    '2023-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0099-12-31T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999999999Z',
    '9999-12-31T23:59:59-99:99',
    '2026-04-31T00:00:00Z',
    '2026-01-01T00:00:00.1234567890Z',
    '2026-01-01T00:00:00.Z',
    '2026-01-01T00:00:00Z\n',
  ])('agrees on the edge case %j', (text) => {
    expect(parseRfc3339(text)).toEqual(referenceParse(text));
  });
});
