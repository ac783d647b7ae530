import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, app, nsApp } from './client';

describe('splunkd stand-in: conf, app, index and server endpoints', () => {
  let splunkd: Splunkd;
  let client: StandinClient;
  let powerKey: string;

  beforeEach(async () => {
    splunkd = await startSplunkd({
      confs: {
        [app]: {
          onepassword_settings: { logging: { log_level: 'INFO' } },
          macros: { onepassword_index: { definition: 'index=onepassword' } },
          app: {
            install: { is_configured: '0' },
            triggers: { 'reload.onepassword_accounts': 'simple', 'reload.passwords': 'simple' },
          },
        },
      },
      indexes: ['main', 'onepassword'],
    });
    client = new StandinClient(splunkd);
    splunkd.addUser({ name: 'analyst', roles: ['power'] });
    powerKey = splunkd.createSessionKey('analyst');
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  const conf = `${nsApp}/configs/conf-onepassword_accounts`;

  it('creates, reads, updates and deletes a stanza through configs/conf-<file>', async () => {
    const created = await client.call('POST', conf, {
      form: { name: 'prod', region_host: 'events.1password.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body.entry[0]).toMatchObject({
      name: 'prod',
      content: { region_host: 'events.1password.com' },
    });
    expect((await client.call('POST', conf, { form: { name: 'prod' } })).status).toBe(409);
    const updated = await client.call('POST', `${conf}/prod`, {
      form: { proxy_url: 'https://proxy:3128' },
    });
    expect(updated.body.entry[0].content).toMatchObject({
      region_host: 'events.1password.com',
      proxy_url: 'https://proxy:3128',
    });
    const list = await client.call('GET', conf);
    expect(list.body.entry.map((e: { name: string }) => e.name)).toEqual(['prod']);
    expect(splunkd.confText('onepassword_accounts')).toBe(
      '# etc/apps/TA-1password-events/local/onepassword_accounts.conf\n[prod]\nregion_host = events.1password.com\nproxy_url = https://proxy:3128\n',
    );
    expect((await client.call('DELETE', `${conf}/prod`)).status).toBe(200);
    const gone = await client.call('GET', `${conf}/prod`);
    expect(gone.status).toBe(404);
    expect(gone.body.messages[0].text).toBe('Could not find object id=prod');
    expect(splunkd.confText('onepassword_accounts')).toBe('');
  });

  it('merges local writes over shipped defaults and refuses to delete a shipped stanza', async () => {
    const path = `${nsApp}/configs/conf-onepassword_settings/logging`;
    expect((await client.call('GET', path)).body.entry[0].content.log_level).toBe('INFO');
    await client.call('POST', path, { form: { log_level: 'DEBUG' } });
    expect((await client.call('GET', path)).body.entry[0].content.log_level).toBe('DEBUG');
    expect(splunkd.confText('onepassword_settings')).toContain('[logging]\nlog_level = DEBUG');
    expect((await client.call('DELETE', path)).status).toBe(400);
  });

  it('forbids conf writes without admin_all_objects but allows reads', async () => {
    expect(
      (
        await client.call('GET', `${nsApp}/configs/conf-onepassword_settings`, {
          session: powerKey,
        })
      ).status,
    ).toBe(200);
    const res = await client.call('POST', conf, { form: { name: 'x' }, session: powerKey });
    expect(res.status).toBe(403);
    expect(res.body.messages[0].text).toBe(
      'You (user=analyst) do not have permission to perform this operation (requires capability: admin_all_objects).',
    );
    expect(splunkd.confText('onepassword_accounts')).toBe('');
  });

  it('serves properties/<file>/<stanza>[/<key>] and creates conf files with __conf', async () => {
    const stanza = await client.call('GET', `${nsApp}/properties/macros/onepassword_index`);
    expect(stanza.body.entry).toEqual([
      expect.objectContaining({
        name: 'definition',
        content: { value: 'index=onepassword', 'eai:acl': null },
      }),
    ]);
    const key = await client.call('GET', `${nsApp}/properties/macros/onepassword_index/definition`);
    expect(key.text).toBe('index=onepassword');
    expect(key.contentType).toMatch(/text\/plain/);
    await client.call('POST', `${nsApp}/properties/macros/onepassword_index/definition`, {
      form: { value: 'index=main' },
    });
    expect(
      (await client.call('GET', `${nsApp}/configs/conf-macros/onepassword_index`)).body.entry[0]
        .content.definition,
    ).toBe('index=main');
    const newFile = await client.call('POST', `${nsApp}/properties`, {
      form: { __conf: 'onepassword_accounts' },
    });
    expect(newFile.status).toBe(201);
    const files = await client.call('GET', `${nsApp}/properties`);
    expect(files.body.entry.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['app', 'macros', 'onepassword_accounts', 'onepassword_settings']),
    );
  });

  it('exposes macros through admin/macros as well', async () => {
    const res = await client.call('POST', `${nsApp}/admin/macros/onepassword_index`, {
      form: { definition: 'index=onepassword OR index=main' },
    });
    expect(res.status).toBe(200);
    expect(splunkd.confText('macros')).toContain('definition = index=onepassword OR index=main');
  });

  it('marks the app configured through apps/local and records reloads with its triggers', async () => {
    const before = await client.call('GET', `/services/apps/local/${app}`);
    expect(before.body.entry[0].content.configured).toBe(false);
    await client.call('POST', `/servicesNS/nobody/system/apps/local/${app}`, {
      form: { configured: 'true' },
    });
    expect(splunkd.isAppConfigured(app)).toBe(true);
    expect(splunkd.confText('app')).toContain('[install]\nis_configured = 1');
    expect(
      (
        await client.call('POST', `/services/apps/local/${app}`, {
          form: { configured: '1' },
          session: powerKey,
        })
      ).status,
    ).toBe(403);
    const reload = await client.call('POST', `/services/apps/local/${app}/_reload`);
    expect(reload.status).toBe(200);
    expect(splunkd.appReloads()).toEqual([
      expect.objectContaining({
        app,
        triggers: ['reload.onepassword_accounts', 'reload.passwords'],
      }),
    ]);
    expect((await client.call('GET', '/services/apps/local/not_installed')).status).toBe(404);
  });

  it("reads is_configured written through configs/conf-app as the app's configured flag", async () => {
    await client.call('POST', `${nsApp}/configs/conf-app/install`, {
      form: { is_configured: '1' },
    });
    expect(splunkd.isAppConfigured(app)).toBe(true);
    const res = await client.call('GET', `/services/apps/local/${app}`);
    expect(res.body.entry[0].content.configured).toBe(true);
  });

  it('lists and creates indexes (indexes_edit needed)', async () => {
    const list = await client.call('GET', '/services/data/indexes');
    expect(list.body.entry.map((e: { name: string }) => e.name)).toEqual(['main', 'onepassword']);
    expect(
      (await client.call('POST', '/services/data/indexes', { form: { name: 'onepassword' } }))
        .status,
    ).toBe(409);
    expect(
      (
        await client.call('POST', '/services/data/indexes', {
          form: { name: 'op2' },
          session: powerKey,
        })
      ).status,
    ).toBe(403);
    expect(
      (await client.call('POST', '/services/data/indexes', { form: { name: 'op2' } })).status,
    ).toBe(201);
    expect((await client.call('GET', '/services/data/indexes/op2')).body.entry[0].name).toBe('op2');
  });

  it('reports server/info for Enterprise without instance_type', async () => {
    const res = await client.call('GET', '/services/server/info');
    expect(res.body.entry[0].name).toBe('server-info');
    expect(res.body.entry[0].content).toMatchObject({
      version: '9.4.2',
      product_type: 'enterprise',
      kvStoreStatus: 'ready',
    });
    expect(res.body.entry[0].content.instance_type).toBeUndefined();
  });

  it('records configs/conf-<file>/_reload calls', async () => {
    expect(
      (await client.call('POST', `${nsApp}/configs/conf-onepassword_accounts/_reload`)).status,
    ).toBe(200);
    expect(splunkd.confReloads().map((r) => r.file)).toEqual(['onepassword_accounts']);
  });
});

describe('splunkd stand-in: Splunk Cloud identity', () => {
  it('reports instance_type=cloud and the configured version', async () => {
    const splunkd = await startSplunkd({ instanceType: 'cloud', version: '10.2.2510' });
    const client = new StandinClient(splunkd);
    const res = await client.call('GET', '/services/server/info');
    expect(res.body.entry[0].content).toMatchObject({
      instance_type: 'cloud',
      version: '10.2.2510',
    });
    await client.close();
    await splunkd.stop();
  });
});
