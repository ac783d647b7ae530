/**
 * Splunk .conf files as the knowledge tests need them: `[stanza]` headers, `key = value` settings,
 * `#` comment lines, backslash line continuation. Unlike splunkd (last one wins), a repeated
 * stanza or key is reported, because in generated files it is always a bug.
 */
export type Stanza = ReadonlyMap<string, string>;
export type ConfFile = ReadonlyMap<string, Stanza>;

export class ConfError extends Error {
  override readonly name = 'ConfError';
}

export function parseConfFile(text: string, fileName = 'conf'): ConfFile {
  const stanzas = new Map<string, Map<string, string>>([['default', new Map()]]);
  let current = stanzas.get('default') as Map<string, string>;
  let currentName = 'default';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    let line = lines[index] ?? '';
    const lineNumber = index + 1;
    while (line.endsWith('\\') && index + 1 < lines.length) {
      index += 1;
      line = `${line.slice(0, -1)}\n${lines[index] ?? ''}`;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      currentName = header[1] ?? '';
      if (stanzas.has(currentName) && currentName !== 'default') {
        throw new ConfError(`${fileName}:${lineNumber}: stanza [${currentName}] appears twice`);
      }
      current = stanzas.get(currentName) ?? new Map();
      stanzas.set(currentName, current);
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0)
      throw new ConfError(`${fileName}:${lineNumber}: not a key = value line: ${trimmed}`);
    const key = trimmed.slice(0, equals).trim();
    if (current.has(key))
      throw new ConfError(`${fileName}:${lineNumber}: [${currentName}] sets ${key} twice`);
    current.set(key, trimmed.slice(equals + 1).trim());
  }
  return stanzas;
}

/** Stanzas other than the implicit default one, in file order. */
export function stanzaEntries(conf: ConfFile): [string, Stanza][] {
  return [...conf].filter(([name, settings]) => name !== 'default' || settings.size > 0);
}
