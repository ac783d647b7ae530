import { AddonError } from '../../../src/core/errors';
import { isRetriable } from '../../../src/core/errors';
import { maxBodyBytes, readCappedBody } from '../../../src/events-api/body-limit';

/** An endless body that counts how many chunks were pulled from it. */
function endless(chunkBytes: number): AsyncIterable<Uint8Array> & { pulled: number } {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        source.pulled++;
        yield new Uint8Array(chunkBytes);
      }
    },
  };
  return source;
}

async function failure(promise: Promise<unknown>): Promise<AddonError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AddonError) return error;
    throw error;
  }
  throw new Error('expected an AddonError');
}

describe('readCappedBody', () => {
  it('returns the whole body when it fits, byte for byte', async () => {
    const parts = [Buffer.from('{"items":['), Buffer.from(']'), Buffer.from(',"has_more":false}')];
    async function* body() {
      yield* parts;
    }
    const bytes = await readCappedBody(body(), undefined, 'feed auditevents', 100);
    expect(bytes.equals(Buffer.concat(parts))).toBe(true);
  });

  it('stops reading an endless body just past the cap, naming the feed and the size', async () => {
    const body = endless(1024);
    const error = await failure(readCappedBody(body, undefined, 'feed itemusages', 10 * 1024));
    expect(body.pulled).toBe(11);
    expect(error.errorClass).toBe('oversized');
    expect(isRetriable(error)).toBe(false);
    expect(error.message).toMatch(
      /^feed itemusages: the answer exceeded 0\.0 MiB after 11264 bytes/,
    );
    expect(error.message).toMatch(/kept the cursor where it was/);
  });

  it('refuses at once when Content-Length already declares more than the cap', async () => {
    const body = endless(1024);
    const error = await failure(
      readCappedBody(body, String(600 * 1024 * 1024), 'feed signinattempts'),
    );
    expect(body.pulled).toBe(0);
    expect(error.message).toMatch(/declares 600\.0 MiB, more than the 64\.0 MiB cap/);
  });

  it('caps at 64 MiB by default', () => {
    expect(maxBodyBytes).toBe(64 * 1024 * 1024);
  });
});
