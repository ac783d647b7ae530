import {
  KvQueryError,
  matches,
  parseSort,
  projectFields,
  runQuery,
} from '../../../support/splunkd-standin/kv-query';

const docs = [
  { _key: 'a', n: 1, s: 'x', nested: { v: 10 } },
  { _key: 'b', n: 5, s: 'y', nested: { v: 20 } },
  { _key: 'c', s: 'z' },
  { _key: 'd', n: '5' },
];

describe('KV store query language', () => {
  it('matches field equality and dotted paths', () => {
    expect(docs.filter((d) => matches(d, { s: 'y' })).map((d) => d._key)).toEqual(['b']);
    expect(docs.filter((d) => matches(d, { 'nested.v': 20 })).map((d) => d._key)).toEqual(['b']);
  });

  it('compares only values of the same type', () => {
    expect(docs.filter((d) => matches(d, { n: { $gte: 5 } })).map((d) => d._key)).toEqual(['b']);
    expect(docs.filter((d) => matches(d, { n: { $lt: 'z' } })).map((d) => d._key)).toEqual(['d']);
  });

  it('treats $ne as true for a missing field', () => {
    expect(docs.filter((d) => matches(d, { n: { $ne: 1 } })).map((d) => d._key)).toEqual([
      'b',
      'c',
      'd',
    ]);
  });

  it('combines with $and, $or and $not', () => {
    const q = { $and: [{ $or: [{ s: 'x' }, { s: 'z' }] }, { $not: { s: 'z' } }] };
    expect(docs.filter((d) => matches(d, q)).map((d) => d._key)).toEqual(['a']);
    expect(docs.filter((d) => matches(d, { n: { $not: { $gt: 1 } } })).map((d) => d._key)).toEqual([
      'a',
      'c',
      'd',
    ]);
  });

  it('rejects operators the docs do not define and malformed logic', () => {
    expect(() => matches(docs[0] ?? {}, { n: { $in: [1] } })).toThrow(KvQueryError);
    expect(() => matches(docs[0] ?? {}, { $where: 'x' })).toThrow(KvQueryError);
    expect(() => matches(docs[0] ?? {}, { $or: { s: 'x' } })).toThrow(KvQueryError);
    expect(() => matches(docs[0] ?? {}, [])).toThrow(KvQueryError);
  });

  it('sorts ascending by default, descending with :-1, missing values first', () => {
    expect(parseSort('a,b:-1,c:1')).toEqual([
      { field: 'a', direction: 1 },
      { field: 'b', direction: -1 },
      { field: 'c', direction: 1 },
    ]);
    expect(() => parseSort('a:2')).toThrow(KvQueryError);
    expect(runQuery(docs, { sort: 'n' }, 100).map((d) => d['_key'])).toEqual(['c', 'a', 'b', 'd']);
  });

  it('projects included fields (plus _key) or drops excluded ones, never both', () => {
    expect(projectFields('n')(docs[0] ?? {})).toEqual({ _key: 'a', n: 1 });
    expect(projectFields('n:1,_key:0')(docs[0] ?? {})).toEqual({ n: 1 });
    expect(projectFields('nested:0,s:0')(docs[0] ?? {})).toEqual({ _key: 'a', n: 1 });
    expect(() => projectFields('n:1,s:0')).toThrow(KvQueryError);
  });

  it('applies skip and limit after sorting, with limit 0 meaning no limit and a row cap', () => {
    expect(
      runQuery(docs, { sort: '_key:-1', skip: 1, limit: 2 }, 100).map((d) => d['_key']),
    ).toEqual(['c', 'b']);
    expect(runQuery(docs, { limit: 0 }, 3)).toHaveLength(3);
  });
});
