import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectSteps, runBuild, type BuildOptions } from './build';
import { BuildError } from './errors';
import { packageIds } from './platforms';

const usage = `Usage: node build.mjs [options]

Bundles src/main.ts, assembles the app and writes one .spl per platform into dist/.

  --platform <id>    build only this platform (repeatable or comma-separated):
                     ${packageIds.join(', ')}
  --check            verify committed generated files instead of rewriting them (used by npm test)
  --offline          never run npm pack; runtimes must be installed or already in the cache
  --skip-step <name> leave out a project step (${projectSteps.map((s) => s.name).join(', ')});
                     for test projects that lack its inputs
  --root <dir>       project to build (default: the folder of build.mjs)
  --out-dir <dir>    where the .spl files go (default: <root>/dist)
  --build-dir <dir>  stage and bundles (default: <root>/build)
  --cache-dir <dir>  fetched runtime tarballs (default: <root>/build/cache)
  --help             show this text`;

/** Turns argv into build options; throws BuildError on anything it does not understand. */
export function parseBuildArgs(
  argv: readonly string[],
  defaultRoot: string,
): BuildOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        platform: { type: 'string', multiple: true },
        check: { type: 'boolean' },
        offline: { type: 'boolean' },
        'skip-step': { type: 'string', multiple: true },
        root: { type: 'string' },
        'out-dir': { type: 'string' },
        'build-dir': { type: 'string' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new BuildError(`${(error as Error).message}; see --help`);
  }
  const values = parsed.values;
  if (values.help) return 'help';
  const skipSteps = values['skip-step'] ?? [];
  const unknown = skipSteps.find((name) => !projectSteps.some((step) => step.name === name));
  if (unknown !== undefined) throw new BuildError(`unknown --skip-step ${unknown}; see --help`);
  const root = path.resolve(values.root ?? defaultRoot);
  const buildDir = path.resolve(values['build-dir'] ?? path.join(root, 'build'));
  return {
    root,
    buildDir,
    outDir: path.resolve(values['out-dir'] ?? path.join(root, 'dist')),
    cacheDir: path.resolve(values['cache-dir'] ?? path.join(root, 'build', 'cache')),
    platforms: values.platform ?? [],
    check: values.check ?? false,
    offline: values.offline ?? false,
    skipSteps,
    log: (line) => console.log(line),
  };
}

/** CLI entry used by build.mjs. Returns the exit code; every failure is one line on stderr. */
export async function main(argv: readonly string[], defaultRoot: string): Promise<number> {
  const started = performance.now();
  try {
    const options = parseBuildArgs(argv, defaultRoot);
    if (options === 'help') {
      console.log(usage);
      return 0;
    }
    await runBuild(options);
    console.log(`INFO build: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof BuildError) {
      console.error(`ERROR build: ${error.message}`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`ERROR build: unexpected failure: ${message.split('\n')[0] ?? ''}`);
    if (error instanceof Error && error.stack && process.env.BUILD_DEBUG)
      console.error(error.stack);
    return 2;
  }
}
