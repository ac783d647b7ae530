import type { Splunkd, SplunkdOptions } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, nsApp } from './client';

const coll = 'onepassword_checkpoints';
const data = `${nsApp}/storage/collections/data/${coll}`;

describe('splunkd stand-in: KV store data', () => {
  let splunkd: Splunkd;
  let client: StandinClient;

  beforeEach(async () => {
    splunkd = await startSplunkd({
      collections: [
        coll,
        { name: 'typed', fields: { n: 'number', s: 'string', b: 'bool' } },
        { name: 'strict', fields: { n: 'number' }, enforceTypes: true },
      ],
    });
    client = new StandinClient(splunkd);
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('inserts a JSON document (201, {_key}), generating a key and setting _user', async () => {
    const res = await client.call('POST', data, {
      json: { cursor: 'abc', nested: { n: 1 } },
      outputMode: false,
    });
    expect(res.status).toBe(201);
    expect(res.body._key).toMatch(/^[0-9a-f]{24}$/);
    const docs = splunkd.kv.documents(coll);
    expect(docs).toEqual([
      { _key: res.body._key, _user: 'nobody', cursor: 'abc', nested: { n: 1 } },
    ]);
  });

  it('answers JSON on KV data endpoints even without output_mode', async () => {
    const res = await client.call('GET', data, { outputMode: false });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/application\/json/);
    expect(res.body).toEqual([]);
  });

  it('answers 409 for a duplicate _key with the KV store message', async () => {
    await client.call('POST', data, { json: { _key: 'k1', v: 1 } });
    const dup = await client.call('POST', data, { json: { _key: 'k1', v: 2 } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      messages: [{ type: 'ERROR', text: 'A document with the same key and user already exists.' }],
    });
    expect(splunkd.kv.documents(coll)).toEqual([{ _key: 'k1', _user: 'nobody', v: 1 }]);
  });

  it('gets by key, 404s for a missing key, replaces with POST and deletes', async () => {
    await client.call('POST', data, { json: { _key: 'k1', a: 1, b: 2 } });
    const got = await client.call('GET', `${data}/k1`);
    expect(got.body).toEqual({ _key: 'k1', _user: 'nobody', a: 1, b: 2 });
    const missing = await client.call('GET', `${data}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.messages[0].text).toBe('Could not find object.');
    const replaced = await client.call('POST', `${data}/k1`, { json: { a: 9 } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ _key: 'k1' });
    expect((await client.call('GET', `${data}/k1`)).body).toEqual({
      _key: 'k1',
      _user: 'nobody',
      a: 9,
    });
    expect((await client.call('DELETE', `${data}/k1`)).status).toBe(200);
    expect((await client.call('GET', `${data}/k1`)).status).toBe(404);
    expect((await client.call('DELETE', `${data}/k1`)).status).toBe(404);
  });

  it('does not create a document by POSTing to a missing key (use batch_save to upsert)', async () => {
    const res = await client.call('POST', `${data}/ghost`, { json: { a: 1 } });
    expect(res.status).toBe(404);
    expect(splunkd.kv.documents(coll)).toEqual([]);
  });

  it('answers 404 for a collection that is not declared', async () => {
    const res = await client.call('GET', `${nsApp}/storage/collections/data/undeclared`);
    expect(res.status).toBe(404);
    expect(res.body.messages[0].text).toBe('Could not find object id=undeclared');
    const other = await client.call(
      'GET',
      `/servicesNS/nobody/search/storage/collections/data/${coll}`,
    );
    expect(other.status).toBe(404);
  });

  it('requires Content-Type: application/json and a JSON object body', async () => {
    const form = await client.call('POST', data, { form: { a: '1' } });
    expect(form.status).toBe(400);
    const array = await client.call('POST', data, { json: [{ a: 1 }] });
    expect(array.status).toBe(400);
    const broken = await client.call('POST', data, {
      raw: { body: '{nope', contentType: 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(splunkd.kv.documents(coll)).toEqual([]);
  });

  it('batch_save upserts by _key and returns the keys in order', async () => {
    await client.call('POST', data, { json: { _key: 'a', v: 1 } });
    const res = await client.call('POST', `${data}/batch_save`, {
      json: [{ _key: 'a', v: 2 }, { _key: 'b', v: 3 }, { v: 4 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.slice(0, 2)).toEqual(['a', 'b']);
    expect(res.body[2]).toMatch(/^[0-9a-f]{24}$/);
    const docs = splunkd.kv.documents(coll);
    expect(docs.find((d) => d['_key'] === 'a')).toEqual({ _key: 'a', _user: 'nobody', v: 2 });
    expect(docs).toHaveLength(3);
  });

  it('rejects a batch_save of more than 1000 documents with 400 and stores none of them', async () => {
    const docs = Array.from({ length: 1001 }, (_, i) => ({ _key: `k${i}` }));
    const res = await client.call('POST', `${data}/batch_save`, { json: docs });
    expect(res.status).toBe(400);
    expect(res.body.messages[0].text).toBe(
      'Request exceeds API limits - see limits.conf for details.',
    );
    expect(splunkd.kv.documents(coll)).toEqual([]);
    const exactly = await client.call('POST', `${data}/batch_save`, { json: docs.slice(0, 1000) });
    expect(exactly.status).toBe(200);
    expect(splunkd.kv.documents(coll)).toHaveLength(1000);
  });

  it('rejects a batch_save that is not an array of objects', async () => {
    expect((await client.call('POST', `${data}/batch_save`, { json: { _key: 'a' } })).status).toBe(
      400,
    );
    expect((await client.call('POST', `${data}/batch_save`, { json: [1, 2] })).status).toBe(400);
  });

  it('queries with operators, sort, fields, limit and skip', async () => {
    await client.call('POST', `${data}/batch_save`, {
      json: [
        { _key: 'a', feed: 'signinattempts', n: 1 },
        { _key: 'b', feed: 'itemusages', n: 5 },
        { _key: 'c', feed: 'auditevents', n: 3 },
        { _key: 'd', feed: 'signinattempts', n: 7 },
      ],
    });
    const query = JSON.stringify({ $or: [{ feed: 'signinattempts' }, { n: { $gte: 5 } }] });
    const res = await client.call('GET', data, {
      query: { query, sort: 'n:-1', fields: 'n', limit: '2', skip: '1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { _key: 'b', n: 5 },
      { _key: 'a', n: 1 },
    ]);
    const bad = await client.call('GET', data, { query: { query: '{"n":{"$in":[1]}}' } });
    expect(bad.status).toBe(400);
    expect((await client.call('GET', data, { query: { query: '{broken' } })).status).toBe(400);
  });

  it('batch_find runs each query and returns one result array per query', async () => {
    await client.call('POST', `${data}/batch_save`, {
      json: [
        { _key: 'a', n: 1 },
        { _key: 'b', n: 2 },
      ],
    });
    const res = await client.call('POST', `${data}/batch_find`, {
      json: [{ query: { n: 1 } }, { query: { n: { $gt: 0 } }, sort: 'n:-1', limit: 1 }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      [{ _key: 'a', _user: 'nobody', n: 1 }],
      [{ _key: 'b', _user: 'nobody', n: 2 }],
    ]);
  });

  it('DELETE on the collection removes the documents a query matches (all without a query)', async () => {
    await client.call('POST', `${data}/batch_save`, {
      json: [
        { _key: 'a', n: 1 },
        { _key: 'b', n: 2 },
      ],
    });
    await client.call('DELETE', data, { query: { query: '{"n":1}' } });
    expect(splunkd.kv.documents(coll).map((d) => d['_key'])).toEqual(['b']);
    await client.call('DELETE', data);
    expect(splunkd.kv.documents(coll)).toEqual([]);
  });

  it('keeps user-namespace records apart from nobody records unless shared=true', async () => {
    await client.call('POST', data, { json: { _key: 'shared', v: 1 } });
    const userData = `/servicesNS/admin/TA-1password-events/storage/collections/data/${coll}`;
    await client.call('POST', userData, { json: { _key: 'mine', v: 2 } });
    expect((await client.call('GET', userData)).body.map((d: { _key: string }) => d._key)).toEqual([
      'mine',
    ]);
    const both = await client.call('GET', userData, { query: { shared: 'true' } });
    expect(both.body.map((d: { _key: string }) => d._key).sort()).toEqual(['mine', 'shared']);
    expect((await client.call('GET', data)).body.map((d: { _key: string }) => d._key)).toEqual([
      'shared',
    ]);
  });

  it('converts declared field types and drops values that do not convert (enforceTypes=false)', async () => {
    const typed = `${nsApp}/storage/collections/data/typed`;
    await client.call('POST', typed, {
      json: { _key: 't', n: '42', s: 7, b: 'true', extra: 'kept' },
    });
    await client.call('POST', typed, { json: { _key: 'u', n: 'not a number' } });
    expect(splunkd.kv.documents('typed')).toEqual([
      { _key: 't', _user: 'nobody', n: 42, s: '7', b: true, extra: 'kept' },
      { _key: 'u', _user: 'nobody' },
    ]);
  });

  it('fails a write whose typed field does not convert when enforceTypes=true', async () => {
    const res = await client.call('POST', `${nsApp}/storage/collections/data/strict`, {
      json: { n: 'x' },
    });
    expect(res.status).toBe(400);
    expect(splunkd.kv.documents('strict')).toEqual([]);
  });

  it('logs KV calls with their status so tests can count checkpoint writes', async () => {
    await client.call('POST', `${data}/batch_save`, { json: [{ _key: 'a' }] });
    await client.call('POST', `${data}/batch_save`, { json: [{ _key: 'a' }] });
    await client.call('GET', `${data}/a`);
    await client.call('GET', '/services/server/info');
    const writes = splunkd.kv
      .calls()
      .filter((c) => c.method === 'POST' && c.path.endsWith('/batch_save'));
    expect(writes.map((c) => c.status)).toEqual([200, 200]);
    expect(splunkd.kv.calls()).toHaveLength(3);
    expect(splunkd.kv.calls()[2]).toMatchObject({ method: 'GET', status: 200, user: 'admin' });
  });
});

describe('splunkd stand-in: KV store lifecycle and faults', () => {
  let splunkd: Splunkd | undefined;
  let client: StandinClient | undefined;

  afterEach(async () => {
    await client?.close();
    await splunkd?.stop();
  });

  const boot = async (options: SplunkdOptions) => {
    splunkd = await startSplunkd({ collections: [coll], ...options });
    client = new StandinClient(splunkd);
    return { s: splunkd, c: client };
  };

  it('answers 503 "KV Store is initializing" on every KV endpoint while starting, then serves once ready', async () => {
    const { s, c } = await boot({ kvStore: 'starting' });
    for (const path of [
      data,
      `${data}/k`,
      `${data}/batch_save`,
      `${nsApp}/storage/collections/config`,
    ]) {
      const res = await c.call(path.endsWith('batch_save') ? 'POST' : 'GET', path, { json: [] });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        messages: [{ type: 'ERROR', text: 'KV Store is initializing. Please try again later.' }],
      });
    }
    expect((await c.call('GET', '/services/storage/passwords')).status).toBe(200);
    s.kv.setState('ready');
    expect((await c.call('GET', data)).status).toBe(200);
  });

  it('becomes ready by itself after a number of 503 answers', async () => {
    const { c } = await boot({ kvStore: { state: 'starting', readyAfterRequests: 2 } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await c.call('GET', data)).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it('becomes ready by itself after a delay', async () => {
    const { s, c } = await boot({ kvStore: { state: 'starting', readyAfterMs: 50 } });
    expect((await c.call('GET', data)).status).toBe(503);
    expect(s.kv.state()).toBe('starting');
    await new Promise((r) => setTimeout(r, 80));
    expect((await c.call('GET', data)).status).toBe(200);
    expect(s.kv.state()).toBe('ready');
  });

  it('answers 503 "KV Store is disabled." when [kvstore] disabled = true, and reports it in status', async () => {
    const { c } = await boot({ kvStore: 'disabled' });
    const res = await c.call('POST', `${data}/batch_save`, { json: [{ _key: 'a' }] });
    expect(res.status).toBe(503);
    expect(res.body.messages[0].text).toBe('KV Store is disabled.');
    const status = await c.call('GET', '/services/kvstore/status');
    expect(status.body.entry[0].content.current).toMatchObject({ status: 'disabled', disabled: 1 });
    const info = await c.call('GET', '/services/server/info');
    expect(info.body.entry[0].content.kvStoreStatus).toBe('disabled');
  });

  it('fails the next matching request once with an injected status, then serves normally', async () => {
    const { s, c } = await boot({});
    const fault = s.faults.inject({ path: /\/batch_save$/, method: 'POST', status: 503 });
    const first = await c.call('POST', `${data}/batch_save`, { json: [{ _key: 'a', v: 1 }] });
    expect(first.status).toBe(503);
    expect(fault.remaining()).toBe(0);
    expect(s.kv.documents(coll)).toEqual([]);
    const second = await c.call('POST', `${data}/batch_save`, { json: [{ _key: 'a', v: 1 }] });
    expect(second.status).toBe(200);
    expect(s.kv.calls().map((call) => call.status)).toEqual([503, 200]);
  });

  it('injects a custom body, a delay, and a dropped connection', async () => {
    const { s, c } = await boot({});
    s.faults.inject({
      path: /\/data\//,
      status: 500,
      body: { messages: [{ type: 'ERROR', text: 'boom' }] },
      count: 2,
    });
    expect((await c.call('GET', data)).body.messages[0].text).toBe('boom');
    expect((await c.call('GET', data)).status).toBe(500);
    expect((await c.call('GET', data)).status).toBe(200);

    s.faults.inject({ path: /\/data\//, resetConnection: true });
    await expect(c.call('GET', data)).rejects.toThrow();
    expect((await c.call('GET', data)).status).toBe(200);

    const slow = s.faults.inject({ path: /\/data\//, delayMs: 30 });
    expect((await c.call('GET', data)).status).toBe(200);
    expect(slow.remaining()).toBe(0);

    const armed = s.faults.inject({ path: /\/data\//, status: 502, count: Infinity });
    expect((await c.call('GET', data)).status).toBe(502);
    armed.cancel();
    expect((await c.call('GET', data)).status).toBe(200);
  });
});

describe('splunkd stand-in: KV collection config', () => {
  let splunkd: Splunkd;
  let client: StandinClient;
  const config = `${nsApp}/storage/collections/config`;

  beforeEach(async () => {
    splunkd = await startSplunkd({ collections: [coll] });
    client = new StandinClient(splunkd);
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('lists declared collections and reads one; 404 for an unknown one', async () => {
    const list = await client.call('GET', config);
    expect(list.body.entry.map((e: { name: string }) => e.name)).toEqual([coll]);
    expect((await client.call('GET', `${config}/${coll}`)).body.entry[0].acl.app).toBe(
      'TA-1password-events',
    );
    const missing = await client.call('GET', `${config}/onepassword_health`);
    expect(missing.status).toBe(404);
  });

  it('creates a collection (201) with typed fields, refuses a duplicate (409), deletes it', async () => {
    const created = await client.call('POST', config, {
      form: { name: 'onepassword_health', 'field.state': 'string' },
    });
    expect(created.status).toBe(201);
    expect(created.body.entry[0].content['field.state']).toBe('string');
    expect(
      (await client.call('POST', config, { form: { name: 'onepassword_health' } })).status,
    ).toBe(409);
    const insert = await client.call(
      'POST',
      `${nsApp}/storage/collections/data/onepassword_health`,
      { json: { state: 1 } },
    );
    expect(insert.status).toBe(201);
    expect(splunkd.kv.documents('onepassword_health')[0]?.['state']).toBe('1');
    expect((await client.call('DELETE', `${config}/onepassword_health`)).status).toBe(200);
    expect(
      (await client.call('GET', `${nsApp}/storage/collections/data/onepassword_health`)).status,
    ).toBe(404);
  });

  it('forbids collection changes without admin_all_objects', async () => {
    splunkd.addUser({ name: 'analyst', roles: ['power'] });
    const res = await client.call('POST', config, {
      form: { name: 'x' },
      session: splunkd.createSessionKey('analyst'),
    });
    expect(res.status).toBe(403);
    expect(res.body.messages[0].text).toContain('requires capability: admin_all_objects');
  });
});
