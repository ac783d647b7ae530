/**
 * The bundle build step (tools/build/setup-page.mjs): one self-contained browser script that
 * passes the AppInspect checks most likely to bite a setup page.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const repo = path.resolve(__dirname, '../../..');
let stage: string;
let bundle: string;

beforeAll(async () => {
  stage = await mkdtemp(path.join(tmpdir(), 'setup-bundle-'));
  // A child Node imports the ESM step exactly as build.mjs does (jest cannot import ESM here).
  const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(repo, 'tools/build/setup-page.mjs')).href)});
await m.buildSetupPage({ root: ${JSON.stringify(repo)}, stageDir: ${JSON.stringify(stage)}, check: false });
process.stdout.write(m.setupBundlePath);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repo,
  });
  bundle = await readFile(path.join(stage, stdout), 'utf8');
}, 120_000);

afterAll(async () => {
  await rm(stage, { recursive: true, force: true });
});

describe('setup page bundle', () => {
  it('is one minified IIFE with React inside, in production mode', () => {
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(bundle.startsWith('(()=>{') || bundle.startsWith('"use strict";(()=>{')).toBe(true);
    expect(bundle).not.toContain('process.env.NODE_ENV');
    expect(bundle).not.toMatch(/react\.development|Warning: Each child in a list/);
  });

  it('loads nothing from Splunk Web (AppInspect hotlinking) and registers no AMD module', () => {
    expect(bundle).not.toMatch(/splunkjs\/|["']splunk\.(config|util|i18n)["']|\/static\/js\//);
    expect(bundle).not.toMatch(/\brequire\(\s*\[/);
    expect(bundle).not.toMatch(/typeof define|define\.amd/);
  });

  it('has nothing check_for_secret_disclosure would flag', () => {
    expect(bundle.match(/(login|passwd|password|community|privpass)\s*=\s*\S+/gi) ?? []).toEqual(
      [],
    );
    expect(bundle).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  });
});
