import { build, type BuildFailure, type BuildOptions, type Metafile } from 'esbuild';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BuildError } from './errors';

/** Where the modular input's bundle lives inside the app; the launchers run this file. */
export const inputBundlePath = 'bin/app/onepassword_events.js';
/** The run and validation code, which the input's bundle loads in those modes only. */
export const runBundlePath = 'bin/app/onepassword_events_run.js';

/**
 * Test stand-ins and tools that scripts (demo, bench, soak) run outside jest. Each is bundled
 * only if its entry exists, because they are written alongside the build.
 */
export const toolBundles: ReadonlyArray<{ readonly entry: string; readonly out: string }> = [
  { entry: 'test/support/events-api-sim/index.ts', out: 'tools/events-api-sim.cjs' },
  { entry: 'test/support/splunkd-standin/index.ts', out: 'tools/splunkd-standin.cjs' },
  { entry: 'test/support/harness/index.ts', out: 'tools/harness.cjs' },
];

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function firstError(error: unknown): string {
  const failure = error as Partial<BuildFailure>;
  const first = failure.errors?.[0];
  if (!first) return (error as Error).message.split('\n')[0] ?? 'unknown esbuild error';
  const where = first.location ? `${first.location.file}:${first.location.line}: ` : '';
  return `${where}${first.text}`;
}

async function runEsbuild(what: string, options: BuildOptions): Promise<Metafile | undefined> {
  try {
    return (await build({ ...options, logLevel: 'silent' })).metafile;
  } catch (error) {
    throw new BuildError(`bundling ${what} failed: ${firstError(error)}`);
  }
}

/**
 * esbuild options of the input scripts. Two entries, so `--scheme` reads only the small first
 * one: src/main.ts requires the second (src/run-modes.ts) at run time, as a file beside it.
 */
export function inputBundleOptions(
  root: string,
  outDir: string,
  nodeVersion: string,
): BuildOptions & { metafile: true } {
  const major = nodeVersion.split('.')[0] ?? '';
  return {
    entryPoints: [
      { in: path.join(root, 'src', 'main.ts'), out: scriptName(inputBundlePath) },
      { in: path.join(root, 'src', 'run-modes.ts'), out: scriptName(runBundlePath) },
    ],
    outdir: outDir,
    external: [`./${path.posix.basename(runBundlePath)}`],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${major}`,
    minify: true,
    sourcemap: false,
    metafile: true,
    define: { __PINNED_NODE_VERSION__: JSON.stringify(nodeVersion) },
  };
}

function scriptName(bundlePath: string): string {
  return path.posix.basename(bundlePath, '.js');
}

/**
 * Bundles src/main.ts and src/run-modes.ts into minified CommonJS scripts for the pinned runtime,
 * in `<stageDir>/bin/app`. The pinned version is compiled in as __PINNED_NODE_VERSION__ so the
 * script can refuse any other Node at start-up. No source map ships: stack traces are not shown
 * to admins (log lines are single-line messages), and a map would double the bundle for nothing.
 */
export async function bundleInput(
  root: string,
  stageDir: string,
  nodeVersion: string,
  metafileOut?: string,
): Promise<void> {
  for (const entry of ['src/main.ts', 'src/run-modes.ts']) {
    if (!(await exists(path.join(root, entry))))
      throw new BuildError(`${entry} is missing; nothing to bundle`);
  }
  const outDir = path.join(stageDir, path.posix.dirname(inputBundlePath));
  const metafile = await runEsbuild('src/main.ts', inputBundleOptions(root, outDir, nodeVersion));
  // Outside the app folder (never shipped): the bench reads the scripts' composition from it.
  if (metafileOut && metafile) {
    await mkdir(path.dirname(metafileOut), { recursive: true });
    await writeFile(metafileOut, JSON.stringify(metafile));
  }
}

/**
 * Bundles the stand-ins that exist (see toolBundles) into `<buildDir>/tools/*.cjs` for the
 * machine's Node (20), readable rather than minified; dependencies stay in node_modules.
 */
export async function bundleTools(
  root: string,
  buildDir: string,
  nodeVersion: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const tool of toolBundles) {
    const entry = path.join(root, tool.entry);
    if (!(await exists(entry))) continue;
    const outFile = path.join(buildDir, tool.out);
    await runEsbuild(tool.entry, {
      entryPoints: [entry],
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      define: { __PINNED_NODE_VERSION__: JSON.stringify(nodeVersion) },
    });
    written.push(outFile);
  }
  return written;
}
