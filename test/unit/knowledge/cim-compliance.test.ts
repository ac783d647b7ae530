/**
 * Proves the CIM mapping from the shipped definitions themselves: default/props.conf,
 * transforms.conf, eventtypes.conf, tags.conf and lookups/*.csv are parsed and applied to every
 * sample event in Splunk's search-time order, and the result is checked against the field lists
 * pytest-splunk-addon enforces (../shared/fixtures/cim). No Splunk runs here.
 */
import path from 'node:path';
import { feeds, type FeedId } from '../../../src/core/feeds';
import {
  checkEvent,
  loadCimModel,
  matchingDatasets,
  modelApplies,
  type CimModel,
} from './spl/cim-model';
import type { FieldValue, MultivalueComparison } from './spl/eval-expression';
import { jsonExtractionModes } from './spl/json-fields';
import {
  applySearchTime,
  buildKnowledge,
  readKnowledgeTexts,
  type Knowledge,
  type KnowledgeTexts,
  type SearchTimeOptions,
  type SearchTimeResult,
} from './spl/search-time';
import { loadAllSampleEvents, repoRoot, sharedFixtures, type SampleEvent } from './sample-events';
import auditActions from '../../../knowledge/tables/audit-actions.json';
import auditObjectTypes from '../../../knowledge/tables/audit-object-types.json';
import itemUsageActions from '../../../knowledge/tables/item-usage-actions.json';
import signinCategories from '../../../knowledge/tables/signin-categories.json';

type ModelName = 'Authentication' | 'Change' | 'Data_Access';
const modelNames: readonly ModelName[] = ['Authentication', 'Change', 'Data_Access'];
const models = new Map<ModelName, CimModel>(
  modelNames.map((name) => [name, loadCimModel(path.join(sharedFixtures, 'cim', `${name}.json`))]),
);
const modelOfFeed: Readonly<Record<FeedId, ModelName>> = {
  signinattempts: 'Authentication',
  itemusages: 'Data_Access',
  auditevents: 'Change',
};

/**
 * The tag groups by which pytest-splunk-addon's test_eventtype_mapped_multiple_cim_datamodel
 * assigns events to data models (pytest_splunk_addon/cim_tests/test_templates.py, commit
 * 41a6bfa), restricted to the models whose tags overlap ours; Data_Access comes from its field list.
 */
const psaModelTags: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Authentication: [
    ['authentication'],
    ['authentication', 'default'],
    ['authentication', 'insecure'],
    ['authentication', 'privileged'],
  ],
  Change: [
    ['change'],
    ['change', 'audit'],
    ['change', 'endpoint'],
    ['change', 'network'],
    ['change', 'account'],
  ],
  Compute_Inventory: [
    ['inventory', 'user'],
    ['inventory', 'user', 'default'],
  ],
  Endpoint: [
    ['process', 'report'],
    ['service', 'report'],
    ['endpoint', 'filesystem'],
  ],
  Network_Sessions: [['network', 'session']],
  Ticketing_Management: [['ticketing', 'change']],
  Vulnerabilities: [['report', 'vulnerability']],
  Web: [['web']],
  Data_Access: (models.get('Data_Access') as CimModel).objects[0]?.tags ?? [],
};

const texts = readKnowledgeTexts(repoRoot);
const shipped = buildKnowledge(texts);
const samples = loadAllSampleEvents();

interface Outcome {
  readonly sample: SampleEvent;
  readonly result: SearchTimeResult;
}

function run(knowledge: Knowledge, options: SearchTimeOptions, events = samples): Outcome[] {
  return events.map((sample) => ({
    sample,
    result: applySearchTime(sample.event, knowledge, options),
  }));
}

function text(value: FieldValue | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join('|');
}

function modelsOf(result: SearchTimeResult): ModelName[] {
  return modelNames.filter((name) => modelApplies(models.get(name) as CimModel, result.fields));
}

function cimProblems(outcomes: readonly Outcome[], comparison: MultivalueComparison): string[] {
  return outcomes.flatMap(({ sample, result }) =>
    modelsOf(result).flatMap((name) =>
      checkEvent(models.get(name) as CimModel, result.fields, {
        multivalueComparison: comparison,
      }).map((problem) => `${sample.label} (${name}) ${problem}`),
    ),
  );
}

const modes = jsonExtractionModes.flatMap((json) =>
  (['any', 'first'] as const).map((multivalueComparison) => ({ ...json, multivalueComparison })),
);

describe.each(modes)(
  'search time (JSON null: $jsonNull, "": $emptyString, multivalue ==: $multivalueComparison)',
  (options) => {
    const outcomes = run(shipped, options);

    it('puts every sample event into exactly the data model of its feed', () => {
      const wrong = outcomes
        .filter(({ sample, result }) => modelsOf(result).join(',') !== modelOfFeed[sample.feed])
        .map(
          ({ sample, result }) =>
            `${sample.label}: ${modelsOf(result).join(', ') || 'no data model'}`,
        );
      expect(wrong).toEqual([]);
    });

    it.each(modelNames)(
      '%s: every required and applicable conditional field is present and valid in every event',
      (name) => {
        const inModel = outcomes.filter(({ result }) => modelsOf(result).includes(name));
        expect(inModel.length).toBeGreaterThan(0);
        expect(cimProblems(inModel, options.multivalueComparison)).toEqual([]);
      },
    );

    it("gives every eventtype events, and all events of an eventtype one data model by pytest-splunk-addon's tag table", () => {
      for (const name of shipped.eventtypeSearches.keys()) {
        const members = outcomes.filter(({ result }) => result.eventtypes.includes(name));
        expect(members.length).toBeGreaterThan(0);
        for (const { sample, result } of members) {
          const mapped = Object.entries(psaModelTags)
            .filter(([, groups]) =>
              groups.some((group) => group.every((tag) => result.tags.includes(tag))),
            )
            .map(([model]) => model);
          expect({ event: sample.label, eventtype: name, models: mapped }).toEqual({
            event: sample.label,
            eventtype: name,
            models: [modelOfFeed[sample.feed]],
          });
        }
      }
    });

    it('fills the optional Authentication fields the add-on promises for every sign-in', () => {
      const promised = [
        'reason',
        'signature',
        'signature_id',
        'authentication_method',
        'authentication_service',
        'vendor_account',
        'vendor_product',
      ];
      const missing = outcomes
        .filter(({ sample }) => sample.feed === 'signinattempts')
        .flatMap(({ sample, result }) =>
          promised
            .filter((field) => !text(result.fields.get(field)))
            .map((field) => `${sample.label}: ${field}`),
        );
      expect(missing).toEqual([]);
    });
  },
);

const absent = { jsonNull: 'absent', emptyString: 'absent', multivalueComparison: 'any' } as const;
const byFeed = (feed: FeedId): Outcome[] =>
  run(shipped, absent).filter(({ sample }) => sample.feed === feed);
const field = (outcome: Outcome, name: string): string | undefined =>
  text(outcome.result.fields.get(name));
const raw = (outcome: Outcome, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>(
      (value, key) => (value as Record<string, unknown> | undefined)?.[key],
      outcome.sample.item,
    );
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

describe('sign-in attempts → Authentication', () => {
  const outcomes = byFeed('signinattempts');

  it('counts success and firewall_reported_success as success and every other category as failure', () => {
    for (const outcome of outcomes) {
      const category = raw(outcome, 'category') as string;
      const row = (signinCategories as Record<string, { cim_action?: string }>)[category];
      expect([category, field(outcome, 'action')]).toEqual([
        category,
        row?.cim_action ?? 'failure',
      ]);
    }
    const reported = outcomes.filter(
      (outcome) => raw(outcome, 'category') === 'firewall_reported_success',
    );
    expect(reported.length).toBeGreaterThan(0);
    for (const outcome of reported) expect(field(outcome, 'action')).toBe('success');
  });

  it('takes src from client.ip_address and falls back to "unknown" without one', () => {
    for (const outcome of outcomes) {
      const ip = raw(outcome, 'client.ip_address');
      expect(field(outcome, 'src')).toBe(nonEmpty(ip) ? ip : 'unknown');
    }
    expect(outcomes.some((outcome) => field(outcome, 'src') === 'unknown')).toBe(true);
  });

  it('names the user by email, then name, then UUID, then "unknown"', () => {
    for (const outcome of outcomes) {
      const candidates = ['target_user.email', 'target_user.name', 'target_user.uuid'].map((key) =>
        raw(outcome, key),
      );
      expect(field(outcome, 'user')).toBe(candidates.find(nonEmpty) ?? 'unknown');
      const uuid = raw(outcome, 'target_user.uuid');
      if (nonEmpty(uuid)) expect(field(outcome, 'user_id')).toBe(uuid);
    }
  });

  it('appends the firewall value from details to the reason', () => {
    const blocked = outcomes.find(
      (outcome) =>
        raw(outcome, 'type') === 'country_blocked' &&
        raw(outcome, 'category') === 'firewall_failed',
    );
    expect(blocked && field(blocked, 'reason')).toBe('Blocked by a firewall rule (RU)');
  });

  it('marks sign-ins from a listed country through the blocked-countries lookup', () => {
    const knowledge = buildKnowledge({
      ...texts,
      lookupFiles: new Map([
        ...texts.lookupFiles,
        ['onepassword_blocked_countries.csv', 'country,reason\nse,sanctions list\n'],
      ]),
    });
    const marked = run(
      knowledge,
      absent,
      samples.filter((sample) => sample.feed === 'signinattempts'),
    );
    const swedish = marked.filter((outcome) => field(outcome, 'src_country') === 'SE');
    expect(swedish.length).toBeGreaterThan(0);
    for (const outcome of marked) {
      expect(field(outcome, 'blocked_country_reason')).toBe(
        field(outcome, 'src_country') === 'SE' ? 'sanctions list' : undefined,
      );
    }
  });
});

describe('item usages → Data Access', () => {
  const outcomes = byFeed('itemusages');
  const table = itemUsageActions as Record<string, { cim_action?: string }>;

  it('maps the 1Password action and keeps it as vendor_action', () => {
    for (const outcome of outcomes) {
      const action = raw(outcome, 'action') as string;
      expect(field(outcome, 'vendor_action')).toBe(action);
      expect(field(outcome, 'action')).toBe(table[action]?.cim_action ?? 'unknown');
    }
  });

  it('uses the item as object and the vault as parent_object', () => {
    for (const outcome of outcomes) {
      expect(field(outcome, 'object')).toBe(raw(outcome, 'item_uuid'));
      expect(field(outcome, 'object_id')).toBe(raw(outcome, 'item_uuid'));
      expect(field(outcome, 'parent_object')).toBe(raw(outcome, 'vault_uuid'));
      expect(field(outcome, 'parent_object_category')).toBe(
        raw(outcome, 'vault_uuid') === undefined ? undefined : 'vault',
      );
    }
  });

  it('adds the watched-item label through the watched-items lookup, matching UUIDs without case', () => {
    const watched = outcomes[0] as Outcome;
    const uuid = (raw(watched, 'item_uuid') as string).toUpperCase();
    const knowledge = buildKnowledge({
      ...texts,
      lookupFiles: new Map([
        ...texts.lookupFiles,
        ['onepassword_watched_items.csv', `item_uuid,label,owner\n${uuid},"Root, AWS",secops\n`],
      ]),
    });
    const marked = run(
      knowledge,
      absent,
      samples.filter((sample) => sample.feed === 'itemusages'),
    );
    expect(marked.map((outcome) => field(outcome, 'watched_item_label') ?? null)).toEqual(
      marked.map((outcome) =>
        raw(outcome, 'item_uuid') === raw(watched, 'item_uuid') ? 'Root, AWS' : null,
      ),
    );
  });

  it('adds the last day of departing users through the departing-users lookup', () => {
    const knowledge = buildKnowledge({
      ...texts,
      lookupFiles: new Map([
        ...texts.lookupFiles,
        [
          'onepassword_departing_users.csv',
          'user,last_day,note\nJACK.ONEILL@example.com,2026-05-01,\n',
        ],
      ]),
    });
    const marked = run(
      knowledge,
      absent,
      samples.filter((sample) => sample.feed === 'itemusages'),
    );
    const jack = marked.filter((outcome) => field(outcome, 'user') === 'jack.oneill@example.com');
    expect(jack.length).toBeGreaterThan(0);
    for (const outcome of marked) {
      expect(field(outcome, 'departing_last_day')).toBe(
        field(outcome, 'user') === 'jack.oneill@example.com' ? '2026-05-01' : undefined,
      );
    }
  });
});

describe('audit events → Change', () => {
  const outcomes = byFeed('auditevents');
  const objectTypes = auditObjectTypes as Record<
    string,
    { account?: boolean; member_in_aux?: boolean; category?: string }
  >;
  const actions = auditActions as Record<string, { cim_action?: string; category?: string }>;
  const isAccount = (outcome: Outcome): boolean =>
    objectTypes[raw(outcome, 'object_type') as string]?.account === true;

  it('tags account exactly the events whose object is a team member, service account or membership', () => {
    for (const outcome of outcomes) {
      const account = isAccount(outcome);
      expect([raw(outcome, 'object_type'), outcome.result.tags.includes('account')]).toEqual([
        raw(outcome, 'object_type'),
        account,
      ]);
      expect([raw(outcome, 'object_type'), field(outcome, 'object_category') === 'user']).toEqual([
        raw(outcome, 'object_type'),
        account,
      ]);
      expect(outcome.result.tags).toEqual(expect.arrayContaining(['audit', 'change']));
    }
  });

  it('sets user to the changed member in Account_Management and to the actor elsewhere', () => {
    for (const outcome of outcomes) {
      const actor =
        ['actor_details.email', 'actor_details.name', 'actor_uuid']
          .map((key) => raw(outcome, key))
          .find(nonEmpty) ?? 'unknown';
      expect(field(outcome, 'src_user')).toBe(actor);
      if (!isAccount(outcome)) {
        expect(field(outcome, 'user')).toBe(actor);
        continue;
      }
      const memberInAux =
        objectTypes[raw(outcome, 'object_type') as string]?.member_in_aux === true;
      const member = memberInAux
        ? ['aux_details.email', 'aux_details.name', 'aux_uuid', 'object_uuid']
        : ['object_details.email', 'object_details.name', 'object_uuid'];
      expect(field(outcome, 'user')).toBe(
        member.map((key) => raw(outcome, key)).find(nonEmpty) ?? 'unknown',
      );
      expect(field(outcome, 'object')).toBe(field(outcome, 'user'));
    }
  });

  it('maps every action code through the action table and keeps the code as command', () => {
    for (const outcome of outcomes) {
      const code = raw(outcome, 'action') as string;
      expect(field(outcome, 'command')).toBe(code);
      expect(field(outcome, 'vendor_action')).toBe(code);
      expect(field(outcome, 'action')).toBe(actions[code]?.cim_action ?? 'modified');
      expect(field(outcome, 'status')).toBe('success');
    }
  });

  it('classifies MFA, SSO, firewall, permission and service-account changes for the dashboards', () => {
    const categoryOf = (code: string, objectType: string): string | undefined =>
      outcomes
        .filter(
          (outcome) =>
            raw(outcome, 'action') === code && raw(outcome, 'object_type') === objectType,
        )
        .map((outcome) => field(outcome, 'onepassword_category'))[0];
    expect(categoryOf('enblmfa', 'user')).toBe('mfa');
    expect(categoryOf('disblsso', 'sso')).toBe('sso');
    expect(categoryOf('updatfw', 'account')).toBe('firewall');
    expect(categoryOf('grant', 'uva')).toBe('permission');
    expect(categoryOf('revoke', 'gva')).toBe('permission');
    expect(categoryOf('join', 'gm')).toBe('membership');
    expect(categoryOf('trevoke', 'satoken')).toBe('service_account');
    expect(categoryOf('grant', 'sa')).toBe('service_account');
    for (const outcome of outcomes) {
      const code = raw(outcome, 'action') as string;
      const objectType = objectTypes[raw(outcome, 'object_type') as string];
      const expected = (objectType as { category_first?: boolean } | undefined)?.category_first
        ? objectType?.category
        : (actions[code]?.category ?? objectType?.category ?? 'other');
      expect([code, raw(outcome, 'object_type'), field(outcome, 'onepassword_category')]).toEqual([
        code,
        raw(outcome, 'object_type'),
        expected,
      ]);
    }
  });

  it('keeps Change events out of the file, directory and registry object categories', () => {
    for (const outcome of outcomes)
      expect(field(outcome, 'object_category')).not.toMatch(/^(file|directory|registry)$/);
  });

  it('puts group membership events into Account_Management with the member as object', () => {
    const join = outcomes.find(
      (outcome) => raw(outcome, 'action') === 'join' && raw(outcome, 'aux_details') !== undefined,
    ) as Outcome;
    const datasets = matchingDatasets(models.get('Change') as CimModel, join.result.fields).map(
      (trail) => trail.at(-1)?.name,
    );
    expect(datasets).toEqual([
      'All_Changes',
      'Account_Management',
      'Accounts_Updated',
      'Auditing_Changes',
    ]);
    expect(field(join, 'object_id')).toBe(raw(join, 'aux_uuid'));
    expect(field(join, 'object_path')).toBe(`gm/${raw(join, 'object_uuid') as string}`);
  });
});

/** The checks above must be able to fail: each broken variant of the shipped files is caught. */
describe('the proof catches broken mappings', () => {
  const broken = (change: Partial<KnowledgeTexts>): Outcome[] =>
    run(buildKnowledge({ ...texts, ...change }), absent);
  const props = texts.props;

  it('reports a required field the props no longer fill', () => {
    const withoutSrc = props.replace(/^EVAL-src = .*$/gm, '');
    expect(withoutSrc).not.toBe(props);
    const problems = cimProblems(broken({ props: withoutSrc }), 'any');
    expect(
      problems.some(
        (problem) =>
          problem.includes('(Authentication)') && problem.includes('required field src is missing'),
      ),
    ).toBe(true);
    expect(
      problems.some(
        (problem) =>
          problem.includes('(Change)') && problem.includes('required field src is missing'),
      ),
    ).toBe(true);
  });

  it('reports an action outside the expected values', () => {
    const renamed = props.replace(
      '"firewall_reported_success", "success"), "success"',
      '"firewall_reported_success", "success"), "succeeded"',
    );
    expect(renamed).not.toBe(props);
    const problems = cimProblems(broken({ props: renamed }), 'any');
    expect(
      problems.some((problem) =>
        problem.includes('action="succeeded" is not one of success, failure, pending, error'),
      ),
    ).toBe(true);
  });

  it('reports events that land in two data models', () => {
    const doubled = texts.tags.replace(
      '[eventtype=onepassword_audit_events]\n',
      '[eventtype=onepassword_audit_events]\nauthentication = enabled\n',
    );
    expect(doubled).not.toBe(texts.tags);
    const outcomes = broken({ tags: doubled }).filter(
      ({ sample }) => sample.feed === 'auditevents',
    );
    expect(outcomes.some(({ result }) => modelsOf(result).length === 2)).toBe(true);
  });

  it('reports account-tagged events whose object_category is not user', () => {
    const everyAudit = texts.eventtypes.replace(
      /^(search = sourcetype="1password:insights:audit_events") object_type IN \(.*\)$/m,
      '$1',
    );
    expect(everyAudit).not.toBe(texts.eventtypes);
    // The validity expression compares the multivalue tag field; only a first-value reading of
    // `tag!="account"` exposes the fault, which is why the proofs above run under both readings.
    const problems = cimProblems(broken({ eventtypes: everyAudit }), 'first');
    expect(
      problems.some(
        (problem) => problem.includes('Account_Management') && problem.includes('object_category='),
      ),
    ).toBe(true);
  });

  it('drops a successful sign-in of a machine account (user ending in $) from Authentication', () => {
    const sample = samples.find(
      (candidate) => candidate.feed === 'signinattempts' && candidate.item.category === 'success',
    ) as SampleEvent;
    const item = {
      ...sample.item,
      target_user: { uuid: 'SVC', name: 'svc', email: 'build-agent$' },
    };
    const machine = { ...sample, event: { ...sample.event, raw: JSON.stringify(item) } };
    const [outcome] = run(shipped, absent, [machine]);
    expect(outcome && modelsOf(outcome.result)).toEqual([]);
    expect(outcome?.result.eventtypes).toEqual(['onepassword_signin_attempts']);
  });
});

describe('sample coverage', () => {
  it('has events of every feed under the sourcetype of that feed', () => {
    for (const feed of Object.keys(feeds) as FeedId[]) {
      expect(
        samples.filter(
          (sample) => sample.feed === feed && sample.event.sourcetype === feeds[feed].sourcetype,
        ).length,
      ).toBeGreaterThan(10);
    }
  });
});
