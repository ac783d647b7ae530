import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inputParams } from '../../src/config/input-params';
import { appId, schemeName } from '../../src/core/app-identity';
import { assembleApp, linkTree, normaliseTree } from './assemble';
import { bundleInput, bundleTools } from './bundle';
import { BuildError } from './errors';
import { runtimeDir, selectPlatforms, splFileName, type PlatformId } from './platforms';
import { placeRuntime, locatePackage, type RuntimeSourceOptions } from './runtime';
import { readRuntimePin } from './runtime-pin';
import { assertSpecMatches } from './spec-check';
import { writeSpl } from './spl';
import { checkVersions } from './versions';

export interface BuildOptions {
  readonly root: string;
  readonly outDir: string;
  readonly buildDir: string;
  readonly cacheDir: string;
  /** `--platform` values; empty means all platforms. */
  readonly platforms: readonly string[];
  readonly check: boolean;
  readonly offline: boolean;
  readonly log: (line: string) => void;
}

export interface BuiltPackage {
  readonly platform: PlatformId;
  readonly file: string;
  readonly bytes: number;
}

export interface BuildResult {
  readonly version: string;
  readonly nodeVersion: string;
  readonly packages: readonly BuiltPackage[];
}

/** The context handed to the steps in tools/build/extra-steps.mjs. */
export interface BuildStepContext {
  readonly root: string;
  readonly stageDir: string;
  readonly check: boolean;
}

type BuildStep = (ctx: BuildStepContext) => Promise<void>;

const execFileAsync = promisify(execFile);

async function readText(root: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(root, file), 'utf8');
  } catch {
    throw new BuildError(`${file} is missing in ${root}`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Steps other parts of the project register in tools/build/extra-steps.mjs (see that file). */
async function loadExtraSteps(root: string): Promise<BuildStep[]> {
  const file = path.join(root, 'tools', 'build', 'extra-steps.mjs');
  if (!(await exists(file))) return [];
  const loaded = (await import(pathToFileURL(file).href)) as { extraSteps?: unknown };
  const steps = loaded.extraSteps;
  if (!Array.isArray(steps) || !steps.every((step) => typeof step === 'function')) {
    throw new BuildError(
      'tools/build/extra-steps.mjs must export extraSteps, an array of async functions',
    );
  }
  return steps as BuildStep[];
}

/** Entry mtime for the archives: SOURCE_DATE_EPOCH, else the last commit, else now. */
async function archiveTime(root: string): Promise<number> {
  const fromEnv = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  try {
    const { stdout } = await execFileAsync('git', ['log', '-1', '--format=%ct'], { cwd: root });
    const fromGit = Number(stdout.trim());
    if (Number.isInteger(fromGit) && fromGit > 0) return fromGit;
  } catch {
    // Not a git checkout (e.g. a source tarball): fall back to the current time.
  }
  return Math.floor(Date.now() / 1000);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The whole build. Cheap checks come first (options, versions, runtime pin and integrity, spec),
 * so bad input fails before anything is written; the .spl files are written into a private folder
 * and moved into outDir only when every one of them is complete.
 */
export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const { root, log } = options;
  const selected = selectPlatforms(options.platforms);
  const version = checkVersions({
    packageJson: await readText(root, 'package.json'),
    packageLock: await readText(root, 'package-lock.json'),
    appConf: await readText(root, 'default/app.conf'),
    appManifest: await readText(root, 'app.manifest'),
  });
  const pin = readRuntimePin(
    await readText(root, 'package.json'),
    await readText(root, 'package-lock.json'),
  );
  log(
    `INFO build: ${appId} ${version}, Node ${pin.version}, platforms ${selected.map((p) => p.id).join(', ')}`,
  );

  const runtimeOptions: RuntimeSourceOptions = {
    root,
    cacheDir: options.cacheDir,
    offline: options.offline,
    log,
  };
  for (const platform of selected) {
    await locatePackage(pin.packages[platform.id], runtimeOptions);
  }
  assertSpecMatches(await readText(root, 'README/inputs.conf.spec'), schemeName, inputParams);

  const stageRoot = path.join(options.buildDir, 'stage');
  const stageDir = path.join(stageRoot, appId);
  await rm(stageRoot, { recursive: true, force: true });
  await mkdir(stageDir, { recursive: true });
  await bundleInput(
    root,
    stageDir,
    pin.version,
    path.join(options.buildDir, 'input-bundle.meta.json'),
  );
  const tools = await bundleTools(root, options.buildDir, pin.version);
  for (const tool of tools) log(`INFO build: bundled ${path.relative(process.cwd(), tool)}`);

  for (const step of await loadExtraSteps(root)) {
    try {
      await step({ root, stageDir, check: options.check });
    } catch (error) {
      if (error instanceof BuildError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new BuildError(`${step.name || 'build step'}: ${message.split('\n')[0] ?? ''}`, {
        cause: error,
      });
    }
  }
  await assembleApp(root, stageDir);
  await normaliseTree(stageDir);

  const mtime = await archiveTime(root);
  await mkdir(options.outDir, { recursive: true });
  const pending = await mkdtemp(path.join(options.outDir, '.pending-'));
  try {
    const planned: Array<{
      platform: PlatformId;
      platformRoot: string;
      temporary: string;
      file: string;
    }> = [];
    for (const platform of selected) {
      const platformRoot = path.join(options.buildDir, 'platforms', platform.id);
      const platformApp = path.join(platformRoot, appId);
      await rm(platformRoot, { recursive: true, force: true });
      await linkTree(stageDir, platformApp);
      await placeRuntime(
        platform,
        pin,
        path.join(platformApp, runtimeDir(platform.id)),
        runtimeOptions,
      );
      await normaliseTree(platformApp);
      const name = splFileName(appId, version, platform.id);
      planned.push({
        platform: platform.id,
        platformRoot,
        temporary: path.join(pending, name),
        file: path.join(options.outDir, name),
      });
    }
    // Compression dominates the build; the packages are independent, so they share the cores.
    // allSettled: on a failure, wait for the others before the pending folder is removed.
    const results = await Promise.allSettled(
      planned.map((entry) => writeSpl(entry.platformRoot, appId, entry.temporary, { mtime })),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const packages: BuiltPackage[] = [];
    for (const entry of planned) {
      await rename(entry.temporary, entry.file);
      const bytes = (await stat(entry.file)).size;
      packages.push({ platform: entry.platform, file: entry.file, bytes });
      log(`INFO build: wrote ${path.relative(process.cwd(), entry.file)} (${megabytes(bytes)})`);
    }
    return { version, nodeVersion: pin.version, packages };
  } finally {
    await rm(pending, { recursive: true, force: true });
  }
}
