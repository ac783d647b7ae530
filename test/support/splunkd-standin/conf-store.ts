/**
 * .conf files per app in two layers: `default` (what the app ships, given at start) and `local`
 * (what REST writes create). Reads merge local over default, as splunkd's layering does.
 */
import type { Owned } from './visibility';

/** Stanza → key → value, as in a shipped default/<file>.conf. */
export type ConfContent = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** App → file (without .conf) → stanzas. */
export type ConfSeed = Readonly<Record<string, Readonly<Record<string, ConfContent>>>>;

export interface StanzaView {
  readonly file: string;
  readonly name: string;
  readonly owned: Owned;
  readonly values: Readonly<Record<string, string>>;
  readonly author: string;
  readonly updated: Date;
  /** True when the stanza has a local layer (REST wrote it). */
  readonly local: boolean;
  /** True when the app ships the stanza in default/. */
  readonly shipped: boolean;
}

interface LocalStanza {
  readonly owned: Owned;
  readonly values: Map<string, string>;
  author: string;
  updated: Date;
}

const id = (app: string, file: string, stanza: string): string =>
  `${app}\u0000${file}\u0000${stanza}`;

export class ConfStore {
  private readonly defaults = new Map<string, Readonly<Record<string, string>>>();
  private readonly locals = new Map<string, LocalStanza>();
  /** Conf files created empty through POST properties (__conf=…), per app. */
  private readonly emptyFiles = new Set<string>();
  private readonly started = new Date();

  constructor(seed: ConfSeed = {}) {
    for (const [app, files] of Object.entries(seed)) {
      for (const [file, stanzas] of Object.entries(files)) {
        for (const [stanza, values] of Object.entries(stanzas)) {
          this.defaults.set(id(app, file, stanza), { ...values });
        }
      }
    }
  }

  /** All stanzas of a file across apps, local over default. */
  stanzas(file: string): StanzaView[] {
    const keys = new Set<string>();
    for (const k of [...this.defaults.keys(), ...this.locals.keys()]) {
      if (k.split('\u0000')[1] === file) keys.add(k);
    }
    return [...keys].map((k) => this.view(k)).filter((v): v is StanzaView => v !== undefined);
  }

  stanza(app: string, file: string, name: string): StanzaView | undefined {
    return this.view(id(app, file, name));
  }

  /** Names of conf files that exist in an app (or in any app when app is undefined). */
  files(app?: string): string[] {
    const names = new Set<string>();
    for (const k of [...this.defaults.keys(), ...this.locals.keys(), ...this.emptyFiles]) {
      const [a, f] = k.split('\u0000');
      if (f !== undefined && (app === undefined || a === app)) names.add(f);
    }
    return [...names].sort();
  }

  createFile(app: string, file: string): void {
    this.emptyFiles.add(`${app}\u0000${file}`);
  }

  /** Writes keys into the local layer, creating the local stanza when needed. */
  write(
    owned: Owned,
    file: string,
    name: string,
    values: Readonly<Record<string, string>>,
    author: string,
  ): StanzaView {
    const key = id(owned.app, file, name);
    const local = this.locals.get(key) ?? { owned, values: new Map(), author, updated: new Date() };
    for (const [k, v] of Object.entries(values)) local.values.set(k, v);
    local.author = author;
    local.updated = new Date();
    this.locals.set(key, local);
    const view = this.view(key);
    if (!view) throw new Error('stanza vanished');
    return view;
  }

  /** Removes the local layer; a stanza the app ships in default/ cannot be removed. */
  remove(app: string, file: string, name: string): 'removed' | 'shipped' | 'missing' {
    const key = id(app, file, name);
    if (this.defaults.has(key)) return 'shipped';
    return this.locals.delete(key) ? 'removed' : 'missing';
  }

  /** The local/<file>.conf text splunkd would have written, per app, for canary scans. */
  localText(file: string, app?: string): string {
    const byApp = new Map<string, string[]>();
    for (const [key, local] of this.locals) {
      const [a, f, stanza] = key.split('\u0000');
      if (f !== file || a === undefined || stanza === undefined) continue;
      if (app !== undefined && a !== app) continue;
      const lines = [`[${stanza}]`, ...[...local.values].map(([k, v]) => `${k} = ${v}`), ''];
      byApp.set(a, [...(byApp.get(a) ?? []), lines.join('\n')]);
    }
    return [...byApp.keys()]
      .sort()
      .map((a) => `# etc/apps/${a}/local/${file}.conf\n${(byApp.get(a) ?? []).join('\n')}`)
      .join('\n');
  }

  private view(key: string): StanzaView | undefined {
    const [app, file, name] = key.split('\u0000');
    if (app === undefined || file === undefined || name === undefined) return undefined;
    const shipped = this.defaults.get(key);
    const local = this.locals.get(key);
    if (!shipped && !local) return undefined;
    const values: Record<string, string> = { ...(shipped ?? {}) };
    for (const [k, v] of local?.values ?? []) values[k] = v;
    return {
      file,
      name,
      owned: local?.owned ?? { app, owner: 'nobody', sharing: app === 'system' ? 'system' : 'app' },
      values,
      author: local?.author ?? 'nobody',
      updated: local?.updated ?? this.started,
      local: local !== undefined,
      shipped: shipped !== undefined,
    };
  }
}
