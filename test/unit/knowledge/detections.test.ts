/**
 * Every saved search of default/savedsearches.conf, run as shipped (macros expanded, dispatch
 * window from the stanza) by the SPL evaluator over sample events built from the real Events API
 * fixtures and put through the app's search-time knowledge. Each detection has a scenario on
 * which it must return results and a near miss, differing in the one thing the detection is
 * about, on which it must return none. Health and token scenarios are rows of the KV lookups.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfFile, stanzaEntries } from './spl/conf-file';
import { runPipeline, SplPipelineError, type Row } from './spl/pipeline';
import { expandMacros } from './spl/spl-references';
import {
  applySearchTime,
  buildKnowledge,
  readKnowledgeTexts,
  type LookupTable,
} from './spl/search-time';
import { loadSampleEvents, repoRoot } from './sample-events';
import type { FeedId } from '../../../src/core/feeds';

const read = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');
const savedSearches = new Map(
  stanzaEntries(parseConfFile(read('default/savedsearches.conf'), 'savedsearches.conf')),
);
const macros = new Map(
  stanzaEntries(parseConfFile(read('default/macros.conf'), 'macros.conf')).map(
    ([name, stanza]) => [name, stanza.get('definition') ?? ''] as const,
  ),
);
const texts = readKnowledgeTexts(repoRoot);

/** The search's now(): 2026-05-02 12:07:30 UTC, mid-window, never the wall clock. */
const now = Date.UTC(2026, 4, 2, 12, 7, 30) / 1000;
const minutes = 60;
const days = 86400;

const samples = {
  signinattempts: loadSampleEvents('signinattempts'),
  itemusages: loadSampleEvents('itemusages'),
  auditevents: loadSampleEvents('auditevents'),
};

type Json = Record<string, unknown>;

/** Deep merge: patch values replace, nested objects merge, null removes. */
function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object')
      out[key] = merge(out[key] as Json, value as Json);
    else out[key] = value;
  }
  return out;
}

interface SampleSpec {
  readonly feed: FeedId;
  /** Picks the fixture event to start from. */
  readonly like: (item: Json) => boolean;
  readonly patch: Json;
  /** Seconds before now that it happened, and (default: the same) that Splunk indexed it. */
  readonly ago: number;
  readonly indexedAgo?: number;
}

interface Scenario {
  readonly events?: readonly SampleSpec[];
  /** Lookup CSVs replacing the shipped (empty) ones, by file name. */
  readonly lookupFiles?: Readonly<Record<string, string>>;
  /** onepassword_health_lookup rows. */
  readonly health?: readonly Json[];
}

function fixture(feed: FeedId, like: (item: Json) => boolean): Json {
  const found = samples[feed].find((sample) => like(sample.item));
  if (!found) throw new Error(`no ${feed} fixture matches ${like.toString()}`);
  return found.item;
}

function run(searchName: string, scenario: Scenario): Row[] {
  const stanza = savedSearches.get(searchName);
  if (!stanza) throw new Error(`no saved search ${searchName}`);
  const healthColumns = (
    parseConfFile(texts.transforms).get('onepassword_health_lookup')?.get('fields_list') ?? ''
  )
    .split(',')
    .map((field) => field.trim());
  const health: LookupTable = {
    columns: healthColumns,
    rows: (scenario.health ?? []).map((row) =>
      healthColumns.map((column) => (row[column] === undefined ? '' : String(row[column]))),
    ),
    caseSensitive: true,
  };
  const knowledge = buildKnowledge(
    {
      ...texts,
      lookupFiles: new Map([...texts.lookupFiles, ...Object.entries(scenario.lookupFiles ?? {})]),
    },
    new Map([['onepassword_health_lookup', health]]),
  );
  const events = (scenario.events ?? []).map((spec) => {
    const item = merge(fixture(spec.feed, spec.like), spec.patch);
    const time = now - spec.ago;
    item.timestamp = new Date(time * 1000).toISOString();
    const sourcetype = samples[spec.feed][0]?.event.sourcetype as string;
    const { fields } = applySearchTime(
      {
        raw: JSON.stringify(item),
        sourcetype,
        source: 'onepassword_events://acme_prod',
        host: 'splunk-hf-01',
        index: 'onepassword',
      },
      knowledge,
      { jsonNull: 'absent', emptyString: 'absent' },
    );
    fields.set('_time', String(time));
    fields.set('_indextime', String(now - (spec.indexedAgo ?? spec.ago)));
    return fields;
  });
  return runPipeline(expandMacros(stanza.get('search') ?? '', macros), {
    events,
    lookups: knowledge.lookups,
    now,
    earliest: stanza.get('dispatch.earliest_time') ?? '',
    latest: stanza.get('dispatch.latest_time') ?? '',
  });
}

// ---- people, things and event builders ----

const alice = { uuid: 'ALICEUUIDAAAAAAAAAAAAAAAAA', email: 'alice@example.com', name: 'Alice' };
const bob = { uuid: 'BOBUUIDBBBBBBBBBBBBBBBBBBB', email: 'bob@example.com', name: 'Bob' };
const admin = { uuid: 'ADMINUUIDCCCCCCCCCCCCCCCCC', email: 'admin@example.com', name: 'Admin' };
const scimBridge = {
  uuid: 'SCIMUUIDDDDDDDDDDDDDDDDDDD',
  email: 'scim-bridge-ab12cd@1passwordserviceaccounts.com',
  name: 'SCIM bridge',
};
const vault = 'vaultaaaaaaaaaaaaaaaaaaaaa';
const otherVault = 'vaultbbbbbbbbbbbbbbbbbbbbb';
const group = 'GROUPAAAAAAAAAAAAAAAAAAAAA';

type Person = typeof alice;

function signin(
  user: Person,
  category: string,
  type: string,
  ago: number,
  extra: Json = {},
): SampleSpec {
  return {
    feed: 'signinattempts',
    like: (item) => item.category === 'success' && item.client !== undefined,
    patch: merge(
      { category, type, target_user: { uuid: user.uuid, email: user.email, name: user.name } },
      extra,
    ),
    ago,
    ...(extra.indexedAgo !== undefined ? { indexedAgo: extra.indexedAgo as number } : {}),
  };
}

function from(country: string, ip: string): Json {
  return { country, location: { country }, client: { ip_address: ip } };
}

function usage(
  user: Person,
  action: string,
  item: string,
  vaultUuid: string,
  ago: number,
): SampleSpec {
  return {
    feed: 'itemusages',
    like: (candidate) => candidate.user !== undefined,
    patch: {
      action,
      item_uuid: item,
      vault_uuid: vaultUuid,
      user: { uuid: user.uuid, email: user.email, name: user.name },
    },
    ago,
  };
}

/** An audit event starting from a fixture with the same action and object type. */
function audit(
  actor: Person,
  action: string,
  objectType: string,
  ago: number,
  extra: Json = {},
  indexedAgo?: number,
): SampleSpec {
  return {
    feed: 'auditevents',
    like: (item) => item.action === action && item.object_type === objectType,
    patch: merge(
      {
        actor_uuid: actor.uuid,
        actor_details: { uuid: actor.uuid, email: actor.email, name: actor.name },
      },
      extra,
    ),
    ago,
    ...(indexedAgo !== undefined ? { indexedAgo } : {}),
  };
}

const member = (person: Person): Json => ({
  aux_uuid: person.uuid,
  aux_details: { uuid: person.uuid, email: person.email, name: person.name },
});
const userObject = (person: Person): Json => ({
  object_uuid: person.uuid,
  object_details: { uuid: person.uuid, email: person.email, name: person.name },
});
const times = (count: number, make: (index: number) => SampleSpec): SampleSpec[] =>
  Array.from({ length: count }, (_, index) => make(index));

const privilegedVaults = `vault_uuid,label,note\n${vault},Infrastructure,\n`;
const privilegedGroups = `group_uuid,label,note\n${group},Owners,\n`;

interface DetectionCase {
  readonly fires: Scenario;
  readonly nearMiss: Scenario;
  /** A field the firing result must carry, and its value. */
  readonly expect: readonly [string, string];
}

const cases: Record<string, DetectionCase> = {
  '1Password - Too many failed sign-ins per user': {
    // Six failures that happened three hours ago but were indexed five minutes ago: index time.
    fires: {
      events: times(6, (i) =>
        signin(alice, 'credentials_failed', 'password_secret_bad', 180 * minutes + i, {
          indexedAgo: 5 * minutes,
        }),
      ),
    },
    nearMiss: {
      events: [
        ...times(5, (i) =>
          signin(alice, 'credentials_failed', 'password_secret_bad', 5 * minutes + i),
        ),
        ...times(3, (i) =>
          signin(alice, 'credentials_failed', 'password_secret_bad', 30 * minutes + i),
        ),
      ],
    },
    expect: ['user', alice.email],
  },
  '1Password - Too many failed sign-ins per source IP': {
    fires: {
      events: times(11, (i) =>
        signin(
          { ...bob, uuid: `U${i}`, email: `user${i}@example.com` },
          'credentials_failed',
          'password_secret_bad',
          3 * minutes,
          from('RU', '203.0.113.9'),
        ),
      ),
    },
    nearMiss: {
      events: times(10, (i) =>
        signin(
          { ...bob, uuid: `U${i}`, email: `user${i}@example.com` },
          'credentials_failed',
          'password_secret_bad',
          3 * minutes,
          from('RU', '203.0.113.9'),
        ),
      ),
    },
    expect: ['src', '203.0.113.9'],
  },
  '1Password - Sign-in from a new country': {
    fires: {
      events: [
        signin(alice, 'success', 'mfa_ok', 5 * days, from('CA', '99.231.0.1')),
        signin(alice, 'success', 'mfa_ok', 2 * days, from('CA', '99.231.0.1')),
        signin(alice, 'success', 'mfa_ok', 10 * minutes, from('SE', '81.2.0.1')),
      ],
    },
    nearMiss: {
      events: [
        signin(alice, 'success', 'mfa_ok', 5 * days, from('CA', '99.231.0.1')),
        signin(alice, 'success', 'mfa_ok', 3 * days, from('SE', '81.2.0.1')),
        signin(alice, 'success', 'mfa_ok', 10 * minutes, from('SE', '81.2.0.1')),
      ],
    },
    expect: ['src_country', 'SE'],
  },
  '1Password - Successful sign-in from a new IP address': {
    fires: {
      events: [
        signin(alice, 'success', 'credentials_ok', 5 * days, from('CA', '99.231.0.1')),
        signin(alice, 'success', 'mfa_ok', 10 * minutes, from('CA', '99.231.0.2')),
      ],
    },
    nearMiss: {
      events: [
        signin(alice, 'success', 'credentials_ok', 5 * days, from('CA', '99.231.0.1')),
        signin(alice, 'success', 'credentials_ok', 4 * days, from('CA', '99.231.0.2')),
        signin(alice, 'success', 'mfa_ok', 10 * minutes, from('CA', '99.231.0.2')),
      ],
    },
    expect: ['src', '99.231.0.2'],
  },
  '1Password - Sign-in from a blocked country': {
    fires: {
      events: [signin(alice, 'success', 'mfa_ok', 5 * minutes, from('RU', '203.0.113.9'))],
      lookupFiles: { 'onepassword_blocked_countries.csv': 'country,reason\nRU,sanctions\n' },
    },
    nearMiss: {
      events: [
        signin(alice, 'credentials_failed', 'password_secret_bad', 5 * minutes, {
          ...from('RU', '203.0.113.9'),
        }),
      ],
      lookupFiles: { 'onepassword_blocked_countries.csv': 'country,reason\nRU,sanctions\n' },
    },
    expect: ['blocked_country_reason', 'sanctions'],
  },
  '1Password - Secret used by a departing user': {
    fires: {
      events: [usage(alice, 'secure-copy', 'itemaaaa', vault, 5 * minutes)],
      lookupFiles: {
        'onepassword_departing_users.csv': 'user,last_day,note\nalice@example.com,2026-05-01,\n',
      },
    },
    nearMiss: {
      // The same copy, indexed now, but made before the last day.
      events: [
        { ...usage(alice, 'secure-copy', 'itemaaaa', vault, 2 * days), indexedAgo: 5 * minutes },
      ],
      lookupFiles: {
        'onepassword_departing_users.csv': 'user,last_day,note\nalice@example.com,2026-05-01,\n',
      },
    },
    expect: ['last_day', '2026-05-01'],
  },
  '1Password - Watched item used': {
    fires: {
      events: [usage(bob, 'fill', 'itemwatched', vault, 5 * minutes)],
      lookupFiles: {
        'onepassword_watched_items.csv': 'item_uuid,label,owner\nitemwatched,root key,secops\n',
      },
    },
    nearMiss: {
      events: [usage(bob, 'fill', 'itemother', vault, 5 * minutes)],
      lookupFiles: {
        'onepassword_watched_items.csv': 'item_uuid,label,owner\nitemwatched,root key,secops\n',
      },
    },
    expect: ['watched_item_label', 'root key'],
  },
  '1Password - Permission and access-control changes': {
    fires: {
      events: [audit(admin, 'grant', 'uva', 5 * minutes, { object_uuid: vault, ...member(bob) })],
    },
    nearMiss: { events: [audit(admin, 'update', 'item', 5 * minutes)] },
    expect: ['src_user', admin.email],
  },
  '1Password - SSO configuration changed': {
    fires: { events: [audit(admin, 'chngpsso', 'sso', 5 * minutes)] },
    nearMiss: { events: [audit(admin, 'ssotknv', 'ssotkn', 5 * minutes)] },
    expect: ['vendor_action', 'chngpsso'],
  },
  '1Password - Firewall rules changed': {
    fires: { events: [audit(admin, 'updatfw', 'account', 5 * minutes)] },
    nearMiss: { events: [audit(admin, 'updatea', 'account', 5 * minutes)] },
    expect: ['src_user', admin.email],
  },
  '1Password - MFA disabled for the whole account': {
    fires: { events: [audit(admin, 'disblduo', 'account', 5 * minutes)] },
    nearMiss: { events: [audit(admin, 'disblmfa', 'user', 5 * minutes, userObject(bob))] },
    expect: ['vendor_action', 'disblduo'],
  },
  '1Password - User MFA settings changed': {
    fires: { events: [audit(bob, 'disblmfa', 'user', 5 * minutes, userObject(bob))] },
    nearMiss: { events: [audit(admin, 'enblduo', 'account', 5 * minutes)] },
    expect: ['user', bob.email],
  },
  '1Password - User created manually': {
    fires: { events: [audit(admin, 'activate', 'user', 5 * minutes, userObject(bob))] },
    nearMiss: { events: [audit(scimBridge, 'activate', 'user', 5 * minutes, userObject(bob))] },
    expect: ['user', bob.email],
  },
  '1Password - User invited manually': {
    fires: { events: [audit(admin, 'create', 'invite', 5 * minutes)] },
    nearMiss: { events: [audit(scimBridge, 'create', 'invite', 5 * minutes)] },
    expect: ['src_user', admin.email],
  },
  '1Password - Service account created': {
    fires: { events: [audit(admin, 'create', 'sa', 5 * minutes)] },
    nearMiss: { events: [audit(admin, 'delete', 'sa', 5 * minutes)] },
    expect: ['src_user', admin.email],
  },
  '1Password - Service account token changed': {
    fires: { events: [audit(admin, 'trename', 'satoken', 5 * minutes)] },
    nearMiss: { events: [audit(admin, 'update', 'sa', 5 * minutes)] },
    expect: ['vendor_action', 'trename'],
  },
  '1Password - Vault permissions changed by another user': {
    fires: {
      events: [
        audit(admin, 'grant', 'uva', 5 * minutes, { object_uuid: otherVault, ...member(bob) }),
      ],
      lookupFiles: { 'onepassword_privileged_vaults.csv': privilegedVaults },
    },
    nearMiss: {
      // The privileged vault belongs to the high-severity detection instead.
      events: [audit(admin, 'grant', 'uva', 5 * minutes, { object_uuid: vault, ...member(bob) })],
      lookupFiles: { 'onepassword_privileged_vaults.csv': privilegedVaults },
    },
    expect: ['target_user', bob.email],
  },
  '1Password - Privileged vault permissions changed': {
    fires: {
      events: [audit(admin, 'grant', 'gva', 5 * minutes, { object_uuid: vault, aux_uuid: group })],
      lookupFiles: { 'onepassword_privileged_vaults.csv': privilegedVaults },
    },
    nearMiss: {
      events: [
        audit(admin, 'grant', 'gva', 5 * minutes, { object_uuid: otherVault, aux_uuid: group }),
      ],
      lookupFiles: { 'onepassword_privileged_vaults.csv': privilegedVaults },
    },
    expect: ['privileged_vault', 'Infrastructure'],
  },
  '1Password - Self-granted vault access': {
    fires: {
      events: [audit(alice, 'grant', 'uva', 5 * minutes, { object_uuid: vault, ...member(alice) })],
    },
    nearMiss: {
      events: [audit(alice, 'grant', 'uva', 5 * minutes, { object_uuid: vault, ...member(bob) })],
    },
    expect: ['src_user', alice.email],
  },
  '1Password - Self-granted group membership': {
    fires: {
      events: [audit(alice, 'join', 'gm', 5 * minutes, { object_uuid: group, ...member(alice) })],
    },
    nearMiss: {
      events: [audit(admin, 'join', 'gm', 5 * minutes, { object_uuid: group, ...member(alice) })],
    },
    expect: ['src_user', alice.email],
  },
  '1Password - User added to a privileged group': {
    fires: {
      events: [audit(admin, 'join', 'gm', 5 * minutes, { object_uuid: group, ...member(bob) })],
      lookupFiles: { 'onepassword_privileged_groups.csv': privilegedGroups },
    },
    nearMiss: {
      events: [
        audit(admin, 'join', 'gm', 5 * minutes, { object_uuid: 'GROUPOTHER', ...member(bob) }),
      ],
      lookupFiles: { 'onepassword_privileged_groups.csv': privilegedGroups },
    },
    expect: ['privileged_group', 'Owners'],
  },
  '1Password - Vault exported': {
    // Happened a day ago, reached Splunk five minutes ago.
    fires: {
      events: [audit(bob, 'export', 'vault', 1 * days, { object_uuid: vault }, 5 * minutes)],
    },
    nearMiss: {
      events: [audit(bob, 'export', 'vault', 1 * days, { object_uuid: vault }, 20 * minutes)],
    },
    expect: ['src_user', bob.email],
  },
  '1Password - Vault exported soon after the user was created': {
    fires: {
      events: [
        audit(admin, 'activate', 'user', 5 * days, userObject(bob)),
        audit(bob, 'export', 'vault', 10 * minutes, { object_uuid: vault }),
      ],
    },
    nearMiss: {
      events: [
        audit(admin, 'activate', 'user', 20 * days, userObject(bob)),
        audit(bob, 'export', 'vault', 10 * minutes, { object_uuid: vault }),
      ],
    },
    expect: ['user', bob.email],
  },
  '1Password - Vault exported before the user was suspended or deleted': {
    fires: {
      events: [
        audit(bob, 'export', 'vault', 3 * days, { object_uuid: vault }),
        audit(admin, 'suspend', 'user', 10 * minutes, userObject(bob)),
      ],
    },
    nearMiss: {
      events: [
        audit(bob, 'export', 'vault', 20 * days, { object_uuid: vault }),
        audit(admin, 'suspend', 'user', 10 * minutes, userObject(bob)),
      ],
    },
    expect: ['removal', 'suspend'],
  },
  '1Password - Secrets read after a self-granted vault access': {
    fires: {
      events: [
        audit(alice, 'grant', 'uva', 40 * minutes, { object_uuid: vault, ...member(alice) }),
        usage(alice, 'reveal', 'itemsecret', vault, 10 * minutes),
      ],
    },
    nearMiss: {
      events: [
        audit(alice, 'grant', 'uva', 40 * minutes, { object_uuid: vault, ...member(alice) }),
        usage(alice, 'reveal', 'itemsecret', otherVault, 10 * minutes),
      ],
    },
    expect: ['vault_id', vault],
  },
  '1Password - Weekly adoption report': {
    fires: { events: [signin(alice, 'success', 'mfa_ok', 2 * days)] },
    nearMiss: { events: [signin(alice, 'credentials_failed', 'password_secret_bad', 2 * days)] },
    expect: ['users_signed_in', '1'],
  },
  '1Password - No events received': {
    fires: { events: [signin(alice, 'success', 'mfa_ok', 30 * 3600)] },
    nearMiss: {
      events: [
        signin(alice, 'success', 'mfa_ok', 30 * 3600),
        signin(alice, 'success', 'mfa_ok', 2 * 3600),
      ],
    },
    expect: ['sourcetype', '1password:insights:signin_attempts'],
  },
  '1Password - Collection stalled': {
    fires: {
      health: [
        {
          account: 'acme',
          feed: 'auditevents',
          status: 'error',
          last_success: now - 3 * 3600,
          last_run_end: now - 60,
          last_error: 'HTTP 401',
        },
        {
          account: 'acme',
          feed: 'signinattempts',
          status: 'ok',
          last_success: now - 60,
          last_run_end: now - 60,
        },
      ],
    },
    nearMiss: {
      // One failed run after a success five minutes ago is not a stall.
      health: [
        {
          account: 'acme',
          feed: 'auditevents',
          status: 'error',
          last_success: now - 5 * 60,
          last_run_end: now - 60,
          last_error: 'HTTP 503',
        },
      ],
    },
    expect: ['feed', 'auditevents'],
  },
  '1Password - Events API token expiring': {
    fires: {
      health: [
        {
          account: 'acme',
          feed: 'auditevents',
          status: 'ok',
          last_success: now,
          token_expires_at: now + 3 * days,
        },
        {
          account: 'acme',
          feed: 'itemusages',
          status: 'ok',
          last_success: now,
          token_expires_at: now + 3 * days,
        },
      ],
    },
    nearMiss: {
      health: [
        {
          account: 'acme',
          feed: 'auditevents',
          status: 'ok',
          last_success: now,
          token_expires_at: now + 30 * days,
        },
        { account: 'other', feed: 'auditevents', status: 'ok', last_success: now },
      ],
    },
    expect: ['state', 'expiring'],
  },
};

describe('every detection', () => {
  it('has a firing scenario and a near miss (and every case names a shipped search)', () => {
    const shipped = [...savedSearches.keys()].filter((name) => name !== 'default').sort();
    expect(Object.keys(cases).sort()).toEqual(shipped);
  });

  describe.each(Object.entries(cases))('%s', (name, testCase) => {
    it('fires on its scenario', () => {
      const rows = run(name, testCase.fires);
      expect(rows.length).toBeGreaterThan(0);
      const [field, value] = testCase.expect;
      expect(rows.map((row) => row.get(field))).toContainEqual(value);
    });

    it('stays quiet on the near miss', () => {
      expect(run(name, testCase.nearMiss)).toEqual([]);
    });
  });
});

describe('coverage', () => {
  const data = JSON.parse(read('knowledge/detections.json')) as {
    detections: { name: string; covers: string[] }[];
  };
  const covered = data.detections.flatMap((detection) => detection.covers);
  // The analytic rules of Microsoft Sentinel's 1Password solution and the seed's alert bullets.
  it.each([
    'S: Changes to SSO configuration',
    'S: Changes to firewall rules',
    'S: MFA disabled for all users',
    'S: Log ingestion failure (data side)',
    'S: Log ingestion failure (collection side)',
    'S: Manual account creation',
    'S: Manually invited user',
    'S: New service-account integration',
    'S: Service-account token adjustment',
    'S: Non-privileged vault permission changes',
    'S: Privileged vault permission changes',
    'S: Insider privilege escalation via group',
    'S: Insider privilege escalation via vault',
    'S: User added to a privileged group',
    'S: User account MFA settings changed',
    'S: Successful anomalous sign-in',
    'S: Vault export',
    'S: Vault export after account creation',
    'S: Vault export before account suspension or deletion',
    "S: Secret extraction after an administrator's vault-access change",
    "seed: a secret copied, shared, used on a site or accessed on a worker's last day",
    'seed: a watched item',
    'seed: access-control changes',
    'seed: adoption',
    'new: token expiring soon / expired',
    'new: collection stalled per account and feed',
  ])('%s has a detection', (requirement) => {
    expect(covered).toContain(requirement);
  });
});

describe('token expiry', () => {
  it('says expired once the expiry has passed', () => {
    const rows = run('1Password - Events API token expiring', {
      health: [{ account: 'acme', feed: 'auditevents', token_expires_at: now - 3600 }],
    });
    expect(rows.map((row) => row.get('state'))).toEqual(['expired']);
  });
});

describe('the SPL evaluator', () => {
  const input = { events: [], lookups: new Map(), now, earliest: '-1d', latest: 'now' };

  it('fails loudly on a command it does not know', () => {
    expect(() => runPipeline('index=x | transaction user', input)).toThrow(SplPipelineError);
    expect(() => runPipeline('index=x | stats perc95(x)', input)).toThrow(/not supported/);
    expect(() => runPipeline('| rest /services/apps/local', input)).toThrow(/not supported/);
    expect(() => runPipeline('index=x [search index=y]', input)).toThrow(/subsearch/);
  });

  it('fails loudly on an eval function or lookup it does not know', () => {
    const event = new Map([
      ['_time', String(now - 60)],
      ['_indextime', String(now - 60)],
      ['index', 'x'],
    ]);
    expect(() =>
      runPipeline('index=x | eval y=sha256(index)', { ...input, events: [event] }),
    ).toThrow(/sha256\(\) is not supported/);
    expect(() => runPipeline('| inputlookup no_such_lookup', input)).toThrow(/unknown lookup/);
  });
});
