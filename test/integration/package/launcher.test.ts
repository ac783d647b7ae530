/**
 * bin/onepassword_events against a stub runtime: what splunkd sends must reach node unchanged
 * (exec, arguments, stdin, stdout, stderr, exit code, signals), and a host without a matching
 * runtime gets exactly one FATAL line, never another node.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostPlatform, repoRoot, run, tempDir } from './support';

const host = hostPlatform();
const describeOnLinux = host === undefined ? describe.skip : describe;

// Builds and archives take seconds to minutes (the project-level testTimeout does not reach hooks).
jest.setTimeout(10 * 60 * 1000);

const workRoot = tempDir('launcher');
// A space in the path: splunkd installs under paths like "/opt/splunk home/etc/apps".
const appDir = path.join(workRoot, 'splunk home', 'etc', 'apps', 'TA-1password-events');
const launcher = path.join(appDir, 'bin', 'onepassword_events');

const stubNode = `#!/bin/sh
echo "pid=$$"
while [ "\${1#--}" != "$1" ]; do echo "option=$1"; shift; done
echo "script=$1"
shift
for arg in "$@"; do echo "arg=[$arg]"; done
echo "stdin=[$(cat)]"
echo "stub stderr line" >&2
exit 7
`;

function install(runtimeFor: string | undefined, node: string = stubNode, mode = 0o755): void {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(path.join(appDir, 'bin', 'app'), { recursive: true });
  mkdirSync(path.join(appDir, 'default'), { recursive: true });
  copyFileSync(path.join(repoRoot, 'bin/onepassword_events'), launcher);
  chmodSync(launcher, 0o755);
  copyFileSync(path.join(repoRoot, 'default/app.conf'), path.join(appDir, 'default/app.conf'));
  writeFileSync(path.join(appDir, 'bin/app/onepassword_events.js'), '// bundle\n');
  if (runtimeFor !== undefined) {
    const runtime = path.join(appDir, 'bin', 'runtime', runtimeFor);
    mkdirSync(runtime, { recursive: true });
    writeFileSync(path.join(runtime, 'node'), node);
    chmodSync(path.join(runtime, 'node'), mode);
  }
}

/** A PATH folder whose `uname` reports another machine. */
function fakeUname(kernel: string, machine: string): string {
  const dir = path.join(workRoot, `uname-${kernel}-${machine}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'uname'),
    `#!/bin/sh\ncase "$1" in -s) echo ${kernel} ;; -m) echo ${machine} ;; esac\n`,
  );
  chmodSync(path.join(dir, 'uname'), 0o755);
  return dir;
}

function expectOneFatal(
  result: { code: number | null; stdout: string; stderr: string },
  message: RegExp,
) {
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^FATAL TA-1password-events: /);
  expect(lines[0]).toMatch(message);
  expect(result.code).toBe(1);
}

afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

describeOnLinux('launcher pass-through', () => {
  beforeEach(() => install(host));

  it('execs the runtime on the bundled script with arguments, stdin, stdout, stderr and exit code intact', async () => {
    const args = ['--validate-arguments', 'two words', '"quoted"', '', '*', '$HOME', "it's", '-n'];
    const input = '<items>\n  <item name="x"/>\n</items>';
    const child = spawn(launcher, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stdout).toBe(
      [
        // exec: the runtime has the launcher's pid, so splunkd's signals reach node itself.
        `pid=${child.pid}`,
        // The one V8 option the launcher adds (see bin/onepassword_events), before the script.
        'option=--max-semi-space-size=4',
        `script=${path.join(appDir, 'bin', 'app', 'onepassword_events.js')}`,
        ...args.map((arg) => `arg=[${arg}]`),
        `stdin=[${input}]`,
        '',
      ].join('\n'),
    );
    expect(stderr).toBe('stub stderr line\n');
    expect(code).toBe(7);
  });

  it('works when started by a relative path from the app folder', async () => {
    const result = await run('bin/onepassword_events', ['--scheme'], { cwd: appDir });
    expect(result.stdout).toContain('script=bin/app/onepassword_events.js');
    expect(result.stdout).toContain('arg=[--scheme]');
    expect(result.code).toBe(7);
  });

  it('delivers SIGTERM to the runtime itself', async () => {
    install(
      host,
      `#!/bin/sh
trap 'echo "runtime got TERM"; exit 0' TERM
echo ready
while :; do sleep 0.05; done
`,
    );
    const child = spawn(launcher, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      }),
    );
    await ready;
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    // Had the launcher waited instead of exec'ing, the signal would have killed the shell and the
    // runtime would never have seen it.
    expect(stdout).toBe('ready\nruntime got TERM\n');
    expect([code, signal]).toEqual([0, null]);
  });
});

describeOnLinux('launcher environment', () => {
  const envStub = `#!/bin/sh
echo "pid=$$ arena=\${MALLOC_ARENA_MAX-unset} kind=\${ONEPASSWORD_EVENTS_KIND-unset}"
`;
  const resident = path.join(appDir, 'bin', 'onepassword_events_resident');
  beforeEach(() => {
    install(host, envStub);
    copyFileSync(path.join(repoRoot, 'bin/onepassword_events_resident'), resident);
    chmodSync(resident, 0o755);
  });
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

  it('gives node two malloc arenas unless the admin set another number', async () => {
    const shipped = await run(launcher, [], { env });
    expect(shipped.stdout).toMatch(/ arena=2 kind=unset\n$/);
    const own = await run(launcher, [], { env: { ...env, MALLOC_ARENA_MAX: '4' } });
    expect(own.stdout).toMatch(/ arena=4 /);
  });

  it('the resident launcher names its kind and execs down to node (one pid, as splunkd signals it)', async () => {
    const child = spawn(resident, ['--scheme'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    expect(stdout).toBe(`pid=${child.pid} arena=2 kind=resident\n`);
  });
});

describeOnLinux('launcher without a runtime for this host', () => {
  it('names the package to install when the package carries another platform', async () => {
    const other = host === 'linux-x86_64' ? 'linux-aarch64' : 'linux-x86_64';
    install(other);
    expectOneFatal(
      await run(launcher, ['--scheme']),
      new RegExp(
        `this package carries no Node runtime for ${host} \\(it is built for ${other}\\); install TA-1password-events-1\\.0\\.0-${host}\\.spl instead$`,
      ),
    );
  });

  it('names the package when the runtime folder is missing altogether', async () => {
    install(undefined);
    expectOneFatal(
      await run(launcher, []),
      /built for no platform\); install TA-1password-events-1\.0\.0-/,
    );
  });

  it('never falls back to a node on PATH', async () => {
    install(undefined);
    const decoy = path.join(workRoot, 'decoy-bin');
    mkdirSync(decoy, { recursive: true });
    const marker = path.join(workRoot, 'decoy-ran');
    writeFileSync(path.join(decoy, 'node'), `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(path.join(decoy, 'node'), 0o755);
    const env = { ...process.env, PATH: `${decoy}:/usr/bin:/bin`, SPLUNK_HOME: decoy };
    expectOneFatal(await run(launcher, ['--scheme'], { env }), /carries no Node runtime/);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['Darwin', 'arm64'],
    ['FreeBSD', 'amd64'],
    ['Linux', 'riscv64'],
    ['Linux', 'armv7l'],
  ])('refuses an unsupported host (%s %s)', async (kernel, machine) => {
    install(host);
    const env = { ...process.env, PATH: `${fakeUname(kernel, machine)}:/usr/bin:/bin` };
    expectOneFatal(
      await run(launcher, ['--scheme'], { env }),
      new RegExp(
        `no package for this host \\(${kernel} ${machine}\\); packages exist for linux-x86_64, linux-aarch64 and windows-x86_64$`,
      ),
    );
  });

  it('maps amd64 and arm64 spellings of uname -m to the package platforms', async () => {
    install('linux-aarch64');
    const env = { ...process.env, PATH: `${fakeUname('Linux', 'arm64')}:/usr/bin:/bin` };
    const result = await run(launcher, ['--scheme'], { env });
    expect(result.stdout).toContain('arg=[--scheme]');
    expect(result.code).toBe(7);
  });

  it('says so when the runtime lost its executable bit', async () => {
    install(host, stubNode, 0o644);
    expectOneFatal(
      await run(launcher, []),
      /runtime\/linux-[a-z0-9_]+\/node is not executable .*; reinstall TA-1password-events-1\.0\.0-/,
    );
  });

  it('says so when the bundled script is missing', async () => {
    install(host);
    rmSync(path.join(appDir, 'bin/app/onepassword_events.js'));
    expectOneFatal(
      await run(launcher, []),
      /app\/onepassword_events.js is missing; reinstall TA-1password-events-1\.0\.0-/,
    );
  });
});
