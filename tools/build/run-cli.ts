/**
 * What build.mjs runs through tsx in a child process: the build CLI, with this repo as the
 * default project. The exit code is the build's (see cli.ts).
 */
import path from 'node:path';
import { main } from './cli';

void main(process.argv.slice(2), path.resolve(__dirname, '..', '..')).then((code) => {
  process.exitCode = code;
});
