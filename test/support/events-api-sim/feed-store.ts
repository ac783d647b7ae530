/**
 * One feed's events in ingestion order (the insert sequence is the array index), stored column-wise
 * with each item's v2 JSON text rendered once, so a 1000-item page is a join of ready strings.
 * v1 texts are rebuilt on demand from the same seed and cached.
 */
import type { FeedId } from '../../../src/core/feeds';
import { renderEvent, type ApiVersion, type RenderContext } from './event-factory';
import type { Instant } from './rfc3339';

export interface StoredItem {
  /** Position in ingestion order (0-based). */
  readonly index: number;
  readonly uuid: string;
  /** The exact JSON text of the item as the simulator serves it. */
  readonly raw: string;
}

const flagV2Only = 1;
const flagServedV1 = 2;
const flagServedV2 = 4;

export class FeedStore {
  private readonly uuids: string[] = [];
  private readonly rawsV2: string[] = [];
  private readonly baseMs: number[] = [];
  private readonly instantUs: number[] = [];
  private readonly instantNs: number[] = [];
  private readonly flags: number[] = [];
  private readonly rawsV1 = new Map<number, string>();

  constructor(
    readonly feed: FeedId,
    private readonly context: RenderContext,
  ) {}

  get length(): number {
    return this.uuids.length;
  }

  /** Ingests one event whose timestamp lies within the millisecond `baseMs`. */
  ingest(baseMs: number): StoredItem {
    const index = this.uuids.length;
    const event = renderEvent(this.context, this.feed, index, baseMs, 'v2');
    this.uuids.push(event.uuid);
    this.rawsV2.push(event.raw);
    this.baseMs.push(baseMs);
    this.instantUs.push(event.instant.us);
    this.instantNs.push(event.instant.ns);
    this.flags.push(event.v2Only ? flagV2Only : 0);
    return { index, uuid: event.uuid, raw: event.raw };
  }

  uuidAt(index: number): string {
    return this.uuids[index] ?? '';
  }

  instantAt(index: number): Instant {
    return { us: this.instantUs[index] ?? 0, ns: this.instantNs[index] ?? 0 };
  }

  /** Whether event `index`'s timestamp is in [from, to) (`to` undefined: no upper bound). */
  isWithin(index: number, from: Instant, to: Instant | undefined): boolean {
    const us = this.instantUs[index] ?? 0;
    const ns = this.instantNs[index] ?? 0;
    if (us < from.us || (us === from.us && ns < from.ns)) return false;
    if (to === undefined) return true;
    return us < to.us || (us === to.us && ns < to.ns);
  }

  /** v1 cannot express federated sign-ins or v2-only audit actions; those stay off v1 pages. */
  isServableOn(index: number, version: ApiVersion): boolean {
    return version === 'v2' || ((this.flags[index] ?? 0) & flagV2Only) === 0;
  }

  rawAt(index: number, version: ApiVersion): string {
    if (version === 'v2') return this.rawsV2[index] ?? '';
    let raw = this.rawsV1.get(index);
    if (raw === undefined) {
      raw = renderEvent(this.context, this.feed, index, this.baseMs[index] ?? 0, 'v1').raw;
      this.rawsV1.set(index, raw);
    }
    return raw;
  }

  markServed(indices: readonly number[], version: ApiVersion): void {
    const flag = version === 'v1' ? flagServedV1 : flagServedV2;
    for (const index of indices) this.flags[index] = (this.flags[index] ?? 0) | flag;
  }

  /** Every item served at least once on `version` in a well-formed page, in ingestion order. */
  servedItems(version: ApiVersion): StoredItem[] {
    const flag = version === 'v1' ? flagServedV1 : flagServedV2;
    const out: StoredItem[] = [];
    for (let i = 0; i < this.flags.length; i += 1) {
      if (((this.flags[i] ?? 0) & flag) !== 0) out.push(this.itemAt(i, version));
    }
    return out;
  }

  /** Every item `version` can serve, in ingestion order (regardless of retention). */
  allItems(version: ApiVersion): StoredItem[] {
    const out: StoredItem[] = [];
    for (let i = 0; i < this.uuids.length; i += 1) {
      if (this.isServableOn(i, version)) out.push(this.itemAt(i, version));
    }
    return out;
  }

  private itemAt(index: number, version: ApiVersion): StoredItem {
    return { index, uuid: this.uuidAt(index), raw: this.rawAt(index, version) };
  }
}
