/**
 * Dashboards, navigation and saved searches: the views are well-formed Simple XML 1.1, every
 * search refers only to macros, eventtypes, lookups and sourcetypes the app defines, is scoped by
 * the onepassword_index macro and a 1Password sourcetype (or reads the app's health data), and its
 * base search finds sample events once the app's search-time knowledge has run; every saved
 * search ships disabled, described, scheduled and without alert actions. Per dashboard, every
 * search of events is on the time picker, the panels listed post-process the view's base search,
 * the panels listed drill down, and every drilldown sets an input of its view, opens a view with
 * inputs it fills, or searches the app's data on the time picker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { feeds, feedIds } from '../../../src/core/feeds';
import { parseConfFile, stanzaEntries } from './spl/conf-file';
import { runPipeline } from './spl/pipeline';
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

/** A <search> element: its id or base, its query and its own time range. */
interface SearchElement {
  readonly id: string | undefined;
  readonly base: string | undefined;
  query: string;
  earliest: string | undefined;
  latest: string | undefined;
}

/** A drilldown target: a token it sets (or unsets) or the URL it opens. */
type DrilldownTarget =
  | { readonly kind: 'set'; readonly token: string; readonly value: string }
  | { readonly kind: 'link'; readonly url: string };

interface ViewPanel {
  title: string;
  readonly searches: SearchElement[];
  readonly drilldowns: DrilldownTarget[];
}

interface ParsedView {
  readonly root: string;
  readonly attributes: Record<string, string>;
  readonly label: string | undefined;
  readonly searches: readonly ViewSearch[];
  readonly tokens: ReadonlyMap<string, string>;
  /** Searches outside any panel (base searches). */
  readonly globalSearches: readonly SearchElement[];
  readonly panels: readonly ViewPanel[];
  readonly elements: ReadonlySet<string>;
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
  const globalSearches: SearchElement[] = [];
  const panels: ViewPanel[] = [];
  const elements = new Set<string>();
  let panel: ViewPanel | undefined;
  let search: SearchElement | undefined;
  let setToken: string | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    if (stack.length === 0) {
      root = tag.name;
      attributes = attrs;
    }
    elements.add(tag.name);
    if (tag.name === 'search') {
      searchBase = attrs.base;
      search = {
        id: attrs.id,
        base: attrs.base,
        query: '',
        earliest: undefined,
        latest: undefined,
      };
      (panel ? panel.searches : globalSearches).push(search);
    }
    if (tag.name === 'panel') {
      panel = { title: '', searches: [], drilldowns: [] };
      panels.push(panel);
    }
    if ((tag.name === 'set' || tag.name === 'unset') && panel && attrs.token)
      setToken = attrs.token;
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
    if (search && tag.name === 'query') search.query = text.trim();
    if (search && tag.name === 'earliest') search.earliest = text.trim();
    if (search && tag.name === 'latest') search.latest = text.trim();
    if (tag.name === 'search') search = undefined;
    if (panel && tag.name === 'title' && stack.at(-1) === 'panel') panel.title = text.trim();
    if (panel && setToken && (tag.name === 'set' || tag.name === 'unset')) {
      panel.drilldowns.push({ kind: 'set', token: setToken, value: text.trim() });
      setToken = undefined;
    }
    if (panel && tag.name === 'link') panel.drilldowns.push({ kind: 'link', url: text.trim() });
    if (tag.name === 'panel') panel = undefined;
    if (tag.name === 'label' && stack.length === 1) label = text.trim();
    if (tag.name === 'default' && inputToken && stack.at(-1) === 'input')
      tokens.set(inputToken, text.trim());
    if (tag.name === 'input') inputToken = undefined;
    text = '';
  });
  parser.write(xml).close();
  return { root, attributes, label, searches, tokens, globalSearches, panels, elements };
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

  /** A search that reads state (KV store, splunkd's REST API), not events: no time range. */
  const readsState = (query: string): boolean => /^\| (inputlookup|rest) /.test(query);

  it.each(dashboards.map(([file]) => file))(
    '%s puts every search of events on the time picker and every post-process on a base search of the view',
    (file) => {
      const view = views.get(file) as ParsedView;
      const ids = view.globalSearches.map((search) => search.id);
      for (const search of [...view.globalSearches, ...view.panels.flatMap((p) => p.searches)]) {
        if (search.base !== undefined) {
          // Post-processing inherits the base search's time range and must not set its own.
          expect({ file, base: search.base, defined: ids.includes(search.base) }).toEqual({
            file,
            base: search.base,
            defined: true,
          });
          expect({ file, query: search.query, earliest: search.earliest }).toEqual({
            file,
            query: search.query,
            earliest: undefined,
          });
          continue;
        }
        if (readsState(search.query)) continue;
        expect({ file, query: search.query, range: [search.earliest, search.latest] }).toEqual({
          file,
          query: search.query,
          range: ['$time.earliest$', '$time.latest$'],
        });
      }
      // Every base search feeds at least one panel.
      for (const id of ids) {
        const used = view.panels.some((p) => p.searches.some((search) => search.base === id));
        expect({ file, id, used }).toEqual({ file, id, used: true });
      }
    },
  );

  /**
   * Per dashboard: the panels that run a search of their own (every other panel post-processes
   * the view's base search) and the panels without a drilldown. A panel that loses its base
   * search or its drilldown, or a new panel that has neither, fails here.
   */
  const panelShapes: Readonly<
    Record<
      string,
      { readonly ownSearch: readonly string[]; readonly noDrilldown: readonly string[] }
    >
  > = {
    'onepassword_overview.xml': { ownSearch: [], noDrilldown: ['Active users', 'Events by feed'] },
    'onepassword_signins.xml': {
      ownSearch: ['Latest sign-in attempts'],
      noDrilldown: [
        'Failed sign-ins by type',
        'Where sign-ins come from',
        'Failures by authentication method',
      ],
    },
    'onepassword_item_usage.xml': { ownSearch: [], noDrilldown: [] },
    'onepassword_audit.xml': {
      ownSearch: [],
      noDrilldown: [
        'Multi-factor authentication',
        'Single sign-on',
        'Firewall rules',
        'Service accounts and tokens',
        'Group membership and vault permissions',
      ],
    },
    'onepassword_health.xml': {
      // The KV store status, the saved searches' state and the input's own log lines.
      ownSearch: [
        'Input status per account and feed',
        'Health detections',
        'Input log lines by level',
        'Latest warnings and errors of the input',
      ],
      noDrilldown: ['Collection lag (index time minus event time)', 'Input log lines by level'],
    },
    'onepassword_detections.xml': {
      ownSearch: [
        'Detections and their state',
        'Recent runs',
        'Alerts raised',
        'Runs with results over time',
      ],
      noDrilldown: [],
    },
  };

  it.each(dashboards.map(([file]) => file))(
    '%s: panels post-process the base search and drill down as listed',
    (file) => {
      const view = views.get(file) as ParsedView;
      const shape = panelShapes[file];
      expect(shape).toBeDefined();
      const titles = view.panels.map((p) => p.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const p of view.panels)
        expect({ file, title: p.title, searches: p.searches.length }).toEqual({
          file,
          title: p.title,
          searches: 1,
        });
      const ownSearch = view.panels
        .filter((p) => p.searches.every((search) => search.base === undefined))
        .map((p) => p.title);
      expect({ file, ownSearch }).toEqual({ file, ownSearch: shape?.ownSearch });
      const noDrilldown = view.panels.filter((p) => p.drilldowns.length === 0).map((p) => p.title);
      expect({ file, noDrilldown }).toEqual({ file, noDrilldown: shape?.noDrilldown });
      if (file !== 'onepassword_detections.xml') expect(view.globalSearches.length).toBe(1);
    },
  );

  it.each(dashboards.map(([file]) => file))(
    '%s: drilldowns set inputs the view has, open views with the inputs they fill, search scoped data on the time picker, and use columns their panel has',
    (file) => {
      const view = views.get(file) as ParsedView;
      const inputOf = (target: ParsedView, param: string): boolean =>
        target.tokens.has(param) || target.tokens.has(param.replace(/\.(earliest|latest)$/, ''));
      for (const p of view.panels) {
        const query = p.searches.map((search) => search.query).join(' ');
        for (const target of p.drilldowns) {
          const text = target.kind === 'set' ? target.value : target.url;
          // $row.<column>$ must be a column the panel's search produces (or names).
          for (const [, column] of text.matchAll(/\$row\.([A-Za-z0-9_]+)(?:\|u)?\$/g)) {
            const named = new RegExp(`\\b${column as string}\\b`).test(query);
            expect({ file, panel: p.title, column, named }).toEqual({
              file,
              panel: p.title,
              column,
              named: true,
            });
          }
          if (target.kind === 'set') {
            if (!target.token.startsWith('form.')) continue;
            expect({
              file,
              panel: p.title,
              token: target.token,
              input: inputOf(view, target.token.slice(5)),
            }).toEqual({ file, panel: p.title, token: target.token, input: true });
            continue;
          }
          // A fired alert's results (Detections): the job it names.
          if (target.url === '/app/TA-1password-events/@go?sid=$row.sid|u$') continue;
          const app = /^\/app\/TA-1password-events\/([a-z0-9_]+)\?(.*)$/.exec(target.url);
          if (app) {
            const opened = views.get(`${app[1] as string}.xml`);
            expect({ file, url: target.url, exists: opened !== undefined }).toEqual({
              file,
              url: target.url,
              exists: true,
            });
            for (const [, param] of (app[2] as string).matchAll(/(?:^|&amp;|&)form\.([^=]+)=/g)) {
              expect({
                file,
                url: target.url,
                param,
                input: inputOf(opened as ParsedView, param as string),
              }).toEqual({ file, url: target.url, param, input: true });
            }
            continue;
          }
          const search =
            /^search\?q=([^&]+)&(?:amp;)?earliest=\$[^$]+\$&(?:amp;)?latest=\$[^$]+\$$/.exec(
              target.url,
            );
          expect({ file, url: target.url, search: search !== null }).toEqual({
            file,
            url: target.url,
            search: true,
          });
          const q = decodeURIComponent((search?.[1] ?? '').replace(/\$[^$]+\$/g, 'TOKEN'));
          const scoped =
            /^search `onepassword_index` sourcetype="(1password:insights:[a-z_]+|TOKEN)"/.test(q) ||
            /^search index=_internal sourcetype=splunkd component=ExecProcessor "TA-1password-events" "onepassword_events"/.test(
              q,
            );
          expect({ file, q, scoped }).toEqual({ file, q, scoped: true });
          for (const macro of macroCalls(q)) expect(macroDefinitions.has(macro)).toBe(true);
        }
      }
    },
  );

  it('are Simple XML without custom JavaScript or CSS (Splunk Cloud)', () => {
    for (const [file, view] of dashboards) {
      expect({
        file,
        script: view.attributes.script,
        stylesheet: view.attributes.stylesheet,
      }).toEqual({ file, script: undefined, stylesheet: undefined });
      expect({ file, html: view.elements.has('html') }).toEqual({ file, html: false });
    }
  });

  it('answer the next questions the issue names', () => {
    const panel = (file: string, title: string): ViewPanel => {
      const found = (views.get(file) as ParsedView).panels.find((p) => p.title === title);
      if (!found) throw new Error(`${file} has no panel "${title}"`);
      return found;
    };
    const sets = (file: string, title: string): string[] =>
      panel(file, title).drilldowns.flatMap((d) =>
        d.kind === 'set' ? [`${d.token}=${d.value}`] : [],
      );
    const links = (file: string, title: string): string =>
      panel(file, title)
        .drilldowns.flatMap((d) => (d.kind === 'link' ? [d.url] : []))
        .join('\n');
    // A user → their sign-ins; a country → its sign-ins; an audit action → its events.
    expect(links('onepassword_overview.xml', 'Users with the most failed sign-ins')).toContain(
      'onepassword_signins?form.user=$row.user|u$',
    );
    expect(sets('onepassword_signins.xml', 'Sign-ins by country')).toContain(
      'form.country=$click.value$',
    );
    expect(sets('onepassword_audit.xml', 'Actions')).toContain(
      'form.vendor_action=$row.vendor_action$',
    );
    // Item usage: an item → its usage, a user → their usage, a vault → its items.
    expect(sets('onepassword_item_usage.xml', 'Top items')).toContain('form.item=$row.object_id$');
    expect(sets('onepassword_item_usage.xml', 'Watched items')).toContain(
      'form.item=$row.object_id$',
    );
    expect(sets('onepassword_item_usage.xml', 'Top users')).toContain('form.user=$row.user$');
    expect(sets('onepassword_item_usage.xml', 'Vaults')).toContain(
      'form.vault=$row.parent_object$',
    );
    // Health: an account and feed → its events and the input's log lines; a link to Detections.
    const status = links('onepassword_health.xml', 'Input status per account and feed');
    expect(status).toContain(
      'sourcetype%3D%22$row.sourcetype|u$%22%20source%3D%22onepassword_events%3A%2F%2F$row.input|u$%22',
    );
    expect(status).toContain(
      'index%3D_internal%20sourcetype%3Dsplunkd%20component%3DExecProcessor%20%22TA-1password-events%22%20%22onepassword_events%22%20%22input%3D$row.input|u$%22',
    );
    expect(sets('onepassword_health.xml', 'Input status per account and feed')).toContain(
      'form.input=$row.input$',
    );
    expect(links('onepassword_health.xml', 'Health detections')).toContain(
      '/app/TA-1password-events/onepassword_detections?form.detection=$row.detection|u$',
    );
    // Maps: the choropleth and the marker map.
    const signins = readFileSync(path.join(viewsDir, 'onepassword_signins.xml'), 'utf8');
    expect(signins).toMatch(/geom geo_countries featureIdField=country_name/);
    expect(signins).toContain('<option name="mapping.type">choropleth</option>');
    expect(signins).toContain('<option name="mapping.type">marker</option>');
  });

  it('Health shows each account and feed with its token days left and state, and the columns its drilldowns use', () => {
    const status = (views.get('onepassword_health.xml') as ParsedView).panels.find(
      (p) => p.title === 'Input status per account and feed',
    )?.searches[0]?.query as string;
    const columns = (
      parseConfFile(read('default/transforms.conf'), 'transforms.conf')
        .get('onepassword_health_lookup')
        ?.get('fields_list') ?? ''
    )
      .split(',')
      .map((column) => column.trim());
    const now = Date.UTC(2026, 4, 2, 12, 0, 0) / 1000;
    const day = 86400;
    const health: Record<string, string | number>[] = [
      {
        account: 'acme',
        feed: 'auditevents',
        input: 'acme_prod',
        status: 'ok',
        token_expires_at: now - 2 * day,
        last_success: now - 1800,
      },
      {
        account: 'acme',
        feed: 'itemusages',
        input: 'acme_prod',
        status: 'error',
        token_expires_at: now + 5 * day,
      },
      {
        account: 'acme',
        feed: 'signinattempts',
        input: 'acme_prod',
        status: 'ok',
        token_expires_at: now + 100 * day,
      },
      { account: 'beta', feed: 'auditevents', input: 'beta_prod', status: 'backfilling' },
    ];
    const lookups = new Map([
      [
        'onepassword_health_lookup',
        {
          columns,
          rows: health.map((row) => columns.map((column) => String(row[column] ?? ''))),
          caseSensitive: true,
        },
      ],
    ]);
    const rows = runPipeline(expandMacros(status.split('$input$').join('*'), macroDefinitions), {
      events: [],
      lookups,
      now,
      earliest: '',
      latest: '',
    });
    expect(
      rows.map((row) => [
        row.get('account'),
        row.get('feed'),
        row.get('sourcetype'),
        row.get('token'),
        row.get('token_days_left') === undefined ? undefined : Number(row.get('token_days_left')),
        row.get('since_success_h') === undefined ? undefined : Number(row.get('since_success_h')),
        row.get('events'),
        row.get('log'),
      ]),
    ).toEqual([
      [
        'acme',
        'auditevents',
        '1password:insights:audit_events',
        'expired',
        -2,
        0.5,
        'events',
        'log lines',
      ],
      [
        'acme',
        'itemusages',
        '1password:insights:item_usages',
        'expiring',
        5,
        undefined,
        'events',
        'log lines',
      ],
      [
        'acme',
        'signinattempts',
        '1password:insights:signin_attempts',
        'ok',
        100,
        undefined,
        'events',
        'log lines',
      ],
      [
        'beta',
        'auditevents',
        '1password:insights:audit_events',
        'no expiry',
        undefined,
        undefined,
        'events',
        'log lines',
      ],
    ]);
    // The input filter narrows the rows to one input.
    const beta = runPipeline(
      expandMacros(status.split('$input$').join('beta_*'), macroDefinitions),
      {
        events: [],
        lookups,
        now,
        earliest: '',
        latest: '',
      },
    );
    expect(beta.map((row) => row.get('input'))).toEqual(['beta_prod']);
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
