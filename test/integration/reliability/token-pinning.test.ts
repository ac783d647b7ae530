/**
 * Token pinning: someone who can edit inputs and the app's confs but not storage/passwords must not
 * be able to make the input send the token anywhere but where the admin-stored secret says. An
 * attacker HTTPS server on 127.0.0.1 records every connection and request; it must see nothing.
 *
 * The splunkd stand-in lets only admin_all_objects write confs and inputs, stricter than a real
 * instance, where object ACLs (metadata) can grant other roles write access to
 * onepassword_accounts.conf or inputs. Everything that decides where the token goes (endpoint,
 * proxy, CA bundle) is therefore read from storage/passwords only. So the operator's storage/passwords writes are made as the
 * operator (and must be refused), while the input and conf edits such a role could make on a
 * permissive instance are applied through an admin session — the input then runs exactly as
 * splunkd would run it with those edits.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretRealm } from '../../../src/core/app-identity';
import { createTlsMaterial } from '../../support/events-api-sim/tls-material';
import { tokenHash } from '../../support/events-api-sim/tokens';
import { runPackaged, startTestbed, type Testbed } from '../../support/harness';
import { expectAbsent, expectCleanStderr, ns, saveNetwork, secretPath, writeConf } from './support';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Attacker {
  readonly port: number;
  readonly caPath: string;
  /** TCP connections accepted, TLS or not. */
  connections: number;
  /** Requests that made it through TLS; the Authorization header only as a digest. */
  readonly requests: { method: string; url: string; authorizationSha256: string | undefined }[];
  stop(): Promise<void>;
}

async function startAttacker(dir: string): Promise<Attacker> {
  const tls = await createTlsMaterial(dir, ['localhost', '127.0.0.1'], undefined);
  const caPath = join(dir, 'attacker-ca.pem');
  writeFileSync(caPath, tls.caCertPem);
  const requests: Attacker['requests'] = [];
  const server: Server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorizationSha256:
        req.headers.authorization === undefined ? undefined : sha256(req.headers.authorization),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"cursor":"x","has_more":false,"items":[]}');
  });
  const attacker: Attacker = {
    port: 0,
    caPath,
    connections: 0,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on('connection', () => attacker.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (attacker as { port: number }).port = (server.address() as AddressInfo).port;
  return attacker;
}

/** A proxy that answers every CONNECT by tunnelling to the attacker instead: TLS interception. */
async function startInterceptingProxy(target: number) {
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  const seen: string[] = [];
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(req.url ?? '');
    const upstream = netConnect(target, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    sockets.add(client).add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('token pinning against a user who can edit inputs and confs', () => {
  let bed: Testbed;
  let attacker: Attacker;
  let dir: string;
  let token: string;
  let operatorKey: string;
  const ours = (): number =>
    bed.sim.requests.filter((r) => r.tokenHash === tokenHash(token)).length;

  beforeAll(async () => {
    bed = await startTestbed({
      simulator: {
        seed: 'token-pinning',
        counts: { signinattempts: 30, itemusages: 20, auditevents: 10 },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'attacker-'));
    attacker = await startAttacker(dir);
    token = await bed.addAccount({ name: 'pinned' });
    bed.splunkd.addUser({
      name: 'operator',
      password: 'operator-pass',
      roles: ['power'],
      capabilities: ['list_inputs', 'edit_modinput_onepassword_events'],
    });
    operatorKey = bed.splunkd.createSessionKey('operator');
  });
  afterAll(async () => {
    await attacker.stop();
    await bed.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every storage/passwords write (and read) by that user', async () => {
    const create = await bed.rest(
      'POST',
      `${ns}/storage/passwords`,
      {
        name: 'account:evil',
        password: JSON.stringify({ token, endpoint: `https://127.0.0.1:${attacker.port}` }),
        realm: secretRealm,
      },
      operatorKey,
    );
    const edit = await bed.rest(
      'POST',
      secretPath('account:pinned'),
      { password: JSON.stringify({ token, endpoint: `https://127.0.0.1:${attacker.port}` }) },
      operatorKey,
    );
    const remove = await bed.rest('DELETE', secretPath('account:pinned'), undefined, operatorKey);
    const list = await bed.rest('GET', `${ns}/storage/passwords`, undefined, operatorKey);
    expect([create.status, edit.status, remove.status, list.status]).toEqual([403, 403, 403, 403]);
    expect(create.body).toMatch(/do not have permission.*edit_storage_passwords/);
    expectAbsent(token, list.body, 'the refused listing');
    // The secret is unchanged: the admin-recorded endpoint is still the simulator.
    const secret = bed.splunkd.secrets().filter((s) => s.username === 'account:pinned');
    expect(secret).toHaveLength(1);
  });

  const storedParams = (name: string): Record<string, string> => {
    const stored = bed.splunkd.inputs().find((i) => i.name === name);
    if (!stored) throw new Error(`splunkd has no input ${name}`);
    return { ...stored.params };
  };

  it('ignores endpoint-like stanza parameters and a foreign region_host', async () => {
    const attackerUrl = `https://127.0.0.1:${attacker.port}`;
    const created = await bed.rest('POST', `${ns}/data/inputs/onepassword_events`, {
      name: 'pinned',
      account: 'pinned',
      index: 'onepassword',
      endpoint: attackerUrl,
      events_url: attackerUrl,
      url: attackerUrl,
      base_url: attackerUrl,
      region_host: `127.0.0.1:${attacker.port}`,
      proxy_url: 'http://127.0.0.1:9',
      ca_bundle_path: attacker.caPath,
    });
    // splunkd ran --validate-arguments (a live introspect) before saving it.
    expect(created.status).toBe(201);
    await writeConf(bed, 'onepassword_accounts', 'pinned', {
      region_host: `127.0.0.1:${attacker.port}`,
    });
    const before = ours();
    const r = await runPackaged({
      launcher: bed.launcher,
      env: bed.env,
      cwd: bed.splunkHome,
      // The stanza as splunkd stored it, extra parameters and all, run by the testbed's member.
      stdin: bed.inputXml('pinned', storedParams('pinned')),
    });
    expectCleanStderr(r);
    expect(r.exitCode).toBe(0);
    expect(r.byLevel.ERROR).toEqual([]);
    expect(r.events.length).toBeGreaterThan(0);
    expect(storedParams('pinned')).toMatchObject({
      endpoint: attackerUrl,
      events_url: attackerUrl,
    });
    expect(ours()).toBeGreaterThan(before);
    expect(attacker.connections).toBe(0);
    expect(attacker.requests).toEqual([]);
  });

  it('does not follow a region_host to a foreign host when no endpoint was recorded', async () => {
    // An account whose secret holds only the token: the token's own aud is the simulator host,
    // which is not an official host, so only an official region_host could apply.
    const bare = bed.sim.issueToken();
    await bed.rest('POST', `${ns}/storage/passwords`, {
      name: 'account:bare',
      password: JSON.stringify({ token: bare }),
      realm: secretRealm,
    });
    for (const host of [`127.0.0.1:${attacker.port}`, `localhost:${attacker.port}`]) {
      await writeConf(bed, 'onepassword_accounts', 'bare', {
        region_host: host,
        ca_bundle_path: attacker.caPath,
      });
      const r = await runPackaged({
        launcher: bed.launcher,
        env: bed.env,
        cwd: bed.splunkHome,
        stdin: bed.inputXml('bare', { account: 'bare' }),
      });
      expectCleanStderr(r);
      expect(r.byLevel.ERROR).toEqual([
        expect.stringMatching(
          new RegExp(
            `^ERROR cannot start: region_host "${host}" is not an official 1Password events host`,
          ),
        ),
      ]);
    }
    expect(attacker.connections).toBe(0);
    expect(attacker.requests).toEqual([]);
  });

  it('ignores a TLS-intercepting proxy and its CA set up through the conf, and says so', async () => {
    // Together a proxy and a CA bundle would let their editor read the token on its way to the
    // recorded endpoint, so the input reads them only from storage/passwords.
    const proxy = await startInterceptingProxy(attacker.port);
    try {
      await writeConf(bed, 'onepassword_accounts', 'pinned', {
        region_host: '',
        proxy_url: proxy.url,
        ca_bundle_path: attacker.caPath,
      });
      await writeConf(bed, 'onepassword_settings', 'proxy', {
        proxy_url: proxy.url,
        ca_bundle_path: attacker.caPath,
      });
      for (const feed of ['signinattempts', 'auditevents'] as const) bed.sim.addEvents(feed, 3);
      const before = ours();
      const r = await bed.run('pinned', { account: 'pinned', max_run_seconds: '10' });
      expectCleanStderr(r);
      expect(r.byLevel.ERROR).toEqual([]);
      expect(r.byLevel.WARN).toContainEqual(
        'WARN ignoring onepassword_accounts.conf [pinned] proxy_url, onepassword_accounts.conf [pinned] ca_bundle_path, ' +
          'onepassword_settings.conf [proxy] proxy_url, onepassword_settings.conf [proxy] ca_bundle_path: ' +
          "the proxy and CA bundle are read from storage/passwords only, so set them on the setup page's Proxy tab input=pinned account=pinned",
      );
      // Collected straight from the recorded endpoint; neither the proxy nor the attacker saw a thing.
      expect(r.events.length).toBe(6);
      expect(ours()).toBeGreaterThan(before);
      expect(proxy.seen).toEqual([]);
      expect(attacker.connections).toBe(0);
      expect(attacker.requests).toEqual([]);
    } finally {
      await proxy.stop();
      await writeConf(bed, 'onepassword_accounts', 'pinned', { proxy_url: '', ca_bundle_path: '' });
      await writeConf(bed, 'onepassword_settings', 'proxy', { proxy_url: '', ca_bundle_path: '' });
    }
  });

  it('refuses that user the proxy and CA entries in storage/passwords', async () => {
    const attempts = [
      ['POST', `${ns}/storage/passwords`, 'network:_global'],
      ['POST', secretPath('network:pinned'), undefined],
    ] as const;
    const evil = JSON.stringify({
      proxy_url: 'http://127.0.0.1:9',
      ca_bundle_path: attacker.caPath,
    });
    for (const [method, path, name] of attempts) {
      const r = await bed.rest(
        method,
        path,
        name === undefined ? { password: evil } : { name, password: evil, realm: secretRealm },
        operatorKey,
      );
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
    }
    const stored = bed.splunkd.secrets().map((s) => s.username);
    expect(stored).not.toContain('network:_global');
  });

  it('an admin-set intercepting proxy still cannot read the token without a CA the input trusts', async () => {
    // The control for the conf case: the proxy is used once an admin stores it, and TLS through it
    // is still verified against the simulator's CA only, so the interceptor's certificate fails.
    const proxy = await startInterceptingProxy(attacker.port);
    try {
      await saveNetwork(bed, 'pinned', { proxy_url: proxy.url, ca_bundle_path: bed.sim.caPath });
      const r = await bed.run('pinned', { account: 'pinned', max_run_seconds: '10' });
      expectCleanStderr(r);
      expect(proxy.seen).toContain(bed.sim.host);
      expect(r.byLevel.ERROR.join('\n')).toMatch(/TLS verification of \S+ failed/);
      expect(r.events).toEqual([]);
      expect(attacker.connections).toBeGreaterThan(0);
      const stolen = attacker.requests.filter(
        (q) => q.authorizationSha256 === sha256(`Bearer ${token}`),
      );
      expect({ requestsCarryingTheToken: stolen.length }).toEqual({ requestsCarryingTheToken: 0 });
      expect(attacker.requests).toEqual([]);
    } finally {
      await proxy.stop();
      await saveNetwork(bed, 'pinned', { ca_bundle_path: bed.sim.caPath });
    }
  });
});
