/**
 * The KV store's query language as documented for `storage/collections/data/{collection}` GET:
 * JSON `query` with `$gt $gte $lt $lte $ne $and $or $not` and field equality, `fields`, `sort`,
 * `limit`, `skip`. Pure; throws KvQueryError for anything the docs do not define.
 */

export type Doc = Record<string, unknown>;

export class KvQueryError extends Error {
  override readonly name = 'KvQueryError';
}

const comparisons = new Set(['$gt', '$gte', '$lt', '$lte', '$ne']);

/** Reads `a.b.c` through nested objects, like the KV store's dotted field names. */
export function fieldValue(doc: Doc, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(doc, path)) return doc[path];
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Doc)[part];
  }
  return current;
}

/** Orders same-typed values only; a number and a string never compare (Mongo's type brackets). */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function equals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && !Array.isArray(b)) return a.some((item) => equals(item, b));
  return JSON.stringify(a) === JSON.stringify(b);
}

function matchCondition(value: unknown, condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return equals(value, condition);
  }
  const entries = Object.entries(condition as Doc);
  if (!entries.some(([k]) => k.startsWith('$'))) return equals(value, condition);
  return entries.every(([op, operand]) => {
    if (op === '$not') return !matchCondition(value, operand);
    if (!comparisons.has(op)) throw new KvQueryError(`Invalid query operator: ${op}`);
    if (op === '$ne') return !equals(value, operand);
    const order = compare(value, operand);
    if (order === undefined) return false;
    if (op === '$gt') return order > 0;
    if (op === '$gte') return order >= 0;
    if (op === '$lt') return order < 0;
    return order <= 0;
  });
}

export function matches(doc: Doc, query: unknown): boolean {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new KvQueryError('query must be a JSON object');
  }
  return Object.entries(query as Doc).every(([key, condition]) => {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition)) throw new KvQueryError(`${key} needs an array`);
      const results = condition.map((sub) => matches(doc, sub));
      return key === '$and' ? results.every(Boolean) : results.some(Boolean);
    }
    if (key === '$not') return !matches(doc, condition);
    if (key.startsWith('$')) throw new KvQueryError(`Invalid query operator: ${key}`);
    return matchCondition(fieldValue(doc, key), condition);
  });
}

export function parseQuery(text: string | null): unknown {
  if (text === null || text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KvQueryError('query is not valid JSON');
  }
}

interface SortKey {
  readonly field: string;
  readonly direction: 1 | -1;
}

/** `sort=a,b:-1` — ascending unless the field is suffixed with `:-1` (`:1` is explicit ascending). */
export function parseSort(text: string | null): SortKey[] {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [field = '', dir] = part.trim().split(':');
    if (field === '' || (dir !== undefined && dir !== '1' && dir !== '-1')) {
      throw new KvQueryError(`Invalid sort specification: ${part}`);
    }
    return { field, direction: dir === '-1' ? -1 : 1 };
  });
}

/** Missing values sort first, then numbers, then strings, as in the Mongo ordering KV store uses. */
function rank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'object') return 3;
  return 4;
}

export function sortDocs(docs: Doc[], keys: readonly SortKey[]): Doc[] {
  if (keys.length === 0) return docs;
  return [...docs].sort((a, b) => {
    for (const { field, direction } of keys) {
      const va = fieldValue(a, field);
      const vb = fieldValue(b, field);
      const byRank = rank(va) - rank(vb);
      const order = byRank !== 0 ? byRank : (compare(va, vb) ?? 0);
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

/**
 * `fields=a,b` or `a:1,b:1` includes, `a:0` excludes; include and exclude cannot be mixed except
 * to exclude `_key`, which is otherwise always returned.
 */
export function projectFields(text: string | null): (doc: Doc) => Doc {
  if (!text) return (doc) => doc;
  const specs = text.split(',').map((part) => {
    const [field = '', flag] = part.trim().split(':');
    if (field === '' || (flag !== undefined && flag !== '0' && flag !== '1')) {
      throw new KvQueryError(`Invalid fields specification: ${part}`);
    }
    return { field, include: flag !== '0' };
  });
  const includes = specs.filter((s) => s.include).map((s) => s.field);
  const excludes = specs.filter((s) => !s.include).map((s) => s.field);
  if (includes.length > 0 && excludes.some((f) => f !== '_key')) {
    throw new KvQueryError('fields cannot mix inclusion and exclusion');
  }
  return (doc) => {
    const out: Doc = {};
    if (includes.length > 0) {
      if (!excludes.includes('_key') && '_key' in doc) out['_key'] = doc['_key'];
      for (const field of includes) {
        const value = fieldValue(doc, field);
        if (value !== undefined) out[field] = value;
      }
      return out;
    }
    for (const [k, v] of Object.entries(doc)) if (!excludes.includes(k)) out[k] = v;
    return out;
  };
}

export function nonNegativeInt(text: string | null, name: string): number {
  if (text === null || text === '') return 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new KvQueryError(`${name} must be a non-negative integer`);
  return value;
}

export interface QuerySpec {
  readonly query?: unknown;
  readonly fields?: string | null;
  readonly sort?: string | null;
  readonly limit?: number;
  readonly skip?: number;
}

/** Filter, sort, skip, limit (0 = no limit), then project — the order the KV store applies them. */
export function runQuery(docs: readonly Doc[], spec: QuerySpec, maxRows: number): Doc[] {
  const query = spec.query ?? {};
  const filtered = docs.filter((doc) => matches(doc, query));
  const sorted = sortDocs(filtered, parseSort(spec.sort ?? null));
  const skip = spec.skip ?? 0;
  const limit = spec.limit && spec.limit > 0 ? Math.min(spec.limit, maxRows) : maxRows;
  return sorted.slice(skip, skip + limit).map(projectFields(spec.fields ?? null));
}
