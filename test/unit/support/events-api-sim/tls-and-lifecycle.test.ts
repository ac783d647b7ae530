/** HTTPS trust (verification stays on), certificate reuse, work dir, port, latency. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startEventsApiSimulator, type Simulator } from '../../../support/events-api-sim';
import { errorCodeOf, get, trustingAgent } from './helpers';

const small = { counts: { signinattempts: 3, itemusages: 3, auditevents: 3 } };

let sim: Simulator;

beforeAll(async () => {
  sim = await startEventsApiSimulator({ seed: 'tls', ...small });
});

afterAll(async () => {
  await sim.stop();
});

describe('TLS', () => {
  test('listens on https://localhost:<port> with a CA-signed certificate', async () => {
    expect(sim.url).toBe(`https://localhost:${sim.port}`);
    expect(sim.host).toBe(`localhost:${sim.port}`);
    expect(sim.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(readFileSync(sim.caPath, 'utf8')).toBe(sim.caPem);
    const agent = trustingAgent(sim);
    try {
      expect((await get(sim, agent, '/api/v2/auth/introspect', sim.issueToken())).status).toBe(200);
    } finally {
      await agent.close();
    }
  });

  test('a client that does not trust the CA is refused (verification is on)', async () => {
    const stranger = new Agent();
    try {
      const code = await errorCodeOf(get(sim, stranger, '/api/v2/auth/introspect', undefined));
      expect(code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
    } finally {
      await stranger.close();
    }
  });

  test('the certificate also covers 127.0.0.1, but only the names asked for', async () => {
    const agent = trustingAgent(sim);
    const narrow = await startEventsApiSimulator({
      seed: 'narrow',
      ...small,
      certificateNames: ['localhost'],
    });
    const narrowAgent = trustingAgent(narrow);
    try {
      const byIp = await request(`https://127.0.0.1:${sim.port}/api/v2/auth/introspect`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${sim.issueToken()}` },
      });
      expect(byIp.statusCode).toBe(200);
      await byIp.body.text();
      const code = await errorCodeOf(
        request(`https://127.0.0.1:${narrow.port}/api/v2/auth/introspect`, {
          dispatcher: narrowAgent,
        }),
      );
      expect(code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await Promise.all([agent.close(), narrowAgent.close()]);
      await narrow.stop();
    }
  });

  test('another simulator can reuse the CA, or the whole certificate set', async () => {
    expect(sim.tls.caKeyPem).toMatch(/PRIVATE KEY/);
    const sameCa = await startEventsApiSimulator({
      seed: 'same-ca',
      ...small,
      tls: { caCertPem: sim.tls.caCertPem, caKeyPem: sim.tls.caKeyPem ?? '' },
    });
    const sameCert = await startEventsApiSimulator({
      seed: 'same-cert',
      ...small,
      tls: { caCertPem: sim.tls.caCertPem, certPem: sim.tls.certPem, keyPem: sim.tls.keyPem },
    });
    // An agent trusting only the first simulator's CA accepts both.
    const agent = new Agent({ connect: { ca: sim.caPem } });
    try {
      for (const other of [sameCa, sameCert]) {
        expect(other.caPem).toBe(sim.caPem);
        const res = await request(`${other.url}/api/v2/auth/introspect`, {
          dispatcher: agent,
          headers: { authorization: `Bearer ${other.issueToken()}` },
        });
        expect(res.statusCode).toBe(200);
        await res.body.text();
      }
      expect(sameCa.tls.certPem).not.toBe(sim.tls.certPem);
      expect(sameCert.tls.caKeyPem).toBeUndefined();
    } finally {
      await agent.close();
      await Promise.all([sameCa.stop(), sameCert.stop()]);
    }
  });
});

describe('lifecycle', () => {
  test('the temp dir goes with stop(); a given workDir stays', async () => {
    const temp = await startEventsApiSimulator({ seed: 'temp', ...small });
    const tempCa = temp.caPath;
    expect(existsSync(tempCa)).toBe(true);
    await temp.stop();
    expect(existsSync(tempCa)).toBe(false);
    await temp.stop(); // idempotent

    const dir = await mkdtemp(path.join(os.tmpdir(), 'sim-workdir-'));
    try {
      const kept = await startEventsApiSimulator({ seed: 'kept', ...small, workDir: dir });
      expect(kept.caPath).toBe(path.join(dir, 'ca.pem'));
      await kept.stop();
      expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toBe(kept.caPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listens on a requested port and refuses one in use', async () => {
    const probe = await startEventsApiSimulator({ seed: 'probe', ...small });
    const port = probe.port;
    await probe.stop();
    const fixed = await startEventsApiSimulator({ seed: 'fixed', ...small, port });
    try {
      expect(fixed.port).toBe(port);
      expect(fixed.url).toBe(`https://localhost:${port}`);
      await expect(
        startEventsApiSimulator({ seed: 'clash', ...small, port }),
      ).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await fixed.stop();
    }
  });
});

describe('determinism', () => {
  test('the same seed and clock give the same account and events; another seed does not', async () => {
    const now = (): number => Date.parse('2026-01-01T00:00:00Z');
    const options = { counts: { signinattempts: 40, itemusages: 40, auditevents: 40 }, now };
    const [a, b, c] = await Promise.all([
      startEventsApiSimulator({ seed: 'same', ...options }),
      startEventsApiSimulator({ seed: 'same', ...options }),
      startEventsApiSimulator({ seed: 'other', ...options }),
    ]);
    try {
      expect(b.accountUuid).toBe(a.accountUuid);
      expect(c.accountUuid).not.toBe(a.accountUuid);
      for (const feed of ['signinattempts', 'itemusages', 'auditevents'] as const) {
        expect(b.allItems(feed)).toEqual(a.allItems(feed));
        expect(b.addEvents(feed, 3)).toEqual(a.addEvents(feed, 3));
        expect(c.allItems(feed).map((i) => i.raw)).not.toEqual(a.allItems(feed).map((i) => i.raw));
      }
      const extra = a.addAccount({ counts: { signinattempts: 1 } });
      expect(() => a.addAccount({ accountUuid: extra })).toThrow(RangeError);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});

describe('latency', () => {
  test('a fixed latency trips a client timeout shorter than it', async () => {
    const slow = await startEventsApiSimulator({ seed: 'slow', ...small, latencyMs: 1500 });
    const agent = trustingAgent(slow);
    try {
      const code = await errorCodeOf(
        get(slow, agent, '/api/v2/auth/introspect', slow.issueToken(), { headersTimeout: 200 }),
      );
      expect(code).toBe('UND_ERR_HEADERS_TIMEOUT');
    } finally {
      await agent.close();
      await slow.stop();
    }
  });

  test('a jittered latency still answers every request', async () => {
    const jittery = await startEventsApiSimulator({ seed: 'jitter', ...small, latencyMs: [1, 20] });
    const agent = trustingAgent(jittery);
    try {
      const token = jittery.issueToken();
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () => get(jittery, agent, '/api/v2/auth/introspect', token)),
      );
      expect(statuses.map((s) => s.status)).toEqual(new Array(10).fill(200));
    } finally {
      await agent.close();
      await jittery.stop();
    }
  });
});
