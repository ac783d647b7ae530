/** The service's routes (events-api.md §1.2). v3 beta is not simulated: it answers 404. Pure. */
import { isFeedId, type FeedId } from '../../../src/core/feeds';
import type { ApiVersion } from './event-factory';

export type Route =
  | { readonly kind: 'feed'; readonly feed: FeedId; readonly version: ApiVersion }
  | { readonly kind: 'introspect'; readonly version: ApiVersion }
  | { readonly kind: 'unknown' };

export function routeOf(path: string): Route {
  if (path === '/api/v2/auth/introspect') return { kind: 'introspect', version: 'v2' };
  // The deprecated v1 introspect has no version segment.
  if (path === '/api/auth/introspect') return { kind: 'introspect', version: 'v1' };
  const m = /^\/api\/(v1|v2)\/([a-z]+)$/.exec(path);
  if (m !== null && isFeedId(m[2] ?? '')) {
    return { kind: 'feed', feed: m[2] as FeedId, version: m[1] as ApiVersion };
  }
  return { kind: 'unknown' };
}

export function allowedMethodOf(route: Route): string | undefined {
  return route.kind === 'feed' ? 'POST' : route.kind === 'introspect' ? 'GET' : undefined;
}
