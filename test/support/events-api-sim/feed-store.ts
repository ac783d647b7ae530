/**
 * One feed's events in ingestion order (the insert sequence is the index), stored column-wise and
 * off-heap, with each item's v2 JSON text rendered once as UTF-8, so a 1000-item page is a copy
 * of ready bytes. v1 texts are rebuilt on demand from the same seed and cached.
 */
import type { FeedId } from '../../../src/core/feeds';
import { ByteArena, Float64Column, Uint16Column, Uint8Column } from './columns';
import { renderEvent, type ApiVersion, type RenderContext } from './event-factory';
import type { Instant } from './rfc3339';

export interface StoredItem {
  /** Position in ingestion order (0-based). */
  readonly index: number;
  readonly uuid: string;
  /** The exact JSON text of the item as the simulator serves it. */
  readonly raw: string;
}

const uuidStart = '{"uuid":"'.length;
const flagV2Only = 1;
const flagServedV1 = 2;
const flagServedV2 = 4;

export class FeedStore {
  /** v2 texts, UTF-8, by ingestion index. */
  private readonly rawsV2 = new ByteArena();
  private readonly baseMs = new Float64Column();
  private readonly instantUs = new Float64Column();
  private readonly instantNs = new Uint16Column();
  private readonly flags = new Uint8Column();
  private readonly rawsV1 = new Map<number, Buffer>();

  constructor(
    readonly feed: FeedId,
    private readonly context: RenderContext,
  ) {}

  get length(): number {
    return this.flags.length;
  }

  /** Ingests one event whose timestamp lies within the millisecond `baseMs`. */
  ingest(baseMs: number): StoredItem {
    const index = this.flags.length;
    const event = renderEvent(this.context, this.feed, index, baseMs, 'v2');
    this.rawsV2.append(event.raw);
    this.baseMs.push(baseMs);
    this.instantUs.push(event.instant.us);
    this.instantNs.push(event.instant.ns);
    this.flags.push(event.v2Only ? flagV2Only : 0);
    return { index, uuid: event.uuid, raw: event.raw };
  }

  /** Every item text starts with {"uuid":" and a 26-character ASCII id; read it from there. */
  uuidAt(index: number): string {
    return this.rawsV2.bytes(index).toString('latin1', uuidStart, uuidStart + 26);
  }

  instantAt(index: number): Instant {
    return { us: this.instantUs.get(index), ns: this.instantNs.get(index) };
  }

  /** Whether event `index`'s timestamp is in [from, to) (`to` undefined: no upper bound). */
  isWithin(index: number, from: Instant, to: Instant | undefined): boolean {
    const us = this.instantUs.get(index);
    const ns = this.instantNs.get(index);
    if (us < from.us || (us === from.us && ns < from.ns)) return false;
    if (to === undefined) return true;
    return us < to.us || (us === to.us && ns < to.ns);
  }

  /** v1 cannot express federated sign-ins or v2-only audit actions; those stay off v1 pages. */
  isServableOn(index: number, version: ApiVersion): boolean {
    return version === 'v2' || (this.flags.get(index) & flagV2Only) === 0;
  }

  /** The item's JSON text as UTF-8 bytes (a view; do not modify). */
  rawBytes(index: number, version: ApiVersion): Buffer {
    if (version === 'v2') return this.rawsV2.bytes(index);
    let raw = this.rawsV1.get(index);
    if (raw === undefined) {
      const text = renderEvent(this.context, this.feed, index, this.baseMs.get(index), 'v1').raw;
      raw = Buffer.from(text, 'utf8');
      this.rawsV1.set(index, raw);
    }
    return raw;
  }

  rawAt(index: number, version: ApiVersion): string {
    return this.rawBytes(index, version).toString('utf8');
  }

  /** The texts of `indices` joined with commas: the inside of a page's items array. */
  joinedItems(indices: readonly number[], version: ApiVersion): Buffer {
    const parts = indices.map((i) => this.rawBytes(i, version));
    let total = Math.max(0, parts.length - 1);
    for (const part of parts) total += part.length;
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    parts.forEach((part, n) => {
      if (n > 0) {
        out[at] = 0x2c;
        at += 1;
      }
      at += part.copy(out, at);
    });
    return out;
  }

  markServed(indices: readonly number[], version: ApiVersion): void {
    const flag = version === 'v1' ? flagServedV1 : flagServedV2;
    for (const index of indices) this.flags.set(index, this.flags.get(index) | flag);
  }

  /** Every item served at least once on `version` in a well-formed page, in ingestion order. */
  servedItems(version: ApiVersion): StoredItem[] {
    const flag = version === 'v1' ? flagServedV1 : flagServedV2;
    const out: StoredItem[] = [];
    for (let i = 0; i < this.flags.length; i += 1) {
      if ((this.flags.get(i) & flag) !== 0) out.push(this.itemAt(i, version));
    }
    return out;
  }

  /** Every item `version` can serve, in ingestion order (regardless of retention). */
  allItems(version: ApiVersion): StoredItem[] {
    const out: StoredItem[] = [];
    for (let i = 0; i < this.flags.length; i += 1) {
      if (this.isServableOn(i, version)) out.push(this.itemAt(i, version));
    }
    return out;
  }

  private itemAt(index: number, version: ApiVersion): StoredItem {
    return { index, uuid: this.uuidAt(index), raw: this.rawAt(index, version) };
  }
}
