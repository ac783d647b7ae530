/**
 * Splunk AppInspect on the linux-x86_64 package and on the universal package (all three runtimes),
 * as Splunk Cloud vetting runs it:
 * `splunk-appinspect inspect <spl> --mode precert --included-tags cloud`. Zero failures and zero
 * errors; every warning or manual check that remains must be explained in docs/appinspect.md.
 * Outside CI the test is skipped (with a message) when splunk-appinspect is not installed; in CI
 * (.ci/run installs it) a missing AppInspect is a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { appId } from '../../../src/core/app-identity';
import { repoRoot, run, runBuild, tempDir } from './support';

// Building and inspecting take about a minute (the project-level testTimeout does not reach hooks).
jest.setTimeout(10 * 60 * 1000);

interface CheckResult {
  readonly name: string;
  readonly result: string;
  readonly messages: ReadonlyArray<{ readonly message: string }>;
}

interface AppInspectReport {
  readonly summary: Record<string, number>;
  readonly reports: ReadonlyArray<{
    readonly groups: ReadonlyArray<{ readonly checks: readonly CheckResult[] }>;
  }>;
}

const installed = spawnSync('splunk-appinspect', ['--help'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI);
const version = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

const workRoot = tempDir('appinspect');
const outDir = path.join(workRoot, 'dist');
let built: Promise<void> | undefined;

/** One build for both packages (the packages share everything but bin/runtime/). */
function buildOnce(): Promise<void> {
  built ??= runBuild([
    '--check',
    '--platform',
    'linux-x86_64,universal',
    '--out-dir',
    outDir,
    '--build-dir',
    path.join(workRoot, 'build'),
  ]).then((build) => {
    if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
  });
  return built;
}

if (!installed && !inCi) {
  console.warn(
    'SKIPPED AppInspect: splunk-appinspect is not installed (python3 -m pip install splunk-appinspect); CI runs it',
  );
}
const describeWithAppInspect = installed || inCi ? describe : describe.skip;

afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

describeWithAppInspect.each(['linux-x86_64', 'universal'])(
  'AppInspect (cloud tags, precert) on the %s package',
  (packageId) => {
    let report: AppInspectReport | undefined;
    beforeAll(async () => {
      if (!installed)
        throw new Error('splunk-appinspect is not installed, and CI must run AppInspect');
      await buildOnce();
      const output = path.join(workRoot, `appinspect-${packageId}.json`);
      const inspect = await run(
        'splunk-appinspect',
        [
          'inspect',
          path.join(outDir, `${appId}-${version}-${packageId}.spl`),
          '--mode',
          'precert',
          '--included-tags',
          'cloud',
          '--output-file',
          output,
          '--data-format',
          'json',
        ],
        { cwd: workRoot },
      );
      if (inspect.code !== 0) {
        throw new Error(`splunk-appinspect exited ${inspect.code}: ${inspect.stderr.slice(-2000)}`);
      }
      report = JSON.parse(readFileSync(output, 'utf8')) as AppInspectReport;
    });

    function checks(): CheckResult[] {
      if (!report) throw new Error('no AppInspect report');
      return report.reports.flatMap((entry) => entry.groups.flatMap((group) => group.checks));
    }

    /** "check_name: first message" for every check with one of the results. */
    function outcomes(...results: string[]): string[] {
      return checks()
        .filter((check) => results.includes(check.result))
        .map((check) => `${check.name}: ${check.messages.map((m) => m.message).join(' | ')}`);
    }

    it('reports no failures and no errors', () => {
      expect(outcomes('failure', 'error')).toEqual([]);
      expect(report?.summary['failure']).toBe(0);
      expect(report?.summary['error']).toBe(0);
    });

    it('ran the cloud checks at all', () => {
      expect(checks().filter((check) => check.result === 'success').length).toBeGreaterThan(50);
    });

    it('explains every remaining warning and manual check in docs/appinspect.md', () => {
      const documented = readFileSync(path.join(repoRoot, 'docs/appinspect.md'), 'utf8');
      const unexplained = checks()
        .filter((check) => ['warning', 'manual_check', 'future_failure'].includes(check.result))
        .filter((check) => !documented.includes(`\`${check.name}\``))
        .map((check) => `${check.result} ${check.name}: ${check.messages[0]?.message ?? ''}`);
      expect(unexplained).toEqual([]);
    });
  },
);
