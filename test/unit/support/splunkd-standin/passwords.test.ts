import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, app, nsApp } from './client';

const realm = 'TA-1password-events';
const tokenJson = JSON.stringify({
  token: 'eyJhbGciOiJFUzI1NiJ9.canary-token-value',
  endpoint: 'https://events.1password.com',
});

describe('splunkd stand-in: storage/passwords', () => {
  let splunkd: Splunkd;
  let client: StandinClient;
  let powerKey: string;

  beforeEach(async () => {
    splunkd = await startSplunkd();
    client = new StandinClient(splunkd);
    splunkd.addUser({ name: 'analyst', roles: ['power'] });
    powerKey = splunkd.createSessionKey('analyst');
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  const create = (
    username: string,
    password: string,
    options: { session?: string; path?: string } = {},
  ) =>
    client.call('POST', options.path ?? `${nsApp}/storage/passwords`, {
      form: { name: username, password, realm },
      ...(options.session === undefined ? {} : { session: options.session }),
    });

  it('creates an entry named <realm>:<name>: with colons in the username escaped, and answers 201', async () => {
    const res = await create('account:prod', tokenJson);
    expect(res.status).toBe(201);
    const entry = res.body.entry[0];
    expect(entry.name).toBe('TA-1password-events:account\\:prod:');
    expect(entry.content).toMatchObject({
      username: 'account:prod',
      realm,
      clear_password: tokenJson,
      password: '********',
    });
    expect(entry.content.encr_password).toMatch(/^\$7\$/);
    expect(entry.acl).toMatchObject({ app, owner: 'nobody', sharing: 'app' });
  });

  it('reads the entity by its URL-encoded name and by the unescaped name', async () => {
    await create('account:prod', tokenJson);
    const name = 'TA-1password-events:account\\:prod:';
    const encoded = await client.call(
      'GET',
      `${nsApp}/storage/passwords/${encodeURIComponent(name)}`,
    );
    expect(encoded.status).toBe(200);
    expect(encoded.body.entry[0].content.clear_password).toBe(tokenJson);
    const raw = await client.call(
      'GET',
      `${nsApp}/storage/passwords/${name.replace(/\\/g, '%5C')}`,
    );
    expect(raw.status).toBe(200);
    expect(raw.body.entry).toHaveLength(1);
  });

  it('resolves realm:user without the trailing colon, and a bare user to an empty realm', async () => {
    await create('plain', 'p1');
    await client.call('POST', `${nsApp}/storage/passwords`, {
      form: { name: 'norealm', password: 'p2' },
    });
    const noTrailing = await client.call('GET', `${nsApp}/storage/passwords/${realm}:plain`);
    expect(noTrailing.body.entry[0].content.clear_password).toBe('p1');
    const bare = await client.call('GET', `${nsApp}/storage/passwords/norealm`);
    expect(bare.body.entry[0].name).toBe(':norealm:');
  });

  it('answers 409 for a duplicate and leaves the stored value alone', async () => {
    await create('account:prod', 'first');
    const dup = await create('account:prod', 'second');
    expect(dup.status).toBe(409);
    expect(dup.body.messages[0]).toEqual({
      type: 'ERROR',
      text: 'An object with name=TA-1password-events:account\\:prod: already exists',
    });
    const read = await client.call(
      'GET',
      `${nsApp}/storage/passwords/${encodeURIComponent('TA-1password-events:account\\:prod:')}`,
    );
    expect(read.body.entry[0].content.clear_password).toBe('first');
  });

  it('updates with POST password=… and deletes with DELETE, then 404s', async () => {
    await create('proxy:_global', 'old');
    const path = `${nsApp}/storage/passwords/${encodeURIComponent('TA-1password-events:proxy\\:_global:')}`;
    const updated = await client.call('POST', path, { form: { password: 'new' } });
    expect(updated.status).toBe(200);
    expect(updated.body.entry[0].content.clear_password).toBe('new');
    const missingArg = await client.call('POST', path, { form: {} });
    expect(missingArg.status).toBe(400);
    const deleted = await client.call('DELETE', path);
    expect(deleted.status).toBe(200);
    expect(deleted.body.entry).toEqual([]);
    const gone = await client.call('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.body.messages[0].text).toBe(
      'Could not find object id=TA-1password-events:proxy\\:_global:',
    );
    expect((await client.call('DELETE', path)).status).toBe(404);
  });

  it('rejects a create without password with the missing-arguments message', async () => {
    const res = await client.call('POST', `${nsApp}/storage/passwords`, { form: { name: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.messages[0].text).toBe(
      'The following required arguments are missing: password.',
    );
  });

  it('forbids listing, reading, creating and deleting without the capabilities (403, naming them)', async () => {
    await create('account:prod', tokenJson);
    const list = await client.call('GET', `${nsApp}/storage/passwords`, { session: powerKey });
    expect(list.status).toBe(403);
    expect(list.body.messages[0].text).toBe(
      'You (user=analyst) do not have permission to perform this operation (requires capability: list_storage_passwords OR admin_all_objects).',
    );
    const read = await client.call(
      'GET',
      `${nsApp}/storage/passwords/${encodeURIComponent('TA-1password-events:account\\:prod:')}`,
      {
        session: powerKey,
      },
    );
    expect(read.status).toBe(403);
    const post = await create('account:other', 'x', { session: powerKey });
    expect(post.status).toBe(403);
    expect(post.body.messages[0].text).toContain(
      'requires capability: edit_storage_passwords OR admin_all_objects',
    );
    const del = await client.call(
      'DELETE',
      `${nsApp}/storage/passwords/${encodeURIComponent('TA-1password-events:account\\:prod:')}`,
      {
        session: powerKey,
      },
    );
    expect(del.status).toBe(403);
    expect(splunkd.secrets()).toHaveLength(1);
  });

  it('lets list_storage_passwords read but not write', async () => {
    splunkd.addUser({ name: 'reader', roles: ['user'], capabilities: ['list_storage_passwords'] });
    const key = splunkd.createSessionKey('reader');
    await create('account:prod', tokenJson);
    const list = await client.call('GET', `${nsApp}/storage/passwords`, { session: key });
    expect(list.status).toBe(200);
    expect(list.body.entry[0].content.clear_password).toBe(tokenJson);
    expect(list.body.entry[0].acl.can_write).toBe(false);
    expect((await create('account:two', 'x', { session: key })).status).toBe(403);
  });

  it('lets the modular input session (splunk-system-user) read secrets', async () => {
    await create('account:prod', tokenJson);
    const res = await client.call('GET', `${nsApp}/storage/passwords`, {
      session: splunkd.systemSessionKey,
      query: { search: `realm=${realm}`, count: '-1' },
    });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { name: string }) => e.name)).toEqual([
      'TA-1password-events:account\\:prod:',
    ]);
  });

  it('filters with search=field=value and pages with count/offset', async () => {
    for (const n of ['a', 'b', 'c']) await create(`account:${n}`, n);
    await client.call('POST', `${nsApp}/storage/passwords`, {
      form: { name: 'other', password: 'x', realm: 'elsewhere' },
    });
    const filtered = await client.call('GET', `${nsApp}/storage/passwords`, {
      query: { search: `realm=${realm}` },
    });
    expect(filtered.body.entry).toHaveLength(3);
    expect(filtered.body.paging.total).toBe(3);
    const paged = await client.call('GET', `${nsApp}/storage/passwords`, {
      query: { count: '2', offset: '1' },
    });
    expect(paged.body.entry).toHaveLength(2);
    expect(paged.body.paging).toEqual({ total: 4, perPage: 2, offset: 1 });
  });

  it('keeps app secrets out of another app and out of a user namespace private view', async () => {
    await create('account:prod', tokenJson);
    const search = await client.call('GET', '/servicesNS/nobody/search/storage/passwords');
    expect(search.body.entry).toEqual([]);
    const wildcard = await client.call('GET', '/servicesNS/-/-/storage/passwords');
    expect(wildcard.body.entry).toHaveLength(1);
    const services = await client.call('GET', '/services/storage/passwords');
    expect(services.body.entry).toHaveLength(1);
  });

  it('stores user-namespace secrets privately to that user', async () => {
    const res = await client.call('POST', `/servicesNS/admin/${app}/storage/passwords`, {
      form: { name: 'mine', password: 'x', realm },
    });
    expect(res.body.entry[0].acl).toMatchObject({ owner: 'admin', sharing: 'user' });
    const nobody = await client.call('GET', `${nsApp}/storage/passwords`);
    expect(nobody.body.entry).toEqual([]);
    const mine = await client.call('GET', `/servicesNS/admin/${app}/storage/passwords`);
    expect(mine.body.entry).toHaveLength(1);
  });

  it('refuses to create in a wildcard namespace', async () => {
    const res = await create('x', 'y', { path: '/servicesNS/-/-/storage/passwords' });
    expect(res.status).toBe(400);
    expect(res.body.messages[0].text).toMatch(/wildcard/);
    expect(splunkd.secrets()).toEqual([]);
  });

  it('renders passwords.conf with $7$ values only, never the cleartext', async () => {
    await create('account:prod', tokenJson);
    await create('proxy:_global', '{"username":"u","password":"proxy-canary-pass"}');
    const conf = splunkd.passwordsConfText();
    expect(conf).toContain('[credential:TA-1password-events:account\\:prod:]');
    expect(conf).toMatch(/password = \$7\$[A-Za-z0-9+/=]+/);
    expect(conf).not.toContain('canary-token-value');
    expect(conf).not.toContain('proxy-canary-pass');
    expect(JSON.stringify(splunkd.secrets())).not.toContain('canary');
    expect(splunkd.secrets()).toEqual([
      expect.objectContaining({ name: 'TA-1password-events:account\\:prod:', app, sharing: 'app' }),
      expect.objectContaining({ username: 'proxy:_global', realm }),
    ]);
  });
});
