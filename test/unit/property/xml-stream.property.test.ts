/**
 * Property: any item JSON survives the XML event stream. Items with control characters,
 * U+FFFE/U+FFFF, lone surrogates, `]]>`, `</data></event>`, very long strings and deep nesting go
 * through the real formatter (and, in the second property, through parsePage first); saxes reads
 * the stream back, and `<data>` parses to exactly the original item.
 */
import fc from 'fast-check';
import { parseRfc3339, splunkTimeOf } from '../../../src/core/timestamp';
import { parsePage } from '../../../src/events-api/page';
import { createEventFormatter, streamClose, streamOpen } from '../../../src/splunk/event-format';
import {
  hostileItem,
  hostileString,
  jsonStyle,
  withDocumentedEscapes,
  writeJson,
  type JsonValue,
} from './hostile-json';
import { readStream } from './xml-reader';

const meta = {
  stanza: 'onepassword_events://acme',
  index: 'onepassword',
  sourcetype: '1password:insights:audit_events',
  source: 'onepassword_events://acme',
  host: 'sh1',
};

/** What a reader of the stream gets for `raw`, checked field by field. */
function roundTrip(raws: readonly string[], times: readonly string[]): string[] {
  const formatter = createEventFormatter(meta);
  const xml =
    streamOpen +
    raws.map((raw, i) => formatter.format(times[i] ?? '0', raw)).join('') +
    streamClose;
  const events = readStream(xml);
  expect(events).toHaveLength(raws.length);
  return events.map((event, i) => {
    expect(event.children).toEqual([
      'time',
      'index',
      'sourcetype',
      'source',
      'host',
      'data',
      'done',
    ]);
    expect(event.fields['time']).toBe(times[i]);
    expect(event.attributes).toEqual({ stanza: meta.stanza, unbroken: '1' });
    return event.fields['data'] ?? '';
  });
}

function expectSameItem(readBack: string, raw: string): void {
  // Exact text apart from the one documented escape (and XML's line-end normalisation, which can
  // only touch CR in whitespace between JSON tokens), and the same value for any JSON reader.
  expect(readBack).toBe(withDocumentedEscapes(raw).replace(/\r\n?/g, '\n'));
  expect(JSON.parse(readBack)).toEqual(JSON.parse(raw));
}

describe('XML event stream round trip (property)', () => {
  it('gives back every item exactly, however it was serialized', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostileItem, jsonStyle), { minLength: 1, maxLength: 4 }),
        (items) => {
          const raws = items.map(([item, style]) => writeJson(item, style));
          const times = raws.map((_r, i) => `${1_767_225_600 + i}.${String(i).padStart(6, '0')}`);
          const back = roundTrip(raws, times);
          back.forEach((data, i) => expectSameItem(data, raws[i] ?? ''));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the stream well formed whatever the stanza, index, source and host say', () => {
    fc.assert(
      fc.property(hostileString, hostileString, hostileString, (stanza, source, host) => {
        const formatter = createEventFormatter({ ...meta, stanza, source, host });
        const xml = streamOpen + formatter.format('1', '{"a":1}') + streamClose;
        const [event] = readStream(xml);
        // Characters XML cannot carry at all become U+FFFD in metadata; everything else is kept.
        const lossy = (s: string): string =>
          // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
          s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu, '\uFFFD');
        // XML normalises line ends: CR and CRLF in text read back as LF, in attributes as a space.
        expect(event?.attributes['stanza']).toBe(lossy(stanza).replace(/\r\n|[\r\n\t]/g, ' '));
        expect(event?.fields['source']).toBe(lossy(source).replace(/\r\n?/g, '\n'));
        expect(event?.fields['host']).toBe(lossy(host).replace(/\r\n?/g, '\n'));
        expect(event?.fields['data']).toBe('{"a":1}');
      }),
      { numRuns: 300 },
    );
  });
});

const isoTimestamp: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
    fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
    fc.constantFrom('Z', 'z', '+00:00', '-07:00', '+05:30', '+14:00'),
  )
  .map(([ms, fraction, zone]) => {
    const base = new Date(ms).toISOString().slice(0, 19);
    return `${base}${fraction === '' ? '' : '.' + fraction}${zone}`;
  });

/** A feed item: the members the collector relies on plus hostile ones, in any order. */
const feedItem: fc.Arbitrary<{ readonly [key: string]: JsonValue }> = fc
  .tuple(
    fc.oneof(
      fc.uuid(),
      hostileString.filter((s) => s !== ''),
    ),
    isoTimestamp,
    hostileItem,
    fc.boolean(),
  )
  .map(([uuid, timestamp, rest, first]) => {
    const others = Object.fromEntries(
      Object.entries(rest).filter(([key]) => key !== 'uuid' && key !== 'timestamp'),
    );
    return first ? { uuid, timestamp, ...others } : { ...others, timestamp, uuid };
  });

/** A whole response body: envelope members in any order, extra members, items in any style. */
const pageBody = fc
  .tuple(
    fc.array(fc.tuple(feedItem, jsonStyle), { maxLength: 5 }),
    hostileString.filter((s) => s !== ''),
    fc.boolean(),
    fc.array(
      fc.tuple(hostileString, fc.constantFrom<JsonValue>({ items: [{ a: 1 }] }, [], 'items', 3)),
      {
        maxLength: 2,
      },
    ),
    fc.constantFrom(0, 1, 2, 3, 4, 5),
    jsonStyle,
  )
  .map(([items, cursor, hasMore, extras, order, style]) => {
    const ws = style.mode === 'stringify' ? '' : ' \n';
    const raws = items.map(([item, itemStyle]) => writeJson(item, itemStyle));
    const members = [
      `"cursor":${writeJson(cursor, style)}`,
      `"has_more":${hasMore}`,
      `"items":[${ws}${raws.join(`${ws},${ws}`)}${ws}]`,
    ];
    const rotated = [...members.slice(order % 3), ...members.slice(0, order % 3)];
    if (order >= 3) rotated.reverse();
    // Extra members before the envelope, one per key, never one of the envelope's keys.
    const byKey = new Map<string, string>();
    for (const [key, value] of extras) {
      if (!['cursor', 'has_more', 'items'].includes(key))
        byKey.set(key, `${writeJson(key, style)}:${writeJson(value, style)}`);
    }
    const unique = [...byKey.values()];
    return {
      body: `{${ws}${[...unique, ...rotated].join(`,${ws}`)}${ws}}`,
      raws,
      items: items.map(([item]) => item),
      cursor,
      hasMore,
    };
  });

describe('parsePage → event stream round trip (property)', () => {
  it('delivers each item of a hostile page exactly as served', () => {
    fc.assert(
      fc.property(pageBody, ({ body, raws, items, hasMore }) => {
        // The body as it travels: UTF-8 bytes. Characters the writer left as raw lone surrogates
        // arrive as U+FFFD, as any decoder reads them; escaped ones (\ud800) stay as they are.
        const wire = Buffer.from(body, 'utf8');
        const page = parsePage(wire);
        const served = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');
        const envelope = JSON.parse(wire.toString('utf8')) as {
          cursor: string;
          items: { uuid: string }[];
        };
        expect(page.cursor).toBe(envelope.cursor);
        expect(page.hasMore).toBe(hasMore);
        expect(page.items.map((i) => page.bytes.toString('utf8', i.start, i.end))).toEqual(
          raws.map(served),
        );
        expect(page.items.map((i) => i.uuid)).toEqual(envelope.items.map((i) => i.uuid));
        expect(items).toHaveLength(envelope.items.length);
        const times = page.items.map((i) => splunkTimeOf(i.timestamp));
        items.forEach((item, i) =>
          expect(times[i]).toBe(splunkTimeOf(parseRfc3339(String(item['timestamp']))!)),
        );
        const formatted = createEventFormatter(meta).formatPage(page.bytes, page.items);
        const back = readStream(streamOpen + formatted.buffer.toString('utf8') + streamClose).map(
          (event) => event.fields['data'] ?? '',
        );
        expect(back).toHaveLength(raws.length);
        back.forEach((data, i) => expectSameItem(data, served(raws[i] ?? '')));
      }),
      { numRuns: 200 },
    );
  });
});
