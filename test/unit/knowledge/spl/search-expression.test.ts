import type { FieldValue } from './eval-expression';
import { compileSearch, SplSearchError } from './search-expression';

const matches = (search: string, entries: Record<string, FieldValue>): boolean =>
  compileSearch(search).matches(new Map(Object.entries(entries)));

describe('search expressions', () => {
  it('matches field=value without regard to case, quoted or not', () => {
    const event = { sourcetype: '1password:insights:audit_events', object_type: 'user' };
    expect(matches('sourcetype="1password:insights:audit_events"', event)).toBe(true);
    expect(matches('sourcetype=1Password:Insights:Audit_Events', event)).toBe(true);
    expect(matches('sourcetype="1password:insights:item_usages"', event)).toBe(false);
  });

  it('expands * wildcards and keeps other characters literal', () => {
    expect(matches('user=*$', { user: 'build-agent$' })).toBe(true);
    expect(matches('user=*$', { user: 'alice@example.com' })).toBe(false);
    expect(matches('user=a.c', { user: 'abc' })).toBe(false);
    expect(
      matches('sourcetype="1password:insights:*"', {
        sourcetype: '1password:insights:item_usages',
      }),
    ).toBe(true);
  });

  it('evaluates the Authentication constraint with NOT and implicit AND', () => {
    const constraint = 'tag=authentication NOT (action=success user=*$)';
    expect(matches(constraint, { tag: ['authentication'], action: 'success', user: 'a@b.c' })).toBe(
      true,
    );
    expect(matches(constraint, { tag: ['authentication'], action: 'success', user: 'host$' })).toBe(
      false,
    );
    expect(matches(constraint, { tag: ['authentication'], action: 'failure', user: 'host$' })).toBe(
      true,
    );
    expect(matches(constraint, { tag: ['change'], action: 'failure', user: 'a' })).toBe(false);
  });

  it('binds AND tighter than OR and honours parentheses', () => {
    expect(matches('a=1 OR b=1 c=1', { a: '1' })).toBe(true);
    expect(matches('(a=1 OR b=1) c=1', { a: '1' })).toBe(false);
    expect(matches('a=1 AND (b=1 OR c=1)', { a: '1', c: '1' })).toBe(true);
  });

  it('matches IN lists and multivalue fields by any value', () => {
    expect(matches('object_type IN ("gm", "user")', { object_type: 'user' })).toBe(true);
    expect(matches('object_type IN (gm, user)', { object_type: 'vault' })).toBe(false);
    expect(matches('tag=account', { tag: ['account', 'audit', 'change'] })).toBe(true);
  });

  it('tells field=* (exists), field!=value (exists, differs) and NOT field=value apart', () => {
    expect(matches('src_user=*', { src_user: 'a' })).toBe(true);
    expect(matches('src_user=*', { src_user: '' })).toBe(false);
    expect(matches('src_user=*', {})).toBe(false);
    expect(matches('status!=failure', {})).toBe(false);
    expect(matches('NOT status=failure', {})).toBe(true);
    expect(matches('status!=failure', { status: 'success' })).toBe(true);
  });

  it('compares numbers numerically', () => {
    expect(matches('lag>100', { lag: '1000' })).toBe(true);
    expect(matches('lag<=100', { lag: '99.5' })).toBe(true);
  });

  it('matches bare terms against _raw; lower-case or is a term, not an operator', () => {
    expect(
      matches('"message from" onepassword_events', {
        _raw: 'INFO message from x/onepassword_events',
      }),
    ).toBe(true);
    expect(matches('alpha or beta', { _raw: 'alpha beta' })).toBe(false);
    expect(matches('alpha or beta', { _raw: 'alpha or beta' })).toBe(true);
  });

  it('matches everything with an empty search and rejects broken ones', () => {
    expect(matches('', {})).toBe(true);
    expect(() => compileSearch('(a=1')).toThrow(SplSearchError);
    expect(() => compileSearch('a="x')).toThrow(/unterminated/);
  });

  it('lists the fields it compares', () => {
    expect(
      [
        ...compileSearch('tag=change NOT (object_category=file OR x IN (a)) "term"').fieldsCompared,
      ].sort(),
    ).toEqual(['object_category', 'tag', 'x']);
  });
});
