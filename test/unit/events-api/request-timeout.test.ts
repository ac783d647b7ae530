import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddonError } from '../../../src/core/errors';
import { feeds } from '../../../src/core/feeds';
import { EventsApiClient } from '../../../src/events-api/client';

describe('EventsApiClient.fetchPage with a per-request timeout (bounded by the run deadline)', () => {
  let server: Server;
  let client: EventsApiClient;
  beforeAll(async () => {
    // Accepts the request and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new EventsApiClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 'not-a-real-token',
      userAgent: 'test',
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up at the shorter timeout, not request_timeout_seconds, naming it', async () => {
    const started = Date.now();
    let thrown: unknown;
    try {
      await client.fetchPage(feeds.auditevents, { cursor: 'c' }, undefined, 300);
    } catch (error) {
      thrown = error;
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(thrown).toBeInstanceOf(AddonError);
    expect((thrown as AddonError).errorClass).toBe('network');
    expect((thrown as AddonError).message).toMatch(/did not answer within 300 ms/);
  }, 10_000);
});
