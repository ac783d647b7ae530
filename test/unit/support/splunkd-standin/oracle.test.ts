/**
 * Conformance: splunk-sdk, written against real splunkd, must be able to drive the stand-in, and what
 * it sees must match what our own (verifying) client sees.
 */
import type { SdkErrorResponse, SdkService } from '../../../support/splunk-sdk-oracle';
import { createSdkOracle } from '../../../support/splunk-sdk-oracle';
import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, app, nsApp } from './client';

const realm = 'TA-1password-events';

describe('splunk-sdk oracle against the stand-in', () => {
  let splunkd: Splunkd;
  let client: StandinClient;
  let sdk: SdkService;

  beforeEach(async () => {
    splunkd = await startSplunkd();
    client = new StandinClient(splunkd);
    sdk = createSdkOracle({
      url: splunkd.url,
      sessionKey: splunkd.adminSessionKey,
      owner: 'nobody',
      app,
    });
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('loads without leaking a .env into process.env', () => {
    expect(process.env['SPLUNK_HOME']).toBeUndefined();
  });

  it('refuses a non-loopback target', () => {
    expect(() =>
      createSdkOracle({
        url: 'https://splunk.example:8089',
        sessionKey: 'k',
        owner: 'nobody',
        app,
      }),
    ).toThrow(/loopback/);
  });

  it('creates, fetches, lists and deletes storage passwords, and our client sees the same data', async () => {
    const passwords = sdk.storagePasswords({ owner: 'nobody', app });
    const created = await passwords.create({
      name: 'account:prod',
      realm,
      password: '{"token":"t"}',
    });
    expect(created.name).toBe('TA-1password-events:account\\:prod:');
    expect(created.properties()).toMatchObject({
      username: 'account:prod',
      realm,
      clear_password: '{"token":"t"}',
    });

    const fetched = await passwords.fetch();
    const names = fetched.list().map((e) => e.name);
    expect(names).toEqual(['TA-1password-events:account\\:prod:']);
    const ours = await client.call('GET', `${nsApp}/storage/passwords`);
    expect(ours.body.entry.map((e: { name: string }) => e.name)).toEqual(names);
    expect(ours.body.entry[0].content.clear_password).toBe(
      fetched.list()[0]?.properties()['clear_password'],
    );

    // Collection.del() puts the name into the URL unencoded, and URL parsing turns its `\` into `/`;
    // entity.remove() encodes the name, as every caller of a colon-escaped entity must.
    const bad = (await passwords.del(created.name).catch((e: unknown) => e)) as SdkErrorResponse;
    expect(bad.status).toBe(404);
    await created.remove();
    expect(splunkd.secrets()).toEqual([]);
  });

  it('sees a 409 from the stand-in on a duplicate create', async () => {
    const passwords = sdk.storagePasswords({ owner: 'nobody', app });
    await passwords.create({ name: 'dup', realm, password: 'a' });
    const error = (await passwords
      .create({ name: 'dup', realm, password: 'b' })
      .catch((e: unknown) => e)) as SdkErrorResponse;
    expect(error.status).toBe(409);
  });

  it('sees secrets our client stores', async () => {
    await client.call('POST', `${nsApp}/storage/passwords`, {
      form: { name: 'proxy:_global', realm, password: 'p' },
    });
    const fetched = await sdk.storagePasswords({ owner: 'nobody', app }).fetch();
    expect(fetched.list()[0]?.properties()).toMatchObject({
      username: 'proxy:_global',
      clear_password: 'p',
    });
  });

  it('creates, updates, lists and removes conf stanzas through configurations()', async () => {
    const configs = sdk.configurations({ owner: 'nobody', app });
    const stanza = await configs.createAsync('onepassword_accounts', 'prod', {
      region_host: 'events.1password.com',
    });
    expect(stanza.name).toBe('prod');
    expect(stanza.properties()['region_host']).toBe('events.1password.com');

    const file = await configs.getConfFile('onepassword_accounts');
    expect(file?.list().map((s) => s.name)).toEqual(['prod']);

    const again = await configs.createAsync('onepassword_accounts', 'prod', {
      proxy_url: 'https://proxy:3128',
    });
    expect(again.properties()).toMatchObject({
      region_host: 'events.1password.com',
      proxy_url: 'https://proxy:3128',
    });
    const ours = await client.call('GET', `${nsApp}/configs/conf-onepassword_accounts/prod`);
    expect(ours.body.entry[0].content).toMatchObject({
      region_host: 'events.1password.com',
      proxy_url: 'https://proxy:3128',
    });

    await again.remove();
    expect(
      (await client.call('GET', `${nsApp}/configs/conf-onepassword_accounts/prod`)).status,
    ).toBe(404);
    expect(splunkd.confText('onepassword_accounts')).toBe('');
  });

  it('creates an empty conf file through properties (__conf) when the file does not exist yet', async () => {
    const configs = sdk.configurations({ owner: 'nobody', app });
    expect(await configs.getConfFile('onepassword_settings')).toBeNull();
    await configs.createAsync('onepassword_settings', 'logging', { log_level: 'DEBUG' });
    expect(splunkd.confText('onepassword_settings')).toContain('[logging]\nlog_level = DEBUG');
  });
});
