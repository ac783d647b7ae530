import { DispatcherPool, idleDispatcherMs } from '../../../src/http/dispatcher-pool';
import type { Dispatcher } from '../../../src/http/undici';

function fakeDispatcher() {
  const d = { closed: 0, close: () => ((d.closed += 1), Promise.resolve()) };
  return d;
}

describe('DispatcherPool (the resident input keeps connections warm between runs)', () => {
  it('hands out one dispatcher per connection settings, made once', () => {
    const pool = new DispatcherPool(() => 0);
    let made = 0;
    const create = () => ((made += 1), fakeDispatcher() as unknown as Dispatcher);
    const a = pool.get({ caPem: 'x', proxyUrl: undefined }, create);
    expect(pool.get({ caPem: 'x', proxyUrl: undefined }, create)).toBe(a);
    const b = pool.get({ caPem: 'y' }, create);
    expect(b).not.toBe(a);
    expect([made, pool.size]).toEqual([2, 2]);
  });

  it('closes dispatchers unused for 15 minutes, so removed or changed accounts leave nothing', () => {
    let now = 0;
    const pool = new DispatcherPool(() => now);
    const old = fakeDispatcher();
    const kept = fakeDispatcher();
    pool.get({ account: 'old' }, () => old as unknown as Dispatcher);
    pool.get({ account: 'kept' }, () => kept as unknown as Dispatcher);
    now = idleDispatcherMs - 1;
    pool.get({ account: 'kept' }, () => fakeDispatcher() as unknown as Dispatcher);
    expect(old.closed).toBe(0);
    now = idleDispatcherMs + 1;
    pool.get({ account: 'kept' }, () => fakeDispatcher() as unknown as Dispatcher);
    expect([old.closed, kept.closed, pool.size]).toEqual([1, 0, 1]);
  });

  it('closeAll closes every dispatcher once', async () => {
    const pool = new DispatcherPool(() => 0);
    const ds = [fakeDispatcher(), fakeDispatcher()];
    ds.forEach((d, i) => pool.get({ i }, () => d as unknown as Dispatcher));
    await pool.closeAll();
    expect(ds.map((d) => d.closed)).toEqual([1, 1]);
    expect(pool.size).toBe(0);
  });
});
