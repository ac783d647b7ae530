import { RecentUuids } from '../../../src/delivery/recent-uuids';

describe('RecentUuids: the window of recently delivered uuids', () => {
  it('reads and writes the checkpoint form', () => {
    const window = new RecentUuids('a,b');
    expect(window.has('a')).toBe(true);
    expect(window.has('c')).toBe(false);
    window.add(['c']);
    expect(window.toString()).toBe('a,b,c');
    expect(new RecentUuids('').list()).toEqual([]);
  });

  it('forgets the oldest beyond its limit, and only those', () => {
    const window = new RecentUuids('a,b,c', 4);
    window.add(['d', 'e', 'f']);
    expect(window.list()).toEqual(['c', 'd', 'e', 'f']);
    expect(window.has('a')).toBe(false);
    expect(window.has('b')).toBe(false);
    expect(window.has('c')).toBe(true);
  });

  it('holds each uuid once, so dropping the oldest never forgets one still in the window', () => {
    const window = new RecentUuids('x,y', 3);
    window.add(['x', 'z', 'w']);
    expect(window.list()).toEqual(['y', 'z', 'w']);
    expect(window.has('x')).toBe(false);
    window.add(['z', 'v']);
    expect(window.list()).toEqual(['z', 'w', 'v']);
    expect(window.has('z')).toBe(true);
  });
});
