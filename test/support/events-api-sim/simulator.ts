/**
 * Assembles the simulator: options and defaults, TLS material, tokens, account data, the server,
 * and the Simulator handle tests and scripts drive.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { feedIds, type FeedId } from '../../../src/core/feeds';
import {
  addEvents,
  createAccount,
  insertLateEvents,
  type AccountData,
  type FeedCounts,
} from './account-data';
import type { ApiState } from './api-handler';
import { CursorCodec } from './cursor-codec';
import type { ApiVersion, GeneratorSettings } from './event-factory';
import type { StoredItem } from './feed-store';
import { FaultController } from './faults';
import { Prng, seedWordsOf } from './prng';
import { SlidingWindowRateLimiter, type RateLimit } from './rate-limiter';
import { RequestLog, type RequestRecord, type SimulatorStats } from './request-log';
import type { ErrorShape } from './responses';
import { SimulatorServer, type MutableStats } from './server';
import { createTlsMaterial, type TlsInput, type TlsMaterial } from './tls-material';
import { TokenRegistry, truncateToken, type IssueTokenOptions } from './tokens';

export interface SimulatorOptions {
  /** Seed for every generated value (events, ids, latency jitter). Default "events-api-sim". */
  readonly seed?: string | number;
  /** Events generated per feed at start for the default account. Default 200 each. */
  readonly counts?: FeedCounts;
  /** Generated events are spread over the last `spanDays` days. Default 30. */
  readonly spanDays?: number;
  /** Put hostile-but-valid content in a seeded share of events. Default true. */
  readonly hostile?: boolean;
  /** That share (0..1). Default 0.02. */
  readonly hostileFraction?: number;
  /** Let about 1 in 2000 audit events carry a ~100 KB aux_info. Default false. */
  readonly largeAuxInfo?: boolean;
  /** Emit the MSP-only v2 fields (user_type, user_account_uuid, account_uuid, actor_type, …). Default true. */
  readonly msp?: boolean;
  /** The default account's uuid. Default derived from the seed. */
  readonly accountUuid?: string;
  /** Clock in ms since the epoch. Default Date.now. Drives timestamps, retention, limits, TTLs. */
  readonly now?: () => number;
  /** Port on 127.0.0.1. Default 0 (any free port). */
  readonly port?: number;
  /** A CA to sign the server certificate with, or a complete set. Default: generate a CA. */
  readonly tls?: TlsInput;
  /** subjectAltNames of the server certificate. Default ["localhost", "127.0.0.1"]. */
  readonly certificateNames?: readonly string[];
  /** Where ca.pem and keys go. Default a fresh temp dir, removed by stop(); a given dir is kept. */
  readonly workDir?: string;
  /** Documented limits are {perMinute: 600, perHour: 30000}. Default false (no limit). */
  readonly rateLimit?: RateLimit | false;
  /** 1Password does not say whether limits apply per token or per account. Default "token". */
  readonly rateLimitScope?: 'token' | 'account';
  /** Send Retry-After on rate-limit 429s (none is documented). Default: no header. */
  readonly retryAfterSeconds?: number;
  /** Added to every response: fixed, or uniform in [min, max] with seeded jitter. Default 0. */
  readonly latencyMs?: number | readonly [number, number];
  /** JSON error body shape. Default "alternate". */
  readonly errorShape?: ErrorShape;
  /** Cursors older than this are refused with 400. Default: cursors never expire. */
  readonly cursorTtlMs?: number;
  /** Events older than this are not served. Default 120 (documented retention). */
  readonly retentionDays?: number;
  /** When set, only tokens whose aud[0] is listed are accepted (others: 401). Default: any issued token. */
  readonly acceptedAudiences?: readonly string[];
  /** Request records kept (newest). Default 100000. */
  readonly maxRequestLog?: number;
}

export interface ItemQueryOptions {
  readonly version?: ApiVersion;
  readonly accountUuid?: string;
}

export interface Simulator {
  /** https://localhost:<port> */
  readonly url: string;
  /** localhost:<port> — what issued tokens carry in `aud` by default. */
  readonly host: string;
  readonly port: number;
  readonly caPem: string;
  /** File path of the CA certificate (PEM). */
  readonly caPath: string;
  /** The CA and server keys, to start another simulator under the same CA. */
  readonly tls: TlsMaterial;
  /** The account generated at start. */
  readonly accountUuid: string;
  readonly faults: FaultController;
  /** Newest request records, oldest first. */
  readonly requests: readonly RequestRecord[];
  readonly stats: SimulatorStats;
  issueToken(options?: IssueTokenOptions): string;
  /** A token whose aud is com.1password.streamingservice (accepted by the simulator). */
  issueLegacyToken(options?: Omit<IssueTokenOptions, 'aud'>): string;
  /** A prefix of `token`, as left by a partial paste (see truncateToken). */
  truncatedToken(token: string, dropChars?: number): string;
  /** From now on the token gets 401. */
  revokeToken(token: string): void;
  /** Creates another account (events generated as at start); returns its uuid. */
  addAccount(options?: { readonly accountUuid?: string; readonly counts?: FeedCounts }): string;
  /** Ingests `n` events stamped now (+ offset); returns them in ingestion order. */
  addEvents(
    feed: FeedId,
    n: number,
    options?: { readonly timestampOffsetMs?: number; readonly accountUuid?: string },
  ): StoredItem[];
  /** Ingests `n` events now, stamped just before now − ageMs. */
  insertLateEvents(
    feed: FeedId,
    n: number,
    options: { readonly ageMs: number; readonly accountUuid?: string },
  ): StoredItem[];
  /** Items served in well-formed pages (default v2), each once, in ingestion order. */
  servedItems(feed: FeedId, options?: ItemQueryOptions): StoredItem[];
  /** Every item the version can serve (default v2), in ingestion order, retention ignored. */
  allItems(feed: FeedId, options?: ItemQueryOptions): StoredItem[];
  eventCount(feed: FeedId, options?: { readonly accountUuid?: string }): number;
  /** Makes every cursor issued so far stale (400), e.g. to simulate a server-side reset. */
  invalidateCursors(): void;
  clearRequests(): void;
  /** Closes the listener and every connection (hung ones too); removes the temp dir. */
  stop(): Promise<void>;
}

const defaultSeed = 'events-api-sim';
const defaultCount = 200;
const dayMs = 86_400_000;

function resolveCounts(counts: FeedCounts | undefined, fallback: number): Record<FeedId, number> {
  const out = {} as Record<FeedId, number>;
  for (const feed of feedIds) out[feed] = counts?.[feed] ?? fallback;
  return out;
}

export async function startEventsApiSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = String(options.seed ?? defaultSeed);
  const now = options.now ?? Date.now;
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'events-api-sim-')));
  await mkdir(workDir, { recursive: true });
  const certificateNames = options.certificateNames ?? ['localhost', '127.0.0.1'];
  let tls: TlsMaterial;
  try {
    tls = await createTlsMaterial(workDir, certificateNames, options.tls);
  } catch (error) {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    throw error;
  }

  const settings: GeneratorSettings = {
    hostileFraction: options.hostile === false ? 0 : (options.hostileFraction ?? 0.02),
    largeAuxInfo: options.largeAuxInfo ?? false,
    msp: options.msp ?? true,
  };
  const spanMs = (options.spanDays ?? 30) * dayMs;
  const accounts = new Map<string, AccountData>();
  const newAccount = (
    label: string,
    accountUuid: string | undefined,
    counts: FeedCounts | undefined,
    fallback: number,
  ): AccountData => {
    const account = createAccount({
      seed,
      label,
      accountUuid,
      counts: resolveCounts(counts, fallback),
      spanMs,
      nowMs: now(),
      settings,
    });
    accounts.set(account.accountUuid, account);
    return account;
  };
  const defaultAccount = newAccount('account-0', options.accountUuid, options.counts, defaultCount);
  const accountOf = (accountUuid: string): AccountData =>
    accounts.get(accountUuid) ?? newAccount(`account:${accountUuid}`, accountUuid, undefined, 0);

  let host = 'localhost:0';
  const tokens = new TokenRegistry({
    now,
    rng: new Prng(seedWordsOf(seed, 'tokens')),
    defaultAudience: () => host,
    defaultAccountUuid: defaultAccount.accountUuid,
    acceptedAudiences:
      options.acceptedAudiences === undefined ? undefined : () => options.acceptedAudiences ?? [],
  });

  const shape = options.errorShape ?? 'alternate';
  let errorCount = 0;
  let cursorEpoch = 0;
  const stats: MutableStats = {
    requests: 0,
    connections: 0,
    byStatus: {},
    rateLimited: 0,
    pagesServed: 0,
    itemsServed: 0,
  };
  const api: ApiState = {
    now,
    tokens,
    accountOf,
    codec: new CursorCodec(createHash('sha256').update(`${seed}\u0000cursor-key`).digest()),
    limiter: options.rateLimit ? new SlidingWindowRateLimiter(options.rateLimit) : undefined,
    rateLimitScope: options.rateLimitScope ?? 'token',
    retryAfterSeconds: options.retryAfterSeconds,
    nextErrorShape: () => {
      errorCount += 1;
      if (shape !== 'alternate') return shape;
      return errorCount % 2 === 1 ? 'current' : 'legacy';
    },
    cursorTtlMs: options.cursorTtlMs,
    retentionMs: (options.retentionDays ?? 120) * dayMs,
    cursorEpoch: () => cursorEpoch,
    onRateLimited: () => {
      stats.rateLimited += 1;
    },
  };

  const latencyRng = new Prng(seedWordsOf(seed, 'latency'));
  const latency = options.latencyMs ?? 0;
  const faults = new FaultController();
  const log = new RequestLog(options.maxRequestLog ?? 100_000);
  const server = new SimulatorServer(
    { key: tls.keyPem, cert: tls.certPem },
    {
      api,
      faults,
      log,
      stats,
      latencyMs: () =>
        typeof latency === 'number'
          ? latency
          : latency[0] + latencyRng.float() * (latency[1] - latency[0]),
    },
  );
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (error) {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  host = `localhost:${port}`;

  const existingAccount = (accountUuid: string | undefined): AccountData => {
    const account = accounts.get(accountUuid ?? defaultAccount.accountUuid);
    if (account === undefined) throw new RangeError(`unknown account ${accountUuid ?? ''}`);
    return account;
  };
  let stopped = false;

  return {
    url: `https://${host}`,
    host,
    port,
    caPem: tls.caCertPem,
    caPath: path.join(workDir, 'ca.pem'),
    tls,
    accountUuid: defaultAccount.accountUuid,
    faults,
    get requests() {
      return log.all;
    },
    get stats(): SimulatorStats {
      return { ...stats, byStatus: { ...stats.byStatus }, faultsFired: faults.firedCount };
    },
    issueToken: (request) => {
      if (request?.accountUuid !== undefined) accountOf(request.accountUuid);
      return tokens.issue(request);
    },
    issueLegacyToken: (request) => {
      if (request?.accountUuid !== undefined) accountOf(request.accountUuid);
      return tokens.issueLegacy(request);
    },
    truncatedToken: truncateToken,
    revokeToken: (token) => {
      tokens.revoke(token);
    },
    addAccount: (request) => {
      if (request?.accountUuid !== undefined && accounts.has(request.accountUuid)) {
        throw new RangeError(`account ${request.accountUuid} exists already`);
      }
      return newAccount(
        `account:${accounts.size}`,
        request?.accountUuid,
        request?.counts,
        defaultCount,
      ).accountUuid;
    },
    addEvents: (feed, n, request) =>
      addEvents(
        existingAccount(request?.accountUuid),
        feed,
        n,
        now(),
        request?.timestampOffsetMs ?? 0,
      ),
    insertLateEvents: (feed, n, request) =>
      insertLateEvents(existingAccount(request.accountUuid), feed, n, now(), request.ageMs),
    servedItems: (feed, request) =>
      existingAccount(request?.accountUuid).stores[feed].servedItems(request?.version ?? 'v2'),
    allItems: (feed, request) =>
      existingAccount(request?.accountUuid).stores[feed].allItems(request?.version ?? 'v2'),
    eventCount: (feed, request) => existingAccount(request?.accountUuid).stores[feed].length,
    invalidateCursors: () => {
      cursorEpoch += 1;
    },
    clearRequests: () => log.clear(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}
