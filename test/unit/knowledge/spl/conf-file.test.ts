import { ConfError, parseConfFile, stanzaEntries } from './conf-file';

describe('.conf files', () => {
  it('reads stanzas, settings, comments and continued lines; settings before a header are default', () => {
    const conf = parseConfFile(
      'top = 1\n# comment\n[a]\nkey = x = y\nlong = one \\\ntwo\n\n[b:c]\nk=v\n',
    );
    expect(conf.get('default')?.get('top')).toBe('1');
    expect(conf.get('a')?.get('key')).toBe('x = y');
    expect(conf.get('a')?.get('long')).toBe('one \ntwo');
    expect(stanzaEntries(conf).map(([name]) => name)).toEqual(['default', 'a', 'b:c']);
  });

  it('rejects repeated stanzas, repeated keys and lines that are not settings', () => {
    expect(() => parseConfFile('[a]\n[a]\n', 'x.conf')).toThrow(
      /x.conf:2: stanza \[a\] appears twice/,
    );
    expect(() => parseConfFile('[a]\nk = 1\nk = 2\n')).toThrow(ConfError);
    expect(() => parseConfFile('[a]\njunk\n')).toThrow(/not a key = value/);
  });
});
