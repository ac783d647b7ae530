import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';

import { Agent, request } from 'undici';

import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, nsApp } from './client';

describe('splunkd stand-in: TLS and authentication', () => {
  let splunkd: Splunkd;
  let client: StandinClient;

  beforeAll(async () => {
    splunkd = await startSplunkd({
      users: [
        { name: 'admin', password: 'admin-pass', roles: ['admin'] },
        { name: 'analyst', password: 'analyst-pass', roles: ['power'] },
      ],
    });
    client = new StandinClient(splunkd);
  });

  afterAll(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('serves HTTPS on 127.0.0.1 with a certificate that chains to its CA and names 127.0.0.1', async () => {
    expect(splunkd.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await client.call('GET', '/services/server/info');
    expect(res.status).toBe(200);
    expect(res.body.entry[0].content.version).toBe('9.4.2');
  });

  it('is refused by a client that does not trust the stand-in CA', async () => {
    const strict = new Agent();
    await expect(
      request(`${splunkd.url}/services/server/info`, { dispatcher: strict }),
    ).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    await strict.close();
  });

  it('answers 401 with splunkd JSON when the Authorization header is missing', async () => {
    const res = await client.call('GET', `${nsApp}/storage/passwords`, { session: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      messages: [{ type: 'WARN', text: 'call not properly authenticated' }],
    });
  });

  it('answers 401 in XML when JSON was not asked for', async () => {
    const res = await client.call('GET', `${nsApp}/storage/passwords`, {
      session: null,
      outputMode: false,
    });
    expect(res.status).toBe(401);
    expect(res.contentType).toMatch(/xml/);
    expect(res.text).toContain('<msg type="WARN">call not properly authenticated</msg>');
  });

  it('answers 401 for an unknown key and for an expired key', async () => {
    expect(
      (await client.call('GET', '/services/server/info', { session: 'not-a-key' })).status,
    ).toBe(401);
    const key = splunkd.createSessionKey('analyst');
    expect((await client.call('GET', '/services/server/info', { session: key })).status).toBe(200);
    splunkd.expireSessionKey(key);
    const expired = await client.call('GET', '/services/server/info', { session: key });
    expect(expired.status).toBe(401);
    expect(expired.body.messages[0].text).toBe('call not properly authenticated');
  });

  it('lets a session key expire on its own after its ttl', async () => {
    const key = splunkd.createSessionKey('analyst', 30);
    expect((await client.call('GET', '/services/server/info', { session: key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 60));
    expect((await client.call('GET', '/services/server/info', { session: key })).status).toBe(401);
  });

  it('rejects Bearer with a session key: splunkd reserves Bearer for JWT tokens', async () => {
    const res = await client.call('GET', '/services/server/info', {
      session: null,
      headers: { authorization: `Bearer ${splunkd.adminSessionKey}` },
    });
    expect(res.status).toBe(401);
  });

  it('accepts HTTP Basic with a valid password and refuses a wrong one', async () => {
    const basic = (user: string, pass: string): Record<string, string> => ({
      authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
    });
    const ok = await client.call('GET', '/services/authentication/current-context', {
      session: null,
      headers: basic('analyst', 'analyst-pass'),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[0].content.username).toBe('analyst');
    const bad = await client.call('GET', '/services/server/info', {
      session: null,
      headers: basic('analyst', 'nope'),
    });
    expect(bad.status).toBe(401);
  });

  it('logs in through /services/auth/login and the key then works', async () => {
    const login = await client.call('POST', '/services/auth/login', {
      session: null,
      form: { username: 'analyst', password: 'analyst-pass' },
    });
    expect(login.status).toBe(200);
    const key = login.body.sessionKey as string;
    expect(key.length).toBeGreaterThan(20);
    const ctx = await client.call('GET', '/services/authentication/current-context', {
      session: key,
    });
    expect(ctx.body.entry[0].content).toMatchObject({ username: 'analyst', roles: ['power'] });
    expect(ctx.body.entry[0].content.capabilities).not.toContain('list_storage_passwords');
  });

  it('answers a login without output_mode in XML, and a failed login with 401 "Login failed"', async () => {
    const xml = await client.call('POST', '/services/auth/login', {
      session: null,
      outputMode: false,
      form: { username: 'admin', password: 'admin-pass' },
    });
    expect(xml.status).toBe(200);
    expect(xml.text).toMatch(/<response>\s*<sessionKey>[^<]+<\/sessionKey>\s*<\/response>/);
    const failed = await client.call('POST', '/services/auth/login', {
      session: null,
      form: { username: 'admin', password: 'wrong' },
    });
    expect(failed.status).toBe(401);
    expect(failed.body).toEqual({ messages: [{ type: 'WARN', text: 'Login failed' }] });
  });

  it('reports the system user with its capabilities in current-context', async () => {
    const res = await client.call('GET', '/services/authentication/current-context', {
      session: splunkd.systemSessionKey,
    });
    expect(res.body.entry[0].name).toBe('context');
    expect(res.body.entry[0].content.username).toBe('splunk-system-user');
    expect(res.body.entry[0].content.capabilities).toEqual(
      expect.arrayContaining(['list_storage_passwords', 'admin_all_objects']),
    );
  });

  it('lets tests add a user without storage capabilities', async () => {
    splunkd.addUser({ name: 'viewer', roles: ['user'] });
    const key = splunkd.createSessionKey('viewer');
    const res = await client.call('GET', '/services/authentication/current-context', {
      session: key,
    });
    expect(res.body.entry[0].content.roles).toEqual(['user']);
    expect(() => splunkd.createSessionKey('nobody-such')).toThrow(/unknown user/);
  });
});

describe('splunkd stand-in: default-install certificate', () => {
  let splunkd: Splunkd;

  beforeAll(async () => {
    splunkd = await startSplunkd({ certificate: 'splunk-default' });
  });

  afterAll(() => splunkd.stop());

  it('fails hostname verification but chains to the CA, as a default Splunk install does', async () => {
    const strict = new Agent({ connect: { ca: splunkd.caPem } });
    await expect(
      request(`${splunkd.url}/services/server/info`, { dispatcher: strict }),
    ).rejects.toThrow();
    await strict.close();

    // Chain verification stays on; only the name check is skipped, like splunkd's own default.
    const chainOnly = new Agent({
      connect: { ca: splunkd.caPem, checkServerIdentity: () => undefined },
    });
    const res = await request(`${splunkd.url}/services/server/info?output_mode=json`, {
      dispatcher: chainOnly,
      headers: { authorization: `Splunk ${splunkd.adminSessionKey}` },
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await chainOnly.close();
  });

  it('presents SplunkServerDefaultCert as the server certificate name', async () => {
    const subject = await new Promise<string>((resolve, reject) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port: splunkd.port,
          ca: splunkd.caPem,
          checkServerIdentity: () => undefined,
        },
        () => {
          const cert = socket.getPeerCertificate();
          socket.end();
          resolve(`${cert.subject.CN} ${cert.subjectaltname ?? ''}`);
        },
      );
      socket.on('error', reject);
    });
    expect(subject).toBe('SplunkServerDefaultCert DNS:SplunkServerDefaultCert');
  });

  it('writes $SPLUNK_HOME/etc/auth/cacert.pem and etc/apps for the harness', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'splunk-home-'));
    await splunkd.writeSplunkHome(home);
    expect(await readFile(path.join(home, 'etc', 'auth', 'cacert.pem'), 'utf8')).toBe(
      splunkd.caPem,
    );
    expect((await stat(path.join(home, 'etc', 'apps'))).isDirectory()).toBe(true);
    await rm(home, { recursive: true, force: true });
  });
});
