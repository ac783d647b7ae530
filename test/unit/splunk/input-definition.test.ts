import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  parseInputDefinition,
  parseValidationDefinition,
} from '../../../src/splunk/input-definition';
import { AddonError } from '../../../src/core/errors';

const fixtures = resolve(__dirname, '../../../../shared/fixtures/splunkd-modinput');
const load = (name: string): Buffer => readFileSync(join(fixtures, name));

describe('parseInputDefinition (splunkd stdin, run mode)', () => {
  it('reads the UTF-16 two-stanza fixture with params and param_lists', () => {
    const def = parseInputDefinition(load('conf_with_2_inputs.xml'));
    expect(def.serverHost).toBe('tiny');
    expect(def.serverUri).toBe('https://127.0.0.1:8089');
    expect(def.checkpointDir).toBe('/some/dir');
    expect(def.sessionKey).toBe('123102983109283019283');
    expect(def.stanzas.map((s) => [s.name, s.app])).toEqual([
      ['foobar://aaa', 'search'],
      ['foobar://bbb', 'my_app'],
    ]);
    expect(def.stanzas[1]?.params).toEqual({
      param1: 'value11',
      param2: 'value22',
      disabled: '0',
      index: 'default',
      multiValue: ['value1', 'value2'],
      multiValue2: ['value3', 'value4'],
    });
  });

  it('reads a definition with zero stanzas', () => {
    expect(parseInputDefinition(load('conf_with_0_inputs.xml')).stanzas).toEqual([]);
  });

  it('rejects unknown elements inside a stanza with a clear error', () => {
    expect(() => parseInputDefinition(load('conf_with_invalid_inputs.xml'))).toThrow(
      /unexpected <editor>/,
    );
  });

  it('rejects a validation document in run mode', () => {
    expect(() => parseInputDefinition(load('validation.xml'))).toThrow(
      /<items> where <input> was expected/,
    );
  });

  it('rejects XML that does not parse, as a typed config error', () => {
    const attempt = () => parseInputDefinition(Buffer.from('<input><server_uri>x</input>'));
    expect(attempt).toThrow(AddonError);
    expect(attempt).toThrow(/does not parse/);
  });

  it('reads UTF-8 with entities and CDATA', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><input><server_host>h</server_host><server_uri>https://10.0.0.1:8089</server_uri>
      <session_key><![CDATA[k&<>]]></session_key><checkpoint_dir>/c</checkpoint_dir><configuration>
      <stanza name="onepassword_events://a&amp;b" app="TA-1password-events"><param name="account">ac&lt;me</param></stanza></configuration></input>`;
    const def = parseInputDefinition(Buffer.from(xml));
    expect(def.sessionKey).toBe('k&<>');
    expect(def.stanzas[0]?.name).toBe('onepassword_events://a&b');
    expect(def.stanzas[0]?.params['account']).toBe('ac<me');
  });

  it('requires server_uri and session_key', () => {
    expect(() =>
      parseInputDefinition(Buffer.from('<input><session_key>k</session_key></input>')),
    ).toThrow(/lacks <server_uri>/);
  });
});

describe('parseValidationDefinition (--validate-arguments)', () => {
  it('reads the UTF-16 validation fixture', () => {
    const def = parseValidationDefinition(load('validation.xml'));
    expect(def.item.name).toBe('aaa');
    expect(def.item.params['multiValue2']).toEqual(['value3', 'value4']);
    expect(def.checkpointDir).toBe('/opt/splunk/var/lib/splunk/modinputs');
  });

  it('rejects a run-mode document', () => {
    expect(() => parseValidationDefinition(load('conf_with_2_inputs.xml'))).toThrow(
      /<input> where <items> was expected/,
    );
  });

  it('requires exactly one item', () => {
    const xml =
      '<items><server_uri>u</server_uri><session_key>k</session_key><item name="a"/><item name="b"/></items>';
    expect(() => parseValidationDefinition(Buffer.from(xml))).toThrow(
      /exactly one <item>, found 2/,
    );
  });
});
