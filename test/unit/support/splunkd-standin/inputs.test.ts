import path from 'node:path';

import { SaxesParser } from 'saxes';

import type { Splunkd } from '../../../support/splunkd-standin';
import { startSplunkd } from '../../../support/splunkd-standin';
import { StandinClient, app, nsApp } from './client';

const validator = path.resolve(
  __dirname,
  '../../../support/splunkd-standin/fixtures/validator.mjs',
);
const inputs = `${nsApp}/data/inputs/onepassword_events`;

/** Element paths and texts of an XML document, e.g. ['items/item@name=prod', 'items/item/param@name=account:prod']. */
function outline(xml: string): string[] {
  const parser = new SaxesParser();
  const stack: string[] = [];
  const out: string[] = [];
  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    const attrs = Object.entries(tag.attributes).map(([k, v]) => `@${k}=${String(v)}`);
    out.push(`${stack.join('/')}${attrs.join('')}`);
  });
  parser.on('text', (text) => {
    if (text.trim() !== '') out.push(`${stack.join('/')}:${text}`);
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  return out;
}

describe('splunkd stand-in: data/inputs/onepassword_events with external validation', () => {
  let splunkd: Splunkd;
  let client: StandinClient;

  beforeEach(async () => {
    splunkd = await startSplunkd({
      validateWith: { command: process.execPath, args: [validator], timeoutMs: 2000 },
      confs: {
        [app]: {
          inputs: { onepassword_events: { interval: '60', index: 'onepassword', disabled: '1' } },
        },
      },
      serverHost: 'sh1',
      checkpointDir: '/opt/splunk/var/lib/splunk/modinputs/onepassword_events',
    });
    client = new StandinClient(splunkd);
  });

  afterEach(async () => {
    await client.close();
    await splunkd.stop();
  });

  it('runs --validate-arguments with the <items> document splunkd sends, then stores the stanza', async () => {
    const res = await client.call('POST', inputs, {
      form: { name: 'prod', account: 'prod', feeds: 'signinattempts' },
    });
    expect(res.status).toBe(201);
    expect(res.body.entry[0]).toMatchObject({
      name: 'prod',
      content: {
        account: 'prod',
        feeds: 'signinattempts',
        interval: '60',
        index: 'onepassword',
        disabled: true,
      },
    });
    const [run] = splunkd.validations();
    expect(run?.accepted).toBe(true);
    expect(run?.stderr).toBe(`INFO validating item=prod server_uri=${splunkd.url}\n`);
    const xml = outline(run?.xml ?? '');
    expect(xml).toEqual([
      'items',
      'items/server_host',
      'items/server_host:sh1',
      'items/server_uri',
      `items/server_uri:${splunkd.url}`,
      'items/session_key',
      expect.stringMatching(/^items\/session_key:\S{20,}$/),
      'items/checkpoint_dir',
      'items/checkpoint_dir:/opt/splunk/var/lib/splunk/modinputs/onepassword_events',
      'items/item@name=prod',
      'items/item/param@name=interval',
      'items/item/param:60',
      'items/item/param@name=index',
      'items/item/param:onepassword',
      'items/item/param@name=disabled',
      'items/item/param:1',
      'items/item/param@name=account',
      'items/item/param:prod',
      'items/item/param@name=feeds',
      'items/item/param:signinattempts',
    ]);
    expect(splunkd.confText('inputs')).toContain(
      '[onepassword_events://prod]\naccount = prod\nfeeds = signinattempts',
    );
  });

  it('hands the script a working splunk-system-user session key', async () => {
    await client.call('POST', inputs, { form: { name: 'prod', account: 'prod' } });
    const key =
      /<session_key>([^<]+)<\/session_key>/.exec(splunkd.validations()[0]?.xml ?? '')?.[1] ?? '';
    const ctx = await client.call('GET', '/services/authentication/current-context', {
      session: key,
    });
    expect(ctx.body.entry[0].content.username).toBe('splunk-system-user');
  });

  it('refuses the create with the script <message> as a 400 splunkd error and stores nothing', async () => {
    const res = await client.call('POST', inputs, {
      form: { name: 'broken', feeds: 'itemusages' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      messages: [
        {
          type: 'ERROR',
          text: 'Input broken: the account parameter is required & must name a configured account',
        },
      ],
    });
    expect(splunkd.inputs()).toEqual([]);
    expect(splunkd.validations()[0]).toMatchObject({ accepted: false, exitCode: 1 });
  });

  it('reports a script that fails without a message with splunkd’s "script running failed" text', async () => {
    const res = await client.call('POST', inputs, { form: { name: 'c', account: 'crash' } });
    expect(res.status).toBe(400);
    expect(res.body.messages[0].text).toBe(
      'Argument validation for scheme=onepassword_events: script running failed (exited with code 3).',
    );
  });

  it('kills a validation that runs past the timeout', async () => {
    const res = await client.call('POST', inputs, { form: { name: 'h', account: 'hang' } });
    expect(res.status).toBe(400);
    expect(res.body.messages[0].text).toBe(
      'Argument validation for scheme=onepassword_events: script running failed (killed by signal 9: Killed).',
    );
  }, 10_000);

  it('validates edits with the merged stanza and keeps the old values when refused', async () => {
    await client.call('POST', inputs, { form: { name: 'prod', account: 'prod' } });
    const ok = await client.call('POST', `${inputs}/prod`, { form: { feeds: 'auditevents' } });
    expect(ok.status).toBe(200);
    expect(outline(splunkd.validations()[1]?.xml ?? '')).toEqual(
      expect.arrayContaining(['items/item/param:prod', 'items/item/param:auditevents']),
    );
    const refused = await client.call('POST', `${inputs}/prod`, { form: { account: '' } });
    expect(refused.status).toBe(400);
    expect(splunkd.inputs()[0]?.params).toMatchObject({ account: 'prod', feeds: 'auditevents' });
  });

  it('enables and disables without validation, lists, deletes, and 409s a duplicate', async () => {
    await client.call('POST', inputs, { form: { name: 'prod', account: 'prod' } });
    expect(
      (await client.call('POST', inputs, { form: { name: 'prod', account: 'prod' } })).status,
    ).toBe(409);
    const enabled = await client.call('POST', `${inputs}/prod/enable`);
    expect(enabled.body.entry[0].content.disabled).toBe(false);
    expect(splunkd.inputs()[0]).toMatchObject({ name: 'prod', app, disabled: false });
    await client.call('POST', `${inputs}/prod/disable`);
    expect(splunkd.inputs()[0]?.disabled).toBe(true);
    expect(splunkd.validations()).toHaveLength(1);
    expect(
      (await client.call('GET', inputs)).body.entry.map((e: { name: string }) => e.name),
    ).toEqual(['prod']);
    expect((await client.call('DELETE', `${inputs}/prod`)).status).toBe(200);
    expect((await client.call('GET', `${inputs}/prod`)).status).toBe(404);
  });

  it('refuses a create in a wildcard namespace without running the script', async () => {
    const res = await client.call('POST', '/servicesNS/-/-/data/inputs/onepassword_events', {
      form: { name: 'w', account: 'w' },
    });
    expect(res.status).toBe(400);
    expect(splunkd.validations()).toEqual([]);
  });

  it('forbids input changes without admin_all_objects', async () => {
    splunkd.addUser({ name: 'analyst', roles: ['power'] });
    const res = await client.call('POST', inputs, {
      form: { name: 'x', account: 'x' },
      session: splunkd.createSessionKey('analyst'),
    });
    expect(res.status).toBe(403);
    expect(splunkd.validations()).toEqual([]);
  });

  it('builds the run-mode <input> document for a stored stanza', async () => {
    await client.call('POST', inputs, { form: { name: 'prod', account: 'prod' } });
    const xml = splunkd.inputDefinitionXml('prod');
    expect(outline(xml)).toEqual(
      expect.arrayContaining([
        `input/configuration/stanza@name=onepassword_events://prod@app=${app}`,
        'input/configuration/stanza/param@name=account',
        'input/server_uri:' + splunkd.url,
      ]),
    );
    expect(() => splunkd.inputDefinitionXml('missing')).toThrow(/no onepassword_events input/);
  });
});

describe('splunkd stand-in: two modular input kinds, as splunkd serves every registered scheme', () => {
  it('serves each kind at its own endpoint over its own stanzas, validated by its own script', async () => {
    const resident = `${nsApp}/data/inputs/onepassword_events_resident`;
    const splunkd = await startSplunkd({
      validateWith: { command: process.execPath, args: [validator], timeoutMs: 2000 },
      moreSchemes: [
        {
          scheme: 'onepassword_events_resident',
          validateWith: { command: process.execPath, args: [validator], timeoutMs: 2000 },
        },
      ],
      confs: {
        [app]: {
          inputs: {
            onepassword_events: { interval: '60', disabled: '1' },
            onepassword_events_resident: { interval: '60', disabled: '1', limit: '1000' },
          },
        },
      },
      checkpointDir: '/opt/splunk/var/lib/splunk/modinputs/onepassword_events',
    });
    const client = new StandinClient(splunkd);
    try {
      // One name in both kinds: two stanzas of inputs.conf, so splunkd accepts both.
      for (const endpoint of [inputs, resident]) {
        const res = await client.call('POST', endpoint, {
          form: { name: 'prod', account: 'prod' },
        });
        expect(res.status).toBe(201);
      }
      await client.call('POST', resident, { form: { name: 'other', account: 'other' } });
      const names = async (endpoint: string): Promise<string[]> =>
        (await client.call('GET', endpoint)).body.entry.map((e: { name: string }) => e.name).sort();
      expect(await names(inputs)).toEqual(['prod']);
      expect(await names(resident)).toEqual(['other', 'prod']);
      expect(splunkd.confText('inputs', app)).toMatch(/\[onepassword_events:\/\/prod\]/);
      expect(splunkd.confText('inputs', app)).toMatch(/\[onepassword_events_resident:\/\/prod\]/);
      // Each kind's defaults, each kind's script and checkpoint_dir (modinputs/<scheme>).
      expect(splunkd.inputs().map((i) => [i.scheme, i.name, i.params['limit']])).toEqual([
        ['onepassword_events', 'prod', undefined],
        ['onepassword_events_resident', 'prod', '1000'],
        ['onepassword_events_resident', 'other', '1000'],
      ]);
      const runs = splunkd.validations();
      expect(runs.map((v) => v.scheme)).toEqual([
        'onepassword_events',
        'onepassword_events_resident',
        'onepassword_events_resident',
      ]);
      expect(outline(runs[1]?.xml ?? '')).toContain(
        'items/checkpoint_dir:/opt/splunk/var/lib/splunk/modinputs/onepassword_events_resident',
      );
      // Enable, delete: only the stanza of the kind addressed.
      await client.call('POST', `${resident}/prod/enable`);
      expect((await client.call('DELETE', `${resident}/prod`)).status).toBe(200);
      expect(splunkd.inputs().map((i) => [i.scheme, i.name, i.disabled])).toEqual([
        ['onepassword_events', 'prod', true],
        ['onepassword_events_resident', 'other', true],
      ]);
      // A scheme no app registered has no endpoint.
      expect((await client.call('GET', `${nsApp}/data/inputs/onepassword_nothing`)).status).toBe(
        404,
      );
    } finally {
      await client.close();
      await splunkd.stop();
    }
  });
});

describe('splunkd stand-in: inputs without a validator', () => {
  it('accepts every change when no validateWith is configured', async () => {
    const splunkd = await startSplunkd();
    const client = new StandinClient(splunkd);
    const res = await client.call('POST', inputs, { form: { name: 'anything' } });
    expect(res.status).toBe(201);
    expect(splunkd.validations()).toEqual([]);
    await client.close();
    await splunkd.stop();
  });
});
