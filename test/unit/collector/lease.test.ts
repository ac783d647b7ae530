import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { guardLease, LeaseManager } from '../../../src/collector/lease';
import { AddonError } from '../../../src/core/errors';
import { checkpointCollection } from '../../../src/core/app-identity';
import { leaseKey, type LeaseRecord } from '../../../src/core/lease-decision';
import { createLogger } from '../../../src/log/logger';
import { KvStore } from '../../../src/splunk/kvstore';
import { SplunkdClient } from '../../../src/splunk/splunkd-client';
import { startSplunkd, type Splunkd } from '../../support/splunkd-standin';

const ttl = 90_000;

function lease(account: string, generation: number, owner: string, expiresAt: number): LeaseRecord {
  return {
    _key: leaseKey(account, generation),
    kind: 'lease',
    account,
    generation,
    owner,
    expires_at: expiresAt,
    renewed_at: expiresAt - ttl,
  };
}

describe('LeaseManager.acquire with the lease records read alongside the checkpoints', () => {
  let splunkd: Splunkd;
  let client: SplunkdClient;
  let kv: KvStore;
  const home = mkdtempSync(path.join(tmpdir(), 'lease-home-'));
  let account = 0;
  const now = Date.now();

  beforeAll(async () => {
    splunkd = await startSplunkd({ collections: [checkpointCollection] });
    await splunkd.writeSplunkHome(home);
    client = new SplunkdClient({
      serverUri: splunkd.url,
      sessionKey: splunkd.adminSessionKey,
      splunkHome: home,
      logger: createLogger(() => undefined),
    });
    kv = new KvStore(client);
  });
  afterAll(async () => {
    await client.close();
    await splunkd.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** A fresh account whose KV store holds `docs`; returns its name and a call counter. */
  async function setup(docs: (name: string) => LeaseRecord[]) {
    const name = `acct${++account}`;
    const seeded = docs(name);
    if (seeded.length > 0) await kv.save(checkpointCollection, seeded);
    const start = splunkd.kv.calls().length;
    return { name, seeded, calls: () => splunkd.kv.calls().slice(start) };
  }

  it('holds its own unexpired lease without another KV call', async () => {
    const bed = await setup((n) => [lease(n, 4, 'sh1', now + 30_000)]);
    const outcome = await new LeaseManager(kv, bed.name, 'sh1', ttl, () => now).acquire(bed.seeded);
    expect(outcome).toMatchObject({ held: true, claimed: false, lease: { generation: 4 } });
    expect(bed.calls()).toEqual([]);
  });

  it("yields to another member's unexpired lease without another KV call", async () => {
    const bed = await setup((n) => [lease(n, 2, 'sh2', now + 30_000), lease(n, 1, 'sh1', now)]);
    const outcome = await new LeaseManager(kv, bed.name, 'sh1', ttl, () => now).acquire(bed.seeded);
    expect(outcome).toMatchObject({ held: false, holder: { owner: 'sh2', generation: 2 } });
    expect(bed.calls()).toEqual([]);
  });

  it('claims the next generation over an expired lease of another member', async () => {
    const bed = await setup((n) => [lease(n, 7, 'sh2', now - 1)]);
    const outcome = await new LeaseManager(kv, bed.name, 'sh1', ttl, () => now).acquire(bed.seeded);
    expect(outcome).toMatchObject({ held: true, claimed: true, lease: { generation: 8 } });
    expect(bed.calls().map((c) => c.method)).toEqual(['POST', 'DELETE']);
  });

  it('reads the KV store again when the prefetched records were overtaken by a claim', async () => {
    // The prefetch saw no lease; another member inserted generation 1 since.
    const bed = await setup((n) => [lease(n, 1, 'sh2', now + 30_000)]);
    const outcome = await new LeaseManager(kv, bed.name, 'sh1', ttl, () => now).acquire([]);
    expect(outcome).toMatchObject({ held: false, holder: { owner: 'sh2', generation: 1 } });
    const methods = bed.calls().map((c) => `${c.method} ${c.status}`);
    expect(methods.slice(0, 2)).toEqual(['POST 409', 'GET 200']);
  });
});

describe('guardLease: a failed background renewal is said once, then tried again', () => {
  afterEach(() => jest.useRealTimers());

  it('calls onRenewFailed once for repeated KV failures and keeps renewing', async () => {
    jest.useFakeTimers();
    let attempts = 0;
    const manager = {
      generation: 3,
      expiresWithin: () => true,
      renew: () => {
        attempts += 1;
        return Promise.reject(new AddonError('splunkd', 'KV store answered 503'));
      },
      isSafe: () => true,
      renewalRecord: () => undefined,
    } as unknown as LeaseManager;
    const failures: unknown[] = [];
    const lost: string[] = [];
    const guard = guardLease(
      manager,
      12_000,
      (reason) => lost.push(reason),
      (error) => failures.push(error),
    );
    for (let i = 0; i < 4; i++) await jest.advanceTimersByTimeAsync(2_000);
    guard.close();
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('503');
    expect(lost).toEqual([]);
    expect(guard.lost()).toBe(false);
  });
});
