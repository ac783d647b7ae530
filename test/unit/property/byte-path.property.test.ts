/**
 * Property: the byte path (parsePage on the response bytes + formatPage) writes exactly the bytes
 * the text path writes (the body decoded as UTF-8, its items sliced as text, escaped with
 * escapeJsonForXml and encoded back), for hostile items written by any legal JSON writer, with
 * non-ASCII uuids and cursors, and with invalid UTF-8 in the body.
 */
import fc from 'fast-check';
import { parsePage, sliceItems } from '../../../src/events-api/page';
import { splunkTimeOf, parseRfc3339 } from '../../../src/core/timestamp';
import { createEventFormatter } from '../../../src/splunk/event-format';
import { hostileItem, jsonStyle, writeJson, type JsonValue } from './hostile-json';

const formatter = createEventFormatter({
  stanza: 'onepassword_events://a&<b',
  index: 'onepassword',
  sourcetype: '1password:insights:audit_events',
  source: 'onepassword_events://a&<b',
  host: 'h',
});

/** The text path: what the collector wrote before the byte path. */
function viaText(bytes: Buffer): { cursor: string; uuids: string[]; out: Buffer } {
  const text = bytes.toString('utf8');
  const envelope = JSON.parse(text) as {
    cursor: string;
    items: { uuid: string; timestamp: string }[];
  };
  const raws = sliceItems(text);
  const events = envelope.items.map((item, i) => {
    const time = parseRfc3339(item.timestamp);
    if (!time) throw new Error('bad timestamp');
    return formatter.format(splunkTimeOf(time), raws[i] as string);
  });
  return {
    cursor: envelope.cursor,
    uuids: envelope.items.map((i) => i.uuid),
    out: Buffer.from(events.join(''), 'utf8'),
  };
}

function viaBytes(bytes: Buffer): { cursor: string; uuids: string[]; out: Buffer } {
  const page = parsePage(bytes);
  const formatted = formatter.formatPage(page.bytes, page.items);
  expect(formatted.ends.at(-1) ?? 0).toBe(formatted.buffer.length);
  return { cursor: page.cursor, uuids: page.items.map((i) => i.uuid), out: formatted.buffer };
}

describe('byte path (property)', () => {
  it('writes the same bytes as the text path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostileItem, jsonStyle), { maxLength: 6 }),
        fc.boolean(),
        (items, breakUtf8) => {
          const written = items.map(([item, style], i) =>
            writeJson(
              { ...item, uuid: `u${i}\u00e9\u4e2d`, timestamp: '2026-03-01T10:00:00.5+02:00' } as {
                readonly [key: string]: JsonValue;
              },
              style,
            ),
          );
          let bytes = Buffer.from(
            `{"cursor":"c\u00e9XY","has_more":false,"items":[${written.join(',')}]}`,
            'utf8',
          );
          if (breakUtf8) {
            // A lone lead byte inside the cursor: both paths must read it as U+FFFD.
            bytes = Buffer.from(bytes);
            bytes[bytes.indexOf('XY')] = 0xc3;
          }
          const text = viaText(bytes);
          const direct = viaBytes(bytes);
          expect(direct.cursor).toBe(text.cursor);
          expect(direct.uuids).toEqual(text.uuids);
          expect(direct.out.equals(text.out)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
