/**
 * Secret hygiene: a canary token goes through validation, collection and a series of faults, and
 * no byte of what the input leaves behind may contain it or a distinctive part of it — stdout,
 * stderr, every file under $SPLUNK_HOME (journals, checkpoint files), the running input's argv
 * and environment (read from /proc while it runs), .conf files, KV documents, REST answers a
 * browser could see — nor may any built package (every file of dist/*.spl) hold it or any JWT.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { FaultRule } from '../../support/events-api-sim';
import { repoRoot, startTestbed, type Testbed } from '../../support/harness';
import { expectCleanStderr, ns, startLive, writeConf } from './support';

/** The token and the parts of it that would identify it: payload, signature and slices of both. */
function needlesOf(token: string): string[] {
  const [, payload = '', signature = ''] = token.split('.');
  const slices = (part: string): string[] =>
    [0, Math.floor(part.length / 2) - 10, part.length - 20].map((at) => part.slice(at, at + 20));
  // Every 16 characters after the (generic) header: a token cut short anywhere still matches.
  const start = token.indexOf('.') + 1;
  const chunks: string[] = [];
  for (let at = start; at + 16 <= token.length; at += 16) chunks.push(token.slice(at, at + 16));
  return [token, payload, signature, ...slices(payload), ...slices(signature), ...chunks].filter(
    (n) => n.length >= 16,
  );
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Reads /proc/<pid>/{cmdline,environ} of a process and all its descendants. */
function procSnapshot(pid: number): string[] {
  const texts: string[] = [];
  const visit = (p: number, depth: number): void => {
    for (const file of ['cmdline', 'environ']) {
      try {
        texts.push(readFileSync(`/proc/${p}/${file}`).toString('latin1'));
      } catch {
        // exited meanwhile
      }
    }
    if (depth > 4) return;
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child), depth + 1);
      }
    } catch {
      // exited meanwhile
    }
  };
  visit(pid, 0);
  return texts;
}

describe('canary token', () => {
  let bed: Testbed;
  let token: string;
  let needles: string[];
  /** Everything the runs printed, by where it came from. */
  const printed: [string, string][] = [];

  const leaks = (text: string): string[] => needles.filter((n) => text.includes(n));
  const expectNoLeak = (place: string, text: string): void => {
    const found = leaks(text);
    // Never print the token itself: name the place and how many needles matched.
    if (found.length > 0) throw new Error(`${found.length} canary fragment(s) found in ${place}`);
  };

  beforeAll(async () => {
    bed = await startTestbed({
      simulator: {
        seed: 'canary',
        counts: { signinattempts: 2500, itemusages: 1500, auditevents: 1000 },
      },
    });
    token = await bed.addAccount({ name: 'canary' });
    needles = needlesOf(token);
    expect(needles.length).toBeGreaterThanOrEqual(7);
  });
  afterAll(() => bed.stop());

  async function validate(item: string, params: Record<string, string>) {
    const r = await bed.validate(item, params);
    expectCleanStderr(r);
    printed.push([`validation ${item} stdout`, r.stdout], [`validation ${item} stderr`, r.stderr]);
    return r;
  }

  it('validation: REST create, direct calls, the connection check, a refusal', async () => {
    await writeConf(bed, 'onepassword_settings', 'logging', { log_level: 'DEBUG' });
    const created = await bed.rest('POST', `${ns}/data/inputs/onepassword_events`, {
      name: 'canary',
      account: 'canary',
      index: 'onepassword',
      log_level: 'DEBUG',
    });
    expect(created.status).toBe(201);
    printed.push(['REST create answer', created.body]);
    for (const v of bed.splunkd.validations())
      printed.push(['splunkd validation', v.stdout + v.stderr + v.xml]);
    expect((await validate('canary', { account: 'canary', log_level: 'DEBUG' })).exitCode).toBe(0);
    expect((await validate('__check__canary', { account: 'canary', feeds: '' })).exitCode).toBe(0);
    const refused = await validate('canary', { account: 'canary', feeds: 'nope' });
    expect(refused.exitCode).toBe(1);
  });

  it('a run: its argv and environment never hold the token while it runs', async () => {
    // The stanza as splunkd stored it, run as the testbed's member (the one holding the lease).
    const stored = bed.splunkd.inputs().find((i) => i.name === 'canary');
    expect(stored?.params).toMatchObject({ account: 'canary', log_level: 'DEBUG' });
    const live = startLive(bed, bed.inputXml('canary', stored?.params as Record<string, string>));
    const samples = new Set<string>();
    const pid = live.child.pid as number;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const text of procSnapshot(pid)) samples.add(text);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const r = await live.done;
    sampling = false;
    await sampler;
    expectCleanStderr(r);
    expect(r.exitCode).toBe(0);
    expect(r.events.length).toBe(5000);
    // The samples caught the input itself, after the launcher exec'd the bundled Node.
    expect([...samples].some((s) => s.includes('onepassword_events.js'))).toBe(true);
    expect([...samples].some((s) => s.includes('SPLUNK_HOME='))).toBe(true);
    for (const s of samples) expectNoLeak(`/proc of pid ${pid}`, s);
    printed.push(['live run stdout', r.stdout], ['live run stderr', r.stderr]);
  });

  it.each<[string, FaultRule]>([
    ['429', { kind: 'status', status: 429, retryAfter: 1, times: 2 }],
    ['502 with HTML', { kind: 'status', status: 502, body: 'html', times: 1 }],
    ['reset mid-body', { kind: 'reset-mid-body', times: 1 }],
    ['invalid JSON', { kind: 'invalid-json', times: 1 }],
    ['missing cursor', { kind: 'missing-cursor', times: 1 }],
    ['stale cursor', { kind: 'stale-cursor', match: { withCursor: true }, times: 1 }],
    ['404 text', { kind: 'not-found-text', times: 3 }],
  ])('a run under a fault: %s', async (_name, rule) => {
    for (const feed of ['signinattempts', 'itemusages', 'auditevents'] as const)
      bed.sim.addEvents(feed, 60);
    const fault = bed.sim.faults.inject(rule);
    const r = await bed.run('canary', { account: 'canary', limit: '50', log_level: 'DEBUG' });
    bed.sim.faults.clear();
    expectCleanStderr(r);
    expect(fault.fired).toBeGreaterThan(0);
    expect(r.byLevel.WARN.length + r.byLevel.ERROR.length).toBeGreaterThan(0);
    printed.push([`fault ${rule.kind} stdout`, r.stdout], [`fault ${rule.kind} stderr`, r.stderr]);
  });

  it('a run while splunkd fails: KV 503 burst and a storage/passwords error', async () => {
    bed.splunkd.faults.inject({ path: /storage\/collections\/data/, status: 503, count: 3 });
    const kv = await bed.run('canary', { account: 'canary', log_level: 'DEBUG' });
    bed.splunkd.faults.inject({ path: /storage\/passwords/, status: 500, count: 1 });
    const pw = await bed.run('canary', { account: 'canary', log_level: 'DEBUG' });
    bed.splunkd.faults.clear();
    for (const r of [kv, pw]) {
      expectCleanStderr(r);
      printed.push(['splunkd fault stdout', r.stdout], ['splunkd fault stderr', r.stderr]);
    }
    expect(pw.byLevel.ERROR.some((l) => l.includes('storage/passwords'))).toBe(true);
  });

  it('a run with the token revoked (401)', async () => {
    bed.sim.addEvents('itemusages', 10);
    bed.sim.revokeToken(token);
    const r = await bed.run('canary', { account: 'canary', log_level: 'DEBUG' });
    expectCleanStderr(r);
    expect(r.byLevel.ERROR.some((l) => /rejected the token \(401/.test(l))).toBe(true);
    printed.push(['revoked stdout', r.stdout], ['revoked stderr', r.stderr]);
    const v = await validate('canary', { account: 'canary' });
    expect(v.exitCode).toBe(1);
  });

  // Security review item 2: an endpoint or TLS-inspecting proxy that echoes the Authorization
  // header in its error body (whole, or cut short by the message limits).
  it.each<[string, FaultRule]>([
    [
      '401 echoing the header in JSON',
      { kind: 'status', status: 401, body: 'echo-json', times: 20 },
    ],
    [
      '500 echoing the header as text',
      { kind: 'status', status: 500, body: 'echo-text', times: 1 },
    ],
    [
      '500 echoing the header in JSON',
      { kind: 'status', status: 500, body: 'echo-json', times: 1 },
    ],
    ['proxy 407 echoing the header', { kind: 'status', status: 407, body: 'echo-text', times: 20 }],
  ])('an echoing endpoint: %s', async (_name, rule) => {
    bed.sim.addEvents('auditevents', 5);
    const fault = bed.sim.faults.inject(rule);
    const r = await bed.run('canary', { account: 'canary', log_level: 'DEBUG' });
    const checked = await validate('__check__canary', { account: 'canary', feeds: '' });
    const refused = await validate('canary', { account: 'canary' });
    bed.sim.faults.clear();
    expectCleanStderr(r);
    expect(fault.fired).toBeGreaterThan(0);
    expect(r.stderr).toContain('[REDACTED]');
    if (rule.kind === 'status' && rule.status !== 500) {
      expect([checked.exitCode, refused.exitCode]).toEqual([1, 1]);
      expect(refused.stdout).toContain('[REDACTED]');
      const status = bed.kvDocs('onepassword_account_status');
      expect(JSON.stringify(status)).toContain('[REDACTED]');
      const health = bed.kvDocs('onepassword_health');
      expect(JSON.stringify(health)).toContain('[REDACTED]');
      for (const [collection, docs] of [
        ['onepassword_account_status', status],
        ['onepassword_health', health],
      ] as const)
        printed.push([`echo ${rule.status} KV ${collection}`, JSON.stringify(docs)]);
    }
    printed.push([`echo ${rule.kind} stdout`, r.stdout], [`echo ${rule.kind} stderr`, r.stderr]);
  });

  it('appears in nothing the runs printed', () => {
    expect(printed.length).toBeGreaterThan(30);
    for (const [place, text] of printed) expectNoLeak(place, text);
  });

  it('appears in no file under $SPLUNK_HOME (journals and checkpoint files included)', () => {
    const files = filesUnder(bed.splunkHome);
    expect(files.some((f) => f.endsWith('.journal'))).toBe(true);
    for (const file of files)
      expectNoLeak(relative(bed.dir, file), readFileSync(file).toString('latin1'));
  });

  it('appears in no .conf file, KV document or REST answer a browser could see', async () => {
    for (const conf of ['onepassword_accounts', 'onepassword_settings', 'inputs'])
      expectNoLeak(`${conf}.conf`, bed.splunkd.confText(conf));
    const passwordsConf = bed.splunkd.passwordsConfText();
    expect(passwordsConf).toContain('[credential:');
    expectNoLeak('passwords.conf', passwordsConf);
    for (const collection of [
      'onepassword_checkpoints',
      'onepassword_health',
      'onepassword_account_status',
    ])
      expectNoLeak(`KV ${collection}`, JSON.stringify(bed.kvDocs(collection)));
    expect(bed.kvDocs('onepassword_account_status').length).toBeGreaterThan(0);
    expectNoLeak('stored inputs', JSON.stringify(bed.splunkd.inputs()));
    for (const path of [
      `${ns}/data/inputs/onepassword_events`,
      `${ns}/configs/conf-onepassword_accounts`,
      `${ns}/configs/conf-onepassword_settings`,
      `${ns}/storage/collections/data/onepassword_health`,
      `${ns}/storage/collections/data/onepassword_account_status`,
    ]) {
      const answer = await bed.rest('GET', path);
      expect(answer.status).toBe(200);
      expectNoLeak(`GET ${path}`, answer.body);
    }
  });

  it('appears in no file of any built package, and no package holds any JWT', () => {
    const dist = join(repoRoot, 'dist');
    const packages = readdirSync(dist).filter((f) => f.endsWith('.spl'));
    expect(packages.length).toBeGreaterThan(0);
    const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;
    const forbidden = /(^|\/)(local\/|passwords\.conf$|[^/]*\.journal$|[^/]*\.checkpoint\.json$)/;
    for (const spl of packages) {
      const dir = mkdtempSync(join(tmpdir(), 'canary-spl-'));
      try {
        execFileSync('tar', ['-xzf', join(dist, spl), '-C', dir]);
        const files = filesUnder(dir);
        expect(files.length).toBeGreaterThan(10);
        for (const file of files) {
          const name = relative(dir, file);
          expect(name).not.toMatch(forbidden);
          if (statSync(file).size === 0) continue;
          const text = readFileSync(file).toString('latin1');
          expectNoLeak(`${spl}:${name}`, text);
          const shaped = jwt.exec(text);
          if (shaped) throw new Error(`${spl}:${name} holds a JWT-shaped string`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
