/** Renders one event of splunkd's XML stream. Pure; the per-feed prefix is built once. */
import { splunkTimeOf, type ParsedTimestamp } from '../core/timestamp';
import {
  escapeJsonBytesForXml,
  escapeJsonForXml,
  escapeXmlText,
  jsonByteSpecials,
} from './xml-text';

export interface EventMeta {
  readonly stanza: string;
  readonly index: string;
  readonly sourcetype: string;
  readonly source: string;
  readonly host: string;
}

/** One event of a page: its time and where its raw JSON lies in the page's bytes. */
export interface PageEvent {
  readonly timestamp: ParsedTimestamp;
  readonly start: number;
  readonly end: number;
}

export interface FormattedPage {
  readonly buffer: Buffer;
  /** Byte offset just past each event (after its line break). */
  readonly ends: readonly number[];
}

export interface EventFormatter {
  /** `time` is epoch seconds as text (sub-seconds kept); `rawJson` is the item exactly as served. */
  format(time: string, rawJson: string): string;
  /**
   * A page of events as one UTF-8 buffer, copying the items' bytes without decoding them. The
   * buffer is this formatter's own and is reused by its next call: write a page out before
   * formatting the next (one formatter per feed, whose loop does exactly that).
   */
  formatPage(bytes: Buffer, events: readonly PageEvent[]): FormattedPage;
  /** The last page is written: with shared buffers, hand its buffer back (else a no-op). */
  release(): void;
}

/** Where a formatter's buffer comes from when it does not keep its own (the resident input). */
export interface BufferSource {
  take(size: number): Buffer;
  give(buffer: Buffer): void;
}

export function createEventFormatter(meta: EventMeta, shared?: BufferSource): EventFormatter {
  const head = `<event stanza="${escapeXmlText(meta.stanza)}" unbroken="1"><time>`;
  const middle =
    `</time><index>${escapeXmlText(meta.index)}</index><sourcetype>${escapeXmlText(meta.sourcetype)}</sourcetype>` +
    `<source>${escapeXmlText(meta.source)}</source><host>${escapeXmlText(meta.host)}</host><data>`;
  const tail = '</data><done/></event>\n';
  const headBytes = Buffer.from(head, 'utf8');
  const middleBytes = Buffer.from(middle, 'utf8');
  const tailBytes = Buffer.from(tail, 'utf8');
  const fixed = headBytes.length + middleBytes.length + tailBytes.length;
  let reusable: Buffer = Buffer.alloc(0);
  return {
    format: (time, rawJson) => head + time + middle + escapeJsonForXml(rawJson) + tail,
    formatPage(bytes, events) {
      const specials = jsonByteSpecials(bytes);
      const times = new Array<string>(events.length);
      // Escaped text (one char per byte) of the few items that hold a special byte.
      const escaped = new Array<string | undefined>(events.length);
      let size = 0;
      let k = 0;
      for (let i = 0; i < events.length; i++) {
        const { start, end, timestamp } = events[i] as PageEvent;
        const time = splunkTimeOf(timestamp);
        times[i] = time;
        while (k < specials.length && (specials[k] as number) < start) k++;
        if (k < specials.length && (specials[k] as number) < end)
          escaped[i] = escapeJsonBytesForXml(bytes.toString('latin1', start, end));
        size += fixed + time.length + (escaped[i]?.length ?? end - start);
      }
      // One buffer per formatter, grown when a page needs more: a fresh 1 MB Buffer per page was
      // native memory that lingered until a GC found its handle, and malloc kept it after that.
      if (shared && reusable.length < size) {
        if (reusable.length > 0) shared.give(reusable);
        reusable = shared.take(size);
      } else if (reusable.length < size) reusable = Buffer.allocUnsafeSlow(size + (size >> 3));
      const buffer = reusable.subarray(0, size);
      const ends = new Array<number>(events.length);
      let at = 0;
      for (let i = 0; i < events.length; i++) {
        const { start, end } = events[i] as PageEvent;
        at += headBytes.copy(buffer, at);
        at += buffer.write(times[i] as string, at, 'latin1');
        at += middleBytes.copy(buffer, at);
        const text = escaped[i];
        at +=
          text === undefined
            ? bytes.copy(buffer, at, start, end)
            : buffer.write(text, at, 'latin1');
        at += tailBytes.copy(buffer, at);
        ends[i] = at;
      }
      return { buffer, ends };
    },
    release() {
      if (!shared || reusable.length === 0) return;
      shared.give(reusable);
      reusable = Buffer.alloc(0);
    },
  };
}

export const streamOpen = '<stream>\n';
export const streamClose = '</stream>\n';
