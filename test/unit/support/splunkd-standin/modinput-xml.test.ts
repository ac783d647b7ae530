import { readFileSync } from 'node:fs';
import path from 'node:path';

import { SaxesParser } from 'saxes';

import {
  buildInputDefinitionXml,
  buildValidationXml,
  encodeUtf16BeWithBom,
  escapeXml,
} from '../../../support/splunkd-standin';

const fixtures = path.resolve(__dirname, '../../../..', '../shared/fixtures/splunkd-modinput');

interface Node {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Node[];
}

/** Parses to a tree, ignoring whitespace-only text, so documents compare by structure. */
function parse(xml: string): Node {
  const parser = new SaxesParser();
  const root: Node = { name: '#root', attributes: {}, text: '', children: [] };
  const stack: Node[] = [root];
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes))
      if (!k.startsWith('xmlns')) attributes[k] = String(v);
    const node: Node = { name: tag.name, attributes, text: '', children: [] };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const node = stack.pop();
    if (node && node.children.length > 0 && node.text.trim() === '') node.text = '';
  });
  parser.write(xml).close();
  const doc = root.children[0];
  if (!doc) throw new Error('empty document');
  return doc;
}

function decodeFixture(name: string): string {
  const bytes = readFileSync(path.join(fixtures, name));
  return bytes[0] === 0xfe && bytes[1] === 0xff
    ? new TextDecoder('utf-16be').decode(bytes.subarray(2))
    : bytes.toString('utf8');
}

const common = {
  serverHost: 'tiny',
  serverUri: 'https://127.0.0.1:8089',
  sessionKey: '123102983109283019283',
};

describe('modular input stdin builders', () => {
  it('builds <items> with the same structure as the SDK validation.xml fixture', () => {
    const built = buildValidationXml({
      ...common,
      checkpointDir: '/opt/splunk/var/lib/splunk/modinputs',
      itemName: 'aaa',
      params: {
        param1: 'value1',
        param2: 'value2',
        disabled: '0',
        index: 'default',
        multiValue: ['value1', 'value2'],
        multiValue2: ['value3', 'value4'],
      },
    });
    const fixture = parse(decodeFixture('validation.xml').replace(/<!--[\s\S]*?-->/g, ''));
    const ours = parse(built);
    const order = (n: Node): string[] => n.children.map((c) => c.name);
    expect(order(ours).sort()).toEqual(order(fixture).sort());
    const byName = (n: Node, name: string): Node | undefined =>
      n.children.find((c) => c.name === name);
    for (const field of ['server_host', 'server_uri', 'session_key', 'checkpoint_dir']) {
      expect(byName(ours, field)?.text).toBe(byName(fixture, field)?.text);
    }
    expect(byName(ours, 'item')).toEqual(byName(fixture, 'item'));
  });

  it('builds <input> with the same structure as the SDK conf_with_2_inputs.xml fixture', () => {
    const built = buildInputDefinitionXml({
      ...common,
      checkpointDir: '/some/dir',
      stanzas: [
        {
          name: 'foobar://aaa',
          app: 'search',
          params: { param1: 'value1', param2: 'value2', disabled: '0', index: 'default' },
        },
        {
          name: 'foobar://bbb',
          app: 'my_app',
          params: {
            param1: 'value11',
            param2: 'value22',
            disabled: '0',
            index: 'default',
            multiValue: ['value1', 'value2'],
            multiValue2: ['value3', 'value4'],
          },
        },
      ],
    });
    const fixture = parse(decodeFixture('conf_with_2_inputs.xml'));
    const ours = parse(built);
    const configuration = (n: Node): Node | undefined =>
      n.children.find((c) => c.name === 'configuration');
    expect(configuration(ours)).toEqual(configuration(fixture));
    expect(ours.children.map((c) => c.name).sort()).toEqual(
      fixture.children.map((c) => c.name).sort(),
    );
  });

  it('escapes markup in values, names and attributes so the document parses back to the same text', () => {
    const hostile = `a<b>&c"d'e]]>f ü 🔐`;
    const xml = buildInputDefinitionXml({
      ...common,
      sessionKey: hostile,
      checkpointDir: '/tmp/x',
      stanzas: [
        {
          name: `onepassword_events://${hostile}`,
          app: 'TA-1password-events',
          params: { [`p${hostile}`]: hostile, l: [hostile] },
        },
      ],
    });
    const doc = parse(xml);
    expect(doc.children.find((c) => c.name === 'session_key')?.text).toBe(hostile);
    const stanza = doc.children.find((c) => c.name === 'configuration')?.children[0];
    expect(stanza?.attributes['name']).toBe(`onepassword_events://${hostile}`);
    expect(stanza?.children[0]).toMatchObject({
      name: 'param',
      attributes: { name: `p${hostile}` },
      text: hostile,
    });
    expect(stanza?.children[1]?.children[0]?.text).toBe(hostile);
  });

  it('refuses characters XML 1.0 cannot carry', () => {
    expect(() => escapeXml('bell\u0007')).toThrow(TypeError);
    expect(escapeXml('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('adds an XML declaration only on request', () => {
    const spec = { ...common, checkpointDir: '/x', itemName: 'i', params: {} };
    expect(buildValidationXml(spec).startsWith('<items>')).toBe(true);
    expect(buildValidationXml(spec, { declaration: true })).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<items>/,
    );
  });

  it('encodes UTF-16BE with a BOM and a utf-16 declaration, like the SDK fixtures, and round-trips', () => {
    const xml = buildValidationXml({
      ...common,
      checkpointDir: '/x',
      itemName: 'ü🔐',
      params: { a: 'ü🔐' },
    });
    const bytes = encodeUtf16BeWithBom(xml);
    expect([...bytes.subarray(0, 4)]).toEqual([0xfe, 0xff, 0x00, 0x3c]);
    const decoded = new TextDecoder('utf-16be').decode(bytes.subarray(2));
    expect(decoded.startsWith('<?xml version="1.0" encoding="utf-16"?>\n<items>')).toBe(true);
    expect(parse(decoded)).toEqual(parse(xml));
    const fixtureStart = readFileSync(path.join(fixtures, 'validation.xml')).subarray(0, 4);
    expect([...bytes.subarray(0, 4)]).toEqual([...fixtureStart]);
  });
});
