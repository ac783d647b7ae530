// npm test: the whole test suite. Type check, lint, format check, build (with --check), then jest:
// unit tests, then integration tests. Every stage runs even if an earlier one failed, so one run
// shows everything that is wrong; the last line is "<N> passed, <N> failed" (jest tests) and the
// exit code is non-zero if any stage failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(path.join(os.tmpdir(), 'ta-1password-events-test-'));
const failedStages = [];
let passed = 0;
let failed = 0;

function stage(name, command, args) {
  console.log(`\n== ${name}: ${[path.basename(command), ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`,
  );
  if (!ok) failedStages.push(name);
  return ok;
}

/** Runs one jest project and adds its test counts from jest's JSON report. */
function jestStage(project, workers) {
  const report = path.join(reports, `${project}.json`);
  const ok = stage(`jest ${project}`, bin('jest'), [
    '--selectProjects',
    project,
    ...workers,
    '--json',
    `--outputFile=${report}`,
  ]);
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    // A suite that cannot even load counts as a failure although no test in it ran.
    failed += summary.numRuntimeErrorTestSuites ?? 0;
  } catch {
    if (!ok) failed += 1;
  }
}

stage('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
stage('lint', bin('eslint'), ['.']);
stage('format', bin('prettier'), ['--check', '.']);
stage('build', process.execPath, [path.join(root, 'build.mjs'), '--check']);
// Two cores: unit tests in two workers; integration tests one file at a time, because each
// already runs builds, browsers or AppInspect in parallel processes of its own.
jestStage('unit', ['--maxWorkers=2']);
jestStage('integration', ['--runInBand']);

rmSync(reports, { recursive: true, force: true });
if (failedStages.length > 0) console.log(`\nFailed stages: ${failedStages.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failedStages.length > 0 || failed > 0 ? 1 : 0;
