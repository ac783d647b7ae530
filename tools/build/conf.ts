/**
 * A small reader for Splunk .conf files, enough for the build's own checks (versions, scheme
 * defaults): `[stanza]` headers, `key = value` lines, `#` comment lines and backslash line
 * continuation. Settings before the first header belong to the `default` stanza, as in Splunk.
 */
export type ConfStanzas = Map<string, Map<string, string>>;

export function parseConf(text: string): ConfStanzas {
  const stanzas: ConfStanzas = new Map([['default', new Map()]]);
  let current = stanzas.get('default') as Map<string, string>;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index] ?? '';
    while (line.endsWith('\\') && index + 1 < lines.length) {
      index += 1;
      line = `${line.slice(0, -1)}\n${lines[index] ?? ''}`;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      const name = header[1] ?? '';
      current = stanzas.get(name) ?? new Map();
      stanzas.set(name, current);
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0) continue;
    current.set(trimmed.slice(0, equals).trim(), trimmed.slice(equals + 1).trim());
  }
  return stanzas;
}

export function confValue(conf: ConfStanzas, stanza: string, key: string): string | undefined {
  return conf.get(stanza)?.get(key);
}
