/**
 * The linux-aarch64 package on an aarch64 userland under qemu-user (binfmt_misc, private user and
 * mount namespace; scripts/platforms/aarch64-*.sh): the unchanged launcher (busybox sh, uname -m
 * = aarch64) picks runtime/linux-aarch64/node. Scheme, validation, a backfill compared byte for
 * byte, Events API faults and a campaign of SIGKILLs, each through the packaged launcher.
 */
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { feedIds } from '../../../src/core/feeds';
import { feedCounts, runKillCampaign } from '../../../scripts/soak/kill-campaign';
import {
  describeOnPlatform,
  packageVersion,
  platformHost,
  runPackaged,
  startTestbed,
  type Testbed,
  uuidsOf,
} from '../../support/harness';
import { expectBackfillUnchanged, extractUniversal } from './support';

const platform = 'linux-aarch64';

describeOnPlatform(platform)('linux-aarch64 package under qemu-user', () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      platform,
      simulator: {
        seed: 'aarch64',
        counts: { signinattempts: 1200, itemusages: 1000, auditevents: 800 },
        hostileFraction: 0.02,
      },
    });
    await bed.addAccount({ name: 'arm' });
  });
  afterAll(() => bed.stop());

  it('runs as aarch64: the launcher sees uname -m aarch64 and runs the arm64 node', () => {
    const host = platformHost(platform, bed.splunkHome);
    const probe = host.command('/bin/uname', ['-m']);
    const uname = spawnSync(probe.file, probe.args, { encoding: 'utf8' });
    expect(uname.stdout.trim()).toBe('aarch64');
    const node = host.command(join(bed.appDir, 'bin', 'runtime', platform, 'node'), [
      '-p',
      'process.arch + " " + process.version',
    ]);
    const arch = spawnSync(node.file, node.args, { encoding: 'utf8' });
    expect(arch.stdout.trim()).toMatch(/^arm64 v24\./);
  });

  it('prints the scheme through the packaged launcher', async () => {
    const r = await runPackaged({
      launcher: bed.launcher,
      host: bed.host,
      args: ['--scheme'],
      env: bed.env,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('<scheme>');
    expect(r.stderr).toBe('');
  });

  it('validates a stanza (external validation runs the packaged launcher)', async () => {
    const ok = await bed.validate('arm', { account: 'arm' });
    expect(ok.exitCode).toBe(0);
    const bad = await bed.validate('arm', { account: 'arm', limit: '0' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).toMatch(/<error><message>.+<\/message><\/error>/);
  });

  it('backfills every event exactly once, byte for byte', async () => {
    const r = await bed.run('arm', { account: 'arm' });
    expect(r.exitCode).toBe(0);
    expect(r.events.length).toBe(3000);
    expectBackfillUnchanged(bed, r);
    expect(new Set(uuidsOf(r)).size).toBe(3000);
  });

  it('rides out Events API faults and still delivers each new event once', async () => {
    for (const feed of feedIds) bed.sim.addEvents(feed, 120);
    bed.sim.faults.inject({ kind: 'status', status: 429, retryAfter: 1, times: 2 });
    bed.sim.faults.inject({ kind: 'status', status: 500, times: 2 });
    const r = await bed.run('arm', { account: 'arm', limit: '50' });
    bed.sim.faults.clear();
    expect(r.exitCode).toBe(0);
    expect(r.unprefixed).toEqual([]);
    expect(r.byLevel.WARN.some((l) => /^WARN retrying after /.test(l))).toBe(true);
    const uuids = uuidsOf(r);
    expect(uuids.length).toBe(360);
    expect(new Set(uuids).size).toBe(360);
  });

  it('loses and repeats nothing across a campaign of 10+ SIGKILLs', async () => {
    const seed = randomInt(1, 2 ** 31 - 1);
    console.log(`aarch64 kill campaign seed=${seed}`);
    const report = await runKillCampaign({
      seed,
      platform,
      accounts: [{ name: 'arm-kc', limit: 100, counts: feedCounts(4000) }],
      targetKills: 10,
      slowReaderFraction: 0.25,
      // qemu-user: node starts in seconds and runs at about a tenth of native speed.
      startupMs: 6000,
      eventsPerMs: 0.15,
    });
    const { duplicates, anomalies, ...figures } = report;
    console.log(`aarch64 kill campaign figures ${JSON.stringify(figures)}`);
    expect(anomalies).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(10);
    // Kills landed while events flowed, not only during start-up.
    expect(report.killsBeforeFirstEvent).toBeLessThan(report.kills);
    expect(report.lost).toBe(0);
    expect(report.unexpected).toBe(0);
    expect(report.changed).toBe(0);
    // Exactly once, except the one window README "Guarantees" names.
    expect(duplicates.filter((d) => d.cause !== 'write-journal window')).toEqual([]);
  });
});

describeOnPlatform(platform)('universal package on aarch64', () => {
  it('picks runtime/linux-aarch64 and names it when it is missing', async () => {
    const universal = extractUniversal();
    try {
      const host = platformHost(platform, universal.appDir);
      const launcher = join(universal.appDir, 'bin', 'onepassword_events');
      const env = { PATH: '/bin', LANG: 'C.UTF-8' };
      const scheme = await runPackaged({ launcher, host, args: ['--scheme'], env });
      expect(scheme.exitCode).toBe(0);
      expect(scheme.stdout).toContain('<scheme>');
      const runtime = join(universal.appDir, 'bin', 'runtime', platform);
      renameSync(runtime, join(universal.appDir, '..', platform));
      const missing = await runPackaged({ launcher, host, args: ['--scheme'], env });
      expect(missing.exitCode).toBe(1);
      expect(missing.stderrLines).toEqual([
        `FATAL TA-1password-events: this package carries no Node runtime for linux-aarch64 (it is built for linux-x86_64 windows-x86_64); install TA-1password-events-${packageVersion()}-linux-aarch64.spl instead`,
      ]);
    } finally {
      universal.remove();
    }
  });
});
