import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inputParams } from '../../src/config/input-params';
import { appId, residentSchemeName, schemeName } from '../../src/core/app-identity';
import { assembleApp, linkTree, normaliseTree } from './assemble';
import { bundleInput, bundleTools } from './bundle';
import { BuildError } from './errors';
import { runtimeDir, runtimesOf, selectPackages, splFileName, type PackageId } from './platforms';
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
  /** `--skip-step` names (projectSteps): for fake projects that lack a step's inputs. */
  readonly skipSteps: readonly string[];
  readonly log: (line: string) => void;
}

export interface BuiltPackage {
  /** A platform id, or `universal` for the package carrying every runtime. */
  readonly platform: PackageId;
  readonly file: string;
  readonly bytes: number;
}

export interface BuildResult {
  readonly version: string;
  readonly nodeVersion: string;
  readonly packages: readonly BuiltPackage[];
}

/** What a project build step gets (see projectSteps). */
export interface BuildStepContext {
  readonly root: string;
  readonly stageDir: string;
  /** `--check`: verify committed generated files and fail on drift instead of rewriting them. */
  readonly check: boolean;
}

export interface BuildStep {
  readonly name: string;
  readonly run: (ctx: BuildStepContext) => Promise<void>;
}

/**
 * The project's own steps, in order: after the input is bundled into the stage and before the
 * repo files are copied in (the copy refuses to overwrite a staged file, so a step and the repo
 * can never both provide a path). They are ES modules, loaded when the step runs.
 */
export const projectSteps: readonly BuildStep[] = [
  { name: 'setup-page', run: (ctx) => runExported('setup-page.mjs', 'buildSetupPage', ctx) },
  {
    name: 'knowledge-objects',
    run: (ctx) => runExported('knowledge-objects.mjs', 'knowledgeObjectsStep', ctx),
  },
];

async function runExported(file: string, exported: string, ctx: BuildStepContext): Promise<void> {
  const loaded = (await import(pathToFileURL(path.join(__dirname, file)).href)) as Record<
    string,
    BuildStep['run'] | undefined
  >;
  const run = loaded[exported];
  if (typeof run !== 'function') throw new BuildError(`tools/build/${file} has no ${exported}`);
  await run(ctx);
}

/** Runs steps in order; a failure becomes one BuildError line naming the step. */
async function runSteps(steps: readonly BuildStep[], ctx: BuildStepContext): Promise<void> {
  for (const step of steps) {
    try {
      await step.run(ctx);
    } catch (error) {
      if (error instanceof BuildError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new BuildError(`${step.name}: ${message.split('\n')[0] ?? ''}`, { cause: error });
    }
  }
}

const execFileAsync = promisify(execFile);

async function readText(root: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(root, file), 'utf8');
  } catch {
    throw new BuildError(`${file} is missing in ${root}`);
  }
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
export async function runBuild(
  options: BuildOptions,
  steps: readonly BuildStep[] = projectSteps,
): Promise<BuildResult> {
  const { root, log } = options;
  const selected = selectPackages(options.platforms);
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
  for (const platform of runtimesOf(selected)) {
    await locatePackage(pin.packages[platform.id], runtimeOptions);
  }
  const spec = await readText(root, 'README/inputs.conf.spec');
  for (const scheme of [schemeName, residentSchemeName])
    assertSpecMatches(spec, scheme, inputParams);

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

  await runSteps(
    steps.filter((step) => !options.skipSteps.includes(step.name)),
    { root, stageDir, check: options.check },
  );
  await assembleApp(root, stageDir);
  await normaliseTree(stageDir);

  const mtime = await archiveTime(root);
  await mkdir(options.outDir, { recursive: true });
  const pending = await mkdtemp(path.join(options.outDir, '.pending-'));
  try {
    const planned: Array<{
      platform: PackageId;
      platformRoot: string;
      temporary: string;
      file: string;
    }> = [];
    for (const platform of selected) {
      const platformRoot = path.join(options.buildDir, 'platforms', platform.id);
      const platformApp = path.join(platformRoot, appId);
      await rm(platformRoot, { recursive: true, force: true });
      await linkTree(stageDir, platformApp);
      for (const runtime of platform.runtimes) {
        await placeRuntime(
          runtime,
          pin,
          path.join(platformApp, runtimeDir(runtime.id)),
          runtimeOptions,
        );
      }
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
