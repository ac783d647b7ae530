/**
 * A cap on one Events API answer. A page holds at most 1000 items, far below the cap, so anything
 * larger is not a page (a proxy, a tampered endpoint): the input stops reading it instead of
 * buffering it (a 600 MB body once crashed the input with a string-length error).
 */
import { AddonError } from '../core/errors';

/** 64 MiB: about 60 times the largest page seen; keeps a run's peak RSS well under 300 MB. */
export const maxBodyBytes = 64 * 1024 * 1024;

function oversized(what: string, bytes: number, cap: number, declared: boolean): AddonError {
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return new AddonError(
    'oversized',
    `${what}: the answer ${declared ? 'declares' : 'exceeded'} ${declared ? mib(bytes) : `${mib(cap)} after ${bytes} bytes`}, more than the ${mib(cap)} cap; stopped reading it and kept the cursor where it was`,
  );
}

/**
 * Reads a body into one Buffer, or throws an `oversized` AddonError naming `what` (the feed) and the
 * size as soon as it passes `cap` (or at once when Content-Length already says so). Leaving the
 * loop early makes the stream destroy itself, which closes the connection.
 */
export async function readCappedBody(
  body: AsyncIterable<Uint8Array>,
  contentLength: string | string[] | undefined,
  what: string,
  cap: number = maxBodyBytes,
): Promise<Buffer> {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  if (Number.isFinite(declared) && declared > cap) throw oversized(what, declared, cap, true);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > cap) throw oversized(what, total, cap, false);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}
