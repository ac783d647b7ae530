/**
 * Response bodies the service is known to send (events-api.md §1.7, §1.8): two JSON error shapes
 * and Go's plain-text 404. Pure.
 */
import { STATUS_CODES } from 'node:http';

/**
 * `legacy`: spec 1.2.0 `{"Error":{"Message":"…"}}` (also seen in users' logs);
 * `current`: today's reference `{"status":<int>,"message":"…"}`;
 * `alternate`: the two in turn, so a client meets both in one run.
 */
export type ErrorShape = 'legacy' | 'current' | 'alternate';

/** What the simulator writes back: status, headers, body text. */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Text (sent as UTF-8) or ready bytes. */
  readonly body: string | Buffer;
}

export const jsonContentType = 'application/json';
const textContentType = 'text/plain; charset=utf-8';

/** Header carrying the simulator's reason for a refusal; not sent by the real service. */
export const reasonHeader = 'x-sim-reason';

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function errorJson(shape: 'legacy' | 'current', status: number, message: string): string {
  return shape === 'legacy'
    ? JSON.stringify({ Error: { Message: message } })
    : JSON.stringify({ status, message });
}

export function jsonError(
  shape: 'legacy' | 'current',
  status: number,
  reason: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): SimResponse {
  return {
    status,
    headers: { 'content-type': jsonContentType, [reasonHeader]: reason, ...extraHeaders },
    body: errorJson(shape, status, statusText(status)),
  };
}

/** Go's http.NotFound: status 404, body "404 page not found\n", text/plain. */
export function plainNotFound(reason: string): SimResponse {
  return {
    status: 404,
    headers: {
      'content-type': textContentType,
      'x-content-type-options': 'nosniff',
      [reasonHeader]: reason,
    },
    body: '404 page not found\n',
  };
}

/** Go's ServeMux answer to a known path with the wrong method. */
export function methodNotAllowed(allow: string): SimResponse {
  return {
    status: 405,
    headers: {
      'content-type': textContentType,
      'x-content-type-options': 'nosniff',
      allow,
      [reasonHeader]: 'method_not_allowed',
    },
    body: 'Method Not Allowed\n',
  };
}

/** Concatenates text and byte parts into one body. */
export function bytesOf(parts: ReadonlyArray<string | Buffer>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/**
 * The page envelope around ready item bytes (`raw1,raw2,…`); nothing is re-serialised. Member
 * order follows the docs' {items, cursor, has_more}.
 */
export function pageBody(joinedItems: Buffer, cursor: string, hasMore: boolean): Buffer {
  return bytesOf([
    '{"items":[',
    joinedItems,
    `],"cursor":${JSON.stringify(cursor)},"has_more":${hasMore}}`,
  ]);
}

export function plainTextBody(status: number): string {
  return `${status} ${statusText(status)}\n`;
}

/** An HTML page such as a proxy, load balancer or captive portal sends. */
export function htmlPage(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

export function htmlBody(status: number): string {
  return htmlPage(`${status} ${statusText(status)}`);
}
