/**
 * Fault cases beyond test/integration/collector/faults.test.ts, each through the packaged launcher:
 * the exact log line expected, a clean exit, and — after the fault is gone — every event exactly
 * once over all runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { feedIds, type FeedId } from '../../../src/core/feeds';
import { readJournal } from '../../../src/delivery/page-journal';
import { runPackaged, startTestbed, type RunResult, type Testbed } from '../../support/harness';
import {
  during,
  expectAbsent,
  expectCleanStderr,
  Ledger,
  saveAccountSecret,
  startLive,
  summaryOf,
  until,
  writeConf,
} from './support';

const small = { signinattempts: 120, itemusages: 110, auditevents: 100 };
const checkpointSaves = /onepassword_checkpoints\/batch_save$/;

describe('more faults through the packaged input', () => {
  let bed: Testbed;
  let ledger: Ledger;
  beforeAll(async () => {
    bed = await startTestbed({ simulator: { seed: 'faults-more', counts: small } });
    ledger = new Ledger(bed);
    await writeConf(bed, 'onepassword_settings', 'general', { request_timeout_seconds: '3' });
  });
  afterAll(() => bed.stop());
  afterEach(() => {
    bed.sim.faults.clear();
    bed.splunkd.faults.clear();
    bed.splunkd.kv.setState('ready');
  });

  const params = (account: string, extra: Record<string, string> = {}) => ({
    account,
    limit: '50',
    max_run_seconds: '10',
    ...extra,
  });

  async function run(
    account: string,
    extra: Record<string, string> = {},
    options: Parameters<Testbed['run']>[2] = {},
  ): Promise<RunResult> {
    const r = await bed.run(account, params(account, extra), options);
    expectCleanStderr(r);
    ledger.record(account, r.events);
    return r;
  }

  function expectExactlyOnce(account: string, feeds: readonly FeedId[] = feedIds): void {
    expect(ledger.tally(account, feeds)).toEqual({
      received: ledger.expected(account, feeds).length,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
    });
  }

  const checkpointSaveCount = (): number =>
    bed.splunkd.kv.calls().filter((c) => c.method === 'POST' && checkpointSaves.test(c.path))
      .length;

  describe('429 storm', () => {
    it('gives up within the run budget after backing off, then resumes without loss', async () => {
      await ledger.account('storm', small);
      const storm = bed.sim.faults.inject({
        kind: 'status',
        status: 429,
        retryAfter: 1,
        skip: 6,
        times: Infinity,
      });
      const r = await run('storm');
      expect(r.exitCode).toBe(0);
      expect(r.streamError).toBeUndefined();
      expect(r.truncatedStream).toBe(false);
      expect(
        r.byLevel.WARN.filter((l) =>
          /^WARN retrying after rate_limited: localhost:\d+ answered 429 \(rate limited\): .* attempt=\d+ delay_ms=\d+/.test(
            l,
          ),
        ).length,
      ).toBeGreaterThanOrEqual(3);
      expect(
        r.byLevel.ERROR.some((l) =>
          /^ERROR feed (signinattempts|itemusages|auditevents) stopped: localhost:\d+ answered 429 \(rate limited\): .* class=rate_limited$/.test(
            l,
          ),
        ),
      ).toBe(true);
      const summary = summaryOf(r);
      expect(summary).toMatchObject({ caught_up: 'false' });
      expect(summary?.['failed']).not.toBe('none');
      // It stopped retrying by itself, inside max_run_seconds (10 s) plus one request timeout.
      expect(Number(summary?.['elapsed_ms'])).toBeLessThan(13_000);
      // Backing off, not hammering: at most eight attempts per page request.
      expect(storm.fired).toBeLessThanOrEqual(3 * 8);
      const health = bed.kvDocs('onepassword_health').filter((d) => d['account'] === 'storm');
      expect(health.some((h) => h['last_error_class'] === 'rate_limited')).toBe(true);

      bed.sim.faults.clear();
      const rerun = await run('storm');
      expect(rerun.byLevel.ERROR).toEqual([]);
      expect(summaryOf(rerun)).toMatchObject({ caught_up: 'true' });
      expectExactlyOnce('storm');
    });

    it('gives up at once when Retry-After asks for more than the run has left', async () => {
      await ledger.account('storm-long', small);
      bed.sim.faults.inject({ kind: 'status', status: 429, retryAfter: 3600, times: Infinity });
      const r = await run('storm-long');
      expect(r.exitCode).toBe(0);
      expect(r.events).toEqual([]);
      expect(r.byLevel.WARN.filter((l) => l.includes('retrying after'))).toEqual([]);
      expect(
        r.byLevel.ERROR.filter((l) =>
          /^ERROR feed \w+ stopped: localhost:\d+ answered 429 \(rate limited\)/.test(l),
        ),
      ).toHaveLength(3);
      expect(Number(summaryOf(r)?.['elapsed_ms'])).toBeLessThan(10_000);
      bed.sim.faults.clear();
      await run('storm-long');
      expectExactlyOnce('storm-long');
    });
  });

  describe('has_more true on a repeated cursor', () => {
    it('stops the feed instead of looping, and loses nothing', async () => {
      await ledger.account('stuck', small);
      const stuck = bed.sim.faults.inject({
        kind: 'stuck-cursor',
        match: { feed: 'itemusages', withCursor: true },
        skip: 1,
        times: 1,
      });
      const r = await run('stuck');
      expect(stuck.fired).toBe(1);
      expect(r.exitCode).toBe(0);
      expect(r.byLevel.ERROR).toEqual([
        expect.stringMatching(
          /^ERROR feed itemusages stopped: the Events API returned the cursor it was given with 10 events and has_more=true; stopping to avoid a loop .*class=protocol$/,
        ),
      ]);
      // Nothing of the refused page was written: itemusages holds pages 1 and 2 only.
      const itemusages = r.events.filter((e) => e.sourcetype === '1password:insights:item_usages');
      expect(itemusages).toHaveLength(100);
      await run('stuck');
      expectExactlyOnce('stuck');
    });

    it('does not deliver the first page twice when the reset answer repeats its own position', async () => {
      // The simulator answers the ResetCursor request with the cursor of that same position and
      // has_more=true, so following it serves page 1 again.
      await ledger.account('stuck-first', small);
      bed.sim.faults.inject({
        kind: 'stuck-cursor',
        match: { feed: 'auditevents', withCursor: false },
        times: 1,
      });
      await run('stuck-first');
      await run('stuck-first');
      expectExactlyOnce('stuck-first');
    });
  });

  describe('KV store', () => {
    it('fails a feed cleanly when checkpoint writes start failing mid-run, and resumes', async () => {
      await ledger.account('kv-mid', { signinattempts: 400, itemusages: 400, auditevents: 400 });
      const before = checkpointSaveCount();
      const r = await during(
        run('kv-mid'),
        () => checkpointSaveCount() >= before + 4,
        () => bed.splunkd.faults.inject({ path: checkpointSaves, status: 500, count: Infinity }),
      );
      expect(r.exitCode).toBe(0);
      expect(r.streamError).toBeUndefined();
      expect(
        r.byLevel.ERROR.filter((l) =>
          /^ERROR feed \w+ stopped: KV store write on onepassword_checkpoints failed \(500\): Injected failure \(HTTP 500\) .*class=splunkd$/.test(
            l,
          ),
        ).length,
      ).toBeGreaterThanOrEqual(1);
      expect(r.events.length).toBeGreaterThan(0);
      expect(r.events.length).toBeLessThan(1200);
      bed.splunkd.faults.clear();
      const rerun = await run('kv-mid');
      // The page whose checkpoint failed had reached splunkd: the journal says so, nothing repeats.
      expect(
        rerun.byLevel.INFO.some((l) =>
          l.startsWith('INFO resuming a page interrupted after part of it was delivered'),
        ),
      ).toBe(true);
      expectExactlyOnce('kv-mid');
    });

    it('gives up when the run is out of time (max_run_seconds 10) while the KV store stays at 503, then resumes', async () => {
      await ledger.account('kv-503', small);
      bed.splunkd.kv.setState('starting');
      const start = bed.splunkd.kv.calls().length;
      const r = await during(
        run('kv-503'),
        // The input turns to its health documents only after giving up on the checkpoints: let
        // the KV store recover then, so the health write lands (and shows the error).
        () =>
          bed.splunkd.kv
            .calls()
            .slice(start)
            .some((c) => c.path.includes('/onepassword_health')),
        () => bed.splunkd.kv.setState('ready'),
      );
      const waited = bed.splunkd.kv.calls().slice(start);
      expect(waited.filter((c) => c.status === 503).length).toBeGreaterThan(5);
      expect(r.exitCode).toBe(0);
      expect(r.events).toEqual([]);
      expect(r.byLevel.ERROR).toEqual([
        expect.stringMatching(
          /^ERROR run failed: the KV store stayed unavailable for (9|10) s: KV Store is initializing\. Please try again later\. .*class=splunkd$/,
        ),
      ]);
      const health = bed.kvDocs('onepassword_health').filter((d) => d['account'] === 'kv-503');
      expect(health.map((h) => h['last_error_class'])).toEqual(['splunkd', 'splunkd', 'splunkd']);
      await run('kv-503');
      expectExactlyOnce('kv-503');
    });
  });

  describe("splunkd's session key", () => {
    it('expiring mid-run stops the run cleanly; a fresh key resumes without loss', async () => {
      await ledger.account('key-expiry', {
        signinattempts: 300,
        itemusages: 300,
        auditevents: 300,
      });
      const key = bed.splunkd.createSessionKey('splunk-system-user');
      const before = checkpointSaveCount();
      const r = await during(
        runPackaged({
          launcher: bed.launcher,
          env: bed.env,
          cwd: bed.splunkHome,
          stdin: bed.inputXml('key-expiry', params('key-expiry'), key),
        }),
        () => checkpointSaveCount() >= before + 3,
        () => bed.splunkd.expireSessionKey(key),
      );
      expectCleanStderr(r);
      ledger.record('key-expiry', r.events);
      expect(r.exitCode).toBe(0);
      expect(
        r.byLevel.ERROR.some((l) =>
          /^ERROR feed \w+ stopped: splunkd rejected the session key \(401\); it may have expired .*class=splunkd_auth$/.test(
            l,
          ),
        ),
      ).toBe(true);
      expectAbsent(key, r.stdout + r.stderr, 'the output');
      await run('key-expiry');
      expectExactlyOnce('key-expiry');
    });

    it('already expired at start: one ERROR line and nothing collected', async () => {
      await ledger.account('key-stale', small);
      const key = bed.splunkd.createSessionKey('splunk-system-user', 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const r = await runPackaged({
        launcher: bed.launcher,
        env: bed.env,
        cwd: bed.splunkHome,
        stdin: bed.inputXml('key-stale', params('key-stale'), key),
      });
      expectCleanStderr(r);
      expect(r.exitCode).toBe(0);
      expect(r.events).toEqual([]);
      expect(r.byLevel.ERROR).toEqual([
        expect.stringMatching(
          /^ERROR cannot start: splunkd rejected the session key \(401\); it may have expired .*class=splunkd_auth$/,
        ),
      ]);
      await run('key-stale');
      expectExactlyOnce('key-stale');
    });
  });

  describe('stdout', () => {
    it('closed by the reader: an ERROR naming the closed stream, exit 1, nothing lost', async () => {
      await ledger.account('closed', { signinattempts: 3000, itemusages: 0, auditevents: 0 });
      const live = startLive(bed, bed.inputXml('closed', params('closed', { limit: '100' })));
      await until(() => live.reader.events.length >= 150);
      // Freeze the writer, read what the pipe holds, then close our end: every byte the input
      // wrote before the close was read, so its journal and this reader agree.
      live.child.kill('SIGSTOP');
      let last = live.stdout().length;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (live.stdout().length === last) break;
        last = live.stdout().length;
      }
      live.child.stdout?.destroy();
      live.child.kill('SIGCONT');
      const r = await live.done;
      expectCleanStderr(r);
      ledger.record('closed', r.events);
      expect(r.exitCode).toBe(1);
      expect(
        r.byLevel.ERROR.some((l) =>
          /^ERROR feed signinattempts stopped: splunkd closed the event stream \(EPIPE\) .*class=output$/.test(
            l,
          ),
        ),
      ).toBe(true);
      expect(summaryOf(r)).toMatchObject({
        failed: 'signinattempts',
        caught_up: 'false',
        stopped_by: 'closed stream',
      });
      expect(r.events.length).toBeLessThan(3000);
      const rerun = await run('closed', { limit: '100' });
      expect(rerun.exitCode).toBe(0);
      expectExactlyOnce('closed');
    });

    it('SIGTERM while a page is half written: ends on an event boundary, exit 0, resumes exactly', async () => {
      await ledger.account('term', { signinattempts: 0, itemusages: 0, auditevents: 2800 });
      const r = await run(
        'term',
        { feeds: 'auditevents', limit: '1000' },
        { termAfterEvents: 300, readerDelayMs: 5 },
      );
      expect(r.signal).toBeNull();
      expect(r.exitCode).toBe(0);
      expect(r.byLevel.INFO).toContainEqual(
        expect.stringMatching(
          /^INFO received SIGTERM; finishing the event in flight and stopping$/,
        ),
      );
      const stopped = r.byLevel.INFO.find((l) =>
        l.startsWith('INFO stopped mid-page; the journal keeps the position'),
      );
      expect(stopped).toMatch(/ delivered=(\d+) of=1000/);
      // Well-formed to the end: the last event is whole and the stream is closed.
      expect(r.truncatedStream).toBe(false);
      expect(r.streamError).toBeUndefined();
      expect(r.stdout.endsWith('<done/></event>\n</stream>\n')).toBe(true);
      expect(summaryOf(r)).toMatchObject({ stopped_by: 'signal' });
      expect(r.events.length).toBeGreaterThanOrEqual(300);
      expect(r.events.length % 1000).not.toBe(0);
      const journal = readJournal(join(bed.checkpointDir, 'term__auditevents.journal'));
      expect(journal?.delivered).toBe(r.events.length % 1000);
      const rerun = await run('term', { feeds: 'auditevents', limit: '1000' });
      expect(rerun.byLevel.INFO).toContainEqual(
        expect.stringMatching(/^INFO resuming a page interrupted after part of it was delivered/),
      );
      expectExactlyOnce('term', ['auditevents']);
    });
  });

  describe('a full disk under the checkpoint fallback files (KV store disabled)', () => {
    it('a checkpoint file that cannot be written: ERROR, and no loss or duplicate once freed', async () => {
      await ledger.account('full-cp', small);
      bed.splunkd.kv.setState('disabled');
      const temp = join(bed.checkpointDir, 'full-cp__itemusages.checkpoint.json.tmp');
      symlinkSync('/dev/full', temp);
      const r = await run('full-cp');
      expect(r.exitCode).toBe(0);
      expect(r.byLevel.WARN).toContainEqual(
        expect.stringMatching(
          /^WARN the KV store is disabled on this instance; keeping checkpoints as files /,
        ),
      );
      expect(r.byLevel.ERROR).toEqual([
        expect.stringMatching(
          /^ERROR feed itemusages stopped: cannot write checkpoint file \S+full-cp__itemusages\.checkpoint\.json: ENOSPC: no space left on device, write .*class=checkpoint$/,
        ),
      ]);
      expect(summaryOf(r)).toMatchObject({ checkpoints: 'file', failed: 'itemusages' });
      expect(existsSync(temp)).toBe(false); // the failed write cleaned up after itself
      const rerun = await run('full-cp');
      expect(rerun.byLevel.ERROR).toEqual([]);
      expectExactlyOnce('full-cp');
    });

    it('a journal that cannot be written: ERROR before any event of the page, no loss once freed', async () => {
      await ledger.account('full-journal', small);
      bed.splunkd.kv.setState('disabled');
      const journal = join(bed.checkpointDir, 'full-journal__auditevents.journal');
      // The disk fills up after the run has read its journals: the first auditevents request
      // hangs (3 s request timeout), and meanwhile the journal's first slot file (a fresh
      // account's first page is recorded there) starts to lead to /dev/full.
      // (/dev/full must not be there when a run starts: it is not a journal to resume from.)
      const pending = journal;
      bed.sim.faults.inject({
        kind: 'hang-before-response',
        match: { feed: 'auditevents' },
        times: 1,
      });
      const hung = (): number =>
        bed.sim.requests.filter((q) => q.fault === 'hang-before-response').length;
      const before = hung();
      try {
        const r = await during(
          run('full-journal'),
          () => hung() > before,
          () => symlinkSync('/dev/full', pending),
        );
        expect(r.exitCode).toBe(0);
        expect(r.byLevel.ERROR).toEqual([
          expect.stringMatching(
            /^ERROR feed auditevents stopped: cannot write the delivery journal \S+full-journal__auditevents\.journal: ENOSPC: no space left on device, write .*class=checkpoint$/,
          ),
        ]);
        // Nothing of the page went out, since its journal entry could not be made first.
        expect(r.events.filter((e) => e.sourcetype === '1password:insights:audit_events')).toEqual(
          [],
        );
      } finally {
        rmSync(pending, { force: true });
      }
      await run('full-journal');
      expectExactlyOnce('full-journal');
    });
  });

  describe('a server that never completes the TCP handshake', () => {
    let blackhole: ChildProcess | undefined;
    const fillers: Socket[] = [];
    afterAll(() => {
      for (const s of fillers) s.destroy();
      blackhole?.kill('SIGKILL');
    });

    it('times out the connect, retries within budget, and collects once it is reachable', async () => {
      // A listener whose process never calls accept(): once its backlog is full, the kernel drops
      // further SYNs, so connecting hangs at the TCP level (not at TLS, which faults.test covers).
      const child = spawn(
        process.execPath,
        [
          '-e',
          `const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{` +
            `process.stdout.write(String(s.address().port)+'\\n');` +
            `setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0),50);});`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      blackhole = child;
      const port = await new Promise<number>((resolve) =>
        child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (let i = 0; i < 4; i++) {
        const s = connect({ port, host: '127.0.0.1' });
        s.on('error', () => undefined);
        fillers.push(s);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));

      const token = await ledger.account('syn-hang', small, {
        endpoint: `https://127.0.0.1:${port}`,
      });
      const r = await run('syn-hang');
      expect(r.exitCode).toBe(0);
      expect(r.events).toEqual([]);
      // request_timeout_seconds (3) caps the connect too, so the run retries within its budget.
      expect(
        r.byLevel.WARN.some((l) =>
          /^WARN retrying after network: 127\.0\.0\.1:\d+ did not answer within 3000 ms .*attempt=1 /.test(
            l,
          ),
        ),
      ).toBe(true);
      expect(r.byLevel.ERROR.length).toBeGreaterThanOrEqual(1);
      for (const l of r.byLevel.ERROR)
        expect(l).toMatch(/^ERROR feed \w+ stopped: .*class=network$/);
      expect(Number(summaryOf(r)?.['elapsed_ms'])).toBeLessThan(16_000);

      // The admin points the account back at the real service: nothing was lost meanwhile.
      await saveAccountSecret(bed, 'syn-hang', { token, endpoint: bed.sim.url });
      await run('syn-hang');
      expectExactlyOnce('syn-hang');
    });
  });
});
