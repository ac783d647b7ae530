import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkpointCollection } from '../../../src/core/app-identity';
import {
  checkpointKey,
  HoldBackCursorOnlySaves,
  openCheckpointStore,
  type Checkpoint,
} from '../../../src/delivery/checkpoint-store';
import { createLogger } from '../../../src/log/logger';
import { KvStore, type KvDocument } from '../../../src/splunk/kvstore';
import { SplunkdClient } from '../../../src/splunk/splunkd-client';
import { startSplunkd, type Splunkd as SplunkdStandin } from '../../support/splunkd-standin';

const logger = createLogger(() => undefined);

function checkpoint(account: string, feed: Checkpoint['feed'], extra: Partial<Checkpoint> = {}) {
  return {
    _key: checkpointKey(account, feed),
    account,
    feed,
    input: account,
    cursor: `cursor-${feed}`,
    last_event_time: 1_700_000_000_000,
    recent_uuids: 'u1,u2',
    events_total: 2,
    pages_total: 1,
    updated_at: 1_700_000_000,
    generation: 1,
    schema_version: 1,
    ...extra,
  } satisfies Checkpoint;
}

const lease = (account: string, generation: number): KvDocument => ({
  _key: `${account}__lease_g${String(generation).padStart(10, '0')}`,
  kind: 'lease',
  account,
  generation,
  owner: 'sh1',
  expires_at: Date.now() + 60_000,
  renewed_at: Date.now(),
});

describe('checkpoint store over the KV store', () => {
  let splunkd: SplunkdStandin;
  let client: SplunkdClient;
  let kv: KvStore;
  let home: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-store-'));

  beforeAll(async () => {
    splunkd = await startSplunkd({ collections: [checkpointCollection] });
    home = mkdtempSync(path.join(tmpdir(), 'cp-home-'));
    await splunkd.writeSplunkHome(home);
    client = new SplunkdClient({
      serverUri: splunkd.url,
      sessionKey: splunkd.adminSessionKey,
      splunkHome: home,
      logger,
    });
    kv = new KvStore(client);
    await kv.save(checkpointCollection, [
      checkpoint('acme', 'signinattempts'),
      checkpoint('acme', 'itemusages'),
      // A budget document as earlier versions wrote it: a checkpoint's fields plus its history.
      {
        ...checkpoint('acme', 'signinattempts'),
        _key: 'acme__budget',
        feed: 'budget',
        budget_history: '{}',
      },
      { ...checkpoint('broken', 'signinattempts'), cursor: 42 },
      checkpoint('other', 'signinattempts'),
      lease('acme', 3),
      lease('acme', 4),
      lease('other', 9),
    ]);
  });
  afterAll(async () => {
    await client.close();
    await splunkd.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const calls = () => splunkd.kv.calls().length;

  it("reads the account's checkpoints and lease records in one query", async () => {
    const before = calls();
    const store = await openCheckpointStore(kv, dir, 'acme', logger);
    expect(store.kind).toBe('kvstore');
    if (store.kind !== 'kvstore') return;
    expect(store.leaseRecords.map((d) => d._key).sort()).toEqual([
      'acme__lease_g0000000003',
      'acme__lease_g0000000004',
    ]);
    expect(await store.loadBudget('acme')).toEqual({
      _key: 'acme__budget',
      account: 'acme',
      feed: 'budget',
      input: 'acme',
      budget_history: '{}',
      updated_at: 1_700_000_000,
      generation: 1,
      schema_version: 1,
    });
    expect(await store.load('acme__signinattempts')).toMatchObject({
      cursor: 'cursor-signinattempts',
    });
    expect(calls() - before).toBe(1);
  });

  it('reports a document that fails its schema as corrupt instead of using it', async () => {
    const store = await openCheckpointStore(kv, dir, 'broken', logger);
    const error = await store.load('broken__signinattempts').catch((e: unknown) => e);
    expect(error).toMatchObject({
      errorClass: 'checkpoint',
      message: expect.stringMatching(
        /^checkpoint broken__signinattempts in the KV store is corrupt \(cursor: /,
      ),
    });
  });

  it('reads the KV store for a key the query did not return, and for a second load', async () => {
    const store = await openCheckpointStore(kv, dir, 'acme', logger);
    const before = calls();
    expect(await store.load('acme__auditevents')).toBeUndefined();
    expect(await store.load('acme__itemusages')).toMatchObject({ cursor: 'cursor-itemusages' });
    expect(await store.load('acme__itemusages')).toMatchObject({ cursor: 'cursor-itemusages' });
    expect(calls() - before).toBe(2);
  });

  it('reads again after forgetPrefetched (a lease takeover): the old holder may have written', async () => {
    const store = await openCheckpointStore(kv, dir, 'acme', logger);
    if (store.kind !== 'kvstore') throw new Error('expected the KV store');
    await kv.save(checkpointCollection, [
      checkpoint('acme', 'signinattempts', { cursor: 'moved-on' }),
    ]);
    expect(await store.load('acme__itemusages')).toMatchObject({ cursor: 'cursor-itemusages' });
    store.forgetPrefetched();
    expect(await store.load('acme__signinattempts')).toMatchObject({ cursor: 'moved-on' });
  });

  it('falls back to files when the KV store is disabled', async () => {
    splunkd.kv.setState('disabled');
    try {
      const store = await openCheckpointStore(kv, dir, 'acme', logger);
      expect(store.kind).toBe('file');
    } finally {
      splunkd.kv.setState('ready');
    }
  });

  describe('HoldBackCursorOnlySaves', () => {
    const saves = () =>
      splunkd.kv.calls().filter((c) => c.method === 'POST' && c.path.endsWith('/batch_save'))
        .length;

    it('holds back a save that only moves the cursor, and hands it over once', async () => {
      const store = new HoldBackCursorOnlySaves(await openCheckpointStore(kv, dir, 'acme', logger));
      const loaded = await store.load('acme__itemusages');
      if (!loaded) throw new Error('expected a checkpoint');
      const before = saves();
      const next = {
        ...loaded,
        cursor: 'fresh',
        pages_total: 2,
        updated_at: loaded.updated_at + 60,
      };
      await store.save(next);
      expect(saves()).toBe(before);
      expect(store.takeHeld()).toEqual([next]);
      expect(store.takeHeld()).toEqual([]);
    });

    it('writes at once a save that records delivered events, dropping a held one for the key', async () => {
      const store = new HoldBackCursorOnlySaves(await openCheckpointStore(kv, dir, 'acme', logger));
      const loaded = await store.load('acme__itemusages');
      if (!loaded) throw new Error('expected a checkpoint');
      await store.save({ ...loaded, cursor: 'empty-page' });
      const before = saves();
      const withEvents = {
        ...loaded,
        cursor: 'after-events',
        recent_uuids: 'u1,u2,u3',
        events_total: 3,
        last_event_time: loaded.last_event_time + 1000,
      };
      await store.save(withEvents);
      expect(saves()).toBe(before + 1);
      expect(store.takeHeld()).toEqual([]);
      expect(await kv.get(checkpointCollection, 'acme__itemusages')).toMatchObject({
        cursor: 'after-events',
        events_total: 3,
      });
    });

    it('writes at once the first checkpoint of a feed and one of another lease generation', async () => {
      const store = new HoldBackCursorOnlySaves(await openCheckpointStore(kv, dir, 'acme', logger));
      const before = saves();
      expect(await store.load('acme__auditevents')).toBeUndefined();
      await store.save(checkpoint('acme', 'auditevents', { events_total: 0, recent_uuids: '' }));
      const loaded = await store.load('acme__signinattempts');
      if (!loaded) throw new Error('expected a checkpoint');
      await store.save({ ...loaded, cursor: 'new-holder', generation: loaded.generation + 1 });
      expect(saves()).toBe(before + 2);
      expect(store.takeHeld()).toEqual([]);
    });
  });
});
