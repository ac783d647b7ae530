import {
  decideLease,
  intervalSecondsOf,
  leaseKey,
  leaseTtlMs,
  type LeaseRecord,
} from '../../../src/core/lease-decision';

const lease = (owner: string, generation: number, expires_at: number): LeaseRecord => ({
  _key: leaseKey('acme', generation),
  kind: 'lease',
  account: 'acme',
  generation,
  owner,
  expires_at,
  renewed_at: expires_at - 90_000,
});

describe('decideLease', () => {
  it('claims generation 1 when nobody ever held the lease', () => {
    expect(decideLease(undefined, 'sh1', 1000)).toEqual({ action: 'claim', generation: 1 });
  });
  it('keeps holding its own lease, even a lapsed one (renewal then checks for newer generations)', () => {
    expect(decideLease(lease('sh1', 4, 500), 'sh1', 1000).action).toBe('hold');
  });
  it('yields to another member while its lease is valid', () => {
    expect(decideLease(lease('sh2', 4, 2000), 'sh1', 1000).action).toBe('yield');
  });
  it('claims the next generation once the other member lapsed', () => {
    expect(decideLease(lease('sh2', 4, 1000), 'sh1', 1000)).toEqual({
      action: 'claim',
      generation: 5,
    });
  });
  it('keys records so the newest generation sorts last and each generation can be inserted once', () => {
    expect(leaseKey('acme', 5) < leaseKey('acme', 10)).toBe(true);
  });
  it('sizes the lease from the interval', () => {
    expect(leaseTtlMs(60)).toBe(90_000);
    expect(leaseTtlMs(1)).toBe(10_000);
    expect(intervalSecondsOf('300')).toBe(300);
    expect(intervalSecondsOf('*/5 * * * *')).toBe(60);
    expect(intervalSecondsOf(undefined)).toBe(60);
  });
});
