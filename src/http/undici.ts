/**
 * The one undici adapter: Agent, ProxyAgent and the request API, through undici's public entry
 * point only (the version is pinned in package.json). Modules the input never uses cost nothing
 * at start-up: main.ts loads the run modules, and with them undici, only in run mode.
 */
import { Agent, ProxyAgent, request as undiciRequest, type Dispatcher } from 'undici';

export { Agent, ProxyAgent };
export type { Dispatcher };

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
  return undiciRequest(url, {
    dispatcher,
    method: options.method,
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
