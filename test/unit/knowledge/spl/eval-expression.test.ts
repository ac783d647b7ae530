import { compileEval, SplEvalError, type EvalOptions, type FieldValue } from './eval-expression';

const fields = (entries: Record<string, FieldValue>): Map<string, FieldValue> =>
  new Map(Object.entries(entries));
const evaluate = (
  source: string,
  entries: Record<string, FieldValue> = {},
  options?: EvalOptions,
) => compileEval(source).evaluate(fields(entries), options);

describe('eval expressions', () => {
  it('reads quoted dotted fields and bare fields, and a missing field is null', () => {
    expect(evaluate("'client.ip_address'", { 'client.ip_address': '10.0.0.1' })).toBe('10.0.0.1');
    expect(evaluate('category', { category: 'success' })).toBe('success');
    expect(evaluate('nothing')).toBeNull();
  });

  it('concatenates with . and yields null when a part is null', () => {
    expect(evaluate('"a" . b . 1', { b: 'b' })).toBe('ab1');
    expect(evaluate('"a" . missing')).toBeNull();
  });

  it('follows operator precedence: arithmetic, concatenation, comparison, NOT, AND, OR', () => {
    expect(evaluate('1 + 2 * 3')).toBe(7);
    expect(evaluate('"a" . "b" == "ab"')).toBe(true);
    expect(evaluate('NOT 1 == 2')).toBe(true);
    expect(evaluate('x == "1" OR x == "2" AND y == "3"', { x: '1', y: 'no' })).toBe(true);
    expect(evaluate('(x == "1" OR x == "2") AND y == "3"', { x: '1', y: 'no' })).toBe(false);
    expect(evaluate('-x + 1', { x: '3' })).toBe(-2);
  });

  it('compares numerically when both sides are numbers, else as case-sensitive text', () => {
    expect(evaluate('a > b', { a: '10', b: '9' })).toBe(true);
    expect(evaluate('a > b', { a: 'b10', b: 'b9' })).toBe(false);
    expect(evaluate('a == "ABC"', { a: 'abc' })).toBe(false);
    expect(evaluate('a = "abc"', { a: 'abc' })).toBe(true);
  });

  it('treats comparisons with a missing field as false for == and != alike', () => {
    expect(evaluate('missing == "x"')).toBe(false);
    expect(evaluate('missing != "x"')).toBe(false);
    expect(evaluate('if(missing != "x", "yes", "no")')).toBe('no');
  });

  it('compares multivalue fields by any value or by the first value, as asked', () => {
    const tags = { tag: ['account', 'audit', 'change'] };
    expect(evaluate('tag == "audit"', tags)).toBe(true);
    expect(evaluate('tag == "audit"', tags, { multivalueComparison: 'first' })).toBe(false);
    expect(evaluate('tag != "account"', tags)).toBe(true);
    expect(evaluate('tag != "account"', tags, { multivalueComparison: 'first' })).toBe(false);
  });

  it('evaluates if, case, coalesce, nullif and in', () => {
    expect(evaluate('if(x == "1", "one", "other")', { x: '1' })).toBe('one');
    expect(evaluate('case(x == "1", "one", x == "2", "two")', { x: '2' })).toBe('two');
    expect(evaluate('case(x == "1", "one")', { x: '3' })).toBeNull();
    expect(evaluate('case(x == "1", "one", true(), "default")', { x: '3' })).toBe('default');
    expect(evaluate('coalesce(a, b, "c")', { b: 'b' })).toBe('b');
    expect(evaluate('coalesce(a, "fallback")', { a: '' })).toBe('');
    expect(evaluate('coalesce(nullif(a, ""), "fallback")', { a: '' })).toBe('fallback');
    expect(evaluate('nullif(a, "x")', { a: 'y' })).toBe('y');
    expect(evaluate('in(x, "a", "b")', { x: 'b' })).toBe(true);
    expect(evaluate('in(x, "a", "b")')).toBe(false);
    expect(evaluate('x IN ("a", "b")', { x: 'a' })).toBe(true);
  });

  it('evaluates the string, regex and type functions', () => {
    expect(evaluate('match(x, "^(user|file)$")', { x: 'file' })).toBe(true);
    expect(evaluate('match(x, "^(user|file)$")', { x: 'files' })).toBe(false);
    expect(evaluate('match(missing, "x")')).toBeNull();
    expect(
      evaluate('replace(source, "^[^:]+://", "")', { source: 'onepassword_events://acme' }),
    ).toBe('acme');
    expect(evaluate('replace(x, "(a)(b)", "\\2\\1$")', { x: 'ab-ab' })).toBe('ba$-ba$');
    expect(evaluate('lower(x) . upper(y)', { x: 'AbC', y: 'dE' })).toBe('abcDE');
    expect(evaluate('like(x, "%\\"%")', { x: 'a"b' })).toBe(true);
    expect(evaluate('x LIKE "a_c"', { x: 'abc' })).toBe(true);
    expect(evaluate('len(x)', { x: 'Zoë' })).toBe(3);
    expect(evaluate('isnum(x)', { x: '-1.5' })).toBe(true);
    expect(evaluate('isnum(x)', { x: '1.5.1' })).toBe(false);
    expect(evaluate('isstr(x)', { x: 'a' })).toBe(true);
    expect(evaluate('tonumber(x) + 1', { x: '41' })).toBe(42);
    expect(evaluate('tostring(1) . "x"')).toBe('1x');
    expect(evaluate('substr(x, 2, 3)', { x: 'abcdef' })).toBe('bcd');
    expect(evaluate('trim(x)', { x: '  a ' })).toBe('a');
    expect(evaluate('isnull(null())')).toBe(true);
    expect(evaluate('isnotnull(x)', { x: '' })).toBe(true);
  });

  it('evaluates the multivalue functions', () => {
    expect(evaluate('mvcount(x)', { x: ['a', 'b'] })).toBe(2);
    expect(evaluate('mvindex(x, -1)', { x: ['a', 'b'] })).toBe('b');
    expect(evaluate('mvappend(a, b, missing)', { a: 'a', b: ['b', 'c'] })).toEqual(['a', 'b', 'c']);
    expect(evaluate('split(x, ",")', { x: 'a,b' })).toEqual(['a', 'b']);
  });

  it('evaluates the time and number functions against the given now, in UTC', () => {
    const now = Date.UTC(2026, 4, 2, 12, 7, 30) / 1000;
    const at = (source: string): unknown => compileEval(source).evaluate(new Map(), { now });
    expect(at('now()')).toBe(now);
    expect(at('relative_time(now(), "-15m@m")')).toBe(Date.UTC(2026, 4, 2, 11, 52) / 1000);
    expect(at('relative_time(now(), "@d")')).toBe(Date.UTC(2026, 4, 2) / 1000);
    expect(at('relative_time(now(), "-1mon@mon")')).toBe(Date.UTC(2026, 3, 1) / 1000);
    expect(at('relative_time(now(), "@w")')).toBe(Date.UTC(2026, 3, 26) / 1000);
    expect(at('strftime(now(), "%F %T %Z")')).toBe('2026-05-02 12:07:30 UTC');
    expect(at('round(2.345, 2)')).toBe(2.35);
    expect(at('round(7.5)')).toBe(8);
  });

  it('reads the pytest-splunk-addon validity dialect', () => {
    const validity = "if(action in ['success', 'failure'], action, null())";
    expect(evaluate(validity, { action: 'failure' })).toBe('failure');
    expect(evaluate(validity, { action: 'error' })).toBeNull();
    expect(
      evaluate('if(isnum(duration) and duration>0 and duration<3600, duration, null())', {
        duration: '12',
      }),
    ).toBe('12');
    expect(evaluate("if(like(action,'%\\\"%'),null(),action)", { action: 'created' })).toBe(
      'created',
    );
  });

  it('rejects what Splunk rejects or this subset does not know', () => {
    expect(() => evaluate('if(x, "a", "b")', { x: 'text' })).toThrow(SplEvalError);
    expect(() => evaluate('case(true())')).toThrow(/pairs/);
    expect(() => evaluate('sha256(_time)')).toThrow(/not supported/);
    expect(() => evaluate('strftime(0, "%j")')).toThrow(/unsupported strftime/);
    expect(() => evaluate('now()')).toThrow(/needs the search time/);
    expect(() => evaluate('relative_time(0, "-1fortnight")')).toThrow(/unsupported/);
    expect(() => compileEval('"unterminated')).toThrow(/unterminated/);
    expect(() => compileEval('a ==')).toThrow(SplEvalError);
    expect(() => compileEval('a b')).toThrow(/unexpected "b"/);
    expect(() => evaluate('"a" - 1')).toThrow(/needs numbers/);
    expect(() => evaluate('x . "y"', { x: ['1', '2'] })).toThrow(/multivalue/);
  });

  it('lists the fields an expression reads', () => {
    expect(
      [...compileEval('coalesce(\'a.b\', c, "d") . if(isnull(e), f, g)').fieldsRead].sort(),
    ).toEqual(['a.b', 'c', 'e', 'f', 'g']);
  });
});
