/**
 * A whole test stand: a built .spl (linux x86_64 unless another platform is asked for) extracted into a temporary $SPLUNK_HOME, the
 * splunkd stand-in (KV store, storage/passwords, confs, external validation running the packaged
 * launcher) and the Events API simulator over HTTPS with its own CA.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import {
  accountStatusCollection,
  accountsConf,
  appId,
  checkpointCollection,
  healthCollection,
  residentSchemeName,
  schemeName,
  secretRealm,
} from '../../../src/core/app-identity';
import { startEventsApiSimulator, type Simulator, type SimulatorOptions } from '../events-api-sim';
import {
  buildInputDefinitionXml,
  buildValidationXml,
  startSplunkd,
  type Splunkd,
  type SplunkdOptions,
} from '../splunkd-standin';
import { platformHost, type HostPlatform, type PlatformHost } from './platform-host';
import { runPackaged, type RunOptions, type RunResult } from './run-packaged';

/** The repo root, found upwards from here (this file also runs bundled into build/tools/). */
function findRepoRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'build.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  return resolve(start, '../../..');
}
export const repoRoot = findRepoRoot(__dirname);

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A package (default linux x86_64), rebuilt when missing or older than src/ (npm test builds it first). */
export function ensurePackage(platform: HostPlatform | 'universal' = 'linux-x86_64'): string {
  const spl = join(repoRoot, 'dist', `${appId}-${packageVersion()}-${platform}.spl`);
  if (!existsSync(spl) || statSync(spl).mtimeMs < newestMtime(join(repoRoot, 'src'))) {
    execFileSync(process.execPath, [join(repoRoot, 'build.mjs'), '--platform', platform], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  return spl;
}

/** A PATH with the few tools the launcher uses and no node on it. */
export function pathWithoutNode(dir: string): string {
  const bin = join(dir, 'path-bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['sh', 'uname', 'sed', 'head', 'cat']) {
    const source = ['/bin', '/usr/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (source && !existsSync(join(bin, tool))) symlinkSync(source, join(bin, tool));
  }
  return bin;
}

export interface AccountSpec {
  readonly name: string;
  /** Defaults to a fresh simulator token with all features. */
  readonly token?: string;
  /** Defaults to the simulator's URL (an admin-recorded custom endpoint, stored beside the token). */
  readonly endpoint?: string | null;
  /** Trust the simulator's CA through the account's stored ca_bundle_path (default true). */
  readonly trustSimulatorCa?: boolean;
  /** Stored beside the token as `network:<name>` (proxy_url, ca_bundle_path). */
  readonly network?: { readonly proxy_url?: string; readonly ca_bundle_path?: string };
  readonly conf?: Record<string, string>;
}

export interface Testbed {
  readonly dir: string;
  readonly splunkHome: string;
  readonly appDir: string;
  readonly launcher: string;
  /** The resident kind's launcher, bin/onepassword_events_resident (run natively). */
  readonly residentLauncher: string;
  /** How the launcher runs (natively, or under qemu-user or Wine). */
  readonly host: PlatformHost;
  readonly checkpointDir: string;
  readonly sim: Simulator;
  readonly splunkd: Splunkd;
  readonly env: Readonly<Record<string, string>>;
  addAccount(spec: AccountSpec): Promise<string>;
  /** Calls splunkd REST as admin (or with the given key); returns status and parsed JSON. */
  rest(
    method: string,
    path: string,
    form?: Record<string, string>,
    sessionKey?: string,
  ): Promise<{ status: number; body: string }>;
  inputXml(
    name: string,
    params: Record<string, string>,
    sessionKey?: string,
    member?: Member,
  ): string;
  /** What splunkd sends the resident kind (use_single_instance): every stanza in one definition. */
  residentXml(
    inputs: readonly { readonly name: string; readonly params: Record<string, string> }[],
    member?: Member,
  ): string;
  run(
    name: string,
    params: Record<string, string>,
    options?: Partial<RunOptions>,
  ): Promise<RunResult>;
  /** Runs the packaged `--validate-arguments` with the document splunkd sends when an input is saved. */
  validate(item: string, params: Record<string, string>): Promise<RunResult>;
  /** Runs the input as another search-head cluster member would: its own host name and local disk. */
  runAs(
    member: string,
    name: string,
    params: Record<string, string>,
    options?: Partial<RunOptions>,
  ): Promise<RunResult>;
  kvDocs(collection: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

/** A search-head cluster member: splunkd's server_host and its own checkpoint_dir. */
export interface Member {
  readonly serverHost: string;
  readonly checkpointDir: string;
}

export interface TestbedOptions {
  /** Whose package to run (default linux-x86_64; the others run under an emulator). */
  readonly platform?: HostPlatform;
  readonly simulator?: SimulatorOptions;
  readonly splunkd?: Partial<SplunkdOptions>;
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const spl = ensurePackage(options.platform);
  const dir = mkdtempSync(join(tmpdir(), 'op-testbed-'));
  const splunkHome = join(dir, 'splunk');
  const appsDir = join(splunkHome, 'etc', 'apps');
  mkdirSync(appsDir, { recursive: true });
  execFileSync('tar', ['-xzf', spl, '-C', appsDir]);
  const appDir = join(appsDir, appId);
  const host = platformHost(options.platform ?? 'linux-x86_64', splunkHome);
  const launcher = host.launcher(appDir);
  const validator = host.command(launcher, []);
  const residentValidator = host.command(host.launcher(appDir, residentSchemeName), []);
  const checkpointDir = join(splunkHome, 'var', 'lib', 'splunk', 'modinputs', schemeName);
  mkdirSync(checkpointDir, { recursive: true });
  const env: Record<string, string> = {
    SPLUNK_HOME: splunkHome,
    PATH: pathWithoutNode(dir),
    LANG: 'C.UTF-8',
  };

  const sim = await startEventsApiSimulator({ seed: 'testbed', ...options.simulator });
  const splunkd = await startSplunkd({
    collections: [checkpointCollection, healthCollection, accountStatusCollection],
    checkpointDir,
    validateWith: { command: validator.file, args: validator.args, env },
    // The app registers both kinds; splunkd validates each stanza with its own kind's launcher.
    moreSchemes: [
      {
        scheme: residentSchemeName,
        validateWith: { command: residentValidator.file, args: residentValidator.args, env },
      },
    ],
    ...options.splunkd,
  });
  await splunkd.writeSplunkHome(splunkHome);
  const dispatcher = new Agent({ connect: { ca: splunkd.caPem } });

  const rest: Testbed['rest'] = async (method, path, form, sessionKey) => {
    const response = await request(
      `${splunkd.url}${path}${path.includes('?') ? '&' : '?'}output_mode=json`,
      {
        method: method as 'GET',
        dispatcher,
        headers: {
          authorization: `Splunk ${sessionKey ?? splunkd.adminSessionKey}`,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      },
    );
    return { status: response.statusCode, body: await response.body.text() };
  };

  const ns = `/servicesNS/nobody/${appId}`;
  const inputXml: Testbed['inputXml'] = (name, params, sessionKey, member) =>
    buildInputDefinitionXml({
      serverHost: member?.serverHost ?? 'testbed-host',
      serverUri: splunkd.url,
      sessionKey: sessionKey ?? splunkd.systemSessionKey,
      checkpointDir: host.path(member?.checkpointDir ?? checkpointDir),
      stanzas: [
        {
          name: `${schemeName}://${name}`,
          app: appId,
          params: { index: 'onepassword', ...params },
        },
      ],
    });

  // splunkd's checkpoint_dir for the resident kind; the input itself keeps its files in the
  // per-run kind's (resident-input.ts, sharedCheckpointDir).
  const residentCheckpointDir = join(dirname(checkpointDir), residentSchemeName);
  const residentXml: Testbed['residentXml'] = (inputs, member) =>
    buildInputDefinitionXml({
      serverHost: member?.serverHost ?? 'testbed-host',
      serverUri: splunkd.url,
      sessionKey: splunkd.systemSessionKey,
      checkpointDir: host.path(member?.checkpointDir ?? residentCheckpointDir),
      stanzas: inputs.map(({ name, params }) => ({
        name: `${residentSchemeName}://${name}`,
        app: appId,
        params: { index: 'onepassword', ...params },
      })),
    });

  return {
    dir,
    splunkHome,
    appDir,
    launcher,
    residentLauncher: join(appDir, 'bin', 'onepassword_events_resident'),
    residentXml,
    host,
    checkpointDir,
    sim,
    splunkd,
    env,
    rest,
    inputXml,
    async addAccount(spec) {
      const token = spec.token ?? sim.issueToken();
      const endpoint = spec.endpoint === undefined ? sim.url : spec.endpoint;
      const secret = JSON.stringify(endpoint === null ? { token } : { token, endpoint });
      const created = await rest('POST', `${ns}/storage/passwords`, {
        name: `account:${spec.name}`,
        password: secret,
        realm: secretRealm,
      });
      if (created.status !== 201)
        throw new Error(`storing the account secret failed: ${created.status} ${created.body}`);
      const network = {
        ...(spec.trustSimulatorCa === false ? {} : { ca_bundle_path: host.path(sim.caPath) }),
        ...spec.network,
      };
      if (Object.keys(network).length > 0) {
        const stored = await rest('POST', `${ns}/storage/passwords`, {
          name: `network:${spec.name}`,
          password: JSON.stringify(network),
          realm: secretRealm,
        });
        if (stored.status !== 201)
          throw new Error(`storing the network settings failed: ${stored.status} ${stored.body}`);
      }
      const conf: Record<string, string> = { ...spec.conf };
      const made = await rest('POST', `${ns}/configs/conf-${accountsConf}`, {
        name: spec.name,
        ...conf,
      });
      if (made.status !== 201 && made.status !== 200)
        throw new Error(`writing ${accountsConf}.conf failed: ${made.status} ${made.body}`);
      return token;
    },
    run(name, params, runOptions = {}) {
      return runPackaged({
        launcher,
        host,
        env,
        stdin: inputXml(name, params),
        cwd: splunkHome,
        ...runOptions,
      });
    },
    validate(item, params) {
      return runPackaged({
        launcher,
        host,
        args: ['--validate-arguments'],
        env,
        cwd: splunkHome,
        stdin: buildValidationXml({
          serverHost: 'testbed-host',
          serverUri: splunkd.url,
          sessionKey: splunkd.systemSessionKey,
          checkpointDir: host.path(checkpointDir),
          itemName: item,
          params,
        }),
      });
    },
    runAs(member, name, params, runOptions = {}) {
      const memberDir = join(dir, 'members', member);
      mkdirSync(memberDir, { recursive: true });
      const stdin = inputXml(name, params, undefined, {
        serverHost: member,
        checkpointDir: memberDir,
      });
      return runPackaged({ launcher, host, env, stdin, cwd: splunkHome, ...runOptions });
    },
    kvDocs(collection) {
      return splunkd.kv.documents(collection, appId) as Record<string, unknown>[];
    },
    async stop() {
      await dispatcher.close();
      await sim.stop();
      await splunkd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
