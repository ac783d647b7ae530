/**
 * Dashboards, navigation and saved searches: the views are well-formed Simple XML 1.1, every
 * search refers only to macros, eventtypes, lookups and sourcetypes the app defines, is scoped by
 * the onepassword_index macro and a 1Password sourcetype (or reads the app's health data), and its
 * base search finds sample events once the app's search-time knowledge has run; every saved
 * search ships disabled, described, scheduled and without alert actions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { feeds, feedIds } from '../../../src/core/feeds';
import { parseConfFile, stanzaEntries } from './spl/conf-file';
import { compileSearch } from './spl/search-expression';
import {
  applySearchTime,
  buildKnowledge,
  readKnowledgeTexts,
  type SearchTimeResult,
} from './spl/search-time';
import {
  baseSearch,
  eventtypeReferences,
  expandMacros,
  lookupReferences,
  macroCalls,
  sourcetypeReferences,
  withoutTimeModifiers,
} from './spl/spl-references';
import { loadAllSampleEvents, repoRoot } from './sample-events';

const viewsDir = path.join(repoRoot, 'default/data/ui/views');
const setupView = 'ta_1password_events_setup';
const read = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');

interface ViewSearch {
  readonly query: string;
  readonly base: string | undefined;
}

interface ParsedView {
  readonly root: string;
  readonly attributes: Record<string, string>;
  readonly label: string | undefined;
  readonly searches: readonly ViewSearch[];
  readonly tokens: ReadonlyMap<string, string>;
}

/** Parses a view with saxes; throws on anything that is not well-formed XML. */
function parseView(xml: string): ParsedView {
  const parser = new SaxesParser();
  const stack: string[] = [];
  let root = '';
  let attributes: Record<string, string> = {};
  let label: string | undefined;
  let text = '';
  const searches: ViewSearch[] = [];
  const tokens = new Map<string, string>();
  let searchBase: string | undefined;
  let inputToken: string | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    if (stack.length === 0) {
      root = tag.name;
      attributes = attrs;
    }
    if (tag.name === 'search') searchBase = attrs.base;
    if (tag.name === 'input' && attrs.token) {
      inputToken = attrs.token;
      tokens.set(attrs.token, '');
    }
    stack.push(tag.name);
    text = '';
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('cdata', (chunk) => (text += chunk));
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.name === 'query') searches.push({ query: text.trim(), base: searchBase });
    if (tag.name === 'label' && stack.length === 1) label = text.trim();
    if (tag.name === 'default' && inputToken && stack.at(-1) === 'input')
      tokens.set(inputToken, text.trim());
    if (tag.name === 'input') inputToken = undefined;
    text = '';
  });
  parser.write(xml).close();
  return { root, attributes, label, searches, tokens };
}

const viewFiles = readdirSync(viewsDir);
const views = new Map(
  viewFiles.map((file) => [file, parseView(readFileSync(path.join(viewsDir, file), 'utf8'))]),
);
const dashboards = [...views].filter(([file]) => file !== `${setupView}.xml`);

const macrosConf = parseConfFile(read('default/macros.conf'), 'macros.conf');
const macroDefinitions = new Map(
  stanzaEntries(macrosConf).map(([name, stanza]) => [name, stanza.get('definition') ?? '']),
);
const transforms = parseConfFile(read('default/transforms.conf'), 'transforms.conf');
const eventtypes = parseConfFile(read('default/eventtypes.conf'), 'eventtypes.conf');
const savedSearches = stanzaEntries(
  parseConfFile(read('default/savedsearches.conf'), 'savedsearches.conf'),
).filter(([name]) => name !== 'default');
const lookupFiles = new Set(readdirSync(path.join(repoRoot, 'lookups')));
const sourcetypes = new Set(feedIds.map((feed) => feeds[feed].sourcetype));

/** Every search of the app, with where it comes from and its view's token defaults. */
const allSearches: { where: string; search: string; tokens: ReadonlyMap<string, string> }[] = [
  ...dashboards.flatMap(([file, view]) =>
    view.searches
      .filter((entry) => entry.base === undefined)
      .map((entry) => ({ where: file, search: entry.query, tokens: view.tokens })),
  ),
  ...savedSearches.map(([name, stanza]) => ({
    where: `savedsearch "${name}"`,
    search: stanza.get('search') ?? '',
    tokens: new Map(),
  })),
];

describe('views', () => {
  it('are .xml files without spaces in their names', () => {
    for (const file of viewFiles) expect(file).toMatch(/^[a-z0-9_]+\.xml$/);
  });

  it.each(viewFiles)('%s is well-formed Simple XML with version="1.1" and a label', (file) => {
    const view = views.get(file) as ParsedView;
    expect(['dashboard', 'form']).toContain(view.root);
    expect(view.attributes.version).toBe('1.1');
    expect(view.label).toBeTruthy();
  });

  it('include an overview, sign-ins, item usage, audit, health and detections dashboard with searches', () => {
    expect(dashboards.map(([file]) => file).sort()).toEqual([
      'onepassword_audit.xml',
      'onepassword_detections.xml',
      'onepassword_health.xml',
      'onepassword_item_usage.xml',
      'onepassword_overview.xml',
      'onepassword_signins.xml',
    ]);
    for (const [, view] of dashboards) expect(view.searches.length).toBeGreaterThan(2);
  });

  it('use only tokens their inputs define (time gives time.earliest and time.latest)', () => {
    for (const [file, view] of dashboards) {
      for (const { query } of view.searches) {
        for (const [, token] of query.matchAll(/\$([^$\s]+)\$/g)) {
          const defined =
            view.tokens.has(token as string) ||
            (/^(.+)\.(earliest|latest)$/.exec(token as string)?.[1] ?? '') !== '';
          expect({ file, token, defined }).toEqual({ file, token, defined: true });
        }
      }
    }
  });

  it.each(dashboards.map(([file]) => file))(
    '%s puts every search of events on the time picker',
    (file) => {
      const xml = readFileSync(path.join(viewsDir, file), 'utf8');
      // Searches of their own (not post-processing a base search) that read events.
      for (const [, body] of xml.matchAll(/<search(?![^>]*\bbase=)[^>]*>([\s\S]*?)<\/search>/g)) {
        const query = /<query>([\s\S]*?)<\/query>/.exec(body as string)?.[1]?.trim() ?? '';
        const readsState = /^(<!\[CDATA\[)?\| (inputlookup|rest) /.test(query);
        if (readsState) continue;
        expect({ file, query, body }).toEqual({
          file,
          query,
          body: expect.stringContaining('<earliest>$time.earliest$</earliest>'),
        });
      }
    },
  );

  it('answer the next question: drilldowns on every dashboard but health, base searches, both maps', () => {
    const xml = (name: string): string => readFileSync(path.join(viewsDir, name), 'utf8');
    for (const [file] of dashboards) {
      if (file === 'onepassword_health.xml') continue;
      expect({ file, drilldown: /<drilldown>\s*<(link|set) /.test(xml(file)) }).toEqual({
        file,
        drilldown: true,
      });
    }
    for (const file of [
      'onepassword_overview.xml',
      'onepassword_signins.xml',
      'onepassword_audit.xml',
    ]) {
      const view = views.get(file) as ParsedView;
      expect(view.searches.some((entry) => entry.base !== undefined)).toBe(true);
      const ids = [...xml(file).matchAll(/<search id="([^"]+)"/g)].map(([, id]) => id);
      for (const entry of view.searches.filter((candidate) => candidate.base !== undefined))
        expect(ids).toContain(entry.base);
    }
    const signins = xml('onepassword_signins.xml');
    expect(signins).toMatch(/geom geo_countries featureIdField=country_name/);
    expect(signins).toContain('<option name="mapping.type">choropleth</option>');
    expect(signins).toContain('<option name="mapping.type">marker</option>');
    // Drilldowns the issue asks for: user → sign-ins, item → usage, country → sign-ins, action → events.
    expect(xml('onepassword_overview.xml')).toContain('onepassword_signins?form.user=$row.user|u$');
    expect(xml('onepassword_item_usage.xml')).toContain(
      '<set token="form.item">$row.object_id$</set>',
    );
    expect(signins).toContain('<set token="form.country">$click.value$</set>');
    expect(xml('onepassword_audit.xml')).toContain(
      '<set token="form.vendor_action">$row.vendor_action$</set>',
    );
  });

  it('reject XML that is not well-formed', () => {
    expect(() => parseView('<form version="1.1"><label>x</form>')).toThrow();
  });
});

describe('navigation', () => {
  const nav = parseView(read('default/data/ui/nav/default.xml'));
  const xml = read('default/data/ui/nav/default.xml');

  it('lists every dashboard, opens on the overview and links the setup view as Configuration', () => {
    expect(nav.root).toBe('nav');
    const listed = [...xml.matchAll(/<view name="([^"]+)"/g)].map(([, name]) => name);
    for (const [file] of dashboards) expect(listed).toContain(file.replace(/\.xml$/, ''));
    for (const name of listed)
      expect(name === 'search' || viewFiles.includes(`${name}.xml`)).toBe(true);
    expect(xml).toMatch(/<view name="onepassword_overview" default="true"/);
    expect(xml).toContain(`<a href="${setupView}">Configuration</a>`);
    expect(viewFiles).toContain(`${setupView}.xml`);
  });

  it('collects the saved searches by the name prefix they all share', () => {
    const match = /<saved source="unclassified" match="([^"]+)"/.exec(xml)?.[1] as string;
    for (const [name] of savedSearches) expect(name.startsWith(match)).toBe(true);
  });
});

describe('saved searches', () => {
  it('are the detections of knowledge/detections.json, in its order', () => {
    const data = JSON.parse(read('knowledge/detections.json')) as {
      detections: { name: string }[];
    };
    expect(savedSearches.map(([name]) => name)).toEqual(data.detections.map(({ name }) => name));
  });

  it.each(savedSearches.map(([name, stanza]) => [name, stanza] as const))(
    '"%s" is disabled, described, scheduled and has no alert action',
    (_name, stanza) => {
      expect(stanza.get('disabled')).toBe('1');
      expect((stanza.get('description') ?? '').length).toBeGreaterThan(40);
      expect(stanza.get('enableSched')).toBe('1');
      const cron = (stanza.get('cron_schedule') ?? '').split(' ');
      expect(cron).toHaveLength(5);
      for (const part of cron) expect(part).toMatch(/^(\*|\d+)(\/\d+)?$/);
      expect(stanza.get('actions')).toBe('');
      for (const [key, value] of stanza) if (/^action\.[^.]+$/.test(key)) expect(value).toBe('0');
      expect(stanza.get('dispatch.earliest_time') ?? '').not.toMatch(/^rt/);
    },
  );

  it('carry ES metadata whose drilldown refers only to defined macros and the risk fields a result has', () => {
    for (const [name, stanza] of savedSearches) {
      if (stanza.get('alert_type') === 'always') continue;
      expect({ name, enabled: stanza.get('action.correlationsearch.enabled') }).toEqual({
        name,
        enabled: '1',
      });
      const annotations = JSON.parse(
        stanza.get('action.correlationsearch.annotations') ?? '{}',
      ) as {
        mitre_attack?: string[];
      };
      expect(annotations.mitre_attack?.length).toBeGreaterThan(0);
      const drilldown = stanza.get('action.notable.param.drilldown_search') ?? '';
      for (const macro of macroCalls(drilldown)) expect(macroDefinitions.has(macro)).toBe(true);
      const risk = JSON.parse(stanza.get('action.risk.param._risk') ?? '[]') as {
        risk_object_field: string;
      }[];
      // The risk object must be a field the search's results carry.
      for (const { risk_object_field: field } of risk)
        expect({ name, field, inSearch: (stanza.get('search') ?? '').includes(field) }).toEqual({
          name,
          field,
          inSearch: true,
        });
    }
  });

  it('put every threshold of an alert into a macro', () => {
    for (const [name, stanza] of savedSearches) {
      for (const [, threshold] of (stanza.get('search') ?? '').matchAll(
        /\b(?:where|search)\b[^|]*?[<>]=?\s*(\d+)\b/g,
      )) {
        expect({ name, threshold }).toEqual({ name, threshold: '1' });
      }
    }
  });
});

describe('every search of the app', () => {
  it.each(allSearches.map((entry) => [entry.where, entry.search] as const))(
    '%s: %s refers only to defined objects',
    (_where, search) => {
      for (const macro of macroCalls(search)) expect(macroDefinitions.has(macro)).toBe(true);
      for (const name of eventtypeReferences(search)) expect(eventtypes.has(name)).toBe(true);
      for (const name of lookupReferences(search))
        expect(transforms.has(name) || lookupFiles.has(name)).toBe(true);
      for (const name of sourcetypeReferences(search)) {
        expect(
          sourcetypes.has(name) || ['1password:insights:*', 'splunkd', 'scheduler'].includes(name),
        ).toBe(true);
      }
    },
  );

  it.each(allSearches.map((entry) => [entry.where, entry.search] as const))(
    "%s: %s is scoped to the app's data",
    (_where, search) => {
      const onepassword =
        search.includes('`onepassword_index`') &&
        /sourcetype="1password:insights:[a-z_*]+"|eventtype=onepassword_/.test(search);
      const internal =
        /^index=_internal sourcetype=splunkd component=ExecProcessor "TA-1password-events"/.test(
          search,
        );
      const health = /^\| inputlookup onepassword_health_lookup\b/.test(search);
      // The Detections dashboard: this app's saved searches, their scheduler runs and fired alerts.
      const detections =
        /^\| rest \/servicesNS\/-\/TA-1password-events\/saved\/searches .*search="eai:acl.app=TA-1password-events"/.test(
          search,
        ) ||
        /^index=_internal sourcetype=scheduler app="TA-1password-events" /.test(search) ||
        /^index=_audit action="alert_fired" ss_app="TA-1password-events" /.test(search);
      expect(onepassword || internal || health || detections).toBe(true);
    },
  );

  describe('base searches find sample events', () => {
    const texts = readKnowledgeTexts(repoRoot);
    const samples = loadAllSampleEvents();
    const watchedItem = samples.find((sample) => sample.feed === 'itemusages')?.item
      .item_uuid as string;
    // Populated lookups, so the searches about watched items, blocked countries and departing
    // users have something to find.
    const knowledge = buildKnowledge({
      ...texts,
      lookupFiles: new Map([
        ...texts.lookupFiles,
        ['onepassword_blocked_countries.csv', 'country,reason\nSE,test\n'],
        [
          'onepassword_departing_users.csv',
          'user,last_day,note\njack.oneill@example.com,2026-05-01,\n',
        ],
        [
          'onepassword_watched_items.csv',
          `item_uuid,label,owner\n${watchedItem},root key,secops\n`,
        ],
      ]),
    });
    const results: SearchTimeResult[] = samples.map((sample) =>
      applySearchTime(sample.event, knowledge, { jsonNull: 'absent', emptyString: 'absent' }),
    );
    const searchable = allSearches.filter(
      ({ search }) =>
        !search.trimStart().startsWith('|') && !/^index=_(internal|audit)\b/.test(search),
    );

    it.each(searchable.map((entry) => [entry.where, entry.search, entry.tokens] as const))(
      '%s: %s',
      (_where, search, tokens) => {
        let text = search;
        for (const [token, value] of tokens) text = text.split(`$${token}$`).join(value);
        const base = withoutTimeModifiers(baseSearch(expandMacros(text, macroDefinitions)));
        const matched = results.filter((result) => compileSearch(base).matches(result.fields));
        expect(matched.length).toBeGreaterThan(0);
      },
    );
  });
});
