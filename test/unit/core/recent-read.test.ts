import type { AppSecrets } from '../../../src/splunk/app-secrets';
import { RecentRead, recentReadMaxAgeMs } from '../../../src/core/recent-read';

describe('RecentRead (one storage/passwords listing for many resident runs)', () => {
  it('reads once for the runs of a few seconds, then again', async () => {
    let now = 0;
    let reads = 0;
    const cache = new RecentRead<AppSecrets>(
      () => {
        reads += 1;
        return Promise.resolve({ reads } as unknown as AppSecrets);
      },
      () => now,
    );
    const first = await cache.get();
    now = recentReadMaxAgeMs - 1;
    expect(await cache.get()).toBe(first);
    now = recentReadMaxAgeMs;
    expect(await cache.get()).not.toBe(first);
    expect(reads).toBe(2);
  });

  it('shares a read in flight and never keeps a failed one', async () => {
    let reads = 0;
    const cache = new RecentRead<AppSecrets>(
      () => {
        reads += 1;
        return reads === 1
          ? Promise.reject(new Error('splunkd 503'))
          : Promise.resolve({} as AppSecrets);
      },
      () => 0,
    );
    const [a, b] = [cache.get(), cache.get()];
    await expect(a).rejects.toThrow('503');
    await expect(b).rejects.toThrow('503');
    await expect(cache.get()).resolves.toEqual({});
    expect(reads).toBe(2);
  });
});
