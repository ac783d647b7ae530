/**
 * Opaque cursors: the paging state sealed with AES-256-GCM and written as standard base64, so a
 * client cannot read or forge a position. Decoding skips CR and LF anywhere, as Go's base64
 * decoder does — the official Splunk app sends its stored cursor with a trailing "\n" and the real
 * service accepts it (events-api.md appendix).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isFeedId, type FeedId } from '../../../src/core/feeds';
import type { Instant } from './rfc3339';

export interface CursorState {
  readonly accountUuid: string;
  readonly feed: FeedId;
  /** Index in the feed's ingestion order where the next page starts. */
  readonly position: number;
  /** The reset's window: [from, to), `to` undefined when open-ended. */
  readonly from: Instant;
  readonly to: Instant | undefined;
  readonly limit: number;
  /** When the simulator handed this cursor out (simulator clock, ms). */
  readonly issuedAtMs: number;
  /** Cursors from an older epoch are stale (see Simulator.invalidateCursors). */
  readonly epoch: number;
}

const formatVersion = 1;
const ivBytes = 12;
const tagBytes = 16;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class CursorCodec {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('cursor key must be 32 bytes');
  }

  encode(state: CursorState): string {
    const fields = [
      formatVersion,
      state.accountUuid,
      state.feed,
      state.position,
      state.from.us,
      state.from.ns,
      state.to === undefined ? null : state.to.us,
      state.to === undefined ? null : state.to.ns,
      state.limit,
      state.issuedAtMs,
      state.epoch,
    ];
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  /** The state, or undefined for anything this simulator did not issue. */
  decode(text: string): CursorState | undefined {
    const compact = text.replace(/[\r\n]/g, '');
    if (compact === '' || !base64Pattern.test(compact)) return undefined;
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.length <= ivBytes + tagBytes) return undefined;
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, ivBytes));
      decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
      plain = Buffer.concat([
        decipher.update(bytes.subarray(ivBytes + tagBytes)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
    const fields: unknown = JSON.parse(plain);
    if (!Array.isArray(fields) || fields[0] !== formatVersion) return undefined;
    const [, accountUuid, feed, position, fromUs, fromNs, toUs, toNs, limit, issuedAtMs, epoch] =
      fields as unknown[];
    if (typeof accountUuid !== 'string' || typeof feed !== 'string' || !isFeedId(feed)) {
      return undefined;
    }
    return {
      accountUuid,
      feed,
      position: Number(position),
      from: { us: Number(fromUs), ns: Number(fromNs) },
      to: toUs === null ? undefined : { us: Number(toUs), ns: Number(toNs) },
      limit: Number(limit),
      issuedAtMs: Number(issuedAtMs),
      epoch: Number(epoch),
    };
  }
}
