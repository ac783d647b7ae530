/**
 * Runs a whole search — base search plus piped commands — over search-time events and lookup
 * rows, so the detections are tested as the text Splunk will run, not as a re-implementation.
 * Only the commands and options below are known; anything else throws `SplPipelineError`, so a
 * detection that starts using new SPL fails its test until the evaluator learns it.
 *
 * Conventions (documented in Splunk's Search Reference): stats drops events that lack a BY
 * field and sorts its groups by the BY fields; values() is sorted and distinct; eval runs its
 * assignments left to right; lookup OUTPUT clears the output fields of events without a match.
 * Times are epoch seconds in UTC; `now` is fixed by the caller, never the wall clock.
 */
import {
  compileEval,
  relativeTime,
  strftime,
  type EvalValue,
  type FieldValue,
} from './eval-expression';
import { compileSearch } from './search-expression';

export class SplPipelineError extends Error {
  override readonly name = 'SplPipelineError';
}

export type Row = Map<string, FieldValue>;

export interface LookupRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly caseSensitive: boolean;
}

export interface PipelineInput {
  /** Events after search-time processing, each with `_time` and `_indextime` (epoch seconds). */
  readonly events: readonly ReadonlyMap<string, FieldValue>[];
  /** Lookup definitions by name (CSV files and KV store collections alike). */
  readonly lookups: ReadonlyMap<string, LookupRows>;
  /** The search's now() and the anchor of every relative time. */
  readonly now: number;
  /** dispatch.earliest_time / dispatch.latest_time of the saved search. */
  readonly earliest: string;
  readonly latest: string;
}

/** Splits at top-level pipes; a subsearch (`[`) is not supported and fails loudly. */
export function splitCommands(search: string): string[] {
  const commands: string[] = [];
  let start = 0;
  for (let index = 0; index < search.length; index += 1) {
    const char = search[index];
    if (char === '"') {
      index = closingQuote(search, index);
    } else if (char === '[') {
      throw new SplPipelineError(`subsearches are not supported: ${search}`);
    } else if (char === '|') {
      commands.push(search.slice(start, index).trim());
      start = index + 1;
    }
  }
  commands.push(search.slice(start).trim());
  return commands;
}

function closingQuote(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index;
  }
  throw new SplPipelineError(`unterminated quote in: ${text}`);
}

/** Splits at top-level commas (outside quotes and parentheses). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const quote = char;
      for (index += 1; index < text.length && text[index] !== quote; index += 1) {
        if (text[index] === '\\') index += 1;
      }
    } else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index).trim());
      start = index + separator.length;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== '');
}

function toFieldValue(value: EvalValue, where: string): FieldValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean')
    throw new SplPipelineError(`a boolean cannot be a field value: ${where}`);
  if (typeof value === 'number') return formatNumber(value);
  return value;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}

function valuesOf(value: FieldValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function isNumber(text: string): boolean {
  return /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(text);
}

function compareText(a: string, b: string): number {
  if (isNumber(a) && isNumber(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function setField(row: Row, name: string, value: FieldValue | undefined): void {
  if (value === undefined || (typeof value !== 'string' && value.length === 0)) row.delete(name);
  else
    row.set(name, typeof value !== 'string' && value.length === 1 ? (value[0] as string) : value);
}

// ---- time modifiers of the base search ----

const timeModifier = /(?:^|\s)(_index_earliest|_index_latest|earliest|latest)=("[^"]*"|\S+)/g;

interface Window {
  readonly earliest: number | undefined;
  readonly latest: number | undefined;
  readonly indexEarliest: number | undefined;
  readonly indexLatest: number | undefined;
}

function baseWindow(text: string, input: PipelineInput): { rest: string; window: Window } {
  const found = new Map<string, string>();
  const rest = text.replace(timeModifier, (_whole, name: string, value: string) => {
    found.set(name, value.replace(/^"(.*)"$/, '$1'));
    return ' ';
  });
  const at = (value: string | undefined): number | undefined =>
    value === undefined ? undefined : relativeTime(input.now, value);
  return {
    rest,
    window: {
      earliest: at(found.get('earliest') ?? input.earliest),
      latest: at(found.get('latest') ?? input.latest),
      indexEarliest: at(found.get('_index_earliest')),
      indexLatest: at(found.get('_index_latest')),
    },
  };
}

function inWindow(event: ReadonlyMap<string, FieldValue>, window: Window): boolean {
  const time = Number(event.get('_time'));
  const indexTime = Number(event.get('_indextime'));
  if (!Number.isFinite(time) || !Number.isFinite(indexTime))
    throw new SplPipelineError('every event needs _time and _indextime');
  return (
    (window.earliest === undefined || time >= window.earliest) &&
    (window.latest === undefined || time < window.latest) &&
    (window.indexEarliest === undefined || indexTime >= window.indexEarliest) &&
    (window.indexLatest === undefined || indexTime < window.indexLatest)
  );
}

// ---- stats ----

interface Aggregation {
  readonly fn: string;
  readonly field: string | undefined;
  readonly evalSource: string | undefined;
  readonly as: string;
}

const statsFunctions = new Set([
  'count',
  'dc',
  'values',
  'min',
  'max',
  'sum',
  'latest',
  'earliest',
]);

function parseStats(args: string, command: string): { aggs: Aggregation[]; by: string[] } {
  const byMatch = /\s+BY\s+(.+)$/i.exec(args);
  const by = byMatch ? (byMatch[1] as string).split(/[\s,]+/).filter(Boolean) : [];
  const aggText = byMatch ? args.slice(0, byMatch.index) : args;
  const aggs: Aggregation[] = [];
  let rest = aggText.trim();
  while (rest !== '') {
    const head = /^([a-z_]+)\s*(\()?/i.exec(rest);
    if (!head) throw new SplPipelineError(`cannot read ${command} arguments: ${args}`);
    const fn = (head[1] as string).toLowerCase();
    if (!statsFunctions.has(fn))
      throw new SplPipelineError(`${command} function ${fn}() is not supported: ${args}`);
    let inner: string | undefined;
    let position = head[0].length;
    if (head[2]) {
      let depth = 1;
      for (; position < rest.length && depth > 0; position += 1) {
        const char = rest[position];
        if (char === '"') position = closingQuote(rest, position);
        else if (char === '(') depth += 1;
        else if (char === ')') depth -= 1;
      }
      inner = rest.slice(head[0].length, position - 1).trim();
    }
    rest = rest.slice(position).trim();
    const as = /^AS\s+([A-Za-z_][A-Za-z0-9_]*)\s*,?\s*/i.exec(rest);
    let name = fn === 'count' && inner === undefined ? 'count' : `${fn}(${inner ?? ''})`;
    if (as) {
      name = as[1] as string;
      rest = rest.slice(as[0].length).trim();
    } else rest = rest.replace(/^,\s*/, '');
    const evalMatch = inner === undefined ? null : /^eval\((.*)\)$/s.exec(inner);
    if (fn !== 'count' && inner === undefined)
      throw new SplPipelineError(`${fn}() needs a field: ${args}`);
    aggs.push({
      fn,
      field: evalMatch ? undefined : inner,
      evalSource: evalMatch ? (evalMatch[1] as string) : undefined,
      as: name,
    });
  }
  if (aggs.length === 0) throw new SplPipelineError(`${command} without a function: ${args}`);
  return { aggs, by };
}

function aggregate(agg: Aggregation, rows: readonly Row[], now: number): FieldValue | undefined {
  const compiled = agg.evalSource === undefined ? undefined : compileEval(agg.evalSource);
  const inputs = rows.map((row) => {
    if (compiled) {
      const value = compiled.evaluate(row, { now });
      if (typeof value === 'boolean') return value ? ['true'] : [];
      return valuesOf(toFieldValue(value, agg.evalSource as string));
    }
    return valuesOf(agg.field === undefined ? undefined : row.get(agg.field));
  });
  const flat = inputs.flat();
  switch (agg.fn) {
    case 'count':
      return String(agg.field === undefined && !compiled ? rows.length : flat.length);
    case 'dc':
      return String(new Set(flat).size);
    case 'values':
      return flat.length === 0 ? undefined : [...new Set(flat)].sort();
    case 'min':
    case 'max': {
      if (flat.length === 0) return undefined;
      const sorted = [...flat].sort(compareText);
      return agg.fn === 'min' ? sorted[0] : sorted.at(-1);
    }
    case 'sum': {
      const numbers = flat.filter(isNumber).map(Number);
      return numbers.length === 0 ? undefined : formatNumber(numbers.reduce((a, b) => a + b, 0));
    }
    default: {
      // earliest/latest: the value of the event with the smallest/largest _time.
      const timed = rows
        .map((row, index) => ({ time: Number(row.get('_time')), value: inputs[index] ?? [] }))
        .filter((entry) => entry.value.length > 0)
        .sort((a, b) => a.time - b.time);
      const pick = agg.fn === 'earliest' ? timed[0] : timed.at(-1);
      return pick?.value[0];
    }
  }
}

function groupKeys(row: Row, by: readonly string[]): string[][] {
  // A multivalue BY field puts the event into one group per value.
  let keys: string[][] = [[]];
  for (const field of by) {
    const values = valuesOf(row.get(field));
    if (values.length === 0) return [];
    keys = keys.flatMap((key) => values.map((value) => [...key, value]));
  }
  return keys;
}

function runStats(rows: readonly Row[], args: string, now: number): Row[] {
  const { aggs, by } = parseStats(args, 'stats');
  const groups = new Map<string, { key: string[]; rows: Row[] }>();
  for (const row of rows) {
    for (const key of groupKeys(row, by)) {
      const id = JSON.stringify(key);
      const group = groups.get(id) ?? { key, rows: [] };
      group.rows.push(row);
      groups.set(id, group);
    }
  }
  if (by.length === 0 && groups.size === 0) groups.set('[]', { key: [], rows: [] });
  const out = [...groups.values()].map(({ key, rows: members }) => {
    const row: Row = new Map();
    by.forEach((field, index) => row.set(field, key[index] as string));
    for (const agg of aggs) setField(row, agg.as, aggregate(agg, members, now));
    return row;
  });
  return out.sort((a, b) => {
    for (const field of by) {
      const order = compareText(String(a.get(field)), String(b.get(field)));
      if (order !== 0) return order;
    }
    return 0;
  });
}

function runEventstats(rows: readonly Row[], args: string, now: number): Row[] {
  const { aggs, by } = parseStats(args, 'eventstats');
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    for (const key of groupKeys(row, by).slice(0, 1)) {
      const id = JSON.stringify(key);
      groups.set(id, [...(groups.get(id) ?? []), row]);
    }
  }
  const results = new Map<string, Map<string, FieldValue | undefined>>();
  for (const [id, members] of groups) {
    results.set(id, new Map(aggs.map((agg) => [agg.as, aggregate(agg, members, now)])));
  }
  return rows.map((row) => {
    const next = new Map(row);
    const key = groupKeys(row, by)[0];
    if (key === undefined) return next;
    for (const [name, value] of results.get(JSON.stringify(key)) ?? []) setField(next, name, value);
    return next;
  });
}

// ---- the other commands ----

function runEval(rows: readonly Row[], args: string, now: number): Row[] {
  const assignments = splitTopLevel(args, ',').map((part) => {
    const match = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=(?!=)\s*(.+)$/s.exec(part);
    if (!match) throw new SplPipelineError(`cannot read eval assignment: ${part}`);
    return { field: match[1] as string, expr: compileEval(match[2] as string) };
  });
  return rows.map((row) => {
    const next = new Map(row);
    for (const { field, expr } of assignments)
      setField(next, field, toFieldValue(expr.evaluate(next, { now }), expr.source));
    return next;
  });
}

function runWhere(rows: readonly Row[], args: string, now: number): Row[] {
  const expr = compileEval(args);
  return rows.filter((row) => {
    const value = expr.evaluate(row, { now });
    if (value !== null && typeof value !== 'boolean')
      throw new SplPipelineError(`where needs a boolean expression: ${args}`);
    return value === true;
  });
}

function parsePairs(text: string): (readonly [string, string])[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const pairs: (readonly [string, string])[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const name = (words[index] as string).replace(/,$/, '');
    if (words[index + 1]?.toUpperCase() === 'AS') {
      pairs.push([name, (words[index + 2] as string).replace(/,$/, '')]);
      index += 2;
    } else pairs.push([name, name]);
  }
  return pairs;
}

function runLookup(rows: readonly Row[], args: string, lookups: PipelineInput['lookups']): Row[] {
  const match = /^([A-Za-z0-9_.-]+)\s+(.+?)(?:\s+(OUTPUTNEW|OUTPUT)\s+(.+))?$/s.exec(args.trim());
  if (!match) throw new SplPipelineError(`cannot read lookup: ${args}`);
  const table = lookups.get(match[1] as string);
  if (!table) throw new SplPipelineError(`unknown lookup ${match[1]}`);
  const keys = parsePairs(match[2] as string);
  const outputNew = match[3] === 'OUTPUTNEW';
  const outputs =
    match[4] === undefined
      ? table.columns
          .filter((column) => !keys.some(([key]) => key === column))
          .map((column) => [column, column] as const)
      : parsePairs(match[4]);
  const position = (column: string): number => {
    const index = table.columns.indexOf(column);
    if (index < 0) throw new SplPipelineError(`lookup ${match[1]} has no column ${column}`);
    return index;
  };
  const same = (a: string, b: string): boolean =>
    table.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
  return rows.map((row) => {
    const next = new Map(row);
    const hits = table.rows.filter((tableRow) =>
      keys.every(([column, field]) =>
        valuesOf(row.get(field)).some((value) => same(tableRow[position(column)] ?? '', value)),
      ),
    );
    for (const [column, field] of outputs) {
      if (outputNew && row.has(field)) continue;
      const found = [
        ...new Set(hits.map((hit) => hit[position(column)] ?? '').filter((v) => v !== '')),
      ];
      setField(next, field, found.length === 0 ? undefined : found);
    }
    return next;
  });
}

function fieldList(args: string): string[] {
  return args.split(/[\s,]+/).filter(Boolean);
}

function wildcardMatch(pattern: string, name: string): boolean {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${body.join('.*')}$`).test(name);
}

function runTable(rows: readonly Row[], args: string): Row[] {
  const fields = fieldList(args);
  return rows.map((row) => {
    const next: Row = new Map();
    for (const pattern of fields)
      for (const [name, value] of row) if (wildcardMatch(pattern, name)) next.set(name, value);
    return next;
  });
}

function runFields(rows: readonly Row[], args: string): Row[] {
  const remove = args.trim().startsWith('-');
  const fields = fieldList(args.trim().replace(/^[-+]\s*/, ''));
  if (!remove) return runTable(rows, fields.join(' '));
  return rows.map(
    (row) =>
      new Map([...row].filter(([name]) => !fields.some((pattern) => wildcardMatch(pattern, name)))),
  );
}

function runRename(rows: readonly Row[], args: string): Row[] {
  const pairs = parsePairs(args);
  return rows.map((row) => {
    const next = new Map(row);
    for (const [from, to] of pairs) {
      const value = next.get(from);
      next.delete(from);
      setField(next, to, value);
    }
    return next;
  });
}

function runConvert(rows: readonly Row[], args: string): Row[] {
  const conversions = [...args.matchAll(/\b([a-z]+)\(([A-Za-z_][A-Za-z0-9_]*)\)/g)];
  if (conversions.length === 0) throw new SplPipelineError(`cannot read convert: ${args}`);
  return rows.map((row) => {
    const next = new Map(row);
    for (const [, fn, field] of conversions) {
      if (fn !== 'ctime') throw new SplPipelineError(`convert ${fn}() is not supported`);
      const value = row.get(field as string);
      if (typeof value === 'string' && isNumber(value))
        next.set(field as string, strftime(Number(value), '%m/%d/%Y %H:%M:%S'));
    }
    return next;
  });
}

function runSort(rows: readonly Row[], args: string): Row[] {
  // `sort - a` and `sort -a` both sort a descending; a leading count (sort 0 …) is the limit.
  const words = fieldList(args.replace(/(^|\s)([-+])\s+/g, '$1$2')).filter(
    (word) => !/^\d+$/.test(word),
  );
  const keys = words.map((word) => ({
    descending: word.startsWith('-'),
    field: word.replace(/^[-+]/, ''),
  }));
  return [...rows].sort((a, b) => {
    for (const { field, descending } of keys) {
      const order = compareText(String(a.get(field) ?? ''), String(b.get(field) ?? ''));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}

function runDedup(rows: readonly Row[], args: string): Row[] {
  const fields = fieldList(args);
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (fields.some((field) => !row.has(field))) return false;
    const key = JSON.stringify(fields.map((field) => row.get(field)));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function runInputlookup(args: string, input: PipelineInput): Row[] {
  const match = /^([A-Za-z0-9_.-]+)(?:\s+where\s+(.+))?$/is.exec(args.trim());
  if (!match) throw new SplPipelineError(`cannot read inputlookup: ${args}`);
  const table = input.lookups.get(match[1] as string);
  if (!table) throw new SplPipelineError(`unknown lookup ${match[1]}`);
  const rows = table.rows.map((cells) => {
    const row: Row = new Map();
    table.columns.forEach((column, index) => setField(row, column, cells[index] || undefined));
    return row;
  });
  return match[2] === undefined ? rows : runSearchCommand(rows, match[2]);
}

const indexedFields = new Set(['index', 'sourcetype', 'source', 'host', '_time']);

function runTstats(args: string, input: PipelineInput): Row[] {
  const match = /^(.+?)\s+WHERE\s+(.+?)(?:\s+BY\s+(.+))?$/s.exec(args.trim());
  if (!match) throw new SplPipelineError(`cannot read tstats: ${args}`);
  const { rest, window } = baseWindow(match[2] as string, input);
  const filter = compileSearch(rest);
  for (const field of filter.fieldsCompared) {
    if (!indexedFields.has(field))
      throw new SplPipelineError(`tstats can only filter on indexed fields, not ${field}`);
  }
  const events = input.events
    .filter((event) => inWindow(event, window) && filter.matches(event))
    .map((event) => new Map(event));
  return runStats(events, `${match[1]}${match[3] ? ` BY ${match[3]}` : ''}`, input.now);
}

function runSearchCommand(rows: readonly Row[], args: string): Row[] {
  const filter = compileSearch(args);
  return rows.filter((row) => filter.matches(row));
}

/** Runs `search` (macros already expanded) and returns its result rows. */
export function runPipeline(search: string, input: PipelineInput): Row[] {
  const trimmed = search.trim();
  const generating = trimmed.startsWith('|');
  const commands = splitCommands(generating ? trimmed.slice(1) : trimmed);
  let rows: Row[];
  const first = commands.shift() as string;
  if (generating) {
    const [, name, args] = /^(\S+)\s*(.*)$/s.exec(first) ?? [];
    if (name === 'inputlookup') rows = runInputlookup(args ?? '', input);
    else if (name === 'tstats') rows = runTstats(args ?? '', input);
    else throw new SplPipelineError(`generating command "${name}" is not supported`);
  } else {
    const { rest, window } = baseWindow(first.replace(/^search\s+/, ''), input);
    const filter = compileSearch(rest);
    rows = input.events
      .filter((event) => inWindow(event, window) && filter.matches(event))
      .map((event) => new Map(event));
  }
  for (const command of commands) {
    const [, name, args = ''] = /^(\S+)\s*(.*)$/s.exec(command) ?? [];
    switch (name) {
      case 'search':
        rows = runSearchCommand(rows, args);
        break;
      case 'where':
        rows = runWhere(rows, args, input.now);
        break;
      case 'eval':
        rows = runEval(rows, args, input.now);
        break;
      case 'stats':
        rows = runStats(rows, args, input.now);
        break;
      case 'eventstats':
        rows = runEventstats(rows, args, input.now);
        break;
      case 'lookup':
        rows = runLookup(rows, args, input.lookups);
        break;
      case 'table':
        rows = runTable(rows, args);
        break;
      case 'fields':
        rows = runFields(rows, args);
        break;
      case 'rename':
        rows = runRename(rows, args);
        break;
      case 'convert':
        rows = runConvert(rows, args);
        break;
      case 'sort':
        rows = runSort(rows, args);
        break;
      case 'dedup':
        rows = runDedup(rows, args);
        break;
      default:
        throw new SplPipelineError(`SPL command "${name ?? command}" is not supported: ${command}`);
    }
  }
  return rows;
}
