/**
 * One parsed splunkd request: namespace, path segments, merged arguments and the caller. splunkd
 * reads arguments from the query string and from a form-encoded body alike, so both are merged.
 */
import type { User } from './auth';
import { SplunkdHttpError } from './responses';

/** `/services/…` has no owner/app; `/servicesNS/<owner>/<app>/…` has both (`-` is the wildcard). */
export interface Namespace {
  readonly owner: string | undefined;
  readonly app: string | undefined;
  /** `/services` or `/servicesNS/<owner>/<app>` with the segments URL-encoded again. */
  readonly prefix: string;
}

export interface ParsedPath {
  readonly ns: Namespace;
  /** Path segments after the namespace, percent-decoded one by one (so `%2F` stays inside a segment). */
  readonly segments: readonly string[];
}

/** Splits a request path into namespace and endpoint segments; undefined when it is not a REST path. */
export function parseRestPath(pathname: string): ParsedPath | undefined {
  const raw = pathname.split('/').slice(1);
  let decoded: string[];
  try {
    decoded = raw.map((s) => decodeURIComponent(s));
  } catch {
    throw new SplunkdHttpError(400, 'Malformed URL: bad percent-encoding');
  }
  // A trailing slash (…/storage/passwords/) addresses the collection itself, as in splunkd.
  if (decoded.length > 1 && decoded[decoded.length - 1] === '') decoded.pop();
  const [root, ...rest] = decoded;
  if (root === 'services') {
    return { ns: { owner: undefined, app: undefined, prefix: '/services' }, segments: rest };
  }
  if (root === 'servicesNS') {
    const [owner, app, ...segments] = rest;
    if (owner === undefined || app === undefined || owner === '' || app === '') return undefined;
    const prefix = `/servicesNS/${encodeURIComponent(owner)}/${encodeURIComponent(app)}`;
    return { ns: { owner, app, prefix }, segments };
  }
  return undefined;
}

export interface RequestContext {
  readonly method: string;
  readonly pathname: string;
  readonly ns: Namespace;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** Query string and form body merged; body values come after query values. */
  readonly args: URLSearchParams;
  readonly body: Buffer;
  readonly contentType: string;
  readonly user: User;
  /** Whether the caller asked for `output_mode=json`. */
  readonly json: boolean;
  /** `https://127.0.0.1:<port>`, for entry ids. */
  readonly origin: string;
}

export function mergeArgs(
  query: URLSearchParams,
  body: Buffer,
  contentType: string,
): URLSearchParams {
  const args = new URLSearchParams(query);
  if (body.length > 0 && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args.append(k, v);
  }
  return args;
}

/** EAI parameters a caller may send on any POST that are not stanza/entity properties. */
export const frameworkArgs = new Set(['output_mode', 'name']);

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json; charset=UTF-8' };
}

/** Rejects EAI calls that did not ask for JSON: this stand-in renders no Atom XML (see docs). */
export function requireJson(ctx: RequestContext): void {
  if (!ctx.json) {
    throw new SplunkdHttpError(
      400,
      'This splunkd stand-in renders EAI responses only with output_mode=json; Atom XML is not implemented.',
    );
  }
}

export function isWildcard(value: string | undefined): boolean {
  return value === '-';
}
