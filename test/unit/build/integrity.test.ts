import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  fileIntegrity,
  integrityMatches,
  integrityOf,
  sha512Digests,
} from '../../../tools/build/integrity';

describe('integrity', () => {
  const data = Buffer.from('the pinned runtime');
  const good = integrityOf(data);

  it('computes a sha512 SRI string', () => {
    expect(good).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it('matches identical bytes and rejects different bytes', () => {
    expect(integrityMatches(good, integrityOf(Buffer.from('the pinned runtime')))).toBe(true);
    expect(integrityMatches(good, integrityOf(Buffer.from('the pinned runtime!')))).toBe(false);
  });

  it('finds the sha512 entry among several algorithms and ignores options', () => {
    const lockEntry = `sha1-abc= ${good}?foo sha256-xyz=`;
    expect(sha512Digests(lockEntry)).toEqual([good.slice('sha512-'.length)]);
    expect(integrityMatches(lockEntry, good)).toBe(true);
  });

  it('never matches without a sha512 entry', () => {
    expect(integrityMatches('sha1-deadbeef', good)).toBe(false);
    expect(integrityMatches('', good)).toBe(false);
    expect(integrityMatches(good, 'sha1-deadbeef')).toBe(false);
  });

  it('hashes files by streaming them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'integrity-'));
    try {
      const file = path.join(dir, 'blob');
      const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
      writeFileSync(file, big);
      expect(await fileIntegrity(file)).toBe(integrityOf(big));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
