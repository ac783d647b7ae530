/**
 * Stack for the setup-page browser tests: the packaged app (built with build.mjs and extracted
 * from its .spl), the Events API simulator, the splunkd stand-in running the packaged input's
 * external validation, the Splunk Web stand-in, and Debian's chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import type { Simulator } from '../../support/events-api-sim';
import {
  ensurePackage,
  repoRoot,
  runPackaged,
  startTestbed,
  type RunResult,
  type Testbed,
} from '../../support/harness';
import { parseConf, startSplunkWeb, type SplunkWeb } from '../../support/splunk-web';
import type { ConfSeed, Splunkd, UserSpec } from '../../support/splunkd-standin';

export const appId = 'TA-1password-events';
export const chromiumPath = '/usr/bin/chromium';
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
export const adminPassword = 'changeme-standin';
export const nonAdmin: UserSpec = {
  name: 'analyst',
  password: 'analyst-standin-pw',
  roles: ['user', 'power'],
};

/** default/*.conf of the app, as the splunkd stand-in's seed (what splunkd reads at startup). */
export async function appDefaults(appDir: string): Promise<ConfSeed> {
  const dir = path.join(appDir, 'default');
  const files: Record<string, Record<string, Record<string, string>>> = {};
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.conf'))) {
    const parsed = parseConf(await readFile(path.join(dir, file), 'utf8'));
    const stanzas: Record<string, Record<string, string>> = {};
    for (const [name, values] of parsed) {
      if (name === 'default' && values.size === 0) continue;
      stanzas[name] = Object.fromEntries(values);
    }
    files[file.slice(0, -'.conf'.length)] = stanzas;
  }
  return { [appId]: files };
}

export interface Stack {
  readonly bed: Testbed;
  readonly web: SplunkWeb;
  readonly sim: Simulator;
  readonly splunkd: Splunkd;
  /** Runs the packaged input once for a stanza as splunkd stored it (saved through the page). */
  runStoredInput(name: string): Promise<RunResult>;
  stop(): Promise<void>;
}

/**
 * The packaged app in a temporary $SPLUNK_HOME (test/support/harness: built with build.mjs,
 * extracted from the .spl), the splunkd stand-in seeded with the app's default confs and running
 * the packaged input's external validation, and the Splunk Web stand-in serving the app.
 */
export async function startStack(
  options: {
    readonly instanceType?: 'enterprise' | 'cloud';
    readonly indexes?: readonly string[];
  } = {},
): Promise<Stack> {
  // The shipped defaults, read from the package itself: what splunkd would load at startup.
  const spl = ensurePackage();
  const unpacked = await mkdtemp(path.join(tmpdir(), 'setup-page-defaults-'));
  execFileSync('tar', ['-xzf', spl, '-C', unpacked, `${appId}/default`]);
  const confs = await appDefaults(path.join(unpacked, appId));
  await rm(unpacked, { recursive: true, force: true });
  const bed = await startTestbed({
    simulator: {
      seed: 'setup-page',
      counts: { signinattempts: 40, itemusages: 30, auditevents: 20 },
    },
    splunkd: {
      confs,
      users: [{ name: 'admin', password: adminPassword, roles: ['admin'] }, nonAdmin],
      instanceType: options.instanceType ?? 'enterprise',
      indexes: options.indexes ?? ['main', '_internal', '_audit'],
      serverName: 'splunk-sh1',
    },
  });
  const web = await startSplunkWeb({
    appDir: bed.appDir,
    splunkdUrl: bed.splunkd.url,
    splunkdCaPem: bed.splunkd.caPem,
  });
  return {
    bed,
    web,
    sim: bed.sim,
    splunkd: bed.splunkd,
    runStoredInput: (name) =>
      runPackaged({
        launcher: bed.launcher,
        env: bed.env,
        stdin: bed.splunkd.inputDefinitionXml(name),
        cwd: bed.splunkHome,
        timeoutMs: 120_000,
      }),
    stop: async () => {
      await web.stop();
      await bed.stop();
    },
  };
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Bodies of every response the browser received (static JS and CSS excluded), in order. */
  readonly bodies: { url: string; status: number; body: string }[];
  /** Uncaught page errors and console errors. */
  readonly errors: string[];
  close(): Promise<void>;
}

export function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

export async function openBrowser(): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'setup-page-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const bodies: BrowserSession['bodies'] = [];
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response: Response) => {
    const type = response.headers()['content-type'] ?? '';
    if (/javascript|text\/css|image\//.test(type)) return;
    pending.push(
      response.body().then(
        (body) => {
          bodies.push({
            url: response.url(),
            status: response.status(),
            body: body.toString('utf8'),
          });
        },
        () => undefined,
      ),
    );
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    bodies,
    errors,
    close: async () => {
      await Promise.all(pending);
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(
  page: Page,
  web: SplunkWeb,
  user: string,
  password: string,
  target = `/en-US/app/${appId}/`,
): Promise<void> {
  await page.goto(`${web.url}${target}`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.includes('/account/login')),
    page.click('#login-submit'),
  ]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Screenshots shown in the README: the visible viewport, as an admin sees it, kept in docs/. */
export const docScreenshotDir = path.join(repoRoot, 'docs', 'screenshots');

export async function docScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(docScreenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(docScreenshotDir, `${name}.png`) });
}
