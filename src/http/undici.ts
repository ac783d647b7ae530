/**
 * The parts of undici the add-on uses — Agent, ProxyAgent and the request API — imported from
 * undici's own modules instead of its index, which would also bundle fetch, WebSocket, the cache
 * and the mock agent (about 220 KB of minified code the input never runs). Same code, same
 * behaviour as `import { request, Agent, ProxyAgent } from 'undici'`; the version is pinned.
 * The build leaves out a few more modules these reach only in ways the input never uses
 * (tools/build/undici-trim.ts).
 */
import type { Dispatcher } from 'undici';
import connectApi from 'undici/lib/api/api-connect.js';
import requestApi from 'undici/lib/api/api-request.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js';

// What undici's index does, for the two methods used: `request`, and `connect`, which ProxyAgent
// calls on its client to open the CONNECT tunnel. stream/pipeline/upgrade are never called.
Object.assign(DispatcherClass.prototype, { request: requestApi, connect: connectApi });

export type { Dispatcher };
export const Agent = AgentClass;
export const ProxyAgent = ProxyAgentClass;

export interface HttpRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** undici's request(), on an explicit dispatcher. */
export function request(
  url: string | URL,
  dispatcher: Dispatcher,
  options: HttpRequest,
): Promise<Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  return requestApi.call(dispatcher, {
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: options.method,
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
