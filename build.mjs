// node build.mjs [--platform <id>] [--check] [--help]
//
// The build is TypeScript in tools/build/ (typed, linted and unit-tested like src/). tsx, the
// repo's one runner for its TypeScript tools, loads it in this process: no compile step.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));

let cli;
try {
  cli = await tsImport('./tools/build/cli.ts', import.meta.url);
} catch (error) {
  console.error(
    `ERROR build: cannot load tools/build: ${String(error?.message ?? error).split('\n')[0]}`,
  );
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2), here);
