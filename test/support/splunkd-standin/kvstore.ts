/**
 * The app KV store: `storage/collections/config` (collection definitions, EAI) and
 * `storage/collections/data` (JSON documents), with the KV store's own lifecycle — every KV call
 * answers 503 while it is starting or disabled, as splunkd does.
 */
import { randomBytes } from 'node:crypto';

import type { User } from './auth';
import { hasAnyCapability } from './auth';
import type { EaiItem, ServerIdentity } from './eai';
import { renderEai } from './eai';
import type { Doc, QuerySpec } from './kv-query';
import { KvQueryError, nonNegativeInt, parseQuery, runQuery } from './kv-query';
import type { Reply, RequestContext } from './request';
import { jsonReply, requireJson } from './request';
import { SplunkdHttpError, alreadyExists, forbidden, notFoundId } from './responses';

export type KvState = 'ready' | 'starting' | 'disabled';

export type KvStoreOption =
  | KvState
  | {
      readonly state: 'starting';
      /** Become ready this long after start (or after the switch to 'starting'). */
      readonly readyAfterMs?: number;
      /** Become ready after answering this many KV requests with 503. */
      readonly readyAfterRequests?: number;
    };

export type FieldType = 'number' | 'bool' | 'string' | 'time';

export interface CollectionSpec {
  readonly name: string;
  /** App that declares it in default/collections.conf; default TA-1password-events. */
  readonly app?: string;
  readonly fields?: Readonly<Record<string, FieldType>>;
  readonly enforceTypes?: boolean;
  readonly acceleratedFields?: Readonly<Record<string, string>>;
}

/** limits.conf [kvstore] defaults (limits.conf.spec). */
export interface KvLimits {
  readonly maxDocumentsPerBatchSave: number;
  readonly maxSizePerBatchSaveMb: number;
  readonly maxQueriesPerBatch: number;
  readonly maxRowsPerQuery: number;
}

export const defaultKvLimits: KvLimits = {
  maxDocumentsPerBatchSave: 1000,
  maxSizePerBatchSaveMb: 50,
  maxQueriesPerBatch: 1000,
  maxRowsPerQuery: 50000,
};

const initializingText = 'KV Store is initializing. Please try again later.';
const disabledText = 'KV Store is disabled.';
const limitsText = 'Request exceeds API limits - see limits.conf for details.';
const writeCapabilities = ['admin_all_objects'];

interface Collection {
  readonly name: string;
  readonly app: string;
  props: Record<string, string>;
  readonly docs: Map<string, Doc>;
  updated: Date;
  author: string;
}

export class KvStore {
  private state: KvState = 'ready';
  private readyAt: number | undefined;
  private readyAfterRequests: number | undefined;
  private readonly collections = new Map<string, Collection>();

  constructor(
    option: KvStoreOption,
    specs: readonly (CollectionSpec | string)[],
    private readonly server: ServerIdentity,
    private readonly limits: KvLimits = defaultKvLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.setState(option);
    for (const spec of specs) this.declare(typeof spec === 'string' ? { name: spec } : spec);
  }

  setState(option: KvStoreOption): void {
    if (typeof option === 'string') {
      this.state = option;
      this.readyAt = undefined;
      this.readyAfterRequests = undefined;
      return;
    }
    this.state = 'starting';
    this.readyAt = option.readyAfterMs === undefined ? undefined : this.now() + option.readyAfterMs;
    this.readyAfterRequests = option.readyAfterRequests;
  }

  currentState(): KvState {
    if (this.state === 'starting' && this.readyAt !== undefined && this.now() >= this.readyAt) {
      this.setState('ready');
    }
    return this.state;
  }

  /** Declares a collection as if shipped in an app's default/collections.conf. */
  declare(spec: CollectionSpec): void {
    const app = spec.app ?? 'TA-1password-events';
    const props: Record<string, string> = { enforceTypes: String(spec.enforceTypes ?? false) };
    for (const [f, t] of Object.entries(spec.fields ?? {})) props[`field.${f}`] = t;
    for (const [a, d] of Object.entries(spec.acceleratedFields ?? {}))
      props[`accelerated_fields.${a}`] = d;
    this.collections.set(`${app}/${spec.name}`, {
      name: spec.name,
      app,
      props,
      docs: new Map(),
      updated: new Date(),
      author: 'nobody',
    });
  }

  /** Documents of a collection as stored (with `_key` and `_user`), for test assertions. */
  documents(name: string, app = 'TA-1password-events'): Doc[] {
    const collection = this.collections.get(`${app}/${name}`);
    if (!collection) throw new Error(`no collection ${app}/${name}`);
    return [...collection.docs.values()].map((d) => structuredClone(d));
  }

  /** GET /services/kvstore/status: the KV store's own view of its state. */
  status(ctx: RequestContext): Reply {
    requireJson(ctx);
    const state = this.currentState();
    const item: EaiItem = {
      name: 'status',
      owned: { app: 'system', owner: 'nobody', sharing: 'system' },
      author: 'system',
      updated: new Date(),
      content: {
        current: {
          status: state === 'disabled' ? 'disabled' : state,
          disabled: state === 'disabled' ? 1 : 0,
          standalone: 1,
        },
      },
    };
    return renderEai(ctx, this.server, [item], {
      endpoint: ['kvstore', 'status'],
      canWrite: false,
    });
  }

  handle(ctx: RequestContext, rest: readonly string[]): Reply {
    this.gate();
    const [area, collectionName, ...tail] = rest;
    if (area === 'config') return this.config(ctx, collectionName, tail);
    if (area === 'data' && collectionName !== undefined)
      return this.data(ctx, collectionName, tail);
    throw new SplunkdHttpError(404, 'Not Found');
  }

  /** The 503 every KV endpoint answers while the KV store is not ready. */
  private gate(): void {
    const state = this.currentState();
    if (state === 'ready') return;
    if (state === 'disabled') throw new SplunkdHttpError(503, disabledText);
    if (this.readyAfterRequests !== undefined) {
      this.readyAfterRequests -= 1;
      if (this.readyAfterRequests <= 0) this.setState('ready');
    }
    throw new SplunkdHttpError(503, initializingText);
  }

  private find(ctx: RequestContext, name: string): Collection {
    const app = ctx.ns.app === undefined ? 'system' : ctx.ns.app;
    const found =
      app === '-'
        ? [...this.collections.values()].find((c) => c.name === name)
        : this.collections.get(`${app}/${name}`);
    if (!found) throw notFoundId(name);
    return found;
  }

  private config(ctx: RequestContext, name: string | undefined, tail: readonly string[]): Reply {
    requireJson(ctx);
    if (tail.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    const canWrite = hasAnyCapability(ctx.user, writeCapabilities);
    const render = (items: Collection[], status = 200, paged = true): Reply =>
      renderEai(ctx, this.server, items.map(toItem), {
        endpoint: ['storage', 'collections', 'config'],
        canWrite,
        status,
        paged,
      });
    if (name === undefined) {
      if (ctx.method === 'GET') {
        const app = ctx.ns.app;
        return render(
          [...this.collections.values()].filter((c) => !app || app === '-' || c.app === app),
        );
      }
      if (ctx.method === 'POST') {
        this.requireWrite(ctx.user);
        const newName = ctx.args.get('name');
        if (!newName)
          throw new SplunkdHttpError(400, 'The following required arguments are missing: name.');
        if (ctx.ns.app === '-' || ctx.ns.owner === '-') {
          throw new SplunkdHttpError(400, 'Cannot create a collection in a wildcard namespace');
        }
        const app = ctx.ns.app ?? 'system';
        if (this.collections.has(`${app}/${newName}`)) throw alreadyExists(newName);
        this.declare({ name: newName, app });
        const created = this.find(ctx, newName);
        applyProps(created, ctx.args, ctx.user);
        return render([created], 201, false);
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    const collection = this.find(ctx, name);
    if (ctx.method === 'GET') return render([collection], 200, false);
    this.requireWrite(ctx.user);
    if (ctx.method === 'POST') {
      applyProps(collection, ctx.args, ctx.user);
      return render([collection], 200, false);
    }
    if (ctx.method === 'DELETE') {
      this.collections.delete(`${collection.app}/${collection.name}`);
      return render([...this.collections.values()].filter((c) => c.app === collection.app));
    }
    throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
  }

  private data(ctx: RequestContext, name: string, tail: readonly string[]): Reply {
    const collection = this.find(ctx, name);
    const user = ctx.ns.owner === undefined || ctx.ns.owner === '-' ? 'nobody' : ctx.ns.owner;
    const [key, ...more] = tail;
    if (more.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    try {
      if (key === undefined) {
        if (ctx.method === 'GET') return jsonReply(200, this.query(collection, user, ctx));
        if (ctx.method === 'POST') return this.insert(collection, user, ctx);
        if (ctx.method === 'DELETE') return this.deleteMatching(collection, user, ctx);
      } else if (key === 'batch_save' && ctx.method === 'POST') {
        return this.batchSave(collection, user, ctx);
      } else if (key === 'batch_find' && ctx.method === 'POST') {
        return this.batchFind(collection, user, ctx);
      } else {
        if (ctx.method === 'GET') return jsonReply(200, this.get(collection, user, key));
        if (ctx.method === 'POST') return this.replace(collection, user, key, ctx);
        if (ctx.method === 'DELETE') return this.deleteOne(collection, user, key);
      }
    } catch (err) {
      if (err instanceof KvQueryError) throw new SplunkdHttpError(400, err.message);
      throw err;
    }
    throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
  }

  /** The REST API sees the namespace user's own records, plus `nobody`'s when `shared=true`. */
  private visibleDocs(collection: Collection, user: string, shared: boolean): Doc[] {
    return [...collection.docs.values()].filter(
      (d) => d['_user'] === user || (shared && d['_user'] === 'nobody'),
    );
  }

  private query(collection: Collection, user: string, ctx: RequestContext): Doc[] {
    const shared = ctx.args.get('shared') === 'true' || ctx.args.get('shared') === '1';
    const spec: QuerySpec = {
      query: parseQuery(ctx.args.get('query')),
      fields: ctx.args.get('fields'),
      sort: ctx.args.get('sort'),
      limit: nonNegativeInt(ctx.args.get('limit'), 'limit'),
      skip: nonNegativeInt(ctx.args.get('skip'), 'skip'),
    };
    return runQuery(this.visibleDocs(collection, user, shared), spec, this.limits.maxRowsPerQuery);
  }

  private get(collection: Collection, user: string, key: string): Doc {
    const doc = collection.docs.get(docId(user, key));
    if (!doc) throw new SplunkdHttpError(404, 'Could not find object.');
    return doc;
  }

  private insert(collection: Collection, user: string, ctx: RequestContext): Reply {
    const body = jsonBody(ctx);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SplunkdHttpError(400, 'The request body must be a JSON object.');
    }
    const doc = this.normalize(collection, body as Doc, user);
    const id = docId(user, String(doc['_key']));
    if (collection.docs.has(id)) {
      throw new SplunkdHttpError(409, 'A document with the same key and user already exists.');
    }
    collection.docs.set(id, doc);
    return jsonReply(201, { _key: doc['_key'] });
  }

  /** POST to an existing key replaces the whole document; a missing key is 404 (use batch_save to upsert). */
  private replace(collection: Collection, user: string, key: string, ctx: RequestContext): Reply {
    const id = docId(user, key);
    if (!collection.docs.has(id)) throw new SplunkdHttpError(404, 'Could not find object.');
    const body = jsonBody(ctx);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SplunkdHttpError(400, 'The request body must be a JSON object.');
    }
    const doc = this.normalize(collection, { ...(body as Doc), _key: key }, user);
    collection.docs.set(id, doc);
    return jsonReply(200, { _key: key });
  }

  private deleteOne(collection: Collection, user: string, key: string): Reply {
    if (!collection.docs.delete(docId(user, key)))
      throw new SplunkdHttpError(404, 'Could not find object.');
    return { status: 200, body: '', contentType: 'application/json; charset=UTF-8' };
  }

  private deleteMatching(collection: Collection, user: string, ctx: RequestContext): Reply {
    const doomed = runQuery(
      this.visibleDocs(collection, user, false),
      { query: parseQuery(ctx.args.get('query')) },
      Number.MAX_SAFE_INTEGER,
    );
    for (const doc of doomed) collection.docs.delete(docId(user, String(doc['_key'])));
    return { status: 200, body: '', contentType: 'application/json; charset=UTF-8' };
  }

  /** Inserts or replaces every document by `_key`, all or nothing; returns the keys in order. */
  private batchSave(collection: Collection, user: string, ctx: RequestContext): Reply {
    if (ctx.body.length > this.limits.maxSizePerBatchSaveMb * 1024 * 1024) {
      throw new SplunkdHttpError(400, limitsText);
    }
    const body = jsonBody(ctx);
    if (!Array.isArray(body))
      throw new SplunkdHttpError(400, 'The request body must be a JSON array.');
    if (body.length > this.limits.maxDocumentsPerBatchSave)
      throw new SplunkdHttpError(400, limitsText);
    const docs = body.map((item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new SplunkdHttpError(400, 'Each element of the batch must be a JSON object.');
      }
      return this.normalize(collection, item as Doc, user);
    });
    for (const doc of docs) collection.docs.set(docId(user, String(doc['_key'])), doc);
    return jsonReply(
      200,
      docs.map((d) => d['_key']),
    );
  }

  private batchFind(collection: Collection, user: string, ctx: RequestContext): Reply {
    const body = jsonBody(ctx);
    if (!Array.isArray(body))
      throw new SplunkdHttpError(400, 'The request body must be a JSON array.');
    if (body.length > this.limits.maxQueriesPerBatch) throw new SplunkdHttpError(400, limitsText);
    const docs = this.visibleDocs(collection, user, false);
    const results = body.map((raw: unknown) => {
      const spec = (raw ?? {}) as Record<string, unknown>;
      return runQuery(
        docs,
        {
          query: spec['query'] ?? {},
          fields: typeof spec['fields'] === 'string' ? spec['fields'] : null,
          sort: typeof spec['sort'] === 'string' ? spec['sort'] : null,
          limit: typeof spec['limit'] === 'number' ? spec['limit'] : 0,
          skip: typeof spec['skip'] === 'number' ? spec['skip'] : 0,
        },
        this.limits.maxRowsPerQuery,
      );
    });
    return jsonReply(200, results);
  }

  /**
   * Applies collections.conf typing: declared fields are converted to their type; a value that does not
   * convert fails the write when enforceTypes = true and is dropped otherwise (collections.conf.spec).
   */
  private normalize(collection: Collection, input: Doc, user: string): Doc {
    const enforce = collection.props['enforceTypes'] === 'true';
    const doc: Doc = {};
    for (const [field, value] of Object.entries(structuredClone(input))) {
      if (field === '_user') continue;
      const type = collection.props[`field.${field}`] as FieldType | undefined;
      if (!type || field === '_key') {
        doc[field] = value;
        continue;
      }
      const converted = convert(value, type);
      if (converted === undefined) {
        if (enforce) {
          throw new SplunkdHttpError(400, `Failed to convert field ${field} to type ${type}.`);
        }
        continue;
      }
      doc[field] = converted;
    }
    const key = doc['_key'];
    doc['_key'] = key === undefined || key === null || key === '' ? newKey() : String(key);
    doc['_user'] = user;
    return doc;
  }

  private requireWrite(user: User): void {
    if (!hasAnyCapability(user, writeCapabilities)) throw forbidden(user.name, writeCapabilities);
  }
}

function toItem(c: Collection): EaiItem {
  return {
    name: c.name,
    owned: { app: c.app, owner: 'nobody', sharing: 'app' },
    author: c.author,
    updated: c.updated,
    content: { disabled: false, ...c.props },
  };
}

const collectionProps = /^(field\.|accelerated_fields\.|enforceTypes$|replicate$|profiling)/;

function applyProps(collection: Collection, args: URLSearchParams, user: User): void {
  for (const [k, v] of args) if (collectionProps.test(k)) collection.props[k] = v;
  collection.updated = new Date();
  collection.author = user.name;
}

function docId(user: string, key: string): string {
  return `${user}\u0000${key}`;
}

/** KV store keys are Mongo ObjectId-like: 24 hex characters. */
function newKey(): string {
  return randomBytes(12).toString('hex');
}

function jsonBody(ctx: RequestContext): unknown {
  if (!ctx.contentType.startsWith('application/json')) {
    throw new SplunkdHttpError(
      400,
      'The request body must be JSON with Content-Type: application/json.',
    );
  }
  try {
    return JSON.parse(ctx.body.toString('utf8')) as unknown;
  } catch {
    throw new SplunkdHttpError(400, 'The request body is not valid JSON.');
  }
}

function convert(value: unknown, type: FieldType): unknown {
  if (value === null) return null;
  if (type === 'string') {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  if (type === 'number' || type === 'time') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      return Number(value);
    }
    return undefined;
  }
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}
