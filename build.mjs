// node build.mjs [--platform <id>] [--check] [--help]
//
// The build is TypeScript in tools/build/ (typed, linted and unit-tested like src/). This file only
// compiles it with esbuild into a throwaway module and runs it, so plain Node 20 can start it.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// One file per process: parallel builds (the integration tests) must not overwrite each other.
const builder = path.join(here, 'build', 'builder', `build-${process.pid}.mjs`);

try {
  await build({
    entryPoints: [path.join(here, 'tools', 'build', 'cli.ts')],
    outfile: builder,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
} catch (error) {
  const first = error?.errors?.[0];
  const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
  console.error(
    `ERROR build: cannot compile tools/build: ${where}${first?.text ?? error?.message}`,
  );
  process.exit(2);
}
try {
  const { main } = await import(pathToFileURL(builder).href);
  process.exitCode = await main(process.argv.slice(2), here);
} finally {
  await rm(builder, { force: true });
}
