/** The seeded event generator: determinism, realistic field sets, every enum value, hostile content. */
import { feedIds, type FeedId } from '../../../../src/core/feeds';
import { createAccount, type AccountSpec } from '../../../support/events-api-sim/account-data';
import type { GeneratorSettings } from '../../../support/events-api-sim/event-factory';
import { parseRfc3339 } from '../../../support/events-api-sim/rfc3339';
import {
  auditActions,
  auditObjectTypes,
  itemUsageActions,
  signInTypesByCategory,
} from '../../../support/events-api-sim/vocabulary';

const nowMs = Date.parse('2026-07-01T00:00:00Z');
const day = 86_400_000;
type Item = Record<string, unknown>;

function spec(
  overrides: Omit<Partial<AccountSpec>, 'settings'> & {
    settings?: Partial<GeneratorSettings>;
  } = {},
): AccountSpec {
  return {
    seed: 'generator-tests',
    label: 'account-0',
    accountUuid: undefined,
    counts: { signinattempts: 3000, itemusages: 3000, auditevents: 3000 },
    spanMs: 30 * day,
    nowMs,
    ...overrides,
    settings: { hostileFraction: 0.02, largeAuxInfo: false, msp: true, ...overrides.settings },
  };
}

const account = createAccount(spec());
const rawsOf = (feed: FeedId, version: 'v1' | 'v2' = 'v2'): string[] =>
  account.stores[feed].allItems(version).map((i) => i.raw);
const itemsOf = (feed: FeedId, version: 'v1' | 'v2' = 'v2'): Item[] =>
  rawsOf(feed, version).map((raw) => JSON.parse(raw) as Item);

describe('determinism', () => {
  test('the same seed and clock give byte-identical events; another seed does not', () => {
    const again = createAccount(spec());
    const other = createAccount(spec({ seed: 'another seed' }));
    for (const feed of feedIds) {
      expect(again.stores[feed].allItems('v2')).toEqual(account.stores[feed].allItems('v2'));
      expect(again.stores[feed].allItems('v1')).toEqual(account.stores[feed].allItems('v1'));
      const otherUuids = new Set(other.stores[feed].allItems('v2').map((i) => i.uuid));
      expect(account.stores[feed].allItems('v2').some((i) => otherUuids.has(i.uuid))).toBe(false);
    }
    expect(again.accountUuid).toBe(account.accountUuid);
    expect(other.accountUuid).not.toBe(account.accountUuid);
  });

  test('events added later are deterministic too', () => {
    const a = createAccount(spec({ counts: { signinattempts: 5, itemusages: 0, auditevents: 0 } }));
    const b = createAccount(spec({ counts: { signinattempts: 5, itemusages: 0, auditevents: 0 } }));
    expect(a.stores.signinattempts.ingest(nowMs)).toEqual(b.stores.signinattempts.ingest(nowMs));
  });
});

describe('shape', () => {
  test('counts, unique uuids, timestamps inside the span', () => {
    for (const feed of feedIds) {
      const items = itemsOf(feed);
      expect(items).toHaveLength(3000);
      expect(new Set(items.map((i) => i['uuid'])).size).toBe(3000);
      for (const item of items) {
        const instant = parseRfc3339(item['timestamp'] as string);
        expect(instant).toBeDefined();
        const ms = Date.parse(item['timestamp'] as string);
        expect(ms).toBeGreaterThanOrEqual(nowMs - 30 * day - 1);
        expect(ms).toBeLessThanOrEqual(nowMs);
      }
    }
  });

  test('timestamps have 6–9 fraction digits and sometimes a non-Z offset', () => {
    const stamps = feedIds.flatMap((feed) => itemsOf(feed).map((i) => i['timestamp'] as string));
    const digits = new Set(stamps.map((s) => /\.(\d+)/.exec(s)?.[1]?.length));
    expect([...digits].sort()).toEqual([6, 7, 8, 9]);
    expect(
      stamps.every((s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6,9}(Z|[+-]\d\d:\d\d)$/.test(s)),
    ).toBe(true);
    const offsets = stamps.filter((s) => !s.endsWith('Z'));
    expect(offsets.length).toBeGreaterThan(stamps.length * 0.05);
    expect(offsets.length).toBeLessThan(stamps.length * 0.3);
  });

  test('vault, item and device uuids are lower case; the others upper case', () => {
    const usages = itemsOf('itemusages');
    expect(usages.every((u) => /^[a-z2-7]{26}$/.test(u['vault_uuid'] as string))).toBe(true);
    expect(usages.every((u) => /^[a-z2-7]{26}$/.test(u['item_uuid'] as string))).toBe(true);
    expect(usages.every((u) => /^[A-Z2-7]{26}$/.test(u['uuid'] as string))).toBe(true);
    const audits = itemsOf('auditevents');
    const sessions = audits.map((a) => a['session'] as Item);
    expect(sessions.every((s) => /^[a-z2-7]{26}$/.test(s['device_uuid'] as string))).toBe(true);
    expect(sessions.every((s) => /^[A-Z2-7]{26}$/.test(s['uuid'] as string))).toBe(true);
    expect(sessions.every((s) => /\.\d{9}Z$/.test(s['login_time'] as string))).toBe(true);
    expect(audits.every((a) => /^[A-Z2-7]{26}$/.test(a['actor_uuid'] as string))).toBe(true);
  });

  test('sign-ins: every category and type, firewall details, missing location, null details', () => {
    const items = itemsOf('signinattempts');
    const categories = new Set(items.map((i) => i['category']));
    expect([...categories].sort()).toEqual(Object.keys(signInTypesByCategory).sort());
    const types = new Set(items.map((i) => i['type']));
    const expectedTypes = new Set([...Object.values(signInTypesByCategory).flat(), 'federated']);
    expect([...types].sort()).toEqual([...expectedTypes].sort());
    for (const item of items) {
      expect(Object.keys(item).slice(0, 9)).toEqual([
        'uuid',
        'session_uuid',
        'timestamp',
        'category',
        'type',
        'country',
        'details',
        'target_user',
        'client',
      ]);
      expect(Object.keys(item['client'] as Item)).toEqual([
        'app_name',
        'app_version',
        'platform_name',
        'platform_version',
        'os_name',
        'os_version',
        'ip_address',
      ]);
      if (String(item['category']).startsWith('firewall')) {
        expect(item['details']).toEqual({ value: expect.any(String) });
      }
    }
    expect(items.some((i) => i['details'] === null)).toBe(true);
    expect(items.some((i) => !('location' in i))).toBe(true);
    expect(items.some((i) => 'location' in i)).toBe(true);
    const federated = items.filter((i) => i['type'] === 'federated');
    expect(federated.every((i) => i['category'] === 'success')).toBe(true);
  });

  test('item usages: every action, the user and client objects', () => {
    const items = itemsOf('itemusages');
    expect([...new Set(items.map((i) => i['action']))].sort()).toEqual(
      [...itemUsageActions].sort(),
    );
    for (const item of items) {
      expect(Number.isInteger(item['used_version'])).toBe(true);
      expect(item['user']).toEqual(
        expect.objectContaining({ uuid: expect.any(String), email: expect.any(String) }),
      );
    }
  });

  test('audit events: a broad set of actions and every object type, details only for users', () => {
    const items = itemsOf('auditevents');
    const actions = new Set(items.map((i) => i['action']));
    expect(actions.size).toBeGreaterThan(60);
    for (const action of ['expire', 'unlink', 'launchi', 'updatfw', 'enblmfa']) {
      expect(actions).toContain(action);
    }
    expect(
      [...actions].every((a) =>
        [...auditActions, 'expire', 'unlink', 'launchi'].includes(a as never),
      ),
    ).toBe(true);
    expect([...new Set(items.map((i) => i['object_type']))].sort()).toEqual(
      [...auditObjectTypes].sort(),
    );
    for (const item of items) {
      expect('object_details' in item).toBe(item['object_type'] === 'user');
      expect('aux_details' in item).toBe(['gm', 'uva'].includes(item['object_type'] as string));
      expect(typeof item['aux_info']).toBe('string');
      expect(Number.isInteger(item['aux_id'])).toBe(true);
      expect(item['actor_details']).toEqual(expect.objectContaining({ uuid: item['actor_uuid'] }));
    }
    expect(items.some((i) => i['aux_info'] === '')).toBe(true);
  });

  test('v2 carries the MSP fields; v1 spells the same events without them', () => {
    const v2 = itemsOf('auditevents');
    const v1 = itemsOf('auditevents', 'v1');
    expect(v2.every((i) => i['account_uuid'] === account.accountUuid)).toBe(true);
    expect(new Set(v2.map((i) => i['actor_type']))).toEqual(new Set(['user', 'external_user']));
    const v1ByUuid = new Map(v1.map((i) => [i['uuid'], i]));
    expect(v1.length).toBe(
      v2.filter((i) => !['expire', 'unlink', 'launchi'].includes(i['action'] as string)).length,
    );
    for (const item of v2) {
      const old = v1ByUuid.get(item['uuid']);
      if (old === undefined) continue;
      expect(old['timestamp']).toBe(item['timestamp']);
      for (const key of ['account_uuid', 'actor_type', 'actor_account_uuid'])
        expect(old).not.toHaveProperty(key);
      expect(old['actor_details']).not.toHaveProperty('user_type');
      expect(old['actor_details']).not.toHaveProperty('user_account_uuid');
    }
    const nonMsp = createAccount(
      spec({
        counts: { signinattempts: 50, itemusages: 50, auditevents: 50 },
        settings: { msp: false },
      }),
    );
    for (const feed of feedIds) {
      for (const item of nonMsp.stores[feed].allItems('v2')) {
        expect(item.raw).not.toMatch(/"(account_uuid|actor_type|user_type|user_account_uuid)"/);
      }
    }
  });
});

describe('hostile content', () => {
  const hostile = createAccount(
    spec({
      seed: 'hostile',
      counts: { signinattempts: 2000, itemusages: 2000, auditevents: 8000 },
      settings: { hostileFraction: 0.3, largeAuxInfo: true },
    }),
  );
  const raws = feedIds.flatMap((feed) => hostile.stores[feed].allItems('v2').map((i) => i.raw));

  test('every item is still valid JSON whose uuid and timestamp parse', () => {
    for (const raw of raws) {
      const item = JSON.parse(raw) as Item;
      expect(typeof item['uuid']).toBe('string');
      expect(parseRfc3339(item['timestamp'] as string)).toBeDefined();
    }
  });

  test.each([
    ['raw <', (r: string) => r.includes('<')],
    ['raw &', (r: string) => r.includes('&')],
    ['raw ]]>', (r: string) => r.includes(']]>')],
    ['raw </data></event>', (r: string) => r.includes('</data></event>')],
    [
      'escaped quotes and backslashes',
      (r: string) => r.includes('\\"double\\"') && r.includes('\\\\back'),
    ],
    ['raw non-BMP emoji', (r: string) => /[\ud800-\udbff][\udc00-\udfff]/.test(r)],
    ['raw U+FFFE and U+FFFF', (r: string) => r.includes('\uFFFE') && r.includes('\uFFFF')],
    ['\\u0000 escapes', (r: string) => r.includes('\\u0000')],
    ['escaped lone surrogates', (r: string) => r.includes('\\ud800')],
    ['Go-style \\u003c escapes', (r: string) => r.includes('\\u003c')],
    ['escaped slashes', (r: string) => r.includes('\\/')],
    ['ASCII-only \\u escapes of non-ASCII', (r: string) => /\\u00e9|\\ud83d/.test(r)],
    ['unknown future fields', (r: string) => r.includes('"future_counter":')],
    ['integers beyond 2^53', (r: string) => r.includes(':18446744073709551615')],
    ['long strings (~100 KB aux_info)', (r: string) => r.length > 100_000],
  ])('includes %s', (_label, predicate) => {
    expect(raws.some(predicate)).toBe(true);
  });

  test('big numbers lose precision in JSON.parse (which is why raw text must be kept)', () => {
    const raw = raws.find((r) => r.includes('"future_counter":18446744073709551615'));
    expect(raw).toBeDefined();
    expect(JSON.stringify(JSON.parse(raw ?? '{}'))).not.toBe(raw);
  });

  test('with hostile off, items are plain and no raw lone-surrogate escapes appear', () => {
    const tame = createAccount(spec({ seed: 'tame', settings: { hostileFraction: 0 } }));
    for (const feed of feedIds) {
      for (const { raw } of tame.stores[feed].allItems('v2')) {
        expect(raw).not.toMatch(/future_|\\u00|]]>|<\/data>/);
      }
    }
  });

  test('no raw lone surrogates ever (they would not survive UTF-8)', () => {
    for (const raw of raws) {
      expect(Buffer.from(raw, 'utf8').toString('utf8')).toBe(raw);
    }
  });
});
