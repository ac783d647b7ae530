/**
 * What the simulator saw and did, request by request, for tests to assert on. Tokens are never
 * stored: only whether an Authorization header came and a short hash of its token.
 */
import type { FeedId } from '../../../src/core/feeds';
import type { ApiVersion } from './event-factory';
import type { FaultKind } from './faults';

export interface RequestRecord {
  /** 1-based request number since start. */
  readonly seq: number;
  /** Simulator clock (ms) when the request body had arrived. */
  readonly at: number;
  /** Connection number (1-based, in accept order); requests on one keep-alive connection share it. */
  readonly connection: number;
  readonly method: string;
  readonly path: string;
  readonly feed: FeedId | undefined;
  readonly version: ApiVersion | undefined;
  /** Request headers, with `authorization` replaced by "[redacted]". */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
  readonly hasAuthorization: boolean;
  readonly tokenHash: string | undefined;
  readonly accountUuid: string | undefined;
  /** Status sent, or undefined when no status line went out (reset, hang). */
  readonly status: number | undefined;
  /** The simulator's reason for a refusal (also sent as x-sim-reason). */
  readonly reason: string | undefined;
  readonly fault: FaultKind | undefined;
  /** Items in a 200 page. */
  readonly itemCount: number | undefined;
  readonly hasMore: boolean | undefined;
}

export interface SimulatorStats {
  readonly requests: number;
  readonly connections: number;
  /** Responses by status code (fault answers included). */
  readonly byStatus: Readonly<Record<number, number>>;
  /** 429s from the rate limiter (not from injected faults). */
  readonly rateLimited: number;
  readonly faultsFired: number;
  /** Well-formed 200 feed pages and the items in them. */
  readonly pagesServed: number;
  readonly itemsServed: number;
}

/** Keeps the newest `capacity` records. */
export class RequestLog {
  private records: RequestRecord[] = [];

  constructor(private readonly capacity: number) {}

  add(record: RequestRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity * 1.25) {
      this.records = this.records.slice(this.records.length - this.capacity);
    }
  }

  get all(): readonly RequestRecord[] {
    if (this.records.length > this.capacity) {
      this.records = this.records.slice(this.records.length - this.capacity);
    }
    return this.records;
  }

  clear(): void {
    this.records = [];
  }
}
