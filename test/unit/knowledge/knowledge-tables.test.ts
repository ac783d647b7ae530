/**
 * The mapping tables in knowledge/tables cover every value the Events API documents, the sample
 * events exercise every table row, and the tables respect the CIM rules the generated EVALs rely on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import auditActions from '../../../knowledge/tables/audit-actions.json';
import auditCategories from '../../../knowledge/tables/audit-categories.json';
import auditObjectTypes from '../../../knowledge/tables/audit-object-types.json';
import itemUsageActions from '../../../knowledge/tables/item-usage-actions.json';
import signinCategories from '../../../knowledge/tables/signin-categories.json';
import signinTypes from '../../../knowledge/tables/signin-types.json';
import { loadSampleEvents, sharedFixtures } from './sample-events';

const rows = <T>(table: object): [string, T][] =>
  Object.entries(table).filter(([key]) => key !== '$comment') as [string, T][];
const keys = (table: object): string[] => rows(table).map(([key]) => key);

/** The values of `enum:` under `<schema>:` … `<property>:` in the OpenAPI YAML (block lists only). */
function openApiEnum(version: string, pathToEnum: readonly string[]): string[] {
  const lines = readFileSync(
    path.join(sharedFixtures, 'onepassword-api', version, 'openapi.yaml'),
    'utf8',
  ).split('\n');
  let index = 0;
  let indent = -1;
  for (const key of [...pathToEnum, 'enum']) {
    const found = lines.findIndex(
      (line, at) => at >= index && line.trim() === `${key}:` && line.search(/\S/) > indent,
    );
    if (found < 0) throw new Error(`${pathToEnum.join('.')}: no ${key}: in openapi ${version}`);
    index = found + 1;
    indent = (lines[found] as string).search(/\S/);
  }
  const values: string[] = [];
  for (; index < lines.length; index += 1) {
    const item = /^\s*- (.+)$/.exec(lines[index] as string);
    if (!item) break;
    values.push((item[1] as string).trim());
  }
  return values;
}

/** What the v2 reference (1.4.1) adds to the 1.2.0 enums (../shared/reference/events-api.md §1.6). */
const v2Additions = {
  signinTypes: ['federated', 'u2f_timeout'],
  itemActions: ['other'],
  auditActions: ['expire', 'unlink', 'launchi'],
  objectTypes: ['cred', 'mngdacc'],
};

const documented = {
  signinCategories: openApiEnum('1.2.0', ['SignInAttempt', 'category']),
  signinTypes: [...openApiEnum('1.2.0', ['SignInAttempt', 'type']), ...v2Additions.signinTypes],
  itemActions: [...openApiEnum('1.2.0', ['ItemUsage', 'action']), ...v2Additions.itemActions],
  auditActions: [...openApiEnum('1.2.0', ['AuditEventActions']), ...v2Additions.auditActions],
  objectTypes: [...openApiEnum('1.2.0', ['AuditEventObjectTypes']), ...v2Additions.objectTypes],
};

const signins = loadSampleEvents('signinattempts').map((sample) => sample.item);
const usages = loadSampleEvents('itemusages').map((sample) => sample.item);
const audits = loadSampleEvents('auditevents').map((sample) => sample.item);

describe('mapping tables against the Events API', () => {
  it('reads the documented enums from the OpenAPI spec', () => {
    expect(documented.signinCategories).toHaveLength(7);
    expect(documented.signinTypes).toContain('u2f_timout');
    expect(documented.itemActions).toContain('secure-copy');
    expect(documented.auditActions.length).toBeGreaterThanOrEqual(79);
    expect(documented.objectTypes).toContain('satoken');
  });

  it.each([
    ['sign-in categories', documented.signinCategories, signinCategories],
    ['sign-in types', documented.signinTypes, signinTypes],
    ['item usage actions', documented.itemActions, itemUsageActions],
    ['audit actions', documented.auditActions, auditActions],
    ['audit object types', documented.objectTypes, auditObjectTypes],
  ])('maps every documented value of the %s and nothing undocumented', (_name, values, table) => {
    expect(keys(table).sort()).toEqual([...new Set(values)].sort());
  });
});

describe('sample events cover the tables', () => {
  const seen = (items: Record<string, unknown>[], key: string): Set<unknown> =>
    new Set(items.map((item) => item[key]));

  it('include every sign-in category and type, every item action, audit action and object type', () => {
    expect(keys(signinCategories).filter((key) => !seen(signins, 'category').has(key))).toEqual([]);
    expect(keys(signinTypes).filter((key) => !seen(signins, 'type').has(key))).toEqual([]);
    expect(keys(itemUsageActions).filter((key) => !seen(usages, 'action').has(key))).toEqual([]);
    expect(keys(auditActions).filter((key) => !seen(audits, 'action').has(key))).toEqual([]);
    expect(keys(auditObjectTypes).filter((key) => !seen(audits, 'object_type').has(key))).toEqual(
      [],
    );
  });

  it('include a value of each kind the tables do not know, to exercise the fallbacks', () => {
    expect(
      [...seen(signins, 'category')].some(
        (value) => !keys(signinCategories).includes(value as string),
      ),
    ).toBe(true);
    expect(
      [...seen(usages, 'action')].some(
        (value) => !keys(itemUsageActions).includes(value as string),
      ),
    ).toBe(true);
    expect(
      [...seen(audits, 'object_type')].some(
        (value) => !keys(auditObjectTypes).includes(value as string),
      ),
    ).toBe(true);
  });

  it('hold at least 40 distinct audit action/object type combinations', () => {
    expect(
      new Set(audits.map((item) => `${String(item.action)}/${String(item.object_type)}`)).size,
    ).toBeGreaterThanOrEqual(40);
  });
});

describe('mapping tables against the CIM', () => {
  it('give sign-ins only the Authentication actions success and failure', () => {
    for (const [, row] of rows<{ cim_action: string }>(signinCategories))
      expect(['success', 'failure']).toContain(row.cim_action);
  });

  it('give audit events the CIM Change actions', () => {
    const changeActions = [
      'acl_modified',
      'cleared',
      'created',
      'deleted',
      'modified',
      'read',
      'stopped',
      'updated',
    ];
    for (const [, row] of rows<{ cim_action: string }>(auditActions))
      expect(changeActions).toContain(row.cim_action);
  });

  it('use object_category user exactly for the Account_Management object types, and never file, directory or registry', () => {
    for (const [key, row] of rows<{ object_category: string; account?: boolean }>(
      auditObjectTypes,
    )) {
      expect([key, row.object_category === 'user']).toEqual([key, row.account === true]);
      expect(['file', 'directory', 'registry']).not.toContain(row.object_category);
    }
  });

  it('only name onepassword_category values that the category table defines', () => {
    const categories = keys(auditCategories);
    for (const [, row] of [
      ...rows<{ category?: string }>(auditActions),
      ...rows<{ category?: string }>(auditObjectTypes),
    ]) {
      if (row.category !== undefined) expect(categories).toContain(row.category);
    }
  });
});
