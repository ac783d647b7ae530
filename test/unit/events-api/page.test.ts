import { parsePage, sliceItems, type Page } from '../../../src/events-api/page';

/** The raw bytes of item `i` as the page keeps them (offsets into its body). */
function rawBytesOf(page: Page, i: number): Buffer {
  const item = page.items[i];
  if (!item) throw new Error(`no item ${i}`);
  return page.bytes.subarray(item.start, item.end);
}
const rawOf = (page: Page, i: number): string => rawBytesOf(page, i).toString('utf8');
import { AddonError } from '../../../src/core/errors';

describe('sliceItems', () => {
  it('returns each item exactly as served, including odd spacing, escapes and big numbers', () => {
    const a =
      '{"uuid":"A","timestamp":"2026-01-01T00:00:00.123456Z","x":"}],\\"{[","big":123456789012345678901}';
    const b = '{ "uuid" : "B" , "timestamp":"2026-01-01T00:00:01Z", "nested":{"items":[1,2]} }';
    const body = `{"cursor":"c1","items": [ ${a} ,\n${b}\n],"has_more":false}`;
    expect(sliceItems(body)).toEqual([a, b]);
  });

  it('ignores an items key that is not at the top level', () => {
    expect(sliceItems('{"meta":{"items":[{"x":1}]},"items":[]}')).toEqual([]);
  });
});

describe('parsePage', () => {
  it('validates the envelope and parses what the collector relies on', () => {
    const body =
      '{"cursor":"c2","has_more":true,"items":[{"uuid":"U1","timestamp":"2026-03-01T10:00:00.987654321+02:00","future_field":{"a":1}}]}';
    const page = parsePage(body);
    expect(page.cursor).toBe('c2');
    expect(page.hasMore).toBe(true);
    expect(page.items[0]?.uuid).toBe('U1');
    expect(rawOf(page, 0)).toBe(
      '{"uuid":"U1","timestamp":"2026-03-01T10:00:00.987654321+02:00","future_field":{"a":1}}',
    );
    expect(page.items[0]?.timestamp).toEqual({
      epochSeconds: Date.UTC(2026, 2, 1, 8) / 1000,
      fraction: '987654321',
    });
  });

  it.each([
    ['truncated JSON', '{"cursor":"c","has_more":false,"items":[{"uuid":"U"'],
    ['invalid JSON', 'garbage'],
    ['missing cursor', '{"has_more":false,"items":[]}'],
    ['items not an array', '{"cursor":"c","has_more":false,"items":{}}'],
    [
      'item without uuid',
      '{"cursor":"c","has_more":false,"items":[{"timestamp":"2026-01-01T00:00:00Z"}]}',
    ],
    [
      'unreadable timestamp',
      '{"cursor":"c","has_more":false,"items":[{"uuid":"U","timestamp":"yesterday"}]}',
    ],
  ])('rejects %s as a protocol error', (_name, body) => {
    let error: unknown;
    try {
      parsePage(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AddonError);
    expect((error as AddonError).errorClass).toBe('protocol');
  });

  it('accepts an empty page, which still carries a cursor', () => {
    expect(parsePage('{"cursor":"next","has_more":false,"items":[]}')).toMatchObject({
      cursor: 'next',
      hasMore: false,
      items: [],
    });
  });
});

describe('parsePage on response bytes', () => {
  const item = (uuid: string, extra = ''): string =>
    `{"uuid":"${uuid}","timestamp":"2026-03-01T10:00:00Z"${extra}}`;

  it('keeps each item as the exact bytes served and reads non-ASCII uuids and cursors as UTF-8', () => {
    const a = item('\u00e9\u4e2d\u{1F600}', ',"note":"caf\u00e9 \\u00e9"');
    const bytes = Buffer.from(`{"cursor":"c\u00e9","has_more":false,"items":[${a}]}`, 'utf8');
    const page = parsePage(bytes);
    expect(page.cursor).toBe('c\u00e9');
    expect(page.items[0]?.uuid).toBe('\u00e9\u4e2d\u{1F600}');
    expect(rawBytesOf(page, 0).equals(Buffer.from(a, 'utf8'))).toBe(true);
  });

  it('replaces invalid UTF-8 with U+FFFD as a text decoder would', () => {
    const head = Buffer.from('{"cursor":"c","has_more":false,"items":[{"uuid":"u', 'utf8');
    const tail = Buffer.from('","timestamp":"2026-03-01T10:00:00Z"}]}', 'utf8');
    const page = parsePage(Buffer.concat([head, Buffer.from([0xc3, 0x28, 0xff]), tail]));
    expect(page.items[0]?.uuid).toBe('u\uFFFD(\uFFFD');
    expect(rawOf(page, 0)).toBe('{"uuid":"u\uFFFD(\uFFFD","timestamp":"2026-03-01T10:00:00Z"}');
  });

  it('accepts a body that starts with a UTF-8 byte order mark', () => {
    const body = Buffer.from('\uFEFF{"cursor":"c","has_more":false,"items":[]}', 'utf8');
    expect(parsePage(body)).toMatchObject({ cursor: 'c', hasMore: false, items: [] });
  });

  it('rejects a non-ASCII byte outside strings, as it does in text', () => {
    expect(() =>
      parsePage(Buffer.from('{"cursor":"c","has_more":false,"items":[]}\u00e9')),
    ).toThrow(AddonError);
  });
});
