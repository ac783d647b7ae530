import { confValue, parseConf } from '../../../tools/build/conf';

describe('parseConf', () => {
  it('reads stanzas, trims keys and values, and skips comments', () => {
    const conf = parseConf(
      [
        '# comment',
        'global = 1',
        '',
        '[launcher]',
        '  version =  1.2.3  ',
        '# version = 9',
        '[ui]',
        'label=A = B',
      ].join('\n'),
    );
    expect(confValue(conf, 'default', 'global')).toBe('1');
    expect(confValue(conf, 'launcher', 'version')).toBe('1.2.3');
    expect(confValue(conf, 'ui', 'label')).toBe('A = B');
    expect(confValue(conf, 'ui', 'missing')).toBeUndefined();
    expect(confValue(conf, 'nope', 'version')).toBeUndefined();
  });

  it('joins backslash continuation lines', () => {
    const conf = parseConf('[s]\nsearch = a \\\n  b\nnext = c\n');
    expect(confValue(conf, 's', 'search')).toBe('a \n  b');
    expect(confValue(conf, 's', 'next')).toBe('c');
  });

  it('handles CRLF line ends and a byte-order mark', () => {
    const conf = parseConf('\uFEFF[launcher]\r\nversion = 2.0.0\r\n');
    expect(confValue(conf, 'launcher', 'version')).toBe('2.0.0');
  });

  it('merges repeated stanzas, later values winning', () => {
    const conf = parseConf('[a]\nx = 1\ny = 1\n[b]\n[a]\nx = 2\n');
    expect(confValue(conf, 'a', 'x')).toBe('2');
    expect(confValue(conf, 'a', 'y')).toBe('1');
  });
});
