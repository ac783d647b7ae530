/**
 * How the packaged launcher is run for each platform's package on this x86_64 Linux machine:
 * natively (linux-x86_64), under qemu-user with binfmt in an aarch64 userland (linux-aarch64), or
 * under Wine 10 in a Debian 13 root (windows-x86_64). The userlands are built once by
 * scripts/platforms/*-root.sh (`.ci/run` runs them) under $TA_PLATFORM_CACHE.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export type HostPlatform = 'linux-x86_64' | 'linux-aarch64' | 'windows-x86_64';

export interface PlatformHost {
  readonly platform: HostPlatform;
  /** The program and arguments that run `launcher args` on this platform. */
  command(launcher: string, args: readonly string[]): { file: string; args: string[] };
  /** A file path as the input on this platform sees it. */
  path(hostPath: string): string;
  /**
   * The launcher path to pass to command(): Windows runs the .cmd by its Windows path. `kind` is
   * the scheme's launcher in bin/ (default onepassword_events; onepassword_events_resident).
   */
  launcher(appDir: string, kind?: string): string;
  /** False where stdout only arrives when the process has ended (Wine: files, not pipes). */
  readonly streamsStdout: boolean;
}

export const platformCache = process.env.TA_PLATFORM_CACHE ?? '/var/cache/ta-1password-events';
/** scripts/platforms, found upwards (this file also runs bundled into build/tools/). */
function findScripts(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'platforms', 'wine-run.sh')))
      return join(dir, 'scripts', 'platforms');
  }
  return join(start, '..', '..', '..', 'scripts', 'platforms');
}
const scripts = findScripts(__dirname);
/** What Windows sees as SPLUNK_HOME: a path with spaces, like Splunk's default install folder. */
export const windowsSplunkHome = 'C:\\Program Files\\Splunk Test';

const native: PlatformHost = {
  platform: 'linux-x86_64',
  command: (launcher, args) => ({ file: launcher, args: [...args] }),
  path: (hostPath) => hostPath,
  launcher: (appDir, kind = 'onepassword_events') => join(appDir, 'bin', kind),
  streamsStdout: true,
};

function aarch64Host(): PlatformHost {
  const root = join(platformCache, 'aarch64-root');
  return {
    platform: 'linux-aarch64',
    command: (launcher, args) => ({
      file: '/usr/bin/unshare',
      args: [
        '--user',
        '--map-root-user',
        '--mount',
        '--propagation',
        'private',
        join(scripts, 'aarch64-run.sh'),
        root,
        launcher,
        ...args,
      ],
    }),
    path: (hostPath) => hostPath,
    launcher: (appDir, kind = 'onepassword_events') => join(appDir, 'bin', kind),
    streamsStdout: true,
  };
}

/** splunkHome (host) is mounted as C:\Program Files\Splunk Test; everything else is Z:\… */
function windowsHost(splunkHome: string): PlatformHost {
  const root = join(platformCache, 'wine-root');
  const toWindows = (hostPath: string): string => {
    const inside = relative(splunkHome, hostPath);
    if (!inside.startsWith('..') && !inside.startsWith(sep)) {
      return inside === ''
        ? windowsSplunkHome
        : `${windowsSplunkHome}\\${inside.split(sep).join('\\')}`;
    }
    return `Z:${hostPath.split(sep).join('\\')}`;
  };
  return {
    platform: 'windows-x86_64',
    command: (launcher, args) => ({
      file: join(scripts, 'wine-run.sh'),
      args: [root, splunkHome, launcher, ...args],
    }),
    path: toWindows,
    launcher: (appDir, kind = 'onepassword_events') =>
      toWindows(join(appDir, 'bin', `${kind}.cmd`)),
    streamsStdout: false,
  };
}

/** Why a platform's emulator is not set up here, or undefined when it is. */
export function platformUnavailable(platform: HostPlatform): string | undefined {
  if (platform === 'linux-x86_64') return undefined;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return 'the emulated runs need an x86_64 Linux host';
  if (platform === 'linux-aarch64') {
    if (!existsSync('/usr/bin/qemu-aarch64-static')) return 'qemu-user-static is not installed';
    if (!existsSync(join(platformCache, 'aarch64-root', '.ta-aarch64-ready')))
      return `no aarch64 userland in ${platformCache} (run scripts/platforms/aarch64-root.sh)`;
    return undefined;
  }
  if (!existsSync(join(platformCache, 'wine-root', '.ta-wine-prefix-ready')))
    return `no Wine root in ${platformCache} (run scripts/platforms/wine-root.sh)`;
  return undefined;
}

export function platformHost(platform: HostPlatform, splunkHome: string): PlatformHost {
  if (platform === 'linux-aarch64') return aarch64Host();
  if (platform === 'windows-x86_64') return windowsHost(splunkHome);
  return native;
}

/**
 * `describe` for a platform's tests: skipped only on a developer machine without the emulator;
 * under CI=true a missing emulator fails the run instead of hiding the platform.
 */
export function describeOnPlatform(platform: HostPlatform): jest.Describe {
  const missing = platformUnavailable(platform);
  if (missing === undefined) return describe;
  if (process.env.CI === 'true') {
    throw new Error(`${platform}: ${missing}; CI must run this platform's package`);
  }
  return describe.skip;
}
