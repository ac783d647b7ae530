/**
 * Switchable faults. A rule names a fault kind, which requests it applies to (`match`), how many
 * matching requests to let through first (`skip`, default 0) and how many to spoil (`times`,
 * default 1; Infinity for "until cleared"). Rules are tried in injection order and the first
 * applicable one handles a request.
 *
 * Phases:
 * - connection faults act on new TCP connections, before TLS (nothing about the request is known);
 * - request faults replace the response before auth, rate limiting or paging run;
 * - response faults spoil a normal 200 answer (envelope faults only a feed page).
 */
import type { FeedId } from '../../../src/core/feeds';
import type { ApiVersion } from './event-factory';

export interface FaultMatch {
  readonly feed?: FeedId | readonly FeedId[];
  /** Exact path, or a pattern tested against the path. */
  readonly path?: string | RegExp;
  readonly method?: string;
  readonly version?: ApiVersion;
  /** true: only requests carrying a cursor; false: only ResetCursor requests. */
  readonly withCursor?: boolean;
}

export interface FaultTiming {
  /** Matching requests (or connections) to let through before the fault starts. Default 0. */
  readonly skip?: number;
  /** Matching requests (or connections) to spoil. Default 1. */
  readonly times?: number;
}

export type RequestFault =
  /** Any status with an error body; e.g. 429 (with or without Retry-After) or a 5xx burst. */
  | {
      readonly kind: 'status';
      readonly status: number;
      /** Retry-After header value: seconds, or a raw string such as an HTTP-date. */
      readonly retryAfter?: number | string;
      /**
       * Body: JSON error (default), plain text, an HTML proxy page, or nothing. The echo bodies
       * repeat the request's Authorization header, as a debugging endpoint or a misconfigured
       * proxy does: `echo-json` inside the error message, `echo-text` as plain text.
       */
      readonly body?: 'json' | 'text' | 'html' | 'empty' | 'echo-json' | 'echo-text';
      readonly errorShape?: 'legacy' | 'current';
    }
  /** Close the connection with a TCP reset instead of answering. */
  | { readonly kind: 'reset-before-response' }
  /** Read the request and never answer (until the client gives up or the simulator stops). */
  | { readonly kind: 'hang-before-response' }
  /** Go's plain-text "404 page not found". */
  | { readonly kind: 'not-found-text' }
  /** A cursor request is refused with 400 as if its cursor had gone stale. */
  | { readonly kind: 'stale-cursor'; readonly errorShape?: 'legacy' | 'current' }
  /** Revoke the request's token (for good) and answer 401. */
  | { readonly kind: 'revoke-token'; readonly errorShape?: 'legacy' | 'current' };

export type ResponseFault =
  /** Send headers and the first `afterBytes` of the body (default half), then a TCP reset. */
  | { readonly kind: 'reset-mid-body'; readonly afterBytes?: number }
  /** Send headers and part of the body, then stall with the connection open. */
  | { readonly kind: 'hang-mid-body'; readonly afterBytes?: number }
  /** Valid headers whose Content-Length matches a body cut short: a clean but truncated JSON. */
  | { readonly kind: 'truncated-body'; readonly afterBytes?: number }
  /** Status 200, application/json, body that is not JSON. */
  | { readonly kind: 'invalid-json'; readonly body?: string }
  /** Status 200 with another Content-Type; body unchanged (default) or an HTML page. */
  | {
      readonly kind: 'wrong-content-type';
      readonly contentType?: string;
      readonly body?: 'unchanged' | 'html';
    }
  /** Page without a `cursor` member. */
  | { readonly kind: 'missing-cursor' }
  /** Page with has_more true and the request's own cursor back: a client that trusts it loops. */
  | { readonly kind: 'stuck-cursor' }
  /** Page whose `items` is not an array (default null). */
  | { readonly kind: 'items-not-array'; readonly items?: unknown }
  /** Page whose has_more is the string "true". */
  | { readonly kind: 'has-more-not-boolean' };

export type ConnectionFault =
  /** Accept TCP and never answer the TLS ClientHello. */
  | { readonly kind: 'hang-tls-handshake' }
  /** Accept TCP and reset it at once. */
  | { readonly kind: 'reset-on-connect' };

type Matched<T> = T & FaultTiming & { readonly match?: FaultMatch };

export type FaultRule =
  Matched<RequestFault> | Matched<ResponseFault> | (ConnectionFault & FaultTiming);
export type FaultKind = FaultRule['kind'];

const requestKinds: ReadonlySet<FaultKind> = new Set([
  'status',
  'reset-before-response',
  'hang-before-response',
  'not-found-text',
  'stale-cursor',
  'revoke-token',
]);
const connectionKinds: ReadonlySet<FaultKind> = new Set(['hang-tls-handshake', 'reset-on-connect']);
const envelopeKinds: ReadonlySet<FaultKind> = new Set([
  'missing-cursor',
  'stuck-cursor',
  'items-not-array',
  'has-more-not-boolean',
]);

/** What is known about a request when faults are looked up. */
export interface FaultContext {
  readonly method: string;
  readonly path: string;
  readonly feed: FeedId | undefined;
  readonly version: ApiVersion | undefined;
  /** Undefined when the body is not a valid feed request. */
  readonly withCursor: boolean | undefined;
}

export interface FaultHandle {
  readonly id: number;
  readonly rule: FaultRule;
  /** Requests (or connections) this rule has spoiled so far. */
  readonly fired: number;
  /** How many more it will spoil. */
  readonly remaining: number;
}

interface ActiveRule {
  readonly id: number;
  readonly rule: FaultRule;
  seen: number;
  fired: number;
}

function matchesRequest(rule: FaultRule, ctx: FaultContext): boolean {
  if (!('match' in rule) || rule.match === undefined) return true;
  const { feed, path, method, version, withCursor } = rule.match;
  if (feed !== undefined) {
    const feeds: readonly FeedId[] = typeof feed === 'string' ? [feed] : feed;
    if (ctx.feed === undefined || !feeds.includes(ctx.feed)) return false;
  }
  if (path !== undefined && (typeof path === 'string' ? path !== ctx.path : !path.test(ctx.path))) {
    return false;
  }
  if (method !== undefined && method.toUpperCase() !== ctx.method) return false;
  if (version !== undefined && version !== ctx.version) return false;
  if (withCursor !== undefined && withCursor !== ctx.withCursor) return false;
  return true;
}

export class FaultController {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private totalFired = 0;

  /** Adds a rule; returns a live view of it. */
  inject(rule: FaultRule): FaultHandle {
    const times = rule.times ?? 1;
    const skip = rule.skip ?? 0;
    if (!(times >= 0) || !(skip >= 0)) throw new RangeError('fault times/skip must be ≥ 0');
    const active: ActiveRule = { id: this.nextId, rule, seen: 0, fired: 0 };
    this.nextId += 1;
    this.rules.push(active);
    return {
      id: active.id,
      rule,
      get fired() {
        return active.fired;
      },
      get remaining() {
        return Math.max(0, times - active.fired);
      },
    };
  }

  /** Removes every rule (their handles keep their final counts). */
  clear(): void {
    this.rules = [];
  }

  /** Number of requests and connections spoiled since start. */
  get firedCount(): number {
    return this.totalFired;
  }

  /** Rules still able to fire. */
  get pending(): number {
    return this.rules.filter((r) => r.fired < (r.rule.times ?? 1)).length;
  }

  takeConnectionFault(): (ConnectionFault & FaultTiming) | undefined {
    return this.take((rule) => connectionKinds.has(rule.kind)) as
      (ConnectionFault & FaultTiming) | undefined;
  }

  takeRequestFault(ctx: FaultContext): Matched<RequestFault> | undefined {
    return this.take(
      (rule) =>
        requestKinds.has(rule.kind) &&
        (rule.kind !== 'stale-cursor' || ctx.withCursor === true) &&
        matchesRequest(rule, ctx),
    ) as Matched<RequestFault> | undefined;
  }

  /** `isPage`: the normal answer is a 200 feed page (envelope faults need one). */
  takeResponseFault(ctx: FaultContext, isPage: boolean): Matched<ResponseFault> | undefined {
    return this.take(
      (rule) =>
        !requestKinds.has(rule.kind) &&
        !connectionKinds.has(rule.kind) &&
        (isPage || !envelopeKinds.has(rule.kind)) &&
        matchesRequest(rule, ctx),
    ) as Matched<ResponseFault> | undefined;
  }

  private take(applies: (rule: FaultRule) => boolean): FaultRule | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (active.fired >= (rule.times ?? 1) || !applies(rule)) continue;
      active.seen += 1;
      if (active.seen <= (rule.skip ?? 0)) continue;
      active.fired += 1;
      this.totalFired += 1;
      return rule;
    }
    return undefined;
  }
}
