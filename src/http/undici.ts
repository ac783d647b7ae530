/**
 * The one undici adapter: Agent, ProxyAgent and the request API, from undici's public entry point.
 * The version is pinned; --scheme never loads this module (see src/main.ts).
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

export { Agent, ProxyAgent, type Dispatcher };

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
  return dispatcher.request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: options.method,
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
