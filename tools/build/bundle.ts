import { build, type BuildFailure, type BuildOptions, type Metafile } from 'esbuild';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BuildError } from './errors';
import { checkInputBundle, undiciTrimPlugin } from './undici-trim';

/** Where the modular input's bundle lives inside the app; the launchers run this file. */
export const inputBundlePath = 'bin/app/onepassword_events.js';

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

/** The undici package the project resolves (the pinned one in node_modules), if any. */
function undiciDir(root: string): string | undefined {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    return path.dirname(require.resolve('undici/package.json'));
  } catch {
    // No undici to trim; if src/ imports it after all, esbuild fails on that import.
    return undefined;
  }
}

/** esbuild options of the input bundle; shared with the unit test that inspects its metafile. */
export function inputBundleOptions(
  root: string,
  outFile: string,
  nodeVersion: string,
): BuildOptions & { metafile: true } {
  const major = nodeVersion.split('.')[0] ?? '';
  const undici = undiciDir(root);
  return {
    entryPoints: [path.join(root, 'src', 'main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${major}`,
    minify: true,
    sourcemap: false,
    metafile: true,
    plugins: undici === undefined ? [] : [undiciTrimPlugin(undici)],
    define: {
      __PINNED_NODE_VERSION__: JSON.stringify(nodeVersion),
      // undici loads its non-SIMD parser (left out, see undici-trim.ts) when it sees a jest
      // worker; the bundle never is one, even when a test spawns it with the test's environment.
      'process.env.JEST_WORKER_ID': 'undefined',
    },
  };
}

/**
 * Bundles src/main.ts into one minified CommonJS script for the pinned runtime. The pinned version
 * is compiled in as __PINNED_NODE_VERSION__ so the script can refuse any other Node at start-up.
 * No source map ships: stack traces are not shown to admins (log lines are single-line messages),
 * and a map would double the bundle for nothing. Parts of undici the input cannot reach are left
 * out (undici-trim.ts); the build fails if one slips back in or the bundle outgrows its budget.
 */
export async function bundleInput(
  root: string,
  outFile: string,
  nodeVersion: string,
  metafileOut?: string,
): Promise<void> {
  const entry = path.join(root, 'src', 'main.ts');
  if (!(await exists(entry))) throw new BuildError('src/main.ts is missing; nothing to bundle');
  const metafile = await runEsbuild('src/main.ts', inputBundleOptions(root, outFile, nodeVersion));
  if (!metafile) throw new BuildError('esbuild returned no metafile for src/main.ts');
  checkInputBundle(metafile);
  // Outside the app folder (never shipped): the bench reads the script's composition from it.
  if (metafileOut) {
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
