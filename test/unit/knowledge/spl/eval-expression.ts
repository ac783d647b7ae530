/**
 * An interpreter for the subset of Splunk's eval language the add-on's props.conf and the CIM
 * validity expressions use: literals, 'quoted.field' and bare field names, the operators
 * `. + - * / %`, comparisons, LIKE, AND/OR/XOR/NOT, and the functions listed in `functions`.
 * Semantics follow the SPL reference where it is explicit; the choices it leaves open are
 * documented on the code that makes them.
 */

/** A field's value in an event: one string, or several (a multivalue field). */
export type FieldValue = string | readonly string[];
export type Fields = ReadonlyMap<string, FieldValue>;

/** What an eval expression can produce. */
export type EvalValue = string | number | boolean | null | readonly string[];

export class SplEvalError extends Error {
  override readonly name = 'SplEvalError';
}

/**
 * How `==`/`!=` treat a multivalue field (the SPL reference does not say): `any` compares every
 * value, `first` only the first. The CIM checks run under both so their verdict cannot hinge on it.
 */
export type MultivalueComparison = 'any' | 'first';

export interface EvalOptions {
  readonly multivalueComparison?: MultivalueComparison;
  /** The search's now() in epoch seconds; now() and relative_time() fail without it. */
  readonly now?: number;
}

type Node =
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'not'; readonly operand: Node }
  | { readonly kind: 'negate'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'inList'; readonly operand: Node; readonly items: readonly Node[] };

type Token =
  | { readonly type: 'number'; readonly text: string }
  | { readonly type: 'string'; readonly text: string }
  | { readonly type: 'field'; readonly text: string }
  | { readonly type: 'word'; readonly text: string }
  | { readonly type: 'op'; readonly text: string };

const operators = [
  '==',
  '!=',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  '(',
  ')',
  ',',
  '[',
  ']',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '"' || char === "'") {
      let text = '';
      let end = index + 1;
      for (; end < source.length && source[end] !== char; end += 1) {
        // Only \" (or \') and \\ are escapes; any other backslash stays, so regexes keep \d.
        const next = source[end + 1];
        if (source[end] === '\\' && (next === char || next === '\\')) end += 1;
        text += source[end];
      }
      if (end >= source.length) throw new SplEvalError(`unterminated ${char} in: ${source}`);
      tokens.push({ type: char === '"' ? 'string' : 'field', text });
      index = end + 1;
    } else if (/[0-9]/.test(char)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(index)) as RegExpExecArray;
      tokens.push({ type: 'number', text: match[0] });
      index += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index)) as RegExpExecArray;
      tokens.push({ type: 'word', text: match[0] });
      index += match[0].length;
    } else {
      const op = operators.find((candidate) => source.startsWith(candidate, index));
      if (!op) throw new SplEvalError(`unexpected "${char}" in: ${source}`);
      tokens.push({ type: 'op', text: op });
      index += op.length;
    }
  }
  return tokens;
}

/** Precedence climbing over the SPL operator table (lowest first). */
class Parser {
  private position = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.position < this.tokens.length) this.fail(`unexpected "${this.peek()?.text}"`);
    return node;
  }

  private fail(message: string): never {
    throw new SplEvalError(`${message} in: ${this.source}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.text.toUpperCase() === word;
  }

  private isOp(op: string): boolean {
    const token = this.peek();
    return token?.type === 'op' && token.text === op;
  }

  private expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(`expected "${op}"`);
    this.position += 1;
  }

  private or(): Node {
    let left = this.xor();
    while (this.isKeyword('OR')) {
      this.position += 1;
      left = { kind: 'binary', op: 'OR', left, right: this.xor() };
    }
    return left;
  }

  private xor(): Node {
    let left = this.and();
    while (this.isKeyword('XOR')) {
      this.position += 1;
      left = { kind: 'binary', op: 'XOR', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.isKeyword('AND')) {
      this.position += 1;
      left = { kind: 'binary', op: 'AND', left, right: this.not() };
    }
    return left;
  }

  private not(): Node {
    if (this.isKeyword('NOT')) {
      this.position += 1;
      return { kind: 'not', operand: this.not() };
    }
    return this.equality();
  }

  private equality(): Node {
    let left = this.relational();
    for (;;) {
      const token = this.peek();
      if (token?.type === 'op' && ['==', '=', '!='].includes(token.text)) {
        this.position += 1;
        left = {
          kind: 'binary',
          op: token.text === '=' ? '==' : token.text,
          left,
          right: this.relational(),
        };
      } else if (this.isKeyword('LIKE')) {
        this.position += 1;
        left = { kind: 'binary', op: 'LIKE', left, right: this.relational() };
      } else if (
        this.isKeyword('IN') &&
        ['(', '['].includes(this.tokens[this.position + 1]?.text ?? '')
      ) {
        // `x IN ("a", "b")` is SPL; `x in ['a', 'b']` is the dialect of pytest-splunk-addon's
        // validity expressions. Both test membership.
        const close = this.tokens[this.position + 1]?.text === '(' ? ')' : ']';
        this.position += 2;
        const items: Node[] = [];
        while (!this.isOp(close)) {
          const quoted = this.peek();
          if (close === ']' && quoted?.type === 'field') {
            // Inside the bracket dialect 'x' is Python's string literal, not a field name.
            this.position += 1;
            items.push({ kind: 'literal', value: quoted.text });
          } else {
            items.push(this.or());
          }
          if (this.isOp(',')) this.position += 1;
          else if (!this.isOp(close)) this.fail(`expected "," or "${close}"`);
        }
        this.position += 1;
        left = { kind: 'inList', operand: left, items };
      } else {
        return left;
      }
    }
  }

  private relational(): Node {
    let left = this.additive();
    for (;;) {
      const token = this.peek();
      if (token?.type !== 'op' || !['<', '>', '<=', '>='].includes(token.text)) return left;
      this.position += 1;
      left = { kind: 'binary', op: token.text, left, right: this.additive() };
    }
  }

  private additive(): Node {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token?.type !== 'op' || !['+', '-', '.'].includes(token.text)) return left;
      this.position += 1;
      left = { kind: 'binary', op: token.text, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Node {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token?.type !== 'op' || !['*', '/', '%'].includes(token.text)) return left;
      this.position += 1;
      left = { kind: 'binary', op: token.text, left, right: this.unary() };
    }
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.position += 1;
      return { kind: 'negate', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.peek();
    if (!token) this.fail('unexpected end');
    this.position += 1;
    switch (token.type) {
      case 'number':
        return { kind: 'literal', value: Number(token.text) };
      case 'string':
        return { kind: 'literal', value: token.text };
      case 'field':
        return { kind: 'field', name: token.text };
      case 'word': {
        if (this.isOp('(')) {
          this.position += 1;
          const args: Node[] = [];
          while (!this.isOp(')')) {
            args.push(this.or());
            if (this.isOp(',')) this.position += 1;
            else if (!this.isOp(')')) this.fail('expected "," or ")"');
          }
          this.position += 1;
          return { kind: 'call', name: token.text.toLowerCase(), args };
        }
        return { kind: 'field', name: token.text };
      }
      case 'op':
        if (token.text === '(') {
          const inner = this.or();
          this.expectOp(')');
          return inner;
        }
        return this.fail(`unexpected "${token.text}"`);
    }
  }
}

/** A parsed eval expression, ready to evaluate against any number of events. */
export interface CompiledEval {
  readonly source: string;
  evaluate(fields: Fields, options?: EvalOptions): EvalValue;
  /** Field names the expression reads. */
  readonly fieldsRead: ReadonlySet<string>;
}

export function compileEval(source: string): CompiledEval {
  const ast = new Parser(tokenize(source), source).parse();
  const fieldsRead = new Set<string>();
  const collect = (node: Node): void => {
    if (node.kind === 'field') fieldsRead.add(node.name);
    else if (node.kind === 'call') node.args.forEach(collect);
    else if (node.kind === 'not' || node.kind === 'negate') collect(node.operand);
    else if (node.kind === 'binary') {
      collect(node.left);
      collect(node.right);
    } else if (node.kind === 'inList') {
      collect(node.operand);
      node.items.forEach(collect);
    }
  };
  collect(ast);
  return {
    source,
    fieldsRead,
    evaluate: (fields, options = {}) =>
      new Interpreter(fields, options.multivalueComparison ?? 'any', source, options.now).run(ast),
  };
}

function isNumeric(value: EvalValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value);
}

function toText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/** SQL LIKE: % any run, _ one character, everything else literal. */
function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) =>
      char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/** PCRE as Splunk takes it, for the constructs the add-on uses; a leading (?i) becomes the i flag. */
export function pcreToRegExp(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'i' : '');
}

class Interpreter {
  constructor(
    private readonly fields: Fields,
    private readonly mvComparison: MultivalueComparison,
    private readonly source: string,
    private readonly now: number | undefined,
  ) {}

  private fail(message: string): never {
    throw new SplEvalError(`${message} in: ${this.source}`);
  }

  private number(node: Node, name: string): number | null {
    const value = this.scalar(this.run(node), `${name}()`);
    if (value === null) return null;
    if (!isNumeric(value)) this.fail(`${name}() needs a number, got ${JSON.stringify(value)}`);
    return Number(value);
  }

  run(node: Node): EvalValue {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'field': {
        const value = this.fields.get(node.name);
        if (value === undefined) return null;
        if (typeof value !== 'string' && value.length === 1) return value[0] ?? null;
        return value;
      }
      case 'not': {
        const value = this.condition(node.operand);
        return !value;
      }
      case 'negate': {
        const value = this.run(node.operand);
        if (value === null) return null;
        if (!isNumeric(value)) this.fail('unary minus needs a number');
        return -Number(value);
      }
      case 'inList': {
        const value = this.run(node.operand);
        return node.items.some((item) => this.equals(value, this.run(item)));
      }
      case 'binary':
        return this.binary(node.op, node.left, node.right);
      case 'call':
        return this.call(node.name, node.args);
    }
  }

  /**
   * A boolean context. Splunk rejects non-boolean conditions; a null (a comparison on a missing
   * field returns false here, but functions such as match(null, …) can be null) counts as false.
   */
  private condition(node: Node): boolean {
    const value = this.run(node);
    if (value === null) return false;
    if (typeof value !== 'boolean')
      this.fail(`condition is not boolean (${JSON.stringify(value)})`);
    return value;
  }

  private scalar(value: EvalValue, what: string): string | number | boolean | null {
    if (value !== null && typeof value === 'object')
      this.fail(`${what} does not take a multivalue field`);
    return value;
  }

  /** Splunk compares numerically when both sides look like numbers, else as case-sensitive text. */
  private compareScalars(
    left: string | number | boolean,
    right: string | number | boolean,
  ): number {
    if (isNumeric(left) && isNumeric(right)) return Number(left) - Number(right);
    const a = toText(left);
    const b = toText(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  private equals(left: EvalValue, right: EvalValue): boolean {
    // A comparison with a missing field is false, whichever operator.
    if (left === null || right === null) return false;
    const values = typeof left === 'object' ? this.mvValues(left) : [left];
    const rightScalar = this.scalar(right, 'a comparison');
    if (rightScalar === null) return false;
    return values.some((value) => this.compareScalars(value, rightScalar) === 0);
  }

  private mvValues(values: readonly string[]): readonly string[] {
    return this.mvComparison === 'first' ? values.slice(0, 1) : values;
  }

  private binary(op: string, leftNode: Node, rightNode: Node): EvalValue {
    if (op === 'AND') return this.condition(leftNode) && this.condition(rightNode);
    if (op === 'OR') return this.condition(leftNode) || this.condition(rightNode);
    if (op === 'XOR') return this.condition(leftNode) !== this.condition(rightNode);
    const left = this.run(leftNode);
    const right = this.run(rightNode);
    switch (op) {
      case '==':
        return this.equals(left, right);
      case '!=': {
        if (left === null || right === null) return false;
        const rightScalar = this.scalar(right, 'a comparison');
        const values = typeof left === 'object' ? this.mvValues(left) : [left];
        return values.some(
          (value) => rightScalar !== null && this.compareScalars(value, rightScalar) !== 0,
        );
      }
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const a = this.scalar(left, 'a comparison');
        const b = this.scalar(right, 'a comparison');
        if (a === null || b === null) return false;
        const order = this.compareScalars(a, b);
        return op === '<'
          ? order < 0
          : op === '>'
            ? order > 0
            : op === '<='
              ? order <= 0
              : order >= 0;
      }
      case 'LIKE': {
        const a = this.scalar(left, 'LIKE');
        const b = this.scalar(right, 'LIKE');
        if (a === null || b === null) return false;
        return likeToRegExp(toText(b)).test(toText(a));
      }
      case '.': {
        const a = this.scalar(left, 'the . operator');
        const b = this.scalar(right, 'the . operator');
        // Concatenating with null yields null: that is why the props wrap optional parts in if().
        if (a === null || b === null) return null;
        return toText(a) + toText(b);
      }
      case '+': {
        const a = this.scalar(left, '+');
        const b = this.scalar(right, '+');
        if (a === null || b === null) return null;
        if (isNumeric(a) && isNumeric(b)) return Number(a) + Number(b);
        return toText(a) + toText(b);
      }
      default: {
        const a = this.scalar(left, op);
        const b = this.scalar(right, op);
        if (a === null || b === null) return null;
        if (!isNumeric(a) || !isNumeric(b)) this.fail(`${op} needs numbers`);
        const x = Number(a);
        const y = Number(b);
        return op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
      }
    }
  }

  private arity(name: string, args: readonly Node[], min: number, max = min): void {
    if (args.length < min || args.length > max)
      this.fail(`${name}() takes ${min}..${max} arguments`);
  }

  private text(node: Node, name: string): string | null {
    const value = this.scalar(this.run(node), `${name}()`);
    return value === null ? null : toText(value);
  }

  private call(name: string, args: readonly Node[]): EvalValue {
    switch (name) {
      case 'if':
        this.arity(name, args, 3);
        return this.condition(args[0] as Node)
          ? this.run(args[1] as Node)
          : this.run(args[2] as Node);
      case 'case': {
        if (args.length === 0 || args.length % 2 !== 0)
          this.fail('case() takes condition/value pairs');
        for (let index = 0; index < args.length; index += 2) {
          if (this.condition(args[index] as Node)) return this.run(args[index + 1] as Node);
        }
        return null;
      }
      case 'coalesce':
        for (const arg of args) {
          const value = this.run(arg);
          if (value !== null) return value;
        }
        return null;
      case 'nullif': {
        this.arity(name, args, 2);
        const value = this.run(args[0] as Node);
        return this.equals(value, this.run(args[1] as Node)) ? null : value;
      }
      case 'in': {
        if (args.length < 2) this.fail('in() takes a field and at least one value');
        const value = this.run(args[0] as Node);
        return args.slice(1).some((arg) => this.equals(value, this.run(arg)));
      }
      case 'isnull':
        this.arity(name, args, 1);
        return this.run(args[0] as Node) === null;
      case 'isnotnull':
        this.arity(name, args, 1);
        return this.run(args[0] as Node) !== null;
      case 'isnum': {
        this.arity(name, args, 1);
        const value = this.run(args[0] as Node);
        return (
          value !== null &&
          typeof value !== 'object' &&
          typeof value !== 'boolean' &&
          isNumeric(value)
        );
      }
      case 'isstr': {
        this.arity(name, args, 1);
        const value = this.run(args[0] as Node);
        return typeof value === 'string' && !isNumeric(value);
      }
      case 'len': {
        this.arity(name, args, 1);
        const value = this.text(args[0] as Node, name);
        return value === null ? null : [...value].length;
      }
      case 'lower':
      case 'upper': {
        this.arity(name, args, 1);
        const value = this.text(args[0] as Node, name);
        if (value === null) return null;
        return name === 'lower' ? value.toLowerCase() : value.toUpperCase();
      }
      case 'trim': {
        this.arity(name, args, 1);
        return this.text(args[0] as Node, name)?.trim() ?? null;
      }
      case 'match': {
        this.arity(name, args, 2);
        const value = this.text(args[0] as Node, name);
        const pattern = this.text(args[1] as Node, name);
        if (value === null || pattern === null) return null;
        return pcreToRegExp(pattern).test(value);
      }
      case 'like': {
        this.arity(name, args, 2);
        const value = this.text(args[0] as Node, name);
        const pattern = this.text(args[1] as Node, name);
        if (value === null || pattern === null) return null;
        return likeToRegExp(pattern).test(value);
      }
      case 'replace': {
        this.arity(name, args, 3);
        const value = this.text(args[0] as Node, name);
        const pattern = this.text(args[1] as Node, name);
        const replacement = this.text(args[2] as Node, name);
        if (value === null || pattern === null || replacement === null) return null;
        const regexp = pcreToRegExp(pattern);
        // PCRE back-references \1 are $1 in JavaScript; a literal $ must not be read as one.
        const jsReplacement = replacement.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
        return value.replace(new RegExp(regexp.source, `${regexp.flags}g`), jsReplacement);
      }
      case 'substr': {
        this.arity(name, args, 2, 3);
        const value = this.text(args[0] as Node, name);
        const start = this.run(args[1] as Node);
        if (value === null || start === null) return null;
        // SPL counts from 1; a negative start counts from the end.
        const from = Number(start) > 0 ? Number(start) - 1 : value.length + Number(start);
        const length = args[2] ? Number(this.run(args[2])) : undefined;
        return value.substr(Math.max(0, from), length);
      }
      case 'tostring': {
        this.arity(name, args, 1);
        const value = this.scalar(this.run(args[0] as Node), 'tostring()');
        return value === null ? null : toText(value);
      }
      case 'tonumber': {
        this.arity(name, args, 1);
        const value = this.scalar(this.run(args[0] as Node), 'tonumber()');
        return value !== null && typeof value !== 'boolean' && isNumeric(value)
          ? Number(value)
          : null;
      }
      case 'null':
        this.arity(name, args, 0);
        return null;
      case 'true':
        this.arity(name, args, 0);
        return true;
      case 'false':
        this.arity(name, args, 0);
        return false;
      case 'mvcount': {
        this.arity(name, args, 1);
        const value = this.run(args[0] as Node);
        if (value === null) return null;
        return typeof value === 'object' ? value.length : 1;
      }
      case 'mvindex': {
        this.arity(name, args, 2);
        const value = this.run(args[0] as Node);
        const position = Number(this.run(args[1] as Node));
        if (value === null) return null;
        const values =
          typeof value === 'object' ? value : [toText(value as string | number | boolean)];
        const picked = values[position < 0 ? values.length + position : position];
        return picked ?? null;
      }
      case 'mvappend': {
        const values: string[] = [];
        for (const arg of args) {
          const value = this.run(arg);
          if (value === null) continue;
          if (typeof value === 'object') values.push(...value);
          else values.push(toText(value));
        }
        return values.length === 0 ? null : values.length === 1 ? (values[0] as string) : values;
      }
      case 'split': {
        this.arity(name, args, 2);
        const value = this.text(args[0] as Node, name);
        const separator = this.text(args[1] as Node, name);
        if (value === null || separator === null) return null;
        const parts = value.split(separator);
        return parts.length === 1 ? (parts[0] as string) : parts;
      }
      case 'now':
        this.arity(name, args, 0);
        if (this.now === undefined) this.fail('now() needs the search time (EvalOptions.now)');
        return this.now;
      case 'relative_time': {
        this.arity(name, args, 2);
        const time = this.number(args[0] as Node, name);
        const modifier = this.text(args[1] as Node, name);
        if (time === null || modifier === null) return null;
        return relativeTime(time, modifier);
      }
      case 'strftime': {
        this.arity(name, args, 2);
        const time = this.number(args[0] as Node, name);
        const format = this.text(args[1] as Node, name);
        if (time === null || format === null) return null;
        return strftime(time, format);
      }
      case 'round': {
        this.arity(name, args, 1, 2);
        const value = this.number(args[0] as Node, name);
        const digits = args[1] ? (this.number(args[1], name) ?? 0) : 0;
        if (value === null) return null;
        return Math.round(value * 10 ** digits) / 10 ** digits;
      }
      case 'floor':
      case 'abs': {
        this.arity(name, args, 1);
        const value = this.number(args[0] as Node, name);
        if (value === null) return null;
        return name === 'floor' ? Math.floor(value) : Math.abs(value);
      }
      case 'mvjoin': {
        this.arity(name, args, 2);
        const value = this.run(args[0] as Node);
        const separator = this.text(args[1] as Node, name);
        if (value === null || separator === null) return null;
        return typeof value === 'object' ? value.join(separator) : toText(value as string);
      }
      default:
        return this.fail(`function ${name}() is not supported`);
    }
  }
}

const unitSeconds: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const unitNames: Readonly<Record<string, string>> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  week: 'w',
  weeks: 'w',
  mon: 'mon',
  month: 'mon',
  months: 'mon',
};

/** Snaps epoch seconds down to the start of a UTC unit (the tests run in UTC). */
function snap(time: number, unit: string): number {
  const date = new Date(time * 1000);
  if (unit === 'mon') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
  if (unit === 'w') {
    const day = Math.floor(time / 86400) * 86400;
    return day - date.getUTCDay() * 86400;
  }
  const size = unitSeconds[unit] as number;
  return Math.floor(time / size) * size;
}

/**
 * Splunk's relative time modifiers as relative_time() and earliest/latest take them:
 * `now`, `[+-]<n><unit>` and an optional `@<unit>` snap, in UTC. Anything else fails loudly.
 */
export function relativeTime(now: number, modifier: string): number {
  const text = modifier.trim();
  if (text === 'now' || text === '') return now;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = /^(?:([+-])(\d*)([a-z]+))?(?:@([a-z]+))?$/.exec(text);
  if (!match || (match[1] === undefined && match[4] === undefined)) {
    throw new SplEvalError(`unsupported time modifier "${modifier}"`);
  }
  let time = now;
  if (match[1] !== undefined) {
    const unit = unitNames[match[3] as string];
    if (!unit) throw new SplEvalError(`unsupported time unit in "${modifier}"`);
    const count = Number(match[2] || '1') * (match[1] === '-' ? -1 : 1);
    if (unit === 'mon') {
      const date = new Date(time * 1000);
      date.setUTCMonth(date.getUTCMonth() + count);
      time = date.getTime() / 1000;
    } else time += count * (unitSeconds[unit] as number);
  }
  if (match[4] !== undefined) {
    const unit = unitNames[match[4]];
    if (!unit) throw new SplEvalError(`unsupported snap unit in "${modifier}"`);
    time = snap(time, unit);
  }
  return time;
}

/** strftime for the conversions the add-on's searches use, in UTC. */
export function strftime(time: number, format: string): string {
  const date = new Date(Math.floor(time) * 1000);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const parts: Readonly<Record<string, string>> = {
    Y: String(date.getUTCFullYear()),
    m: pad(date.getUTCMonth() + 1),
    d: pad(date.getUTCDate()),
    H: pad(date.getUTCHours()),
    M: pad(date.getUTCMinutes()),
    S: pad(date.getUTCSeconds()),
    Z: 'UTC',
    z: '+0000',
    '%': '%',
  };
  return format
    .replace(/%F/g, '%Y-%m-%d')
    .replace(/%T/g, '%H:%M:%S')
    .replace(/%(.)/g, (whole, code: string) => {
      const value = parts[code];
      if (value === undefined) throw new SplEvalError(`unsupported strftime code ${whole}`);
      return value;
    });
}
