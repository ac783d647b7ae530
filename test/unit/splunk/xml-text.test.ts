import { SaxesParser } from 'saxes';
import {
  escapeJsonBytesForXml,
  escapeJsonForXml,
  escapeXmlText,
  jsonByteSpecials,
} from '../../../src/splunk/xml-text';

function readBack(xmlFragment: string): string {
  let text = '';
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.on('text', (t) => (text += t));
  parser.write(`<data>${xmlFragment}</data>`).close();
  if (error) throw error;
  return text;
}

describe('escapeJsonForXml', () => {
  it('round-trips markup and the sequences that would end the element', () => {
    const json = JSON.stringify({ a: '</data></event>]]><&>"\'' });
    expect(readBack(escapeJsonForXml(json))).toBe(json);
  });

  it('turns characters XML cannot carry into JSON escapes without changing the value', () => {
    const value = { s: 'a\uFFFEb\uFFFFc', lone: 'x\uD800y', pair: '😀' };
    const raw = JSON.stringify(value);
    const back = readBack(escapeJsonForXml(raw));
    expect(JSON.parse(back)).toEqual(value);
    expect(back).toContain('\\ufffe');
    expect(back).toContain('😀');
  });

  it('leaves ordinary JSON untouched', () => {
    const raw = '{"uuid":"ABC","n":12345678901234567890,"t":"2026-01-01T00:00:00.123456789Z"}';
    expect(escapeJsonForXml(raw)).toBe(raw);
  });
});

describe('escapeXmlText', () => {
  it('escapes attribute-sensitive characters and replaces invalid ones', () => {
    expect(escapeXmlText(`a"b'c<&>\u0001`)).toBe('a&quot;b&apos;c&lt;&amp;&gt;\uFFFD');
  });
});

describe('escapeJsonBytesForXml', () => {
  const viaBytes = (json: string): string => {
    const bytesText = Buffer.from(json, 'utf8').toString('latin1');
    const escaped = escapeJsonBytesForXml(bytesText) ?? bytesText;
    return Buffer.from(escaped, 'latin1').toString('utf8');
  };

  it('gives the bytes escapeJsonForXml gives for markup, ]]> and U+FFFE/U+FFFF', () => {
    const json = JSON.stringify({
      a: '</data>]]><&>',
      s: 'a\uFFFEb\uFFFFc\u00ef\u00bf',
      e: '\u00e9\u4e2d',
    });
    expect(viaBytes(json)).toBe(escapeJsonForXml(json));
    expect(viaBytes(json)).toContain('\\ufffe');
    expect(JSON.parse(readBack(viaBytes(json)))).toEqual(JSON.parse(json));
  });

  it('returns undefined when nothing needs escaping', () => {
    expect(
      escapeJsonBytesForXml(
        Buffer.from('{"u":"\u00e9\u{1F600}\uFFFD"}', 'utf8').toString('latin1'),
      ),
    ).toBeUndefined();
  });
});

describe('jsonByteSpecials', () => {
  it('finds every byte escapeJsonBytesForXml changes, in order, and nothing else', () => {
    const json = '{"a":"<&>","b":"\uFFFE\uFFFF\uFFFD\u00ef\u00bf\u00be","c":"]]>"}';
    const bytes = Buffer.from(json, 'utf8');
    const text = bytes.toString('latin1');
    const expected: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if ('<&>'.includes(text[i] as string)) expected.push(i);
      if (text.startsWith('\xEF\xBF\xBE', i) || text.startsWith('\xEF\xBF\xBF', i))
        expected.push(i);
    }
    expect(expected).toHaveLength(6);
    expect(jsonByteSpecials(bytes)).toEqual(expected);
    expect(jsonByteSpecials(Buffer.from('{"a":"\u00e9\uFFFD"}', 'utf8'))).toEqual([]);
  });
});
