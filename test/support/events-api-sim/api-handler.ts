/**
 * The service's behaviour for one well-routed request, without any networking: authentication,
 * feature scope, rate limits, body rules, cursors and paging (events-api.md §1.3–§1.10).
 *
 * Check order (1Password does not document one): token → feature scope → rate limit → body →
 * cursor. Only requests that reach the rate limiter and are admitted count against it.
 */
import type { FeedId } from '../../../src/core/feeds';
import type { AccountData } from './account-data';
import type { CursorCodec, CursorState } from './cursor-codec';
import type { ApiVersion } from './event-factory';
import type { FeedStore } from './feed-store';
import { selectPage } from './paging';
import type { SlidingWindowRateLimiter } from './rate-limiter';
import { readFeedRequest } from './request-body';
import { jsonContentType, jsonError, plainNotFound, type SimResponse } from './responses';
import { addMs, formatRfc3339, instantFromMs } from './rfc3339';
import type { Route } from './routes';
import type { TokenRecord, TokenRegistry } from './tokens';

const hourMs = 3_600_000;

export interface ApiState {
  readonly now: () => number;
  readonly tokens: TokenRegistry;
  readonly accountOf: (accountUuid: string) => AccountData;
  readonly codec: CursorCodec;
  readonly limiter: SlidingWindowRateLimiter | undefined;
  readonly rateLimitScope: 'token' | 'account';
  readonly retryAfterSeconds: number | undefined;
  /** The shape for the next JSON error (alternates when so configured). */
  readonly nextErrorShape: () => 'legacy' | 'current';
  readonly cursorTtlMs: number | undefined;
  readonly retentionMs: number;
  readonly cursorEpoch: () => number;
  readonly onRateLimited: () => void;
}

/** A 200 feed page, kept in parts so response faults can bend the envelope. */
export interface PageResult {
  readonly store: FeedStore;
  readonly version: ApiVersion;
  readonly indices: readonly number[];
  /** The items' texts joined with commas (UTF-8). */
  readonly joinedItems: Buffer;
  readonly cursor: string;
  readonly hasMore: boolean;
  /** The cursor the client sent (CR/LF removed), or a fresh cursor at the reset's start. */
  readonly requestCursor: string;
}

export interface ApiOutcome {
  readonly response: SimResponse | undefined;
  readonly page: PageResult | undefined;
  readonly token: TokenRecord | undefined;
  readonly tokenHash: string | undefined;
}

function outcome(response: SimResponse, token?: TokenRecord, hash?: string): ApiOutcome {
  return { response, page: undefined, token, tokenHash: hash ?? token?.hash };
}

export function handleApiRequest(
  state: ApiState,
  route: Exclude<Route, { kind: 'unknown' }>,
  authorization: string | undefined,
  bodyText: string,
): ApiOutcome {
  const auth = state.tokens.authenticate(authorization);
  if (!auth.ok) {
    // A partly pasted token gets Go's plain-text 404 from introspect (events-api.md §1.7).
    if (auth.failure === 'truncated_token' && route.kind === 'introspect') {
      return outcome(plainNotFound('truncated_token'), undefined, auth.hash);
    }
    return outcome(jsonError(state.nextErrorShape(), 401, auth.failure), undefined, auth.hash);
  }
  const token = auth.record;
  if (route.kind === 'feed' && !token.features.includes(route.feed)) {
    return outcome(jsonError(state.nextErrorShape(), 401, 'feature_not_in_token'), token);
  }
  if (state.limiter !== undefined) {
    const key = state.rateLimitScope === 'token' ? `t:${token.hash}` : `a:${token.accountUuid}`;
    const decision = state.limiter.tryAcquire(key, state.now());
    if (!decision.allowed) {
      state.onRateLimited();
      const headers: Record<string, string> =
        state.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(state.retryAfterSeconds) };
      return outcome(
        jsonError(state.nextErrorShape(), 429, `rate_limited_per_${decision.window}`, headers),
        token,
      );
    }
  }
  if (route.kind === 'introspect') return outcome(introspection(token, route.version), token);
  return handleFeedRequest(state, route.feed, route.version, token, bodyText);
}

function introspection(token: TokenRecord, version: ApiVersion): SimResponse {
  const issuedAt = formatRfc3339(instantFromMs(token.issuedAtSeconds * 1000), 0);
  const body =
    version === 'v2'
      ? {
          uuid: token.integrationUuid,
          issued_at: issuedAt,
          features: token.features,
          account_uuid: token.accountUuid,
        }
      : { UUID: token.integrationUuid, IssuedAt: issuedAt, Features: token.features };
  return { status: 200, headers: { 'content-type': jsonContentType }, body: JSON.stringify(body) };
}

function handleFeedRequest(
  state: ApiState,
  feed: FeedId,
  version: ApiVersion,
  token: TokenRecord,
  bodyText: string,
): ApiOutcome {
  const reading = readFeedRequest(bodyText);
  if (!reading.ok) return outcome(jsonError(state.nextErrorShape(), 400, reading.problem), token);
  const nowMs = state.now();
  let cursorState: CursorState;
  let requestCursor: string;
  const { request } = reading;
  if (request.kind === 'reset') {
    // Without start_time the API serves only the hour before end_time (or before now).
    const to = request.endTime;
    const from = request.startTime ?? addMs(to ?? instantFromMs(nowMs), -hourMs);
    cursorState = {
      accountUuid: token.accountUuid,
      feed,
      position: 0,
      from,
      to,
      limit: request.limit,
      issuedAtMs: nowMs,
      epoch: state.cursorEpoch(),
    };
    requestCursor = state.codec.encode(cursorState);
  } else {
    const decoded = state.codec.decode(request.cursor);
    // A cursor of another feed or account is as unknown as a forged one.
    if (
      decoded === undefined ||
      decoded.feed !== feed ||
      decoded.accountUuid !== token.accountUuid
    ) {
      return outcome(jsonError(state.nextErrorShape(), 400, 'cursor_unknown'), token);
    }
    if (decoded.epoch !== state.cursorEpoch()) {
      return outcome(jsonError(state.nextErrorShape(), 400, 'cursor_invalidated'), token);
    }
    if (state.cursorTtlMs !== undefined && nowMs - decoded.issuedAtMs > state.cursorTtlMs) {
      return outcome(jsonError(state.nextErrorShape(), 400, 'cursor_expired'), token);
    }
    cursorState = decoded;
    requestCursor = request.cursor.replace(/[\r\n]/g, '');
  }
  const store = state.accountOf(token.accountUuid).stores[feed];
  const selection = selectPage(store, {
    position: cursorState.position,
    from: cursorState.from,
    to: cursorState.to,
    limit: cursorState.limit,
    version,
    retentionCutoff: instantFromMs(nowMs - state.retentionMs),
  });
  const cursor = state.codec.encode({
    ...cursorState,
    position: selection.nextPosition,
    issuedAtMs: nowMs,
  });
  return {
    response: undefined,
    page: {
      store,
      version,
      indices: selection.indices,
      joinedItems: store.joinedItems(selection.indices, version),
      cursor,
      hasMore: selection.hasMore,
      requestCursor,
    },
    token,
    tokenHash: token.hash,
  };
}
