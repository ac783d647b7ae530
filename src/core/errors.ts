/**
 * Typed errors. Whether an error is retriable is decided in exactly one place: `isRetriable`.
 * Messages are written for Splunk admins and never contain secrets.
 */
import { processSecrets } from './secret-mask';

export type ErrorClass =
  | 'config' // bad stanza, account or conf values: fix the configuration
  | 'token' // token malformed, legacy, expired, missing scope
  | 'unauthorized' // 401 from the Events API: invalid or revoked token
  | 'not_found' // 404 from the Events API (often a truncated token)
  | 'stale_cursor' // 400 on a stored cursor
  | 'bad_request' // other 400s
  | 'rate_limited' // 429
  | 'server' // 5xx
  | 'network' // connect/reset/timeout/TLS
  | 'protocol' // response broke the API contract (bad JSON, missing cursor, loop)
  | 'oversized' // response body over the cap (see body-limit.ts): not retried within the run
  | 'splunkd' // splunkd REST failure (KV store, storage/passwords)
  | 'splunkd_auth' // session key rejected
  | 'checkpoint' // checkpoint could not be read or written
  | 'output' // stdout closed by the reader
  | 'cancelled'; // run stopped by a signal or budget

export class AddonError extends Error {
  readonly errorClass: ErrorClass;
  /** HTTP status when the error came from an HTTP answer. */
  readonly status: number | undefined;
  /** Delay the server asked for (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    errorClass: ErrorClass,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AddonError';
    this.errorClass = errorClass;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const retriableClasses: ReadonlySet<ErrorClass> = new Set([
  'rate_limited',
  'server',
  'network',
  'protocol',
  'splunkd',
]);

/** The one place that decides retriable versus fatal. */
export function isRetriable(error: unknown): boolean {
  return error instanceof AddonError && retriableClasses.has(error.errorClass);
}

export function errorClassOf(error: unknown): ErrorClass | 'internal' {
  return error instanceof AddonError ? error.errorClass : 'internal';
}

/** One-line description of any thrown value, safe for a log line. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Masked before the cut: a cut-off token would no longer match the whole secret.
  return processSecrets
    .mask(text)
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 500);
}

/**
 * The one exit-code rule: 1 only when splunkd stopped reading our stdout (the run could not
 * deliver); every other failure is reported in the log and the health documents and exits 0, so
 * splunkd keeps scheduling the input.
 */
export function exitCodeFor(errors: readonly unknown[]): number {
  return errors.some((e) => e instanceof AddonError && e.errorClass === 'output') ? 1 : 0;
}
