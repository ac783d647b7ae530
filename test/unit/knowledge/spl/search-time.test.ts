import type { FieldValue } from './eval-expression';
import {
  applySearchTime,
  buildKnowledge,
  parseFieldAliases,
  parseLookupSetting,
  SearchTimeError,
  type KnowledgeTexts,
} from './search-time';

const base: KnowledgeTexts = {
  props: '',
  transforms: '[colors]\nfilename = colors.csv\ncase_sensitive_match = false\n',
  eventtypes: '',
  tags: '',
  lookupFiles: new Map([
    ['colors.csv', 'name,hex,family\nred,#f00,warm\nRED,#e00,warm\nblue,#00f,cold\n'],
  ]),
};

function fieldsAfter(
  props: string,
  raw: object,
  extra: Partial<KnowledgeTexts> = {},
): Record<string, FieldValue> {
  const knowledge = buildKnowledge({ ...base, props: `[st]\nKV_MODE = json\n${props}`, ...extra });
  const result = applySearchTime(
    { raw: JSON.stringify(raw), sourcetype: 'st', source: 'src', host: 'h', index: 'i' },
    knowledge,
    { jsonNull: 'absent', emptyString: 'absent' },
  );
  return Object.fromEntries([...result.fields].filter(([name]) => name !== '_raw'));
}

describe('search-time operations', () => {
  it('extracts JSON only when KV_MODE is json, and never over the default fields', () => {
    expect(fieldsAfter('', { a: 'x', host: 'spoofed' })).toMatchObject({ a: 'x', host: 'h' });
    const knowledge = buildKnowledge({ ...base, props: '[st]\nKV_MODE = none\n' });
    const result = applySearchTime(
      { raw: '{"a":"x"}', sourcetype: 'st', source: 's', host: 'h', index: 'i' },
      knowledge,
      {
        jsonNull: 'absent',
        emptyString: 'absent',
      },
    );
    expect(result.fields.has('a')).toBe(false);
  });

  it('FIELDALIAS AS replaces the alias and removes it when the original is missing or empty', () => {
    expect(fieldsAfter('FIELDALIAS-a = orig AS alias', { orig: 'o', alias: 'old' }).alias).toBe(
      'o',
    );
    expect(fieldsAfter('FIELDALIAS-a = orig AS alias', { alias: 'old' }).alias).toBeUndefined();
    expect(
      fieldsAfter('FIELDALIAS-a = orig AS alias', { orig: '', alias: 'old' }).alias,
    ).toBeUndefined();
  });

  it('FIELDALIAS ASNEW keeps an existing alias field and does nothing without the original', () => {
    expect(fieldsAfter('FIELDALIAS-a = orig ASNEW alias', { orig: 'o', alias: 'old' }).alias).toBe(
      'old',
    );
    expect(fieldsAfter('FIELDALIAS-a = orig ASNEW alias', { alias: 'old' }).alias).toBe('old');
    expect(fieldsAfter('FIELDALIAS-a = orig ASNEW alias', { orig: 'o' }).alias).toBe('o');
  });

  it('runs aliases from the extracted event in parallel, so an alias of an alias sees nothing', () => {
    const fields = fieldsAfter('FIELDALIAS-a = orig AS first\nFIELDALIAS-b = first AS second', {
      orig: 'o',
    });
    expect(fields.first).toBe('o');
    expect(fields.second).toBeUndefined();
  });

  it('runs EVALs after aliases and in parallel: each sees the values from before any EVAL', () => {
    const fields = fieldsAfter(
      'FIELDALIAS-a = orig AS alias\nEVAL-x = y . "!"\nEVAL-y = "new"\nEVAL-z = alias . "+"',
      {
        orig: 'o',
        y: 'old',
      },
    );
    expect(fields).toMatchObject({ x: 'old!', y: 'new', z: 'o+' });
  });

  it('removes a field whose EVAL yields null, and refuses a boolean EVAL', () => {
    expect(fieldsAfter('EVAL-a = null()', { a: 'x' }).a).toBeUndefined();
    expect(() => fieldsAfter('EVAL-a = 1 == 1', {})).toThrow(SearchTimeError);
  });

  it('runs lookups after EVALs, matching case-insensitively when configured, all hits as a multivalue', () => {
    const fields = fieldsAfter(
      'EVAL-color = lower(c)\nLOOKUP-c = colors name AS color OUTPUT hex AS color_hex',
      { c: 'Red' },
    );
    expect(fields.color_hex).toEqual(['#f00', '#e00']);
  });

  it('clears OUTPUT fields on a miss, keeps them with OUTPUTNEW, and skips events without the match field', () => {
    const props = (mode: string): string =>
      `LOOKUP-c = colors name AS color ${mode} hex AS color_hex`;
    expect(
      fieldsAfter(props('OUTPUT'), { color: 'green', color_hex: 'keep' }).color_hex,
    ).toBeUndefined();
    expect(fieldsAfter(props('OUTPUTNEW'), { color: 'green', color_hex: 'keep' }).color_hex).toBe(
      'keep',
    );
    expect(fieldsAfter(props('OUTPUTNEW'), { color: 'blue', color_hex: 'keep' }).color_hex).toBe(
      'keep',
    );
    expect(fieldsAfter(props('OUTPUT'), { color_hex: 'keep' }).color_hex).toBe('keep');
  });

  it('outputs every other column when the lookup names no outputs, and lookups do not feed each other', () => {
    const fields = fieldsAfter(
      'LOOKUP-a = colors name AS c\nLOOKUP-b = colors name AS family OUTPUT hex AS chained',
      { c: 'blue' },
    );
    expect(fields).toMatchObject({ hex: '#00f', family: 'cold' });
    expect(fields.chained).toBeUndefined();
  });

  it('matches eventtypes after lookups and adds the tags of matched eventtypes, sorted', () => {
    const fields = fieldsAfter(
      'LOOKUP-c = colors name AS c OUTPUT family',
      { c: 'blue' },
      {
        eventtypes:
          '[cold_things]\nsearch = family=cold\n[warm_things]\nsearch = family=warm\n[off]\nsearch = *\ndisabled = 1\n',
        tags: '[eventtype=cold_things]\nzeta = enabled\nalpha = enabled\nnope = disabled\n[eventtype=warm_things]\nwarm = enabled\n',
      },
    );
    expect(fields.eventtype).toEqual(['cold_things']);
    expect(fields.tag).toEqual(['alpha', 'zeta']);
  });

  it('fails loudly on configuration the real Splunk would also reject or silently ignore', () => {
    expect(() => buildKnowledge({ ...base, transforms: '[x]\nfilename = missing.csv\n' })).toThrow(
      /missing/,
    );
    expect(() => fieldsAfter('LOOKUP-x = nowhere a OUTPUT b', { a: '1' })).toThrow(
      /no lookup definition/,
    );
    expect(() => fieldsAfter('LOOKUP-x = colors nope OUTPUT hex', { nope: '1' })).toThrow(
      /no column nope/,
    );
    expect(() => parseFieldAliases('a TO b', 'x')).toThrow(/AS or ASNEW/);
    expect(() => parseFieldAliases('a AS', 'x')).toThrow(/triples/);
    expect(() => buildKnowledge({ ...base, eventtypes: '[e]\ncolor = red\n' })).toThrow(
      /no search/,
    );
  });

  it('parses LOOKUP settings with and without AS', () => {
    expect(parseLookupSetting('c', 'table a AS b c OUTPUTNEW d AS e f')).toEqual({
      className: 'c',
      table: 'table',
      match: [
        ['a', 'b'],
        ['c', 'c'],
      ],
      outputNew: true,
      outputs: [
        ['d', 'e'],
        ['f', 'f'],
      ],
    });
  });
});
