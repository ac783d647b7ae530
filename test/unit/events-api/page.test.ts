import { MAX_ITEM_DEPTH, parsePage, sliceItems, type Page } from '../../../src/events-api/page';

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

describe('parsePage: the single validating pass', () => {
  const item = (uuid: string): string => `{"uuid":"${uuid}","timestamp":"2026-03-01T10:00:00Z"}`;
  const page = (items: string, rest = '"cursor":"c","has_more":false'): string =>
    `{${rest},"items":[${items}]}`;

  function protocolError(body: string | Buffer): AddonError {
    try {
      parsePage(body);
    } catch (error) {
      expect(error).toBeInstanceOf(AddonError);
      expect((error as AddonError).errorClass).toBe('protocol');
      return error as AddonError;
    }
    throw new Error('parsePage accepted the body');
  }

  it('rejects an item nested deeper than MAX_ITEM_DEPTH, naming the item', () => {
    const deep = (levels: number): string =>
      `{"uuid":"d","timestamp":"2026-03-01T10:00:00Z","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    // The item itself is one level: MAX_ITEM_DEPTH - 1 arrays inside it are the most allowed.
    expect(parsePage(page(`${item('a')},${deep(MAX_ITEM_DEPTH - 1)}`)).items).toHaveLength(2);
    expect(protocolError(page(`${item('a')},${deep(MAX_ITEM_DEPTH)}`)).message).toMatch(
      /item 1 is nested deeper than 64 levels/,
    );
  });

  it('stops at the depth limit on a huge body of brackets instead of reading it all', () => {
    const brackets = Buffer.alloc(8 * 1024 * 1024, '[');
    const body = Buffer.concat([Buffer.from('{"cursor":"c","has_more":false,"items":['), brackets]);
    expect(protocolError(body).message).toMatch(
      /item 0 is nested deeper than 64 levels \(at byte 104\)/,
    );
    expect(protocolError(Buffer.concat([Buffer.from('{"x":'), brackets])).message).toMatch(
      /the body is nested deeper than 66 levels/,
    );
  });

  it.each([
    [
      'a control character in a string',
      page('{"uuid":"a\u0001","timestamp":"2026-03-01T10:00:00Z"}'),
    ],
    ['a bad escape', page('{"uuid":"a\\x","timestamp":"2026-03-01T10:00:00Z"}')],
    ['a short \\u escape', page('{"uuid":"a\\u12","timestamp":"2026-03-01T10:00:00Z"}')],
    ['a leading zero', page(`{"n":01,${item('a').slice(1)}`)],
    ['a bare minus', page(`{"n":-,${item('a').slice(1)}`)],
    ['a dot without digits', page(`{"n":1.,${item('a').slice(1)}`)],
    ['an exponent without digits', page(`{"n":1e+,${item('a').slice(1)}`)],
    ['a plus sign', page(`{"n":+1,${item('a').slice(1)}`)],
    ['a misspelt literal', page(`{"n":nul,${item('a').slice(1)}`)],
    ['single quotes', page(`{'n':1,${item('a').slice(1)}`)],
    ['a trailing comma in an object', page(`{"n":1,${item('a').slice(1, -1)},}`)],
    ['a missing colon', page(`{"n" 1,${item('a').slice(1)}`)],
    ['a non-breaking space as whitespace', page(`\u00a0${item('a')}`)],
    ['data after the envelope', `${page(item('a'))} {}`],
    ['a second top-level value', `${page(item('a'))}${page(item('b'))}`],
    ['an empty body', ''],
    ['a body cut inside a literal', '{"cursor":"c","has_more":fal'],
  ])('rejects %s as invalid JSON', (_name, body) => {
    expect(() => JSON.parse(body) as unknown).toThrow();
    expect(protocolError(body).message).toMatch(/not valid JSON/);
  });

  it('reports where a truncated body ends', () => {
    const body = page(item('a')).slice(0, 60);
    expect(protocolError(body).message).toMatch(
      /not valid JSON \(60 bytes, truncated or corrupt\): unexpected end \(truncated\) at byte 60/,
    );
  });

  it.each([
    ['an envelope that is an array', '[]', /envelope: expected an object, got an array/],
    ['a numeric cursor', '{"cursor":1,"has_more":false,"items":[]}', /cursor: expected a string/],
    ['an empty cursor', '{"cursor":"","has_more":false,"items":[]}', /cursor is empty/],
    [
      'has_more as a string',
      '{"cursor":"c","has_more":"no","items":[]}',
      /has_more: expected a boolean/,
    ],
    ['missing items', '{"cursor":"c","has_more":false}', /items: expected an array, got missing/],
    ['an item that is an array', page('[]'), /items.0: expected an object, got an array/],
    ['an item that is null', page(`${item('a')},null`), /items.1: expected an object, got null/],
    [
      'a numeric uuid',
      page('{"uuid":5,"timestamp":"2026-03-01T10:00:00Z"}'),
      /items.0.uuid: expected a string/,
    ],
    ['an empty uuid', page(item('')), /items.0.uuid: the uuid is empty/],
    [
      'a missing timestamp',
      page('{"uuid":"a"}'),
      /items.0.timestamp: expected a string, got missing/,
    ],
    [
      'a nested uuid only',
      page('{"x":{"uuid":"a"},"timestamp":"2026-03-01T10:00:00Z"}'),
      /items.0.uuid/,
    ],
  ])('rejects %s with a message that names the member', (_name, body, message) => {
    expect(protocolError(body).message).toMatch(message);
  });

  it('reads members the way JSON.parse does: escaped names, the last of duplicates, escaped values', () => {
    const body = page(
      '{"uu\\u0069d":"first","timestamp":"2026-03-01T10:00:00Z","uuid":"\\u00e9\\"x","timestamp":"2026-03-01T10:00:01.5Z"}',
      '"cursor":"old","has_more":true,"cursor":"c\\/n","has_more":false',
    );
    const parsed = parsePage(body);
    expect(parsed.cursor).toBe('c/n');
    expect(parsed.hasMore).toBe(false);
    expect(parsed.items[0]?.uuid).toBe('\u00e9"x');
    expect(parsed.items[0]?.timestamp).toEqual({
      epochSeconds: Date.UTC(2026, 2, 1, 10, 0, 1) / 1000,
      fraction: '5',
    });
  });

  it('takes the last top-level items array, as JSON.parse does', () => {
    const body = `{"items":[${item('old')}],"cursor":"c","has_more":false,"items":[${item('new')}]}`;
    const parsed = parsePage(body);
    expect(parsed.items.map((i) => i.uuid)).toEqual(['new']);
    expect(rawOf(parsed, 0)).toBe(item('new'));
  });

  it('accepts every JSON value type, numbers in every legal form, and all whitespace', () => {
    const members =
      '"a":[true,false,null,0,-0,1.5e+10,-2E-3,123456789012345678901234567890,{}],"b":"\\b\\f\\n\\r\\t\\/\\\\\\u20AC"';
    const raw = `{ ${members} ,\t"uuid"\r\n:\n"u" , "timestamp" : "2026-03-01T10:00:00Z" }`;
    const parsed = parsePage(` \n${page(` ${raw} `)}\r\n`);
    expect(rawOf(parsed, 0)).toBe(raw);
  });
});
