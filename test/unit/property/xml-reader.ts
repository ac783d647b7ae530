/**
 * A strict reader of splunkd's XML event stream for property tests: saxes, any well-formedness
 * error throws, and each `<event>` comes back with its attributes and child texts.
 */
import { SaxesParser } from 'saxes';

export interface ReadEvent {
  readonly attributes: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  /** Child element names in document order (to check `<done/>` and the field order). */
  readonly children: readonly string[];
}

/** Parses a whole document (or a prefix when `partial`); returns the events closed so far. */
export function readStream(xml: string, options: { partial?: boolean } = {}): ReadEvent[] {
  const parser = new SaxesParser({ xmlns: false });
  const events: ReadEvent[] = [];
  let failure: Error | undefined;
  let depth = 0;
  let attributes: Record<string, string> = {};
  let fields: Record<string, string> = {};
  let children: string[] = [];
  let text = '';
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 2) {
      if (tag.name !== 'event') failure ??= new Error(`unexpected <${tag.name}> in <stream>`);
      attributes = Object.fromEntries(
        Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]),
      );
      fields = {};
      children = [];
    } else if (depth === 3) {
      children.push(tag.name);
      text = '';
    } else if (depth > 3) failure ??= new Error(`unexpected <${tag.name}> inside an event field`);
  });
  parser.on('text', (t) => {
    if (depth === 3) text += t;
    else if (t.trim() !== '') failure ??= new Error(`stray text at depth ${depth}`);
  });
  parser.on('cdata', (t) => {
    if (depth === 3) text += t;
    else failure ??= new Error('stray CDATA');
  });
  parser.on('closetag', (tag) => {
    if (depth === 3) fields[tag.name] = text;
    if (depth === 2) events.push({ attributes, fields, children });
    depth--;
  });
  parser.write(xml);
  if (!options.partial) parser.close();
  if (failure) throw failure;
  return events;
}
