import { FairPermits } from '../../../src/core/fair-permits';

describe('FairPermits', () => {
  it('grants up to its size at once, then in the order asked', async () => {
    const permits = new FairPermits(2);
    const a = await permits.acquire();
    const b = await permits.acquire();
    const order: string[] = [];
    const c = permits.acquire().then((r) => (order.push('c'), r));
    const d = permits.acquire().then((r) => (order.push('d'), r));
    expect(permits.queued).toBe(2);
    b();
    (await c)();
    a();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect([permits.available, permits.queued]).toEqual([2, 0]);
  });

  it('counts a release once, however often it is called', async () => {
    const permits = new FairPermits(1);
    const release = await permits.acquire();
    release();
    release();
    expect(permits.available).toBe(1);
  });

  it('starves nobody: 300 feeds taking turns on 12 permits each get their pages in rounds', async () => {
    const permits = new FairPermits(12);
    const served = new Array<number>(300).fill(0);
    const feed = async (i: number) => {
      for (let page = 0; page < 5; page++) {
        const release = await permits.acquire();
        served[i] = (served[i] ?? 0) + 1;
        await Promise.resolve();
        release();
      }
    };
    const rounds: number[][] = [];
    const all = Promise.all(served.map((_, i) => feed(i)));
    for (let k = 0; k < 50; k++) {
      await new Promise((r) => setImmediate(r));
      rounds.push([Math.min(...served), Math.max(...served)]);
    }
    await all;
    // At any moment the most served feed is at most one page ahead of the least served.
    for (const [min, max] of rounds) expect((max ?? 0) - (min ?? 0)).toBeLessThanOrEqual(1);
    expect(served.every((n) => n === 5)).toBe(true);
  });
});
