import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inputParams, type InputParam } from '../../../src/config/input-params';
import { residentSchemeName, schemeName } from '../../../src/core/app-identity';
import { BuildError } from '../../../tools/build/errors';
import { assertSpecMatches, readSpecEntries, specProblems } from '../../../tools/build/spec-check';

const root = path.resolve(__dirname, '../../..');
const spec = readFileSync(path.join(root, 'README/inputs.conf.spec'), 'utf8');

/** Removes one `name = …` entry and its `* …` lines (and their indented continuations). */
function withoutEntry(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${name} =`));
  let end = start + 1;
  while (end < lines.length && /^(\*|\s+\S)/.test(lines[end] ?? '')) end += 1;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

describe('README/inputs.conf.spec', () => {
  it.each([schemeName, residentSchemeName])(
    'documents every parameter of [%s://<name>] with a description and its default',
    (kind) => {
      expect(specProblems(spec, kind, inputParams)).toEqual([]);
      expect(() => assertSpecMatches(spec, kind, inputParams)).not.toThrow();
    },
  );

  it('keeps the two kinds apart: the resident stanza is not read as the per-run one', () => {
    const perRunOnly = spec.slice(0, spec.indexOf(`[${residentSchemeName}://`));
    expect(specProblems(perRunOnly, residentSchemeName, inputParams)).toEqual([
      `no [${residentSchemeName}://<name>] stanza with settings`,
    ]);
    expect(specProblems(perRunOnly, schemeName, inputParams)).toEqual([]);
  });

  it('documents exactly the scheme parameters, in the table order', () => {
    expect(readSpecEntries(spec, schemeName).map((entry) => entry.name)).toEqual(
      inputParams.map((param) => param.name),
    );
  });

  it('registers the scheme stanza splunkd expects', () => {
    expect(spec).toMatch(/^\[onepassword_events:\/\/<name>\]$/m);
  });
});

describe('specProblems', () => {
  it('fails when a parameter is undocumented', () => {
    for (const param of inputParams) {
      expect(specProblems(withoutEntry(spec, param.name), schemeName, inputParams)).toContain(
        `${param.name} is not documented`,
      );
    }
  });

  it('fails when the table gains a parameter the spec lacks', () => {
    const extra: InputParam = {
      name: 'end_time',
      title: 'End',
      description: 'd',
      dataType: 'string',
      requiredOnCreate: false,
    };
    expect(specProblems(spec, schemeName, [...inputParams, extra])).toEqual([
      'end_time is not documented',
    ]);
  });

  it('fails when the spec documents a parameter the input does not take', () => {
    const params = inputParams.filter((param) => param.name !== 'limit');
    expect(specProblems(spec, schemeName, params)).toEqual([
      'limit is documented but is not an input parameter',
    ]);
  });

  it('fails when a stated default differs from the one the input applies', () => {
    const changed = spec.replace('* Default: 1000', '* Default: 100');
    expect(specProblems(changed, schemeName, inputParams)).toEqual([
      'limit states default 100, the input uses 1000',
    ]);
  });

  it('fails when a parameter with a default does not state it', () => {
    const limit = inputParams.filter((param) => param.name === 'limit');
    const text = '[onepassword_events://<name>]\nlimit = <integer>\n* Events per page.\n';
    expect(specProblems(text, schemeName, limit)).toEqual([
      'limit states default (nothing), the input uses 1000',
    ]);
  });

  it('accepts no default, "none" or "empty" for a parameter without one, but no invented value', () => {
    const account = inputParams.filter((param) => param.name === 'account');
    const spec = (defaultLine: string) =>
      ['[onepassword_events://<name>]', 'account = <string>', '* Which account.', defaultLine].join(
        '\n',
      );
    expect(specProblems(spec(''), schemeName, account)).toEqual([]);
    expect(specProblems(spec('* Default: none'), schemeName, account)).toEqual([]);
    expect(specProblems(spec('* Default: empty (the global level)'), schemeName, account)).toEqual(
      [],
    );
    expect(specProblems(spec('* Default: main'), schemeName, account)).toEqual([
      'account states default main, the input has none',
    ]);
  });

  it('fails when an entry has no description', () => {
    const text = '[onepassword_events://<name>]\naccount = <string>\n* Default: none\n';
    const account = inputParams.filter((param) => param.name === 'account');
    expect(specProblems(text, schemeName, account)).toEqual(['account has no description']);
  });

  it('reads wrapped comment lines as part of the entry, even when they contain =', () => {
    const text = [
      '[onepassword_events://<name>]',
      'account = <string>',
      '* Which account, for example',
      '  index=main = not a setting',
      '* Default: none',
    ].join('\n');
    const entries = readSpecEntries(text, schemeName);
    expect(entries).toEqual([
      {
        name: 'account',
        defaultValue: 'none',
        comments: ['Which account, for example index=main = not a setting', 'Default: none'],
      },
    ]);
  });

  it('ignores settings of other stanzas and comment lines', () => {
    const text = [
      '[other://<name>]',
      'limit = <integer>',
      '[onepassword_events://<name>]',
      '# limit = nope',
      'account = <string>',
      '* Which account.',
      '* Default: none',
    ].join('\n');
    const account = inputParams.filter((param) => param.name === 'account');
    expect(specProblems(text, schemeName, account)).toEqual([]);
  });

  it('fails when the scheme stanza is missing', () => {
    expect(specProblems('[other://<name>]\na = b\n', schemeName, inputParams)).toEqual([
      'no [onepassword_events://<name>] stanza with settings',
    ]);
  });

  it('turns problems into one BuildError line for the build', () => {
    expect(() => assertSpecMatches(withoutEntry(spec, 'feeds'), schemeName, inputParams)).toThrow(
      BuildError,
    );
    expect(() => assertSpecMatches(withoutEntry(spec, 'feeds'), schemeName, inputParams)).toThrow(
      'README/inputs.conf.spec is out of date: feeds is not documented',
    );
  });
});
