import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, nsApp } from './client';

describe('splunkd stand-in: namespaces, output modes and routing', () => {
  let splunkd: Splunkd;
  let client: StandinClient;

  beforeAll(async () => {
    splunkd = await startSplunkd();
    client = new StandinClient(splunkd);
  });

  afterAll(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('answers 404 for an app that is not installed', async () => {
    const res = await client.call('GET', '/servicesNS/nobody/not_an_app/storage/passwords');
    expect(res.status).toBe(404);
    expect(res.body.messages[0]).toEqual({
      type: 'ERROR',
      text: 'Application does not exist: not_an_app',
    });
  });

  it('accepts the system app and the - wildcard in the namespace', async () => {
    expect((await client.call('GET', '/servicesNS/nobody/system/configs/conf-macros')).status).toBe(
      200,
    );
    expect((await client.call('GET', '/servicesNS/-/-/configs/conf-macros')).status).toBe(200);
  });

  it('answers 404 Not Found for an endpoint it does not serve', async () => {
    const res = await client.call('GET', `${nsApp}/saved/searches`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ messages: [{ type: 'ERROR', text: 'Not Found' }] });
  });

  it('answers 404 for a path outside /services and /servicesNS, after nothing else', async () => {
    expect((await client.call('GET', '/en-US/app/search')).status).toBe(404);
    expect((await client.call('GET', '/servicesNS/nobody')).status).toBe(404);
  });

  it('refuses EAI calls without output_mode=json with a 400 XML message (no Atom rendering)', async () => {
    const res = await client.call('GET', `${nsApp}/storage/passwords`, { outputMode: false });
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/text\/xml/);
    expect(res.text).toContain('output_mode=json');
  });

  it('accepts output_mode in a form body, as splunkd merges query and body arguments', async () => {
    const res = await client.call('POST', `${nsApp}/storage/passwords`, {
      outputMode: false,
      form: { name: 'n', password: 'p', output_mode: 'json' },
    });
    expect(res.status).toBe(201);
    expect(res.body.entry[0].name).toBe(':n:');
  });

  it('renders entries with splunkd feed fields: links, origin, generator, paging, acl, id', async () => {
    const res = await client.call('GET', `${nsApp}/storage/passwords`);
    expect(res.body).toMatchObject({
      origin: `${splunkd.url}${nsApp}/storage/passwords`,
      generator: { version: '9.4.2' },
      paging: { total: 1, offset: 0 },
      messages: [],
      links: { create: `${nsApp}/storage/passwords/_new` },
    });
    const entry = res.body.entry[0];
    expect(entry.id).toBe(`${splunkd.url}${nsApp}/storage/passwords/%3An%3A`);
    expect(entry.acl.perms).toEqual({ read: ['*'], write: ['admin'] });
    expect(entry.content['eai:acl']).toBeNull();
    expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it('treats a trailing slash as the collection itself', async () => {
    const res = await client.call('GET', `${nsApp}/storage/passwords/`);
    expect(res.status).toBe(200);
    expect(res.body.entry).toHaveLength(1);
  });

  it('answers 405 for a method an endpoint does not support', async () => {
    const res = await client.call('DELETE', `${nsApp}/storage/passwords`);
    expect(res.status).toBe(405);
  });
});
