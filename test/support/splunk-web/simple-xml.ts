/**
 * Reads a Simple XML view the way Splunk Web needs it to host a setup page: the root attributes
 * (version, script, stylesheet, hideTitle…), the label and the contents of each <html> panel,
 * re-serialised as HTML. Pure; saxes does the parsing, so a malformed view fails loudly.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';

export interface SimpleXmlView {
  /** `dashboard` or `form`. */
  readonly root: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly label: string;
  /** `script=` entries (comma-separated in the XML), paths relative to appserver/static. */
  readonly scripts: readonly string[];
  readonly stylesheets: readonly string[];
  /** Inner HTML of every <html> panel, in document order. */
  readonly htmlPanels: readonly string[];
}

export class SimpleXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimpleXmlError';
  }
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

const voidElements = new Set(['br', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function parseSimpleXml(source: string): SimpleXmlView {
  const parser = new SaxesParser();
  const stack: string[] = [];
  let root: SaxesTagPlain | undefined;
  let label = '';
  const panels: string[] = [];
  let html: string | undefined;
  let htmlDepth = 0;

  parser.on('opentag', (tag) => {
    if (root === undefined) root = tag;
    stack.push(tag.name);
    if (html !== undefined) {
      htmlDepth += 1;
      const attrs = Object.entries(tag.attributes)
        .map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`)
        .join('');
      html += `<${tag.name}${attrs}>`;
    } else if (tag.name === 'html' && stack.includes('panel')) {
      html = '';
      htmlDepth = 0;
    }
  });
  parser.on('text', (text) => {
    if (html !== undefined) html += escapeText(text);
    else if (stack.length === 2 && stack[1] === 'label') label += text;
  });
  parser.on('cdata', (text) => {
    if (html !== undefined) html += text;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (html === undefined) return;
    if (htmlDepth === 0 && tag.name === 'html') {
      panels.push(html.trim());
      html = undefined;
      return;
    }
    htmlDepth -= 1;
    if (!voidElements.has(tag.name)) html += `</${tag.name}>`;
  });
  try {
    parser.write(source).close();
  } catch (error) {
    throw new SimpleXmlError(`the view is not well-formed XML: ${(error as Error).message}`);
  }
  if (root === undefined || (root.name !== 'dashboard' && root.name !== 'form')) {
    throw new SimpleXmlError('the view root must be <dashboard> or <form>');
  }
  const attributes = Object.fromEntries(
    Object.entries(root.attributes).map(([k, v]) => [k, String(v)]),
  );
  return {
    root: root.name,
    attributes,
    label: label.trim(),
    scripts: list(attributes['script']),
    stylesheets: list(attributes['stylesheet']),
    htmlPanels: panels,
  };
}

/** Whether a Simple XML boolean attribute is on (Splunk accepts true/1). */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}
