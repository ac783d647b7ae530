import type { InputParam } from '../../src/config/input-params';
import { BuildError } from './errors';

export interface SpecEntry {
  readonly name: string;
  /** The `* Default: …` value, if the entry states one. */
  readonly defaultValue: string | undefined;
  /** The `* …` lines documenting the entry. */
  readonly comments: readonly string[];
}

/**
 * Reads the setting entries of `[<scheme>://<name>]` from an inputs.conf.spec: `name = <type>`
 * lines at the start of a line, each followed by `* …` documentation lines whose wrapped
 * continuations are indented (Splunk's own spec style).
 */
export function readSpecEntries(specText: string, scheme: string): SpecEntry[] {
  const entries: Array<{ name: string; defaultValue: string | undefined; comments: string[] }> = [];
  let inStanza = false;
  for (const raw of specText.split(/\r?\n/)) {
    const line = raw.trim();
    const continuation = /^\s/.test(raw) && !line.startsWith('*');
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      inStanza = (header[1] ?? '').startsWith(`${scheme}://`);
      continue;
    }
    if (!inStanza || line === '' || line.startsWith('#')) continue;
    const current = entries[entries.length - 1];
    if (continuation) {
      if (current && current.comments.length > 0) {
        const last = current.comments.length - 1;
        current.comments[last] = `${current.comments[last] ?? ''} ${line}`;
      }
      continue;
    }
    if (line.startsWith('*')) {
      const comment = line.slice(1).trim();
      const stated = /^Default:\s*(.*)$/i.exec(comment);
      if (current) {
        current.comments.push(comment);
        if (stated) current.defaultValue = (stated[1] ?? '').trim();
      }
      continue;
    }
    const setting = /^([0-9A-Za-z][0-9A-Za-z_.-]*)\s*=/.exec(line);
    if (setting) entries.push({ name: setting[1] ?? '', defaultValue: undefined, comments: [] });
  }
  return entries;
}

/**
 * Lists every way the spec disagrees with the parameter table: undocumented, unknown, without a
 * description, or with a default different from the one the input applies (a parameter with a
 * default must state exactly it). Empty means in sync.
 */
export function specProblems(
  specText: string,
  scheme: string,
  params: readonly InputParam[],
): string[] {
  const entries = readSpecEntries(specText, scheme);
  if (entries.length === 0) return [`no [${scheme}://<name>] stanza with settings`];
  const problems: string[] = [];
  for (const param of params) {
    const entry = entries.find((candidate) => candidate.name === param.name);
    if (!entry) {
      problems.push(`${param.name} is not documented`);
      continue;
    }
    if (entry.comments.filter((comment) => !/^Default:/i.test(comment)).length === 0) {
      problems.push(`${param.name} has no description`);
    }
    if (param.defaultValue !== undefined && entry.defaultValue !== param.defaultValue) {
      problems.push(
        `${param.name} states default ${entry.defaultValue ?? '(nothing)'}, the input uses ${param.defaultValue}`,
      );
    }
    // Without a default, the spec may say so ("Default: none", "Default: empty …") or stay silent,
    // but must not promise a value the input does not apply.
    if (
      param.defaultValue === undefined &&
      entry.defaultValue !== undefined &&
      !/^(none|empty)\b/i.test(entry.defaultValue)
    ) {
      problems.push(`${param.name} states default ${entry.defaultValue}, the input has none`);
    }
  }
  for (const entry of entries) {
    if (!params.some((param) => param.name === entry.name)) {
      problems.push(`${entry.name} is documented but is not an input parameter`);
    }
  }
  return problems;
}

export function assertSpecMatches(
  specText: string,
  scheme: string,
  params: readonly InputParam[],
): void {
  const problems = specProblems(specText, scheme, params);
  if (problems.length > 0) {
    throw new BuildError(`README/inputs.conf.spec is out of date: ${problems.join('; ')}`);
  }
}
