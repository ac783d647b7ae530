/**
 * The XML documents splunkd writes to a modular input's stdin (splunk-platform.md §1.2): `<input>` for
 * run mode and `<items>` for `--validate-arguments`. Pure functions; no I/O.
 */

/** One parameter value: a single `<param>` or, for an array, a `<param_list>` of `<value>`s. */
export type ParamValue = string | readonly string[];

export interface InputStanza {
  /** Full stanza name as splunkd sends it in run mode, e.g. `onepassword_events://prod`. */
  readonly name: string;
  /** App that holds the stanza (the `app` attribute on `<stanza>`). */
  readonly app: string;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface InputDefinitionSpec {
  readonly serverHost: string;
  readonly serverUri: string;
  readonly sessionKey: string;
  readonly checkpointDir: string;
  readonly stanzas: readonly InputStanza[];
}

export interface ValidationSpec {
  readonly serverHost: string;
  readonly serverUri: string;
  readonly sessionKey: string;
  readonly checkpointDir: string;
  /** Input name without the scheme prefix (splunkd sends `<item name="prod">`, not `scheme://prod`). */
  readonly itemName: string;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface XmlBuildOptions {
  /** Prepend an XML declaration. Off by default: the documented shape (§1.2) has none. */
  readonly declaration?: boolean;
}

/** Characters XML 1.0 cannot carry at all, even escaped; splunkd could not send them either. */
// eslint-disable-next-line no-control-regex
const invalidXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(value: string): string {
  if (invalidXmlChars.test(value)) {
    throw new TypeError('value contains a character that XML 1.0 cannot represent');
  }
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function renderParams(params: Readonly<Record<string, ParamValue>>, indent: string): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string') {
      lines.push(`${indent}<param name="${escapeXml(name)}">${escapeXml(value)}</param>`);
    } else {
      const values = value.map((v) => `<value>${escapeXml(v)}</value>`).join('');
      lines.push(`${indent}<param_list name="${escapeXml(name)}">${values}</param_list>`);
    }
  }
  return lines;
}

function header(spec: {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
}): string[] {
  return [
    `  ${element('server_host', spec.serverHost)}`,
    `  ${element('server_uri', spec.serverUri)}`,
    `  ${element('session_key', spec.sessionKey)}`,
    `  ${element('checkpoint_dir', spec.checkpointDir)}`,
  ];
}

function declare(body: string, options: XmlBuildOptions, encoding: string): string {
  return options.declaration ? `<?xml version="1.0" encoding="${encoding}"?>\n${body}` : body;
}

/** The run-mode `<input>` document, one `<stanza>` per entry (per-stanza mode sends exactly one). */
export function buildInputDefinitionXml(
  spec: InputDefinitionSpec,
  options: XmlBuildOptions = {},
): string {
  const lines = ['<input>', ...header(spec), '  <configuration>'];
  for (const stanza of spec.stanzas) {
    lines.push(`    <stanza name="${escapeXml(stanza.name)}" app="${escapeXml(stanza.app)}">`);
    lines.push(...renderParams(stanza.params, '      '));
    lines.push('    </stanza>');
  }
  lines.push('  </configuration>', '</input>', '');
  return declare(lines.join('\n'), options, 'UTF-8');
}

/** The `--validate-arguments` `<items>` document; splunkd always sends exactly one `<item>`. */
export function buildValidationXml(spec: ValidationSpec, options: XmlBuildOptions = {}): string {
  const lines = [
    '<items>',
    ...header(spec),
    `  <item name="${escapeXml(spec.itemName)}">`,
    ...renderParams(spec.params, '    '),
    '  </item>',
    '</items>',
    '',
  ];
  return declare(lines.join('\n'), options, 'UTF-8');
}

/**
 * Re-encodes a document as UTF-16 big-endian with a byte-order mark and an `encoding="utf-16"`
 * declaration, the way the Splunk SDK fixtures are stored (shared/fixtures/splunkd-modinput).
 */
export function encodeUtf16BeWithBom(xml: string): Buffer {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const text = `<?xml version="1.0" encoding="utf-16"?>\n${body}`;
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length + 2);
  be[0] = 0xfe;
  be[1] = 0xff;
  for (let i = 0; i < le.length; i += 2) {
    be[i + 2] = le[i + 1] ?? 0;
    be[i + 3] = le[i] ?? 0;
  }
  return be;
}
