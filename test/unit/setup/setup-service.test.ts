/**
 * SetupService against the splunkd stand-in: the REST calls behind each admin action, including
 * the ugly parts (409 on a second create, splunkd's listing after a DELETE, a left-over probe).
 * A tiny validator script stands in for external validation here; the browser tests run the real,
 * packaged input instead.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { InputMoveIncompleteError, SetupService } from '../../../src/setup/setup-service';
import {
  SplunkdRest,
  SplunkdRequestError,
  SplunkdUnreachableError,
  type RestTransport,
} from '../../../src/setup/splunkd-rest';
import { emptyAccountForm } from '../../../src/setup/account-model';
import { inputFormFromStanza, newInputForm } from '../../../src/setup/input-model';
import { emptyProxyForm } from '../../../src/setup/proxy-model';
import { startSplunkd, type Splunkd } from '../../support/splunkd-standin';
import { officialToken } from './jwt';

const app = 'TA-1password-events';
// Refuses probes for accounts named "bad…" the way the input does: <error><message> and exit 1.
const validatorSource = `
let xml = '';
process.stdin.on('data', (c) => (xml += c));
process.stdin.on('end', () => {
  const name = /<item name="([^"]+)"/.exec(xml)?.[1] ?? '';
  if (name.includes('bad')) {
    process.stdout.write('<error><message>1Password rejected the token: it is invalid or has been revoked.</message></error>');
    process.exit(1);
  }
  process.exit(0);
});
`;

interface Harness {
  splunkd: Splunkd;
  service: SetupService;
  bodies: string[];
  calls: string[];
  dir: string;
  /** Runs after splunkd accepted a probe, as the input's validation would (writes its status). */
  afterProbe: { run: (() => Promise<void>) | undefined };
  /** Answers a request instead of the stand-in when it returns a Response. */
  intercept: {
    run: ((method: string, url: string, body: string) => Response | undefined) | undefined;
  };
}

async function start(
  sessionUser: 'admin' | 'analyst' = 'admin',
  // A splunkd not restarted since the upgrade has not registered the resident kind yet.
  options: { readonly resident: boolean } = { resident: true },
): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'setup-service-'));
  const validator = path.join(dir, 'validator.cjs');
  await writeFile(validator, validatorSource);
  const validateWith = { command: process.execPath, args: [validator], timeoutMs: 10_000 };
  const splunkd = await startSplunkd({
    validateWith,
    moreSchemes: options.resident ? [{ scheme: 'onepassword_events_resident', validateWith }] : [],
    collections: ['onepassword_account_status', 'onepassword_health'],
    users: [
      { name: 'admin', password: 'pw-admin', roles: ['admin'] },
      { name: 'analyst', password: 'pw-analyst', roles: ['user'] },
    ],
    confs: {
      [app]: {
        inputs: {
          onepassword_events: { interval: '60', index: 'onepassword', disabled: '1' },
          onepassword_events_resident: { interval: '60', index: 'onepassword', disabled: '1' },
        },
        macros: { onepassword_index: { definition: 'index=onepassword' } },
      },
    },
  });
  const key =
    sessionUser === 'admin' ? splunkd.adminSessionKey : splunkd.createSessionKey('analyst');
  const dispatcher = new Agent({ connect: { ca: splunkd.caPem } });
  const bodies: string[] = [];
  const calls: string[] = [];
  const afterProbe: Harness['afterProbe'] = { run: undefined };
  const intercept: Harness['intercept'] = { run: undefined };
  const transport: RestTransport = {
    url: (endpoint, ns) =>
      ns === undefined
        ? `${splunkd.url}/services/${endpoint}`
        : `${splunkd.url}/servicesNS/${ns.owner}/${ns.app}/${endpoint}`,
    send: async (url, init) => {
      const method = init.method ?? 'GET';
      const intercepted = intercept.run?.(method, url, String(init.body ?? ''));
      if (intercepted !== undefined) {
        calls.push(`${method} ${new URL(url).pathname} ${intercepted.status} (intercepted)`);
        return intercepted;
      }
      const response = await undiciFetch(url, {
        method: init.method ?? 'GET',
        headers: { ...(init.headers as Record<string, string>), authorization: `Splunk ${key}` },
        body: (init.body as string | undefined) ?? null,
        dispatcher,
      });
      const text = await response.text();
      bodies.push(text);
      calls.push(`${init.method ?? 'GET'} ${new URL(url).pathname} ${response.status}`);
      if (response.status === 201 && String(init.body ?? '').includes('name=__check__')) {
        await afterProbe.run?.();
      }
      return new Response(text, {
        status: response.status,
        headers: { 'content-type': response.headers.get('content-type') ?? '' },
      });
    },
  };
  return {
    splunkd,
    service: new SetupService(new SplunkdRest(transport)),
    bodies,
    calls,
    dir,
    afterProbe,
    intercept,
  };
}

/** The admin talking to splunkd directly (an edit made by hand, outside the page). */
async function asAdmin(
  h: Harness,
  method: 'POST',
  path: string,
  form: Record<string, string>,
): Promise<{ status: number }> {
  const dispatcher = new Agent({ connect: { ca: h.splunkd.caPem } });
  try {
    const response = await undiciFetch(
      `${h.splunkd.url}/servicesNS/nobody/${app}/${path}?output_mode=json`,
      {
        method,
        headers: {
          authorization: `Splunk ${h.splunkd.adminSessionKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form).toString(),
        dispatcher,
      },
    );
    await response.text();
    return { status: response.status };
  } finally {
    await dispatcher.close();
  }
}

const malloryAdded = new WeakSet<Harness>();

/** Mallory: edit_storage_passwords, no rights on this app; she talks to splunkd directly. */
async function asMallory(
  h: Harness,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
): Promise<{ status: number; body: string }> {
  if (!malloryAdded.has(h)) {
    h.splunkd.addUser({
      name: 'mallory',
      roles: ['user'],
      capabilities: ['edit_storage_passwords'],
    });
    malloryAdded.add(h);
  }
  const dispatcher = new Agent({ connect: { ca: h.splunkd.caPem } });
  try {
    const response = await undiciFetch(
      `${h.splunkd.url}/servicesNS/nobody/search/${path}?output_mode=json`,
      {
        method,
        headers: {
          authorization: `Splunk ${h.splunkd.createSessionKey('mallory')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form === undefined ? null : new URLSearchParams(form).toString(),
        dispatcher,
      },
    );
    return { status: response.status, body: await response.text() };
  } finally {
    await dispatcher.close();
  }
}

/** Mallory stores `username` of our realm in app search and shares it globally. */
async function storeGloballyAsMallory(h: Harness, username: string, value: string): Promise<void> {
  const created = await asMallory(h, 'POST', 'storage/passwords', {
    name: username,
    realm: app,
    password: value,
  });
  expect(created.status).toBe(201);
  const entity = encodeURIComponent(`${app}:${username.replace(/:/g, '\\:')}:`);
  const shared = await asMallory(h, 'POST', `storage/passwords/${entity}/acl`, {
    sharing: 'global',
    owner: 'nobody',
  });
  expect(shared.status).toBe(200);
}

/** The value of Mallory's own entry for `username`, read in her app. */
async function malloryValue(h: Harness, username: string): Promise<unknown> {
  const entity = encodeURIComponent(`${app}:${username.replace(/:/g, '\\:')}:`);
  const read = await asMallory(h, 'GET', `storage/passwords/${entity}`);
  const parsed = JSON.parse(read.body) as {
    entry: { acl: { app: string }; content: { clear_password: string } }[];
  };
  return parsed.entry.find((e) => e.acl.app === 'search')?.content.clear_password;
}

async function stop(h: Harness): Promise<void> {
  await h.splunkd.stop();
  await rm(h.dir, { recursive: true, force: true });
}

describe('SetupService against the splunkd stand-in', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => stop(h));

  it('saves an account: secret to storage/passwords, region to the conf; a second save updates (409 path)', async () => {
    const token = officialToken();
    await h.service.saveAccount({
      ...emptyAccountForm,
      name: 'acme',
      token,
      regionHost: 'events.1password.eu',
    });
    expect(h.splunkd.secrets()).toEqual([
      expect.objectContaining({ realm: app, username: 'account:acme', app }),
    ]);
    expect(h.splunkd.confText('onepassword_accounts', app)).toContain(
      'region_host = events.1password.eu',
    );
    expect(h.splunkd.confText('onepassword_accounts', app)).not.toContain(
      token.split('.')[1] ?? token,
    );
    const second = officialToken({ iat: 1_800_000_000 });
    await h.service.saveAccount({
      ...emptyAccountForm,
      name: 'acme',
      token: second,
      useCustomEndpoint: true,
      customEndpoint: 'https://gw.example.net',
    });
    expect(h.calls).toContain(`POST /servicesNS/nobody/${app}/storage/passwords 409`);
    expect(h.calls).toContain(
      `POST /servicesNS/nobody/${app}/storage/passwords/TA-1password-events%3Aaccount%5C%3Aacme%3A 200`,
    );
    expect(h.splunkd.secrets()).toHaveLength(1);
    // The 409 path asks who holds the name (f=username): the stored token never comes back.
    const reads = h.calls.flatMap((c, i) =>
      c.startsWith('GET') && c.includes('storage/passwords/') ? [h.bodies[i] ?? ''] : [],
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]).toContain('account:acme');
    expect(reads[0]).not.toContain(token.split('.')[1] ?? token);
    expect(reads[0]).not.toContain('clear_password');
    // Editing without a new token leaves the secret alone.
    const before = h.calls.length;
    await h.service.saveAccount({ ...emptyAccountForm, name: 'acme' });
    expect(h.calls.slice(before).some((c) => c.includes('storage/passwords'))).toBe(false);
    expect((await h.service.listAccounts()).map((a) => a.name)).toEqual(['acme']);
  });

  it('live check: the probe is validated, removed again, and the refusal comes back in plain words', async () => {
    const ok = await h.service.liveCheck('acme', ['auditevents']);
    // The stand-in's validator writes no status document: the page must not claim success.
    expect(ok).toEqual({ outcome: 'no_status', validationError: undefined, status: undefined });
    const bad = await h.service.liveCheck('bad-co', []);
    expect(bad.outcome).toBe('failed');
    expect(bad.validationError).toContain('invalid or has been revoked');
    expect(h.splunkd.inputs().map((i) => i.name)).toEqual([]);
    const probeXml = h.splunkd.validations().map((v) => v.xml);
    expect(probeXml.some((x) => x.includes('__check__acme') && x.includes('>auditevents<'))).toBe(
      true,
    );
  });

  it('live check: a probe left behind is replaced; only a fresh status document is shown', async () => {
    // A probe stanza left by an interrupted check, and a stale document from an earlier check.
    await h.service.saveInput(
      { ...newInputForm('__check__acme', undefined), account: '__check__acme' },
      undefined,
    );
    expect(h.splunkd.inputs().map((i) => i.name)).toEqual(['__check__acme']);
    const stale = {
      _key: 'acme',
      account: 'acme',
      checked_at: Math.floor(Date.now() / 1000) - 3600,
      ok: false,
      error_class: 'unauthorized',
    };
    const fresh = {
      ...stale,
      checked_at: Math.floor(Date.now() / 1000),
      ok: true,
      host: 'events.1password.com',
      features: ['auditevents'],
    };
    await postKv(h, stale);
    const first = await h.service.liveCheck('acme', []);
    expect(first.outcome).toBe('no_status');
    expect(
      h.calls.filter((c) => c.includes('__check__acme') && c.startsWith('DELETE')),
    ).toHaveLength(2);
    expect(h.splunkd.inputs()).toEqual([]);
    await postKv(h, fresh);
    const second = await h.service.liveCheck('acme', []);
    expect(second.outcome).toBe('ok');
    expect(second.status?.host).toBe('events.1password.com');
  });

  it('live check: a failed re-check keeps the last known facts instead of blanking them', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const expiresAt = nowS + 20 * 86_400;
    await postKv(h, {
      _key: 'acme',
      account: 'acme',
      checked_at: nowS - 3600,
      ok: true,
      host: 'events.1password.com',
      region: 'US',
      features: ['auditevents', 'signinattempts'],
      account_uuid: 'ACC1',
      expires_at: expiresAt,
    });
    // The input records a failed check without facts (it never got to read them).
    h.afterProbe.run = () =>
      postKv(h, {
        _key: 'acme',
        account: 'acme',
        checked_at: Math.floor(Date.now() / 1000),
        ok: false,
        error_class: 'network',
        error_message: '1Password could not be reached: ENOTFOUND events.1password.com',
      });
    const result = await h.service.liveCheck('acme', []);
    expect(result.outcome).toBe('failed');
    expect(result.status).toMatchObject({
      ok: false,
      error_class: 'network',
      host: 'events.1password.com',
      features: ['auditevents', 'signinattempts'],
      expires_at: expiresAt,
      facts_checked_at: nowS - 3600,
    });
    // Stored, so the Accounts list shows the same after a reload.
    expect((await h.service.listStatuses()).get('acme')).toMatchObject({
      host: 'events.1password.com',
      expires_at: expiresAt,
    });
  });

  it('no answer at all from Splunk Web is a typed error, not "Failed to fetch"', async () => {
    const rest = new SplunkdRest({
      url: (endpoint) => `http://127.0.0.1:9/${endpoint}`,
      send: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(new SetupService(rest).listAccounts()).rejects.toBeInstanceOf(
      SplunkdUnreachableError,
    );
  });

  it('inputs: create with disabled, edit, then enable/disable actions; the macro is upserted', async () => {
    const form = { ...newInputForm('acme', undefined), enabled: false };
    await h.service.saveInput(form, undefined);
    expect(h.splunkd.inputs()[0]).toMatchObject({
      name: 'acme',
      disabled: true,
      params: expect.objectContaining({ account: 'acme', index: 'onepassword' }),
    });
    await h.service.saveInput({ ...form, exists: true, enabled: true, interval: 300 }, false);
    expect(h.splunkd.inputs()[0]).toMatchObject({
      disabled: false,
      params: expect.objectContaining({ interval: '300' }),
    });
    expect(h.calls).toContain(
      `POST /servicesNS/nobody/${app}/data/inputs/onepassword_events/acme/enable 200`,
    );
    expect(h.splunkd.validations().filter((v) => v.input.endsWith('acme'))).toHaveLength(2);
    await h.service.setIndexMacro('(index=main OR index=onepassword)');
    expect(await h.service.indexMacro()).toBe('(index=main OR index=onepassword)');
  });

  it('inputs of both kinds: listed together, created, switched and deleted each at its own endpoint', async () => {
    await h.service.saveInput(newInputForm('acme', undefined), undefined);
    await h.service.saveInput(
      { ...newInputForm('globex', undefined), kind: 'resident' },
      undefined,
    );
    const state = await h.service.loadState();
    expect(state.residentAvailable).toBe(true);
    expect(state.inputs.map((i) => [i.name, i.kind])).toEqual([
      ['acme', 'per-run'],
      ['globex', 'resident'],
    ]);
    expect(h.splunkd.inputs().map((i) => [i.scheme, i.name])).toEqual([
      ['onepassword_events', 'acme'],
      ['onepassword_events_resident', 'globex'],
    ]);
    await h.service.setInputEnabled('globex', false, 'resident');
    expect(h.calls).toContain(
      `POST /servicesNS/nobody/${app}/data/inputs/onepassword_events_resident/globex/disable 200`,
    );
    expect(h.splunkd.inputs().find((i) => i.name === 'globex')?.disabled).toBe(true);
    await h.service.deleteInput('globex', 'resident');
    expect(h.splunkd.inputs().map((i) => i.name)).toEqual(['acme']);
  });

  it('moving an input to the other kind: created there with the same name and parameters, then the old one deleted', async () => {
    await h.service.saveInput(
      { ...newInputForm('acme', undefined), enabled: false, interval: 120 },
      undefined,
    );
    // A parameter the dialog does not show, set by hand: it moves too.
    expect(
      (await asAdmin(h, 'POST', 'data/inputs/onepassword_events/acme', { limit: '500' })).status,
    ).toBe(200);
    const [listed] = await h.service.listInputs();
    const stored = h.splunkd.inputs()[0]?.params;
    await h.service.saveInput(
      { ...inputFormFromStanza('acme', listed?.content ?? {}, listed?.kind), kind: 'resident' },
      false,
    );
    const [moved, ...rest] = h.splunkd.inputs();
    expect(rest).toEqual([]);
    expect(moved).toMatchObject({ scheme: 'onepassword_events_resident', name: 'acme' });
    expect(moved?.disabled).toBe(true);
    expect(moved?.params).toEqual(stored);
    expect(moved?.params).toMatchObject({ account: 'acme', interval: '120', limit: '500' });
    // Created (and validated by its kind's script) before the old one was deleted.
    const create = h.calls.indexOf(
      `POST /servicesNS/nobody/${app}/data/inputs/onepassword_events_resident 201`,
    );
    const remove = h.calls.indexOf(
      `DELETE /servicesNS/nobody/${app}/data/inputs/onepassword_events/acme 200`,
    );
    expect(create).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(create);
    expect(h.splunkd.validations().map((v) => v.scheme)).toEqual([
      'onepassword_events', // the create
      'onepassword_events', // the edit by hand
      'onepassword_events_resident', // the move
    ]);
  });

  it('a move whose create is refused deletes nothing; one whose delete fails says which stanza is left', async () => {
    await h.service.saveInput(newInputForm('acme', undefined), undefined);
    const form = { ...inputFormFromStanza('acme', h.splunkd.inputs()[0]?.params ?? {}) };
    h.splunkd.faults.inject({
      method: 'POST',
      path: /data\/inputs\/onepassword_events_resident$/,
      status: 400,
    });
    await expect(h.service.saveInput({ ...form, kind: 'resident' }, true)).rejects.toMatchObject({
      status: 400,
    });
    expect(h.splunkd.inputs().map((i) => [i.scheme, i.name])).toEqual([
      ['onepassword_events', 'acme'],
    ]);

    h.splunkd.faults.inject({
      method: 'DELETE',
      path: /data\/inputs\/onepassword_events\/acme$/,
      status: 503,
    });
    const failed = h.service.saveInput({ ...form, kind: 'resident' }, true);
    await expect(failed).rejects.toBeInstanceOf(InputMoveIncompleteError);
    await expect(failed).rejects.toThrow(
      /^The input acme was created as a resident input, but its per-run one could not be deleted: .+\. Delete that one in the table/,
    );
    expect(h.splunkd.inputs().map((i) => i.scheme)).toEqual([
      'onepassword_events',
      'onepassword_events_resident',
    ]);
    // Both rows show, so the admin can delete the per-run one.
    expect((await h.service.listInputs()).map((i) => i.kind)).toEqual(['per-run', 'resident']);
  });

  it('deleting an account removes its inputs of both kinds', async () => {
    await h.service.saveInput(newInputForm('acme', undefined), undefined);
    await h.service.saveInput(
      { ...newInputForm('acme_eu', undefined), account: 'acme', kind: 'resident' },
      undefined,
    );
    await h.service.deleteAccount('acme');
    expect(h.splunkd.inputs()).toEqual([]);
  });

  it('deleting an account removes its secrets, stanza, input and status, and no other secret travels back', async () => {
    const acme = officialToken({ jti: 'acme-secret-marker' });
    const globex = officialToken({ jti: 'globex-secret-marker' });
    await h.service.saveAccount({ ...emptyAccountForm, name: 'acme', token: acme });
    await h.service.saveAccount({ ...emptyAccountForm, name: 'globex', token: globex });
    await h.service.saveProxy('globex', {
      ...emptyProxyForm,
      proxyUrl: 'http://p:3128',
      credentials: 'set',
      username: 'u',
      secret: 'proxy-secret-marker',
    });
    await h.service.saveInput(newInputForm('globex', undefined), undefined);
    await postKv(h, { _key: 'globex', account: 'globex', ok: true });
    const start = h.bodies.length;
    await h.service.deleteAccount('globex');
    expect(h.splunkd.secrets().map((s) => s.username)).toEqual(['account:acme']);
    expect(h.splunkd.inputs()).toEqual([]);
    expect((await h.service.listAccounts()).map((a) => a.name)).toEqual(['acme']);
    expect(await h.service.accountStatus('globex')).toBeUndefined();
    const answers = h.bodies.slice(start).join('\n');
    expect(answers).not.toContain(acme);
    expect(answers).not.toContain('proxy-secret-marker');
    // Deleting again is harmless (404s are expected).
    await expect(h.service.deleteAccount('globex')).resolves.toBeUndefined();
  });

  it('proxy and CA: kept in storage/passwords, read back without the credentials, removed when cleared', async () => {
    await h.service.saveProxy(undefined, {
      ...emptyProxyForm,
      proxyUrl: 'http://p:3128',
      caBundlePath: '/ca.pem',
      credentials: 'set',
      username: 'u',
      secret: 'pw-marker',
    });
    await h.service.saveProxy('acme', { ...emptyProxyForm, caBundlePath: '/acme-ca.pem' });
    for (const file of ['onepassword_settings', 'onepassword_accounts']) {
      expect(h.splunkd.confText(file, app)).not.toMatch(/proxy_url|ca_bundle_path|pw-marker/);
    }
    expect(
      h.splunkd
        .secrets()
        .map((s) => s.username)
        .sort(),
    ).toEqual(['network:_global', 'network:acme', 'proxy:_global']);
    const start = h.bodies.length;
    const network = await h.service.loadNetworkSettings(['acme', 'globex']);
    expect(Object.fromEntries(network)).toEqual({
      _global: { proxyUrl: 'http://p:3128', caBundlePath: '/ca.pem' },
      acme: { proxyUrl: '', caBundlePath: '/acme-ca.pem' },
    });
    // Read one entry at a time: no answer carries the proxy password.
    expect(h.bodies.slice(start).join('\n')).not.toContain('pw-marker');
    await h.service.saveProxy(undefined, { ...emptyProxyForm, credentials: 'remove' });
    await h.service.saveProxy('acme', emptyProxyForm);
    expect(h.splunkd.secrets()).toEqual([]);
    expect((await h.service.loadNetworkSettings(['acme'])).size).toBe(0);
  });

  it("proxy and CA: another app's globally shared network entry is not shown as this app's", async () => {
    // Security review item 1: someone with edit_storage_passwords but no rights on this app stores
    // network:_global in another app and shares it globally; splunkd then lists it here too.
    h.splunkd.addUser({
      name: 'mallory',
      roles: ['user'],
      capabilities: ['edit_storage_passwords'],
    });
    const key = h.splunkd.createSessionKey('mallory');
    const dispatcher = new Agent({ connect: { ca: h.splunkd.caPem } });
    const post = async (path: string, form: Record<string, string>): Promise<number> =>
      (
        await undiciFetch(`${h.splunkd.url}/servicesNS/nobody/search/${path}?output_mode=json`, {
          method: 'POST',
          headers: {
            authorization: `Splunk ${key}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(form).toString(),
          dispatcher,
        })
      ).status;
    expect(
      await post('storage/passwords', {
        name: 'network:_global',
        realm: app,
        password: JSON.stringify({ proxy_url: 'http://mallory:3128' }),
      }),
    ).toBe(201);
    expect(
      await post(`storage/passwords/${encodeURIComponent(`${app}:network\\:_global:`)}/acl`, {
        sharing: 'global',
        owner: 'nobody',
      }),
    ).toBe(200);
    await dispatcher.close();
    const network = await h.service.loadNetworkSettings(['acme']);
    expect(Object.fromEntries(network)).toEqual({});
  });

  it("saving an account never writes into another app's globally shared entry of that name", async () => {
    await storeGloballyAsMallory(h, 'account:acme', 'mallory-token');
    await h.service.saveAccount({ ...emptyAccountForm, name: 'acme', token: officialToken() });
    expect(await malloryValue(h, 'account:acme')).toBe('mallory-token');
    expect(h.splunkd.secrets().map((s) => `${s.username} ${s.app}`)).toEqual([
      'account:acme search',
      `account:acme ${app}`,
    ]);
  });

  it("when splunkd refuses the create because another app's entry holds the name, the save fails closed without updating that entry", async () => {
    // The docs do not say whether splunkd creates an entry beside another app's globally shared
    // one or answers 409 (the stand-in creates it); the page must be safe either way.
    await storeGloballyAsMallory(h, 'network:_global', '{"proxy_url":"http://mallory:3128"}');
    h.intercept.run = (method, url) =>
      method === 'POST' && new URL(url).pathname.endsWith('/storage/passwords')
        ? new Response(JSON.stringify({ messages: [{ type: 'ERROR', text: 'already exists' }] }), {
            status: 409,
            headers: { 'content-type': 'application/json' },
          })
        : undefined;
    const saving = h.service.saveProxy(undefined, {
      ...emptyProxyForm,
      proxyUrl: 'http://proxy.corp:3128',
    });
    await expect(saving).rejects.toThrow(/network:_global.*app search.*delete/i);
    expect(await malloryValue(h, 'network:_global')).toBe('{"proxy_url":"http://mallory:3128"}');
    expect(h.calls.filter((c) => c.startsWith('POST') && c.includes('storage/passwords/'))).toEqual(
      [],
    );
  });

  it('first save: configured and reloaded; server facts and user capabilities are read', async () => {
    expect(await h.service.isConfigured()).toBe(false);
    await h.service.markConfigured();
    expect(await h.service.isConfigured()).toBe(true);
    expect(h.splunkd.appReloads().length).toBe(1);
    expect(await h.service.serverFacts()).toMatchObject({ isCloud: false });
    const user = await h.service.currentUser();
    expect(user.username).toBe('admin');
    expect(user.capabilities).toEqual(
      expect.arrayContaining(['admin_all_objects', 'edit_storage_passwords']),
    );
    await h.service.createIndex('onepassword');
    expect(await h.service.listIndexes()).toEqual(['main', 'onepassword']);
  });
});

describe('SetupService on a splunkd not restarted since the upgrade', () => {
  it('lists the per-run inputs and says the resident kind is not there yet', async () => {
    const h = await start('admin', { resident: false });
    try {
      await h.service.saveInput(newInputForm('acme', undefined), undefined);
      const state = await h.service.loadState();
      expect(state.residentAvailable).toBe(false);
      expect(state.inputs.map((i) => [i.name, i.kind])).toEqual([['acme', 'per-run']]);
    } finally {
      await stop(h);
    }
  });
});

describe('SetupService for a user without the admin role', () => {
  it('gets splunkd 403s with splunkd message', async () => {
    const h = await start('analyst');
    try {
      const error = await h.service
        .saveAccount({ ...emptyAccountForm, name: 'x', token: officialToken() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SplunkdRequestError);
      expect((error as SplunkdRequestError).status).toBe(403);
      expect(h.splunkd.secrets()).toEqual([]);
    } finally {
      await stop(h);
    }
  });
});

async function postKv(h: Harness, doc: Record<string, unknown>): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: h.splunkd.caPem } });
  const response = await undiciFetch(
    `${h.splunkd.url}/servicesNS/nobody/${app}/storage/collections/data/onepassword_account_status/batch_save`,
    {
      method: 'POST',
      headers: {
        authorization: `Splunk ${h.splunkd.adminSessionKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify([doc]),
      dispatcher,
    },
  );
  expect(response.status).toBe(200);
  await dispatcher.close();
}
