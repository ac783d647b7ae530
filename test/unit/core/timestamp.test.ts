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
