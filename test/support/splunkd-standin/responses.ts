/**
 * splunkd's response shapes: the `{"messages":[…]}` error body, the EAI feed/entry JSON that
 * `output_mode=json` returns, and the `<response><messages>` XML used when JSON was not asked for.
 */
import { escapeXml } from './modinput-xml';

export type MessageType = 'ERROR' | 'WARN' | 'INFO' | 'FATAL';

/** A request that splunkd answers with an error status and a message body. */
export class SplunkdHttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly type: MessageType = 'ERROR',
  ) {
    super(text);
    this.name = 'SplunkdHttpError';
  }
}

export const notFoundId = (id: string): SplunkdHttpError =>
  new SplunkdHttpError(404, `Could not find object id=${id}`);

export const alreadyExists = (name: string): SplunkdHttpError =>
  new SplunkdHttpError(409, `An object with name=${name} already exists`);

/** splunkd names every capability that would have allowed the call, joined with OR. */
export const forbidden = (user: string, capabilities: readonly string[]): SplunkdHttpError =>
  new SplunkdHttpError(
    403,
    `You (user=${user}) do not have permission to perform this operation (requires capability: ${capabilities.join(' OR ')}).`,
  );

export function messagesJson(type: MessageType, text: string): string {
  return JSON.stringify({ messages: [{ type, text }] });
}

export function messagesXml(type: MessageType, text: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<response>',
    '  <messages>',
    `    <msg type="${type}">${escapeXml(text)}</msg>`,
    '  </messages>',
    '</response>',
    '',
  ].join('\n');
}

export type Sharing = 'user' | 'app' | 'global' | 'system';

export interface Acl {
  readonly app: string;
  readonly owner: string;
  readonly sharing: Sharing;
  readonly perms: { readonly read: readonly string[]; readonly write: readonly string[] };
}

export function aclJson(acl: Acl, canWrite: boolean): Record<string, unknown> {
  return {
    app: acl.app,
    can_change_perms: canWrite,
    can_list: true,
    can_share_app: canWrite,
    can_share_global: canWrite,
    can_share_user: canWrite,
    can_write: canWrite,
    modifiable: canWrite,
    owner: acl.owner,
    perms: { read: [...acl.perms.read], write: [...acl.perms.write] },
    removable: canWrite,
    sharing: acl.sharing,
  };
}

export interface EntrySpec {
  readonly name: string;
  /** Path of the collection the entry belongs to, e.g. `/servicesNS/nobody/app/storage/passwords`. */
  readonly collectionPath: string;
  readonly author: string;
  readonly acl: Acl;
  readonly canWrite: boolean;
  readonly content: Record<string, unknown>;
  readonly updated: Date;
}

export function entryJson(origin: string, spec: EntrySpec): Record<string, unknown> {
  const self = `${spec.collectionPath}/${encodeURIComponent(spec.name)}`;
  const links: Record<string, string> = { alternate: self, list: self };
  if (spec.canWrite) {
    links['edit'] = self;
    links['remove'] = self;
  }
  return {
    name: spec.name,
    id: `${origin}${self}`,
    updated: isoWithOffset(spec.updated),
    links,
    author: spec.author,
    acl: aclJson(spec.acl, spec.canWrite),
    content: { ...spec.content, 'eai:acl': null },
  };
}

export interface FeedSpec {
  readonly collectionPath: string;
  readonly entries: readonly Record<string, unknown>[];
  readonly total: number;
  readonly offset: number;
  readonly perPage: number;
  readonly canCreate: boolean;
  readonly version: string;
  readonly build: string;
}

export function feedJson(origin: string, spec: FeedSpec): Record<string, unknown> {
  const links: Record<string, string> = { _reload: `${spec.collectionPath}/_reload` };
  if (spec.canCreate) links['create'] = `${spec.collectionPath}/_new`;
  return {
    links,
    origin: `${origin}${spec.collectionPath}`,
    updated: isoWithOffset(new Date()),
    generator: { build: spec.build, version: spec.version },
    entry: spec.entries,
    paging: { total: spec.total, perPage: spec.perPage, offset: spec.offset },
    messages: [],
  };
}

/** splunkd writes local time with an explicit offset, e.g. 2024-05-01T10:00:00+00:00. */
export function isoWithOffset(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

export interface Paging {
  readonly count: number;
  readonly offset: number;
}

/** `count=0` or `count=-1` means all; default 30 like splunkd. */
export function parsePaging(query: URLSearchParams): Paging {
  const count = Number.parseInt(query.get('count') ?? '30', 10);
  const offset = Number.parseInt(query.get('offset') ?? '0', 10);
  return {
    count: Number.isFinite(count) ? count : 30,
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

export function page<T>(items: readonly T[], paging: Paging): T[] {
  const end = paging.count > 0 ? paging.offset + paging.count : undefined;
  return items.slice(paging.offset, end);
}

/**
 * splunkd's `search` filter on EAI lists: space-separated terms, each `field=value` (exact match on a
 * content field, `*` wildcards allowed) or a bare word matched against the name and content values.
 */
export function matchesSearch(
  search: string | null,
  name: string,
  content: Record<string, unknown>,
): boolean {
  if (!search) return true;
  return search
    .split(/\s+/)
    .filter((term) => term.length > 0)
    .every((term) => {
      const eq = term.indexOf('=');
      if (eq > 0) {
        const field = term.slice(0, eq);
        const pattern = wildcard(term.slice(eq + 1));
        const value = field === 'name' || field === 'title' ? name : content[field];
        return value !== undefined && value !== null && pattern.test(String(value));
      }
      const needle = term.toLowerCase();
      return [name, ...Object.values(content).map((v) => String(v))].some((v) =>
        v.toLowerCase().includes(needle),
      );
    });
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}
