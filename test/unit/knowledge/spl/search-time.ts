/**
 * Splunk's search-time operations for one event, in the documented order ("The sequence of
 * search-time operations", Knowledge Manager Manual; props.conf.spec): automatic key-value
 * extraction (KV_MODE = json), field aliases, calculated fields (EVAL-*), automatic lookups,
 * event types, tags. Each stage sees only what the stages before it produced, and within a stage
 * every setting reads the same snapshot: aliases and EVALs "behave as if they are run in
 * parallel" (props.conf.spec), and lookups cannot feed each other ("Splunk software does not
 * support nested automatic lookups").
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseConfFile, stanzaEntries, type ConfFile, type Stanza } from './conf-file';
import { parseCsv } from './csv';
import {
  compileEval,
  type CompiledEval,
  type EvalOptions,
  type FieldValue,
} from './eval-expression';
import { extractJsonFields, type JsonExtractionOptions } from './json-fields';
import { compileSearch, type CompiledSearch } from './search-expression';

export class SearchTimeError extends Error {
  override readonly name = 'SearchTimeError';
}

/** An event as indexed: _raw plus the default fields the input sets. */
export interface IndexedEvent {
  readonly raw: string;
  readonly sourcetype: string;
  readonly source: string;
  readonly host: string;
  readonly index: string;
}

export interface LookupTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly caseSensitive: boolean;
}

interface FieldAlias {
  readonly from: string;
  readonly to: string;
  readonly overwrite: boolean;
}

interface AutomaticLookup {
  readonly className: string;
  readonly table: string;
  readonly match: readonly (readonly [string, string])[];
  readonly outputNew: boolean;
  readonly outputs: readonly (readonly [string, string])[];
}

interface SourcetypeKnowledge {
  readonly kvMode: string;
  readonly aliases: readonly FieldAlias[];
  readonly evals: readonly (readonly [string, CompiledEval])[];
  readonly lookups: readonly AutomaticLookup[];
}

/** The app's search-time configuration, parsed once and applied to any number of events. */
export interface Knowledge {
  readonly props: ConfFile;
  readonly transforms: ConfFile;
  readonly eventtypes: ConfFile;
  readonly tags: ConfFile;
  readonly lookups: ReadonlyMap<string, LookupTable>;
  readonly sourcetypes: ReadonlyMap<string, SourcetypeKnowledge>;
  readonly eventtypeSearches: ReadonlyMap<string, CompiledSearch>;
}

export interface SearchTimeResult {
  /** Every field after the tags stage, including `eventtype` and `tag`. */
  readonly fields: Map<string, FieldValue>;
  readonly eventtypes: readonly string[];
  readonly tags: readonly string[];
}

export interface SearchTimeOptions extends JsonExtractionOptions, EvalOptions {}

/** `orig AS new orig2 ASNEW new2 …` (FIELDALIAS-<class>). */
export function parseFieldAliases(value: string, where: string): FieldAlias[] {
  const words = value.trim().split(/\s+/);
  if (words.length % 3 !== 0)
    throw new SearchTimeError(`${where}: FIELDALIAS needs "orig AS new" triples`);
  const aliases: FieldAlias[] = [];
  for (let index = 0; index < words.length; index += 3) {
    const keyword = (words[index + 1] ?? '').toUpperCase();
    if (keyword !== 'AS' && keyword !== 'ASNEW')
      throw new SearchTimeError(`${where}: expected AS or ASNEW`);
    aliases.push({
      from: words[index] as string,
      to: words[index + 2] as string,
      overwrite: keyword === 'AS',
    });
  }
  return aliases;
}

/** `table match [AS event_field]… OUTPUT|OUTPUTNEW out [AS event_field]…` (LOOKUP-<class>). */
export function parseLookupSetting(className: string, value: string): AutomaticLookup {
  const words = value.trim().split(/\s+/);
  const table = words.shift();
  if (!table) throw new SearchTimeError(`LOOKUP-${className}: no lookup table`);
  const pairs = (list: string[]): [string, string][] => {
    const result: [string, string][] = [];
    for (let index = 0; index < list.length;) {
      const left = list[index] as string;
      if ((list[index + 1] ?? '').toUpperCase() === 'AS') {
        result.push([left, list[index + 2] ?? '']);
        index += 3;
      } else {
        result.push([left, left]);
        index += 1;
      }
    }
    return result;
  };
  const outputAt = words.findIndex((word) => /^OUTPUT(NEW)?$/i.test(word));
  const matchWords = outputAt < 0 ? words : words.slice(0, outputAt);
  const outputWords = outputAt < 0 ? [] : words.slice(outputAt + 1);
  const match = pairs(matchWords);
  if (match.length === 0) throw new SearchTimeError(`LOOKUP-${className}: no match field`);
  return {
    className,
    table,
    match,
    outputNew: outputAt >= 0 && (words[outputAt] as string).toUpperCase() === 'OUTPUTNEW',
    outputs: pairs(outputWords),
  };
}

function sourcetypeKnowledge(name: string, stanza: Stanza): SourcetypeKnowledge {
  const aliases: FieldAlias[] = [];
  const evals: [string, CompiledEval][] = [];
  const lookups: AutomaticLookup[] = [];
  for (const [key, value] of stanza) {
    const prefix = /^(FIELDALIAS|EVAL|LOOKUP)[-_]?(.+)$/i.exec(key);
    if (!prefix) continue;
    const kind = (prefix[1] as string).toUpperCase();
    const rest = prefix[2] as string;
    if (kind === 'FIELDALIAS') aliases.push(...parseFieldAliases(value, `[${name}] ${key}`));
    else if (kind === 'EVAL') evals.push([rest, compileEval(value)]);
    else lookups.push(parseLookupSetting(rest, value));
  }
  return { kvMode: stanza.get('KV_MODE') ?? 'auto', aliases, evals, lookups };
}

/** The text of the app's search-time .conf files and of its lookup CSVs (by file name). */
export interface KnowledgeTexts {
  readonly props: string;
  readonly transforms: string;
  readonly eventtypes: string;
  readonly tags: string;
  readonly lookupFiles: ReadonlyMap<string, string>;
}

/** Reads default/{props,transforms,eventtypes,tags}.conf and lookups/*.csv of an app. */
export function readKnowledgeTexts(appRoot: string): KnowledgeTexts {
  const conf = (name: string): string => readFileSync(path.join(appRoot, 'default', name), 'utf8');
  const lookupDir = path.join(appRoot, 'lookups');
  return {
    props: conf('props.conf'),
    transforms: conf('transforms.conf'),
    eventtypes: conf('eventtypes.conf'),
    tags: conf('tags.conf'),
    lookupFiles: new Map(
      readdirSync(lookupDir).map(
        (name) => [name, readFileSync(path.join(lookupDir, name), 'utf8')] as const,
      ),
    ),
  };
}

/** Parses the texts once; KV store lookups get the rows in `kvCollections` (default: empty). */
export function buildKnowledge(
  texts: KnowledgeTexts,
  kvCollections: ReadonlyMap<string, LookupTable> = new Map(),
): Knowledge {
  const props = parseConfFile(texts.props, 'props.conf');
  const transforms = parseConfFile(texts.transforms, 'transforms.conf');
  const eventtypes = parseConfFile(texts.eventtypes, 'eventtypes.conf');
  const tags = parseConfFile(texts.tags, 'tags.conf');
  const lookups = new Map<string, LookupTable>();
  for (const [name, stanza] of stanzaEntries(transforms)) {
    const caseSensitive = (stanza.get('case_sensitive_match') ?? 'true').toLowerCase() !== 'false';
    const filename = stanza.get('filename');
    if (filename !== undefined) {
      const text = texts.lookupFiles.get(filename);
      if (text === undefined)
        throw new SearchTimeError(`[${name}] names lookups/${filename}, which is missing`);
      const [header, ...rows] = parseCsv(text);
      if (!header) throw new SearchTimeError(`lookups/${filename} has no header row`);
      lookups.set(name, { columns: header, rows, caseSensitive });
    } else if (stanza.get('external_type') === 'kvstore') {
      const columns = (stanza.get('fields_list') ?? '').split(',').map((field) => field.trim());
      lookups.set(name, kvCollections.get(name) ?? { columns, rows: [], caseSensitive });
    }
  }
  const sourcetypes = new Map(
    stanzaEntries(props).map(
      ([name, stanza]) => [name, sourcetypeKnowledge(name, stanza)] as const,
    ),
  );
  const eventtypeSearches = new Map(
    stanzaEntries(eventtypes)
      .filter(([, stanza]) => stanza.get('disabled') !== '1')
      .map(([name, stanza]) => {
        const search = stanza.get('search');
        if (search === undefined) throw new SearchTimeError(`eventtype ${name} has no search`);
        return [name, compileSearch(search)] as const;
      }),
  );
  return { props, transforms, eventtypes, tags, lookups, sourcetypes, eventtypeSearches };
}

export function loadKnowledge(appRoot: string): Knowledge {
  return buildKnowledge(readKnowledgeTexts(appRoot));
}

function hasValue(value: FieldValue | undefined): value is FieldValue {
  if (value === undefined) return false;
  return typeof value === 'string' ? value !== '' : value.length > 0;
}

function applyAliases(
  fields: Map<string, FieldValue>,
  aliases: readonly FieldAlias[],
): Map<string, FieldValue> {
  const before = new Map(fields);
  for (const alias of aliases) {
    const source = before.get(alias.from);
    if (alias.overwrite) {
      // AS: replaces the alias; an empty or missing original removes it (props.conf.spec).
      if (hasValue(source)) fields.set(alias.to, source);
      else fields.delete(alias.to);
    } else if (!before.has(alias.to) && hasValue(source)) {
      // ASNEW: an existing alias field is kept; a missing original changes nothing.
      fields.set(alias.to, source);
    }
  }
  return fields;
}

function applyEvals(
  fields: Map<string, FieldValue>,
  evals: readonly (readonly [string, CompiledEval])[],
  options: EvalOptions,
): Map<string, FieldValue> {
  const before = new Map(fields);
  const results = evals.map(
    ([name, expression]) => [name, expression.evaluate(before, options)] as const,
  );
  for (const [name, value] of results) {
    if (value === null) {
      fields.delete(name);
    } else if (typeof value === 'boolean') {
      throw new SearchTimeError(
        `EVAL-${name} = ${evals.find(([field]) => field === name)?.[1].source} yields a boolean`,
      );
    } else {
      fields.set(name, typeof value === 'number' ? String(value) : value);
    }
  }
  return fields;
}

function applyLookups(
  fields: Map<string, FieldValue>,
  lookups: readonly AutomaticLookup[],
  tables: ReadonlyMap<string, LookupTable>,
): Map<string, FieldValue> {
  const before = new Map(fields);
  for (const lookup of lookups) {
    const table = tables.get(lookup.table);
    if (!table)
      throw new SearchTimeError(`LOOKUP-${lookup.className}: no lookup definition ${lookup.table}`);
    const column = (name: string): number => {
      const position = table.columns.indexOf(name);
      if (position < 0)
        throw new SearchTimeError(
          `LOOKUP-${lookup.className}: ${lookup.table} has no column ${name}`,
        );
      return position;
    };
    const keys = lookup.match.map(
      ([tableField, eventField]) => [column(tableField), before.get(eventField)] as const,
    );
    if (keys.some(([, value]) => value === undefined)) continue; // runs only when every match field exists
    const same = (a: string, b: string): boolean =>
      table.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
    const hits = table.rows.filter((row) =>
      keys.every(([position, value]) => {
        const cell = row[position] ?? '';
        return typeof value === 'string'
          ? same(cell, value)
          : (value as readonly string[]).some((v) => same(cell, v));
      }),
    );
    const outputs =
      lookup.outputs.length > 0
        ? lookup.outputs
        : table.columns
            .filter((name) => !lookup.match.some(([tableField]) => tableField === name))
            .map((name) => [name, name] as const);
    for (const [tableField, eventField] of outputs) {
      // OUTPUTNEW writes only fields the event did not have before the lookup.
      if (lookup.outputNew && before.has(eventField)) continue;
      const found = [
        ...new Set(
          hits.map((row) => row[column(tableField)] ?? '').filter((value) => value !== ''),
        ),
      ];
      if (found.length === 0) {
        // props.conf.spec: an event with all match fields but no matching entry "clears all of
        // the output fields" (OUTPUT); OUTPUTNEW leaves fields it does not write alone.
        if (!lookup.outputNew) fields.delete(eventField);
      } else {
        fields.set(eventField, found.length === 1 ? (found[0] as string) : found);
      }
    }
  }
  return fields;
}

/** Tags from tags.conf stanzas `[field=value]` whose field matches, `tag = enabled`. */
function tagsFor(fields: ReadonlyMap<string, FieldValue>, tagsConf: ConfFile): string[] {
  const tags = new Set<string>();
  for (const [stanza, settings] of stanzaEntries(tagsConf)) {
    const equals = stanza.indexOf('=');
    if (equals <= 0) continue;
    const field = stanza.slice(0, equals);
    const expected = stanza.slice(equals + 1).replace(/^"(.*)"$/, '$1');
    const actual = fields.get(field);
    const values = actual === undefined ? [] : typeof actual === 'string' ? [actual] : actual;
    if (!values.some((value) => value.toLowerCase() === expected.toLowerCase())) continue;
    for (const [tag, state] of settings) if (state.toLowerCase() === 'enabled') tags.add(tag);
  }
  // Splunk lists tag values sorted, which also makes "first value" comparisons reproducible.
  return [...tags].sort();
}

/** Runs every search-time stage of `knowledge` over one indexed event. */
export function applySearchTime(
  event: IndexedEvent,
  knowledge: Knowledge,
  options: SearchTimeOptions,
): SearchTimeResult {
  let fields = new Map<string, FieldValue>([
    ['_raw', event.raw],
    ['sourcetype', event.sourcetype],
    ['source', event.source],
    ['host', event.host],
    ['index', event.index],
  ]);
  const sourcetype = knowledge.sourcetypes.get(event.sourcetype);
  if (sourcetype) {
    if (sourcetype.kvMode === 'json') {
      for (const [name, value] of extractJsonFields(event.raw, options)) {
        // Extraction never replaces the default fields Splunk set at index time.
        if (!fields.has(name)) fields.set(name, value);
      }
    }
    fields = applyAliases(fields, sourcetype.aliases);
    fields = applyEvals(fields, sourcetype.evals, options);
    fields = applyLookups(fields, sourcetype.lookups, knowledge.lookups);
  }
  const eventtypes = [...knowledge.eventtypeSearches]
    .filter(([, search]) => search.matches(fields))
    .map(([name]) => name)
    .sort();
  if (eventtypes.length > 0) fields.set('eventtype', eventtypes);
  const tags = tagsFor(fields, knowledge.tags);
  if (tags.length > 0) fields.set('tag', tags);
  return { fields, eventtypes, tags };
}
