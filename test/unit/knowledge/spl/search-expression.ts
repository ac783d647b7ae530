/**
 * A matcher for the subset of Splunk's search language used by eventtype searches, CIM dataset
 * constraints and CIM field conditions: `field=value` (with * wildcards), `field!=value`,
 * `field<value` and friends, `field IN (a, b)`, bare terms, NOT, OR, AND (also implicit) and
 * parentheses. Field values match case-insensitively and a multivalue field matches when any of
 * its values does, as in Splunk search.
 */
import type { Fields, FieldValue } from './eval-expression';

export class SplSearchError extends Error {
  override readonly name = 'SplSearchError';
}

type SearchNode =
  | { readonly kind: 'and' | 'or'; readonly left: SearchNode; readonly right: SearchNode }
  | { readonly kind: 'not'; readonly operand: SearchNode }
  | {
      readonly kind: 'compare';
      readonly field: string;
      readonly op: string;
      readonly value: string;
    }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly string[] }
  | { readonly kind: 'term'; readonly value: string }
  | { readonly kind: 'all' };

type Token = { readonly type: 'word' | '(' | ')' | ','; readonly text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ type: char, text: char });
      index += 1;
    } else {
      // A word runs to whitespace or a bracket/comma outside quotes; quotes may sit inside it
      // (sourcetype="a:b"), and a quoted part may hold spaces.
      let text = '';
      while (index < source.length) {
        const current = source[index] ?? '';
        if (current === '"') {
          const end = closingQuote(source, index);
          text += source.slice(index, end + 1);
          index = end + 1;
        } else if (/\s/.test(current) || current === '(' || current === ')' || current === ',') {
          break;
        } else {
          text += current;
          index += 1;
        }
      }
      tokens.push({ type: 'word', text });
    }
  }
  return tokens;
}

function closingQuote(source: string, start: number): number {
  for (let index = start + 1; index < source.length; index += 1) {
    if (source[index] === '\\') index += 1;
    else if (source[index] === '"') return index;
  }
  throw new SplSearchError(`unterminated quote in: ${source}`);
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return text;
}

const comparison = /^([A-Za-z_][A-Za-z0-9_.{}:]*)(!=|<=|>=|=|<|>)(.*)$/s;

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): SearchNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.or();
    if (this.position < this.tokens.length)
      this.fail(`unexpected "${this.tokens[this.position]?.text}"`);
    return node;
  }

  private fail(message: string): never {
    throw new SplSearchError(`${message} in: ${this.source}`);
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];
    // Search operators are case-sensitive: lower-case "or" is a term.
    return token?.type === 'word' && token.text === word;
  }

  private or(): SearchNode {
    let left = this.and();
    while (this.peekWord('OR')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): SearchNode {
    let left = this.not();
    for (;;) {
      if (this.peekWord('AND')) {
        this.position += 1;
      } else {
        const token = this.tokens[this.position];
        if (!token || token.type === ')' || this.peekWord('OR')) return left;
      }
      left = { kind: 'and', left, right: this.not() };
    }
  }

  private not(): SearchNode {
    if (this.peekWord('NOT')) {
      this.position += 1;
      return { kind: 'not', operand: this.not() };
    }
    return this.primary();
  }

  private primary(): SearchNode {
    const token = this.tokens[this.position];
    if (!token) return this.fail('unexpected end');
    this.position += 1;
    if (token.type === '(') {
      const inner = this.or();
      if (this.tokens[this.position]?.type !== ')') this.fail('expected ")"');
      this.position += 1;
      return inner;
    }
    if (token.type !== 'word') return this.fail(`unexpected "${token.text}"`);
    if (this.peekWord('IN') && this.tokens[this.position + 1]?.type === '(') {
      this.position += 2;
      const values: string[] = [];
      while (this.tokens[this.position]?.type !== ')') {
        const item = this.tokens[this.position];
        if (!item || item.type !== 'word') this.fail('expected a value in IN (...)');
        values.push(unquote(item.text));
        this.position += 1;
        if (this.tokens[this.position]?.type === ',') this.position += 1;
      }
      this.position += 1;
      return { kind: 'in', field: token.text, values };
    }
    const match = comparison.exec(token.text);
    if (match && !token.text.startsWith('"')) {
      return {
        kind: 'compare',
        field: match[1] as string,
        op: match[2] as string,
        value: unquote(match[3] as string),
      };
    }
    return { kind: 'term', value: unquote(token.text) };
  }
}

function wildcard(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '.*' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

function values(value: FieldValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function isNumber(text: string): boolean {
  return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim());
}

function compare(op: string, actual: string, expected: string): boolean {
  if (op === '=' || op === '!=') {
    const equal =
      isNumber(actual) && isNumber(expected)
        ? Number(actual) === Number(expected)
        : wildcard(expected).test(actual);
    return op === '=' ? equal : !equal;
  }
  const order =
    isNumber(actual) && isNumber(expected)
      ? Number(actual) - Number(expected)
      : actual.localeCompare(expected);
  return op === '<' ? order < 0 : op === '>' ? order > 0 : op === '<=' ? order <= 0 : order >= 0;
}

function matches(node: SearchNode, fields: Fields): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return matches(node.left, fields) && matches(node.right, fields);
    case 'or':
      return matches(node.left, fields) || matches(node.right, fields);
    case 'not':
      return !matches(node.operand, fields);
    case 'in':
      return values(fields.get(node.field)).some((actual) =>
        node.values.some((expected) => compare('=', actual, expected)),
      );
    case 'compare': {
      const actual = values(fields.get(node.field));
      if (node.op === '=' && node.value === '*') return actual.some((value) => value !== '');
      // field!=value needs the field to exist (unlike NOT field=value) and no value to match.
      if (node.op === '!=')
        return actual.length > 0 && actual.every((value) => compare('!=', value, node.value));
      return actual.some((value) => compare(node.op, value, node.value));
    }
    case 'term': {
      const raw = values(fields.get('_raw')).join('\n');
      const pattern = wildcard(`*${node.value}*`);
      return pattern.test(raw);
    }
  }
}

/** A parsed search, ready to test events. */
export interface CompiledSearch {
  readonly source: string;
  matches(fields: Fields): boolean;
  /** Field names the search compares (not bare terms). */
  readonly fieldsCompared: ReadonlySet<string>;
}

export function compileSearch(source: string): CompiledSearch {
  const ast = new Parser(tokenize(source), source).parse();
  const fieldsCompared = new Set<string>();
  const collect = (node: SearchNode): void => {
    if (node.kind === 'and' || node.kind === 'or') {
      collect(node.left);
      collect(node.right);
    } else if (node.kind === 'not') collect(node.operand);
    else if (node.kind === 'compare' || node.kind === 'in') fieldsCompared.add(node.field);
  };
  collect(ast);
  return { source, fieldsCompared, matches: (fields) => matches(ast, fields) };
}
