/**
 * The windows-x86_64 package under Wine 10 (Debian 13's wine64 in a debootstrap root;
 * scripts/platforms/wine-*.sh), installed under "C:\Program Files\Splunk Test" (spaces): the .cmd
 * launcher and node.exe through scheme, validation, a backfill compared byte for byte, a run
 * killed mid-backfill and the run that resumes it, and node.exe ending with a terminated cmd.exe.
 *
 * Not covered here: stdio through pipes (Wine cannot give node.exe a Unix pipe as stdio, so the
 * runs use files and stdout is read when the process has ended), SIGTERM-style stops and
 * kills timed to one event (both need a live stream).
 */
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feedIds } from '../../../src/core/feeds';
import {
  describeOnPlatform,
  packageVersion,
  platformHost,
  runPackaged,
  startTestbed,
  type Testbed,
  uuidsOf,
  windowsSplunkHome,
} from '../../support/harness';
import { expectBackfillUnchanged, extractUniversal } from './support';

const platform = 'windows-x86_64';

describeOnPlatform(platform)('windows-x86_64 package under Wine', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      platform,
      simulator: {
        seed: 'windows',
        counts: { signinattempts: 400, itemusages: 350, auditevents: 250 },
        hostileFraction: 0.02,
        // The kill below polls stdout (a file under Wine) every 50 ms: once a zero-latency run
        // wrote all 900 events before the poll saw 200 (CI, 7 Dec 2026).
        latencyMs: 40,
      },
    });
    await bed.addAccount({ name: 'win' });
  });
  afterAll(() => bed.stop());

  it('runs the .cmd launcher from a path with spaces', () => {
    expect(bed.launcher).toBe(
      `${windowsSplunkHome}\\etc\\apps\\TA-1password-events\\bin\\onepassword_events.cmd`,
    );
  });

  it.each([
    ['onepassword_events.cmd', 'false'],
    ['onepassword_events_resident.cmd', 'true'],
  ])('prints the scheme through the packaged %s (use_single_instance %s)', async (cmd, single) => {
    const r = await runPackaged({
      launcher: bed.launcher.replace(/onepassword_events\.cmd$/, cmd),
      host: bed.host,
      args: ['--scheme'],
      env: bed.env,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`<use_single_instance>${single}</use_single_instance>`);
    expect(r.stderr).toBe('');
  });

  it('validates a stanza (external validation runs the packaged launcher)', async () => {
    const ok = await bed.validate('win', { account: 'win' });
    expect(ok.exitCode).toBe(0);
    const bad = await bed.validate('win', { account: 'win', limit: '0' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/<error><message>.+<\/message><\/error>/);
  });

  it('backfills every event exactly once, byte for byte', async () => {
    const r = await bed.run('win', { account: 'win' });
    expect(r.exitCode).toBe(0);
    expect(r.events.length).toBe(1000);
    expectBackfillUnchanged(bed, r);
  });

  it('resumes a run killed mid-backfill without losing an event', async () => {
    const added = feedIds.flatMap((feed) => bed.sim.addEvents(feed, 300).map((i) => i.uuid));
    const params = { account: 'win', limit: '50' };
    const killed = await bed.run('win', params, {
      env: { ...bed.env, TA_WINE_KILL_AFTER_EVENTS: '200' },
    });
    expect(killed.exitCode).not.toBe(0);
    const first = uuidsOf(killed);
    expect(first.length).toBeGreaterThanOrEqual(200);
    expect(first.length).toBeLessThan(added.length);
    const resumed = await bed.run('win', params);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.unprefixed).toEqual([]);
    const all = [...first, ...uuidsOf(resumed)];
    expect(new Set(all)).toEqual(new Set(added));
    // Repeats only from the one window README "Guarantees" names: at most one 16 KiB write.
    const seen = new Set<string>();
    const repeated = resumed.events.filter((e) => {
      const uuid = (JSON.parse(e.data) as { uuid: string }).uuid;
      const again = first.includes(uuid) || seen.has(uuid);
      seen.add(uuid);
      return again;
    });
    expect(repeated.reduce((bytes, e) => bytes + Buffer.byteLength(e.data), 0)).toBeLessThanOrEqual(
      16 * 1024,
    );
  });

  it('ends node.exe when splunkd terminates cmd.exe', async () => {
    // A backlog that lasts, so cmd.exe is terminated while node.exe is mid-run.
    for (const feed of feedIds) bed.sim.addEvents(feed, 10_000);
    const driver = join(bed.splunkHome, 'terminate-launcher.js');
    copyFileSync(join(__dirname, 'windows', 'terminate-launcher.js'), driver);
    writeFileSync(
      join(bed.splunkHome, 'input.xml'),
      bed.inputXml('win', { account: 'win', limit: '50' }),
    );
    const node = `${windowsSplunkHome}\\etc\\apps\\TA-1password-events\\bin\\runtime\\windows-x86_64\\node.exe`;
    const r = await runPackaged({
      launcher: node,
      host: bed.host,
      args: [
        `${windowsSplunkHome}\\terminate-launcher.js`,
        bed.launcher,
        `${windowsSplunkHome}\\input.xml`,
      ],
      env: bed.env,
      timeoutMs: 120_000,
    });
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      inputStarted?: boolean;
      nodeEnded?: boolean;
      survivors?: number[];
      stderr?: string;
    };
    expect(result.inputStarted).toBe(true);
    expect(result.nodeEnded).toBe(true);
    expect(result.survivors).toEqual([]);
    // The watch saw cmd.exe go and stopped the input through its SIGTERM path.
    expect(result.stderr).toMatch(
      /^INFO the launcher \(pid \d+\) was terminated; stopping the input\r?$/m,
    );
    expect(result.stderr).toMatch(/^INFO received SIGTERM; finishing the event in flight/m);
    // Without the watch node.exe outlives cmd.exe and runs the backlog to its end (seen under
    // Wine 10: all 30,000 events, caught_up=true, long after cmd.exe was gone).
    expect(result.stderr).not.toMatch(/caught_up=true/);
  });
});

describeOnPlatform(platform)('universal package on Windows', () => {
  it('picks runtime\\windows-x86_64 and names the real version when it is missing', async () => {
    const universal = extractUniversal();
    try {
      const host = platformHost(platform, universal.appDir);
      const launcher = host.launcher(universal.appDir);
      const env = { LANG: 'C.UTF-8' };
      const scheme = await runPackaged({ launcher, host, args: ['--scheme'], env });
      expect(scheme.exitCode).toBe(0);
      expect(scheme.stdout).toContain('<scheme>');
      const runtime = join(universal.appDir, 'bin', 'runtime', platform);
      renameSync(runtime, join(universal.appDir, '..', platform));
      const missing = await runPackaged({ launcher, host, args: ['--scheme'], env });
      expect(missing.exitCode).toBe(1);
      expect(missing.stderrLines.map((l) => l.trimEnd())).toEqual([
        `FATAL TA-1password-events: this package carries no Node runtime for windows-x86_64; install TA-1password-events-${packageVersion()}-windows-x86_64.spl instead`,
      ]);
    } finally {
      universal.remove();
    }
  });
});
