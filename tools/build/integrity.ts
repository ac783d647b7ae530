import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Subresource-integrity checks for npm tarballs. npm records `sha512-<base64>` (possibly with
 * other algorithms, space-separated) in package-lock.json; we insist on the sha512 entry.
 */
export function sha512Digests(integrity: string): string[] {
  return integrity
    .split(/\s+/)
    .filter((entry) => entry.startsWith('sha512-'))
    .map((entry) => entry.slice('sha512-'.length).split('?')[0] ?? '')
    .filter((digest) => digest !== '');
}

export function integrityOf(data: Buffer | string): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** True when `actual` (as computed by integrityOf) matches a sha512 entry of `expected`. */
export function integrityMatches(expected: string, actual: string): boolean {
  const actualDigest = sha512Digests(actual)[0];
  return actualDigest !== undefined && sha512Digests(expected).includes(actualDigest);
}

/** sha512 SRI string of a file, streamed so a 50 MB tarball is never held in memory. */
export async function fileIntegrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}
