/** The feed table: the single source of truth for per-feed facts. No per-feed logic elsewhere. */
export const feedIds = ['signinattempts', 'itemusages', 'auditevents'] as const;
export type FeedId = (typeof feedIds)[number];

export interface FeedSpec {
  readonly id: FeedId;
  /** Path of the v2 endpoint, relative to the events host. */
  readonly path: string;
  readonly sourcetype: string;
  readonly label: string;
}

export const feeds: Readonly<Record<FeedId, FeedSpec>> = {
  signinattempts: {
    id: 'signinattempts',
    path: '/api/v2/signinattempts',
    sourcetype: '1password:insights:signin_attempts',
    label: 'Sign-in attempts',
  },
  itemusages: {
    id: 'itemusages',
    path: '/api/v2/itemusages',
    sourcetype: '1password:insights:item_usages',
    label: 'Item usages',
  },
  auditevents: {
    id: 'auditevents',
    path: '/api/v2/auditevents',
    sourcetype: '1password:insights:audit_events',
    label: 'Audit events',
  },
};

export const introspectPath = '/api/v2/auth/introspect';

export function isFeedId(value: string): value is FeedId {
  return (feedIds as readonly string[]).includes(value);
}
