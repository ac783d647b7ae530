/**
 * Invalid and hostile inputs — stanza parameters, stored tokens and endpoints, conf values, proxy
 * URLs, CA files — each through the packaged launcher, after events have been collected: a specific
 * message at --validate-arguments and in an ERROR line at run time, never a stack trace or an
 * unprefixed stderr line, nothing delivered or checkpointed by the bad run, and in the end (input
 * fixed) every event exactly once. test/integration/collector/validation.test.ts has 16 other cases.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feedIds } from '../../../src/core/feeds';
import { startTestbed, type RunResult, type Testbed } from '../../support/harness';
import { parseXmlDocument } from '../../../src/splunk/xml-tree';
import {
  expectAbsent,
  expectCleanStderr,
  Ledger,
  deleteSecret,
  saveAccountSecret,
  saveNetwork,
  saveRawSecret,
  startConnectProxy,
  writeConf,
  writeSecret,
} from './support';

interface BadInput {
  readonly name: string;
  /** Stanza parameters that replace the good ones. */
  readonly params?: Record<string, string>;
  /** Makes the bad change (conf, secret) and returns how to undo it. */
  readonly apply?: (bed: Testbed, ctx: Context) => Promise<() => Promise<void>>;
  /** Must match the validation message and one run-time ERROR line. */
  readonly message: RegExp;
}

interface Context {
  readonly token: string;
  readonly dir: string;
}

const account = 'victim';
const good = { account, limit: '50', max_run_seconds: '10' };

const conf =
  (file: string, stanza: string, values: Record<string, string>) =>
  async (bed: Testbed): Promise<() => Promise<void>> => {
    await writeConf(bed, file, stanza, values);
    return async () =>
      writeConf(bed, file, stanza, Object.fromEntries(Object.keys(values).map((k) => [k, ''])));
  };

const accountConf = (values: Record<string, string>) =>
  conf('onepassword_accounts', account, values);

const restoreSecret = (bed: Testbed, ctx: Context) => () =>
  saveAccountSecret(bed, account, { token: ctx.token, endpoint: bed.sim.url });

const secret =
  (make: (bed: Testbed, ctx: Context) => { token: string; endpoint?: string }) =>
  async (bed: Testbed, ctx: Context): Promise<() => Promise<void>> => {
    await saveAccountSecret(bed, account, make(bed, ctx));
    return restoreSecret(bed, ctx);
  };

/** Stores secret text that is not the {token, endpoint} JSON the setup page writes. */
const rawSecret =
  (text: string) =>
  async (bed: Testbed, ctx: Context): Promise<() => Promise<void>> => {
    await saveRawSecret(bed, account, text);
    return restoreSecret(bed, ctx);
  };

/** The official-host override only applies without a custom endpoint, so drop it too. */
const regionHost = (value: string) => async (bed: Testbed, ctx: Context) => {
  await saveAccountSecret(bed, account, { token: ctx.token });
  const undo = await accountConf({ region_host: value })(bed);
  return async () => {
    await undo();
    await saveAccountSecret(bed, account, { token: ctx.token, endpoint: bed.sim.url });
  };
};

/** The account's stored proxy and CA settings (the testbed trusts the simulator's CA there). */
const accountNetwork =
  (values: (bed: Testbed, ctx: Context) => { proxy_url?: string; ca_bundle_path?: string }) =>
  async (bed: Testbed, ctx: Context): Promise<() => Promise<void>> => {
    await saveNetwork(bed, account, { ca_bundle_path: bed.sim.caPath, ...values(bed, ctx) });
    return () => saveNetwork(bed, account, { ca_bundle_path: bed.sim.caPath });
  };

const proxyUrl = (url: string) => accountNetwork(() => ({ proxy_url: url }));

const caBundle = (path: (bed: Testbed, ctx: Context) => string) =>
  accountNetwork((bed, ctx) => ({ ca_bundle_path: path(bed, ctx) }));

const endpoint = (url: (bed: Testbed) => string) =>
  secret((bed, ctx) => ({ token: ctx.token, endpoint: url(bed) }));

const notRfc3339 = (value: string): RegExp =>
  new RegExp(`start_time "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is neither RFC 3339`);

const cases: readonly BadInput[] = [
  // Stanza parameters
  {
    name: 'limit "abc"',
    params: { limit: 'abc' },
    message: /limit must be a whole number from 1 to 1000, not "abc"/,
  },
  {
    name: 'limit "-5"',
    params: { limit: '-5' },
    message: /limit must be a whole number from 1 to 1000, not "-5"/,
  },
  {
    name: 'limit "1e3"',
    params: { limit: '1e3' },
    message: /limit must be a whole number from 1 to 1000, not "1e3"/,
  },
  {
    name: 'limit "12.5"',
    params: { limit: '12.5' },
    message: /limit must be a whole number from 1 to 1000, not "12\.5"/,
  },
  {
    name: 'limit "0x10"',
    params: { limit: '0x10' },
    message: /limit must be a whole number from 1 to 1000, not "0x10"/,
  },
  {
    name: 'max_run_seconds "5"',
    params: { max_run_seconds: '5' },
    message: /max_run_seconds must be a whole number from 10 to 3600, not "5"/,
  },
  {
    name: 'max_run_seconds "3601"',
    params: { max_run_seconds: '3601' },
    message: /max_run_seconds must be a whole number from 10 to 3600, not "3601"/,
  },
  {
    name: 'max_run_seconds "forever"',
    params: { max_run_seconds: 'forever' },
    message: /max_run_seconds must be a whole number from 10 to 3600, not "forever"/,
  },
  { name: 'feeds ",,"', params: { feeds: ',,' }, message: /feeds: select at least one feed/ },
  {
    name: 'feeds with one unknown',
    params: { feeds: 'signinattempts,audit' },
    message: /feeds: unknown feed "audit"/,
  },
  {
    name: 'feeds by display name',
    params: { feeds: 'sign-in attempts' },
    message: /feeds: unknown feed "sign-in attempts"/,
  },
  {
    name: 'index "_internal"',
    params: { index: '_internal' },
    message: /index "_internal" is not a valid Splunk index name/,
  },
  {
    name: 'index "Main"',
    params: { index: 'Main' },
    message: /index "Main" is not a valid Splunk index name/,
  },
  {
    name: 'index with a space',
    params: { index: 'one password' },
    message: /index "one password" is not a valid Splunk index name/,
  },
  {
    name: 'account with a colon',
    params: { account: 'acct:evil' },
    message: /account must be 1-64 letters, digits/,
  },
  {
    name: 'account of 65 characters',
    params: { account: 'a'.repeat(65) },
    message: /account must be 1-64 letters, digits/,
  },
  {
    name: 'account starting with "-"',
    params: { account: '-victim' },
    message: /account must be 1-64 letters, digits/,
  },
  {
    name: 'account with a slash',
    params: { account: 'victim/../x' },
    message: /account must be 1-64 letters, digits/,
  },
  {
    name: 'start_time month 13',
    params: { start_time: '2026-13-01T00:00:00Z' },
    message: notRfc3339('2026-13-01T00:00:00Z'),
  },
  {
    name: 'start_time February 30',
    params: { start_time: '2026-02-30T00:00:00Z' },
    message: notRfc3339('2026-02-30T00:00:00Z'),
  },
  { name: 'start_time "+7d"', params: { start_time: '+7d' }, message: notRfc3339('+7d') },
  {
    name: 'start_time in epoch seconds',
    params: { start_time: '1767225600' },
    message: notRfc3339('1767225600'),
  },
  {
    name: 'start_time without a time',
    params: { start_time: '2026-01-01' },
    message: notRfc3339('2026-01-01'),
  },
  {
    name: 'start_time without a zone',
    params: { start_time: '2026-01-01T00:00:00' },
    message: notRfc3339('2026-01-01T00:00:00'),
  },
  {
    name: 'start_time beyond any date',
    params: { start_time: '-9999999999999d' },
    message: notRfc3339('-9999999999999d'),
  },
  {
    name: 'log_level "TRACE"',
    params: { log_level: 'TRACE' },
    message: /log_level must be DEBUG, INFO, WARN or ERROR, not "TRACE"/,
  },

  // Stored tokens
  {
    name: 'a secret that is not JSON',
    apply: rawSecret('{"token": '),
    message: /the stored account secret is not readable; save the account again on the setup page/,
  },
  {
    name: 'a secret without a token',
    apply: rawSecret('{"endpoint":"https://events.1password.com"}'),
    message: /the stored account secret has no token; save the account again/,
  },
  {
    name: 'a token that is not a JWT',
    apply: secret((bed) => ({ token: 'op-events-token-123', endpoint: bed.sim.url })),
    message: /This is not an Events API token: a token has three dot-separated parts/,
  },
  {
    name: 'a token of blanks',
    apply: secret((bed) => ({ token: '   ', endpoint: bed.sim.url })),
    message: /No token was given|the stored account secret has no token/,
  },
  {
    name: 'a token for a foreign host, no endpoint',
    apply: secret((bed) => ({ token: bed.sim.issueToken({ aud: 'evil.example.com' }) })),
    message:
      /The token is for "evil\.example\.com", which is not an official 1Password events host/,
  },
  {
    name: 'a token with two audiences',
    apply: secret((bed) => ({
      token: bed.sim.issueToken({ aud: ['events.1password.com', 'evil.example.com'] }),
      endpoint: bed.sim.url,
    })),
    message: /The token is not for any 1Password events host/,
  },
  {
    name: 'a token that grants no feed',
    apply: secret((bed) => ({
      token: bed.sim.issueToken({ features: [] }),
      endpoint: bed.sim.url,
    })),
    message: /The token grants no feeds/,
  },

  // Custom endpoints (recorded beside the token)
  {
    name: 'an http:// endpoint',
    apply: endpoint((bed) => bed.sim.url.replace('https:', 'http:')),
    message: /The custom endpoint must use https:\/\/; the token is never sent in clear text/,
  },
  {
    name: 'an endpoint with userinfo',
    apply: endpoint((bed) => bed.sim.url.replace('https://', 'https://user:pw@')),
    message: /The custom endpoint must not contain a user name or password/,
  },
  {
    name: 'an endpoint with a path',
    apply: endpoint((bed) => `${bed.sim.url}/api/v2`),
    message: /origin only \(https:\/\/host\[:port\]\), without a path or query/,
  },
  {
    name: 'an endpoint with a query',
    apply: endpoint((bed) => `${bed.sim.url}/?region=eu`),
    message: /origin only \(https:\/\/host\[:port\]\), without a path or query/,
  },
  {
    name: 'an endpoint that is not a URL',
    apply: endpoint(() => 'events dot 1password dot com'),
    message: /"events dot 1password dot com" is not a URL/,
  },
  {
    name: 'an endpoint on an unknown host',
    apply: endpoint(() => 'https://unknown-host.invalid'),
    message: /could not reach unknown-host\.invalid: ENOTFOUND/,
  },
  {
    name: 'an endpoint on an IPv6 literal nothing listens on',
    apply: endpoint((bed) => `https://[::1]:${bed.sim.port}`),
    message: /could not reach \[::1\]:\d+: ECONNREFUSED/,
  },

  // onepassword_accounts.conf
  {
    name: 'region_host not a 1Password host',
    apply: regionHost('evil.example.com'),
    message: /region_host "evil\.example\.com" is not an official 1Password events host/,
  },
  {
    name: 'region_host as a URL',
    apply: regionHost('https://events.1password.com'),
    message:
      /region_host "https:\/\/events\.1password\.com" is not an official 1Password events host/,
  },
  {
    name: 'region_host with a suffix',
    apply: regionHost('events.1password.com.evil.example'),
    message: /region_host "events\.1password\.com\.evil\.example" is not an official/,
  },
  {
    name: 'region_host with userinfo',
    apply: regionHost('user@events.1password.com'),
    message: /region_host "user@events\.1password\.com" is not an official/,
  },
  {
    name: 'region_host as an IP literal',
    apply: regionHost('127.0.0.1'),
    message: /region_host "127\.0\.0\.1" is not an official/,
  },
  {
    name: 'region_host with a port',
    apply: regionHost('events.1password.com:8443'),
    message: /region_host "events\.1password\.com:8443" is not an official/,
  },
  {
    name: 'proxy_url socks5://',
    apply: proxyUrl('socks5://127.0.0.1:1080'),
    message: /proxy_url: The proxy URL must start with http:\/\/ or https:\/\//,
  },
  {
    name: 'proxy_url with credentials',
    apply: proxyUrl('http://user:s3cret@127.0.0.1:3128'),
    message: /proxy_url: Do not put credentials in the proxy URL/,
  },
  {
    name: 'proxy_url without a scheme',
    apply: proxyUrl('proxy.example.com:3128'),
    message: /proxy_url: The proxy URL must start with http:\/\/ or https:\/\//,
  },
  {
    name: 'proxy_url with a path',
    apply: proxyUrl('http://127.0.0.1:3128/proxy'),
    message: /proxy_url: The proxy URL is scheme, host and port only, without a path or query/,
  },
  {
    name: 'proxy_url that is not a URL',
    apply: proxyUrl('http://'),
    message: /proxy_url: "http:\/\/" is not a URL/,
  },
  {
    name: 'a global proxy_url with a bad scheme',
    apply: async (bed) => {
      await saveNetwork(bed, '_global', { proxy_url: 'ftp://127.0.0.1:21' });
      return () => deleteSecret(bed, 'network:_global');
    },
    message: /proxy_url: The proxy URL must start with http:\/\/ or https:\/\//,
  },
  {
    // The message must name the proxy that refused, not only the 1Password host behind it.
    name: 'a proxy nothing listens on',
    apply: proxyUrl('http://127.0.0.1:9'),
    message: /ECONNREFUSED \S*127\.0\.0\.1:9\b/,
  },
  {
    name: 'unreadable proxy credentials',
    apply: async (bed, ctx) => {
      const undoNetwork = await proxyUrl('http://127.0.0.1:9')(bed, ctx);
      await writeSecret(bed, `proxy:${account}`, 'user=me;pw=x');
      return async () => {
        await deleteSecret(bed, `proxy:${account}`);
        await undoNetwork();
      };
    },
    message: /the stored proxy credentials are not readable; save them again on the setup page/,
  },
  {
    name: 'ca_bundle_path missing',
    apply: caBundle((_b, ctx) => join(ctx.dir, 'missing.pem')),
    message: /ca_bundle_path \S+missing\.pem cannot be read: ENOENT/,
  },
  {
    name: 'ca_bundle_path a directory',
    apply: caBundle((_b, ctx) => ctx.dir),
    message: /ca_bundle_path \S+ cannot be read: EISDIR/,
  },
  {
    name: 'ca_bundle_path not PEM',
    apply: caBundle((_b, ctx) => join(ctx.dir, 'not-pem.pem')),
    message: /ca_bundle_path \S+not-pem\.pem holds no PEM certificate/,
  },
  {
    name: 'ca_bundle_path of another CA',
    apply: caBundle((bed) => bed.splunkd.caPath),
    message: /TLS verification of localhost:\d+ failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
  },
  {
    name: 'ca_bundle_path with a corrupt certificate',
    apply: caBundle((_b, ctx) => join(ctx.dir, 'corrupt.pem')),
    message: /ca_bundle_path \S+corrupt\.pem: certificate 1 of 1 is not a valid X\.509 certificate/,
  },
  {
    name: 'unreadable proxy and CA settings',
    apply: async (bed) => {
      await writeSecret(bed, `network:${account}`, 'proxy=http://127.0.0.1:9');
      return () => saveNetwork(bed, account, { ca_bundle_path: bed.sim.caPath });
    },
    message:
      /the stored proxy and CA settings \(network:victim\) are not readable; save them again on the setup page's Proxy tab/,
  },

  // onepassword_settings.conf
  {
    name: 'request_timeout_seconds "0"',
    apply: conf('onepassword_settings', 'general', { request_timeout_seconds: '0' }),
    message: /request_timeout_seconds must be a whole number from 1 to 600, not "0"/,
  },
  {
    name: 'request_timeout_seconds "601"',
    apply: conf('onepassword_settings', 'general', { request_timeout_seconds: '601' }),
    message: /request_timeout_seconds must be a whole number from 1 to 600, not "601"/,
  },
  {
    name: 'request_timeout_seconds "ten"',
    apply: conf('onepassword_settings', 'general', { request_timeout_seconds: 'ten' }),
    message: /request_timeout_seconds must be a whole number from 1 to 600, not "ten"/,
  },
  {
    name: 'request_timeout_seconds "1.5"',
    apply: conf('onepassword_settings', 'general', { request_timeout_seconds: '1.5' }),
    message: /request_timeout_seconds must be a whole number from 1 to 600, not "1\.5"/,
  },
];

describe('bad inputs after events were collected', () => {
  let bed: Testbed;
  let ledger: Ledger;
  let ctx: Context;
  const cursors = (): string =>
    JSON.stringify(
      bed
        .kvDocs('onepassword_checkpoints')
        .filter((d) => d['account'] === account && d['kind'] !== 'lease' && d['feed'] !== 'budget')
        .map((d) => [d['_key'], d['cursor'], d['events_total']])
        .sort(),
    );

  beforeAll(async () => {
    bed = await startTestbed({
      simulator: {
        seed: 'bad-input',
        counts: { signinattempts: 5, itemusages: 5, auditevents: 5 },
      },
    });
    ledger = new Ledger(bed);
    const token = await ledger.account(account, {
      signinattempts: 120,
      itemusages: 90,
      auditevents: 60,
    });
    const dir = join(bed.dir, 'bad-files');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'not-pem.pem'), 'this is a CA bundle, honest\n');
    writeFileSync(
      join(dir, 'corrupt.pem'),
      '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n',
    );
    ctx = { token, dir };
    // Collected and checkpointed before any bad input arrives.
    const first = await bed.run(account, good);
    expect(first.exitCode).toBe(0);
    ledger.record(account, first.events);
    expect(first.events.length).toBe(270);
  });
  afterAll(() => bed.stop());

  async function validate(params: Record<string, string>): Promise<RunResult> {
    const r = await bed.validate(account, params);
    expectCleanStderr(r);
    return r;
  }

  it('has at least 40 distinct bad inputs', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, bad) => {
    // New events wait upstream: a bad run must neither deliver nor skip them.
    for (const feed of feedIds) ledger.addEvents(account, feed, 2);
    const before = cursors();
    const params = { ...good, ...bad.params };
    const undo = bad.apply ? await bad.apply(bed, ctx) : async () => undefined;
    try {
      const v = await validate(params);
      const doc = v.stdout === '' ? undefined : parseXmlDocument(v.stdout);
      expect({ exit: v.exitCode, root: doc?.name }).toEqual({ exit: 1, root: 'error' });
      expect(doc?.children[0]?.text).toMatch(bad.message);

      const r = await bed.run(account, params);
      expectCleanStderr(r);
      ledger.record(account, r.events);
      expect(r.exitCode).toBe(0);
      expect(r.byLevel.FATAL).toEqual([]);
      expect(r.byLevel.ERROR.length).toBeGreaterThanOrEqual(1);
      expect(r.byLevel.ERROR.filter((l) => bad.message.test(l))).not.toEqual([]);
      expect(r.events).toEqual([]);
      expect(cursors()).toBe(before);
      const printed = r.stdout + r.stderr + v.stdout + v.stderr;
      expectAbsent(ctx.token, printed, `the output of ${bad.name}`);
      expect(printed).not.toContain('s3cret'); // the proxy password of one case
    } finally {
      await undo();
    }
  });

  it('collects through a reachable proxy (the control for the proxy cases)', async () => {
    const proxy = await startConnectProxy();
    try {
      const token = await ledger.account(
        'proxied',
        { signinattempts: 40, itemusages: 30, auditevents: 20 },
        { network: { proxy_url: proxy.url, ca_bundle_path: bed.sim.caPath } },
      );
      await writeSecret(
        bed,
        'proxy:proxied',
        JSON.stringify({ username: 'squid', password: 'proxy-pass-123' }),
      );
      const r = await bed.run('proxied', { account: 'proxied', max_run_seconds: '10' });
      expectCleanStderr(r);
      ledger.record('proxied', r.events);
      expect(r.byLevel.ERROR).toEqual([]);
      expect(ledger.tally('proxied')).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
      // Every request went through the tunnel; the proxy saw its own credentials, never the token.
      expect(proxy.connects.length).toBeGreaterThan(0);
      expect(new Set(proxy.connects)).toEqual(new Set([bed.sim.host]));
      expect(proxy.heads[0]).toContain(
        `"proxy-authorization":"Basic ${Buffer.from('squid:proxy-pass-123').toString('base64')}"`,
      );
      expectAbsent(token, proxy.relayed() + proxy.heads.join('\n'), 'what the proxy relayed');
      expect(r.stdout + r.stderr).not.toContain('proxy-pass-123');
    } finally {
      await proxy.stop();
    }
  });

  it('a start_time beyond any date is refused before a first run needs it', async () => {
    // With a checkpoint, start_time is ignored; a new account's first run has to use it.
    await ledger.account('fresh', { signinattempts: 3, itemusages: 3, auditevents: 3 });
    const params = { account: 'fresh', start_time: '-9999999999999d', max_run_seconds: '10' };
    const r = await bed.run('fresh', params);
    expectCleanStderr(r);
    ledger.record('fresh', r.events);
    expect(r.byLevel.ERROR).toEqual([
      expect.stringMatching(
        /^ERROR Invalid input "onepassword_events:\/\/fresh": start_time "-9999999999999d" is neither RFC 3339/,
      ),
    ]);
  });

  it('loses and repeats nothing once the input is fixed', async () => {
    const r = await bed.run(account, good);
    expectCleanStderr(r);
    ledger.record(account, r.events);
    expect(r.byLevel.ERROR).toEqual([]);
    expect(ledger.tally(account)).toEqual({
      received: ledger.expected(account).length,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
    });
  });
});
