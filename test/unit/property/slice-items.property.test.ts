/**
 * Property: sliceItems gives back the exact text of every element of the top-level "items" array,
 * for arbitrary items written by JSON.stringify or by any other legal JSON writer.
 */
import fc from 'fast-check';
import { sliceItems } from '../../../src/events-api/page';
import { hostileItem, hostileJson, hostileString, jsonStyle, writeJson } from './hostile-json';

const envelope = (items: readonly string[], before: string, after: string, ws: string): string =>
  `{${before}"items"${ws}:${ws}[${ws}${items.join(`${ws},${ws}`)}${ws}]${after}}`;

describe('sliceItems (property)', () => {
  it('slices JSON.stringify output of arbitrary items exactly', () => {
    fc.assert(
      fc.property(fc.array(hostileItem, { maxLength: 6 }), (items) => {
        const raws = items.map((item) => writeJson(item, { mode: 'stringify', seed: 0 }));
        expect(
          sliceItems(
            JSON.stringify({
              cursor: 'c',
              has_more: false,
              items: JSON.parse(`[${raws.join(',')}]`) as unknown,
            }),
          ),
        ).toEqual(raws);
        expect(sliceItems(envelope(raws, '"cursor":"c",', ',"has_more":true', ''))).toEqual(raws);
      }),
      { numRuns: 200 },
    );
  });

  it('slices items written with raw characters, escapes and odd whitespace exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostileItem, jsonStyle), { maxLength: 6 }),
        hostileString,
        hostileJson,
        fc.constantFrom('', ' ', '\n\t', '\r\n  '),
        (items, cursor, extra, ws) => {
          const raws = items.map(([item, style]) => writeJson(item, style));
          const before = `"cursor":${writeJson(cursor, { mode: 'raw', seed: 1 })},"meta":${writeJson(
            { items: [extra], nested: { items: extra } },
            { mode: 'raw', seed: 2 },
          )},`;
          const after = `,"tail":${writeJson(extra, { mode: 'mixed', seed: 3 })},"has_more":false`;
          const body = envelope(raws, before, after, ws);
          expect(() => JSON.parse(body) as unknown).not.toThrow();
          expect(sliceItems(body)).toEqual(raws);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('slices elements of any JSON type, not only objects', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileJson, jsonStyle), { maxLength: 6 }), (items) => {
        const raws = items.map(([item, style]) => writeJson(item, style));
        expect(sliceItems(envelope(raws, '', '', ' '))).toEqual(raws);
      }),
      { numRuns: 300 },
    );
  });
});
