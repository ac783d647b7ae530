/** Renders one event of splunkd's XML stream. Pure; the per-feed prefix is built once. */
import { escapeJsonForXml, escapeXmlText } from './xml-text';

export interface EventMeta {
  readonly stanza: string;
  readonly index: string;
  readonly sourcetype: string;
  readonly source: string;
  readonly host: string;
}

export interface EventFormatter {
  /** `time` is epoch seconds as text (sub-seconds kept); `rawJson` is the item exactly as served. */
  format(time: string, rawJson: string): string;
}

export function createEventFormatter(meta: EventMeta): EventFormatter {
  const head = `<event stanza="${escapeXmlText(meta.stanza)}" unbroken="1"><time>`;
  const middle =
    `</time><index>${escapeXmlText(meta.index)}</index><sourcetype>${escapeXmlText(meta.sourcetype)}</sourcetype>` +
    `<source>${escapeXmlText(meta.source)}</source><host>${escapeXmlText(meta.host)}</host><data>`;
  const tail = '</data><done/></event>\n';
  return { format: (time, rawJson) => head + time + middle + escapeJsonForXml(rawJson) + tail };
}

export const streamOpen = '<stream>\n';
export const streamClose = '</stream>\n';
