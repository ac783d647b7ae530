// node build.mjs [--platform <id>] [--check] [--help]
//
// The build is TypeScript in tools/build/ (typed, linted and unit-tested like src/). This file
// runs it with tsx in a child process, so plain Node 20 can start it; output and exit code are
// the build's.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const result = spawnSync(
  process.execPath,
  [tsx, path.join(here, 'tools', 'build', 'run-cli.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (result.error) console.error(`ERROR build: cannot start tsx: ${result.error.message}`);
else if (result.signal) console.error(`ERROR build: stopped by ${result.signal}`);
process.exitCode = result.status ?? 2;
