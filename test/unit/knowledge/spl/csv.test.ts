import { CsvError, parseCsv } from './csv';

describe('CSV lookups', () => {
  it('reads a header-only file as one row', () => {
    expect(parseCsv('user,last_day,note\n')).toEqual([['user', 'last_day', 'note']]);
  });

  it('reads quoted cells with commas, quotes, line breaks, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('reads a last row without a line break and rejects an open quote', () => {
    expect(parseCsv('a\n1')).toEqual([['a'], ['1']]);
    expect(() => parseCsv('a\n"1')).toThrow(CsvError);
  });
});
