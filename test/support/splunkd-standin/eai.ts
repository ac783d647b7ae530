/** Renders lists and single entities of an EAI endpoint as splunkd's `output_mode=json` feed. */
import type { Owned } from './visibility';
import { aclOf } from './visibility';
import { entryJson, feedJson, matchesSearch, page, parsePaging } from './responses';
import type { Reply, RequestContext } from './request';
import { jsonReply } from './request';

export interface EaiItem {
  readonly name: string;
  readonly owned: Owned;
  readonly author: string;
  readonly updated: Date;
  readonly content: Record<string, unknown>;
}

export interface ServerIdentity {
  readonly version: string;
  readonly build: string;
}

export function collectionPath(ctx: RequestContext, endpoint: readonly string[]): string {
  return `${ctx.ns.prefix}/${endpoint.map((s) => encodeURIComponent(s)).join('/')}`;
}

export interface RenderOptions {
  readonly endpoint: readonly string[];
  readonly canWrite: boolean;
  readonly status?: number;
  /** Apply the caller's count/offset/search; off when rendering the one entity a call addressed. */
  readonly paged?: boolean;
}

export function renderEai(
  ctx: RequestContext,
  server: ServerIdentity,
  items: readonly EaiItem[],
  options: RenderOptions,
): Reply {
  const path = collectionPath(ctx, options.endpoint);
  const paged = options.paged ?? true;
  const filtered = paged
    ? items.filter((item) => matchesSearch(ctx.args.get('search'), item.name, item.content))
    : [...items];
  const paging = paged ? parsePaging(ctx.args) : { count: 0, offset: 0 };
  const visible = page(filtered, paging);
  // `f` (splunkd's field filter on GET) keeps only the named content fields; the acl stays.
  const fields = ctx.method === 'GET' ? ctx.query.getAll('f') : [];
  const keep = (content: Record<string, unknown>): Record<string, unknown> =>
    fields.length === 0 || fields.includes('*')
      ? content
      : Object.fromEntries(Object.entries(content).filter(([key]) => fields.includes(key)));
  const entries = visible.map((item) =>
    entryJson(ctx.origin, {
      name: item.name,
      collectionPath: path,
      author: item.author,
      acl: aclOf(item.owned),
      canWrite: options.canWrite,
      content: keep(item.content),
      updated: item.updated,
    }),
  );
  return jsonReply(
    options.status ?? 200,
    feedJson(ctx.origin, {
      collectionPath: path,
      entries,
      total: filtered.length,
      offset: paging.offset,
      perPage: paging.count > 0 ? paging.count : filtered.length,
      canCreate: options.canWrite,
      version: server.version,
      build: server.build,
    }),
  );
}
