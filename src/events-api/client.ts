/**
 * The Events API client: undici with TLS verification always on (a custom CA bundle can be added,
 * never verification removed), timeouts on every request, and statuses mapped to typed errors.
 */
import { Agent, ProxyAgent, request, type Dispatcher } from '../http/undici';
import { createSecureContext, rootCertificates } from 'node:tls';
import * as z from 'zod/mini';
import {
  errorClassWording,
  networkFailureKind,
  networkWording,
  rootErrorCode,
} from '../core/admin-wording';
import { AddonError, describeError } from '../core/errors';
import { introspectPath, type FeedSpec } from '../core/feeds';
import { parseRetryAfter } from '../core/retry';
import { maskSecrets } from '../core/secret-mask';
import type { DispatcherPool } from '../http/dispatcher-pool';
import { readCappedBody } from './body-limit';
import { errorMessageOf } from './error-body';
import { parsePage, type Page } from './page';

export type PageRequest =
  { readonly cursor: string } | { readonly limit: number; readonly start_time: string };

export interface Introspection {
  readonly uuid: string;
  readonly issuedAt: string;
  readonly features: readonly string[];
  readonly accountUuid: string | undefined;
}

const introspectionSchema = z.looseObject({
  uuid: z.string(),
  issued_at: z.string(),
  features: z.array(z.string()),
  account_uuid: z.optional(z.string()),
});

export interface TransportOptions {
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  readonly caPem?: string | undefined;
  /** http(s) proxy URL without credentials. */
  readonly proxyUrl?: string | undefined;
  readonly proxyUsername?: string | undefined;
  readonly proxyPassword?: string | undefined;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
}

export interface EventsApiClientOptions extends TransportOptions {
  readonly baseUrl: string;
  /** Dispatchers kept across runs (the resident input); without it the client has its own. */
  readonly pool?: DispatcherPool | undefined;
  readonly token: string;
  readonly userAgent: string;
  /** Hard cap on one request, connect to last byte. */
  readonly requestTimeoutMs?: number;
}

/**
 * Classifies a thrown transport error: TLS trust problems are configuration, the rest retriable.
 * The message states the fact; `adminMessage` adds the wording table's advice where an admin reads it.
 */
export function transportError(error: unknown, host: string): AddonError {
  if (error instanceof AddonError) return error;
  const code = rootErrorCode(error) ?? 'UNKNOWN';
  if (networkFailureKind(code) === 'tls') {
    const { action } = networkWording('tls', host);
    return new AddonError('config', `TLS verification of ${host} failed (${code}). ${action}`, {
      cause: error,
    });
  }
  return new AddonError('network', `could not reach ${host}: ${code} ${describeError(error)}`, {
    cause: error,
  });
}

export function createDispatcher(options: TransportOptions): Dispatcher {
  // One secure context per client: passing `ca` instead would make Node parse every root
  // certificate again for each new connection (about 12 ms of CPU each).
  const connect = {
    timeout: options.connectTimeoutMs ?? 10_000,
    ...(options.caPem
      ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.caPem] }) }
      : {}),
    rejectUnauthorized: true,
  };
  const timeouts = {
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 60_000,
  };
  if (options.proxyUrl) {
    const auth =
      options.proxyUsername !== undefined
        ? `Basic ${Buffer.from(`${options.proxyUsername}:${options.proxyPassword ?? ''}`).toString('base64')}`
        : undefined;
    return new ProxyAgent({
      uri: options.proxyUrl,
      ...(auth ? { token: auth } : {}),
      requestTls: connect,
      ...timeouts,
    });
  }
  return new Agent({ connect, ...timeouts, keepAliveTimeout: 30_000 });
}

/** What shapes a connection: the key of a pooled dispatcher (the token is not part of it). */
function transportSettings(options: TransportOptions): TransportOptions {
  return {
    caPem: options.caPem,
    proxyUrl: options.proxyUrl,
    proxyUsername: options.proxyUsername,
    proxyPassword: options.proxyPassword,
    connectTimeoutMs: options.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs,
  } as TransportOptions;
}

export class EventsApiClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly host: string;

  constructor(private readonly options: EventsApiClientOptions) {
    const { pool } = options;
    this.ownsDispatcher = pool === undefined;
    this.dispatcher = pool
      ? pool.get(transportSettings(options), () => createDispatcher(options))
      : createDispatcher(options);
    this.host = new URL(options.baseUrl).host;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
    cursorSent = false,
    timeoutMs: number = this.options.requestTimeoutMs ?? 120_000,
  ): Promise<Buffer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let bytes: Buffer;
    try {
      const response = await request(new URL(path, this.options.baseUrl), this.dispatcher, {
        method,
        signal: combined,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'user-agent': this.options.userAgent,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      status = response.statusCode;
      headers = response.headers;
      // Bytes, not text: pages are parsed and written without decoding (see page.ts).
      bytes = await readCappedBody(response.body, headers['content-length'], `${method} ${path}`);
    } catch (error) {
      if (signal?.aborted)
        throw new AddonError('cancelled', 'the run was stopped', { cause: error });
      if (timeout.aborted) {
        throw new AddonError('network', `${this.host} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      throw transportError(error, this.host);
    }
    if (status >= 200 && status < 300) return bytes;
    // An endpoint or proxy may echo the Authorization header: mask it before it becomes a message.
    const errorBody = maskSecrets(bytes.toString('utf8'), [this.options.token]);
    throw httpError(status, errorBody, headers['retry-after'], this.host, cursorSent);
  }

  /** `timeoutMs`: this request's cap when shorter than request_timeout_seconds (run deadline). */
  async fetchPage(
    feed: FeedSpec,
    body: PageRequest,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<Page> {
    const bytes = await this.call(
      'POST',
      feed.path,
      JSON.stringify(body),
      signal,
      'cursor' in body,
      timeoutMs,
    );
    return parsePage(bytes);
  }

  async introspect(signal?: AbortSignal): Promise<Introspection> {
    const text = (await this.call('GET', introspectPath, undefined, signal)).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AddonError('protocol', 'introspect answered with a body that is not JSON');
    }
    const parsed = introspectionSchema.safeParse(value);
    if (!parsed.success)
      throw new AddonError('protocol', 'introspect answered without uuid, issued_at or features');
    return {
      uuid: parsed.data.uuid,
      issuedAt: parsed.data.issued_at,
      features: parsed.data.features,
      accountUuid: parsed.data.account_uuid,
    };
  }

  /** Closes the client's own dispatcher; a pooled one stays for the next run. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

export function httpError(
  status: number,
  body: string,
  retryAfter: string | string[] | undefined,
  host: string,
  cursorSent = false,
): AddonError {
  const message = errorMessageOf(body);
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(header, Date.now());
    return new AddonError('rate_limited', `${host} answered 429 (rate limited): ${message}`, {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status === 401 || status === 403) {
    return new AddonError(
      'unauthorized',
      `${host} rejected the token (${status}: ${message}). ${errorClassWording.unauthorized.action}`,
      { status },
    );
  }
  if (status === 404) {
    return new AddonError(
      'not_found',
      `${host} answered 404 (${message}). ${errorClassWording.not_found.action}`,
      { status },
    );
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(header, Date.now());
    return new AddonError('server', `${host} answered ${status}: ${message}`, {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  // A 400 on a stored cursor means it went stale (its lifetime is undocumented).
  if (status === 400 && cursorSent) {
    return new AddonError('stale_cursor', `${host} rejected the cursor (400: ${message})`, {
      status,
    });
  }
  return new AddonError('bad_request', `${host} answered ${status}: ${message}`, { status });
}
