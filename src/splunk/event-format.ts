/** Renders one event of splunkd's XML stream. Pure; the per-feed prefix is built once. */
import { escapeJsonBytesForXml, escapeJsonForXml, escapeXmlText } from './xml-text';

export interface EventMeta {
  readonly stanza: string;
  readonly index: string;
  readonly sourcetype: string;
  readonly source: string;
  readonly host: string;
}

export interface PageEvent {
  /** Epoch seconds as text (sub-seconds kept). */
  readonly time: string;
  /** The item's UTF-8 bytes exactly as served, and the same bytes one char per byte. */
  readonly raw: Buffer;
  readonly rawBytesText: string;
}

export interface FormattedPage {
  readonly buffer: Buffer;
  /** Byte offset just past each event (after its line break). */
  readonly ends: readonly number[];
}

export interface EventFormatter {
  /** `time` is epoch seconds as text (sub-seconds kept); `rawJson` is the item exactly as served. */
  format(time: string, rawJson: string): string;
  /** A page of events as one UTF-8 buffer, copying the items' bytes without decoding them. */
  formatPage(events: readonly PageEvent[]): FormattedPage;
}

export function createEventFormatter(meta: EventMeta): EventFormatter {
  const head = `<event stanza="${escapeXmlText(meta.stanza)}" unbroken="1"><time>`;
  const middle =
    `</time><index>${escapeXmlText(meta.index)}</index><sourcetype>${escapeXmlText(meta.sourcetype)}</sourcetype>` +
    `<source>${escapeXmlText(meta.source)}</source><host>${escapeXmlText(meta.host)}</host><data>`;
  const tail = '</data><done/></event>\n';
  const headBytes = Buffer.from(head, 'utf8');
  const middleBytes = Buffer.from(middle, 'utf8');
  const tailBytes = Buffer.from(tail, 'utf8');
  const fixed = headBytes.length + middleBytes.length + tailBytes.length;
  return {
    format: (time, rawJson) => head + time + middle + escapeJsonForXml(rawJson) + tail,
    formatPage(events) {
      const escaped = events.map((e) => escapeJsonBytesForXml(e.rawBytesText));
      let size = 0;
      events.forEach((e, i) => {
        size += fixed + e.time.length + (escaped[i]?.length ?? e.raw.length);
      });
      const buffer = Buffer.allocUnsafe(size);
      const ends: number[] = [];
      let at = 0;
      events.forEach((e, i) => {
        at += headBytes.copy(buffer, at);
        at += buffer.write(e.time, at, 'latin1');
        at += middleBytes.copy(buffer, at);
        const text = escaped[i];
        at += text === undefined ? e.raw.copy(buffer, at) : buffer.write(text, at, 'latin1');
        at += tailBytes.copy(buffer, at);
        ends.push(at);
      });
      return { buffer, ends };
    },
  };
}

export const streamOpen = '<stream>\n';
export const streamClose = '</stream>\n';
