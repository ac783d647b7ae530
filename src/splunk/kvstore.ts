/**
 * KV store access over splunkd REST. 503 while the KV store starts is retried; a KV store that is
 * disabled on this instance (some heavy forwarders) is reported as `KvStoreDisabled` so the
 * caller can fall back to files.
 */
import { appId } from '../core/app-identity';
import { AddonError, isRetriable } from '../core/errors';
import { abortableSleep, withRetry, type RetryPolicy } from '../core/retry';
import { nsPath, splunkdMessage, type SplunkdClient, type SplunkdResponse } from './splunkd-client';

/** A document as read back: its fields are unknown until a schema checks them (core/kv-documents). */
export type KvDocument = Record<string, unknown> & { _key: string };
/** Anything with a key can be written; JSON carries the rest. */
export interface KvWritable {
  readonly _key: string;
}

/** The KV store is switched off on this instance ([kvstore] disabled = true): use files instead. */
export class KvStoreDisabled extends AddonError {
  constructor(message: string) {
    super('checkpoint', message);
    this.name = 'KvStoreDisabled';
  }
}

export interface KvStoreOptions {
  /** How long to keep retrying 503 before giving up (ms). */
  readonly startupWaitMs?: number;
  /**
   * Epoch ms (on `now`'s clock) past which no call waits for the KV store beyond `graceMs`: the
   * run's own deadline, so a KV store that is starting cannot stretch a run past max_run_seconds.
   */
  readonly deadline?: number;
  /** The least patience a call gets, even past the deadline or after the KV store was given up on. */
  readonly graceMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Jitter source for the retry delays (full jitter, as every retry here). */
  readonly random?: () => number;
}

/** 0.5 s doubling to 5 s between tries; how long to keep trying is the caller's patience. */
const kvRetryPolicy: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 500,
  maxDelayMs: 5000,
};

export class KvStore {
  private readonly startupWaitMs: number;
  private readonly graceMs: number;
  private readonly deadline: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Set once a call ran out of patience: later calls of this run only get the grace. */
  private gaveUp = false;

  constructor(
    private readonly splunkd: SplunkdClient,
    private readonly app: string = appId,
    options: KvStoreOptions = {},
  ) {
    this.startupWaitMs = options.startupWaitMs ?? 60_000;
    this.graceMs = Math.min(options.graceMs ?? 2_000, this.startupWaitMs);
    this.deadline = options.deadline ?? Infinity;
    this.sleep = options.sleep ?? ((ms) => abortableSleep(ms));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** How long a call starting now may keep retrying (ms). */
  private patienceMs(started: number): number {
    if (this.gaveUp) return this.graceMs;
    return Math.max(this.graceMs, Math.min(this.startupWaitMs, this.deadline - started));
  }

  private path(collection: string, ...rest: string[]): string {
    return nsPath(
      this.app,
      'storage',
      'collections',
      'data',
      encodeURIComponent(collection),
      ...rest.map(encodeURIComponent),
    );
  }

  /** Sends with retries (the one retry loop) on 503 (KV store starting) and transport failures. */
  private async send(method: string, path: string, json?: unknown): Promise<SplunkdResponse> {
    const started = this.now();
    try {
      const response = await withRetry(() => this.attempt(method, path, json), kvRetryPolicy, {
        sleep: (ms) => this.sleep(ms),
        random: this.random,
        now: this.now,
        deadline: started + this.patienceMs(started),
        lastTryAtDeadline: true,
      });
      this.gaveUp = false;
      return response;
    } catch (error) {
      if (!isRetriable(error)) throw error;
      // A KV store that is only slow must not trigger the file fallback: the two could diverge.
      this.gaveUp = true;
      if (!(error instanceof AddonError) || error.status !== 503) throw error;
      const waited = Math.round((this.now() - started) / 1000);
      throw new AddonError(
        'splunkd',
        `the KV store stayed unavailable for ${waited} s: ${error.message}`,
        {
          status: 503,
        },
      );
    }
  }

  /** One call; 503 (the KV store is starting) is thrown as a retriable splunkd error. */
  private async attempt(method: string, path: string, json: unknown): Promise<SplunkdResponse> {
    let response: SplunkdResponse;
    try {
      response = await this.splunkd.send(method, path, json === undefined ? undefined : { json });
    } catch (error) {
      throw error instanceof AddonError ? error : new AddonError('splunkd', String(error));
    }
    if (response.status !== 503) return response;
    const text = splunkdMessage(response.body);
    if (/disabled/i.test(text)) {
      throw new KvStoreDisabled(`the KV store is disabled on this instance: ${text}`);
    }
    throw new AddonError('splunkd', text, { status: 503 });
  }

  async get(collection: string, key: string): Promise<KvDocument | undefined> {
    const response = await this.send('GET', this.path(collection, key));
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw kvError('read', collection, response);
    return JSON.parse(response.body) as KvDocument;
  }

  async query(collection: string, query: Record<string, unknown>): Promise<KvDocument[]> {
    const response = await this.send(
      'GET',
      `${this.path(collection)}?query=${encodeURIComponent(JSON.stringify(query))}`,
    );
    if (response.status !== 200) throw kvError('query', collection, response);
    return JSON.parse(response.body) as KvDocument[];
  }

  /** Upserts documents by _key (batch_save: at most 1000 per call). */
  async save(collection: string, documents: readonly KvWritable[]): Promise<void> {
    for (let i = 0; i < documents.length; i += 1000) {
      const response = await this.send(
        'POST',
        this.path(collection, 'batch_save'),
        documents.slice(i, i + 1000),
      );
      if (response.status !== 200 && response.status !== 201)
        throw kvError('write', collection, response);
    }
  }

  /** Inserts a document that must not exist yet; false when its _key is taken (409). */
  async insert(collection: string, document: KvWritable): Promise<boolean> {
    const response = await this.send('POST', this.path(collection), document);
    if (response.status === 409) return false;
    if (response.status !== 200 && response.status !== 201)
      throw kvError('insert', collection, response);
    return true;
  }

  async replace(collection: string, document: KvWritable): Promise<boolean> {
    const response = await this.send('POST', this.path(collection, document._key), document);
    if (response.status === 404) return false;
    if (response.status !== 200 && response.status !== 201)
      throw kvError('write', collection, response);
    return true;
  }

  async remove(collection: string, key: string): Promise<void> {
    const response = await this.send('DELETE', this.path(collection, key));
    if (response.status !== 200 && response.status !== 404)
      throw kvError('delete', collection, response);
  }
}

function kvError(action: string, collection: string, response: SplunkdResponse): AddonError {
  return new AddonError(
    'splunkd',
    `KV store ${action} on ${collection} failed (${response.status}): ${splunkdMessage(response.body)}`,
    { status: response.status },
  );
}
