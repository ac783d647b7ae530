import { BuildError } from './errors';
import { platformIds, platforms, type PlatformId } from './platforms';

/** One runtime package as pinned in package.json and recorded in package-lock.json. */
export interface PinnedPackage {
  readonly name: string;
  readonly version: string;
  /** Subresource-integrity string from the lockfile, e.g. "sha512-…". */
  readonly integrity: string;
}

export interface RuntimePin {
  /** The one Node version every package carries. */
  readonly version: string;
  readonly packages: Readonly<Record<PlatformId, PinnedPackage>>;
}

/** The issue asks for an LTS of 24 or newer (supported through 2028). */
export const minimumNodeMajor = 24;

const exactVersion = /^\d+\.\d+\.\d+$/;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Reads the runtime pin from package.json (optionalDependencies, exact versions only) and the
 * lockfile (version + integrity per package). Every package must pin the same Node version, and the
 * lockfile must agree, so the bytes that ship are the bytes the lockfile vouches for.
 */
export function readRuntimePin(packageJsonText: string, packageLockText: string): RuntimePin {
  let packageJson: Record<string, unknown>;
  let lock: Record<string, unknown>;
  try {
    packageJson = record(JSON.parse(packageJsonText));
    lock = record(JSON.parse(packageLockText));
  } catch (error) {
    throw new BuildError(`cannot read the runtime pin: ${(error as Error).message}`);
  }
  const optional = record(packageJson.optionalDependencies);
  const lockPackages = record(lock.packages);
  const packages = {} as Record<PlatformId, PinnedPackage>;
  for (const id of platformIds) {
    const name = platforms[id].npmPackage;
    const wanted = optional[name];
    if (typeof wanted !== 'string' || !exactVersion.test(wanted)) {
      throw new BuildError(
        `package.json optionalDependencies must pin ${name} to an exact version (found ${JSON.stringify(wanted ?? null)})`,
      );
    }
    const locked = record(lockPackages[`node_modules/${name}`]);
    if (locked.version !== wanted) {
      throw new BuildError(
        `package-lock.json has ${name}@${String(locked.version ?? 'nothing')} but package.json pins ${wanted}; run npm install`,
      );
    }
    if (typeof locked.integrity !== 'string' || !locked.integrity.includes('sha512-')) {
      throw new BuildError(`package-lock.json records no sha512 integrity for ${name}@${wanted}`);
    }
    packages[id] = { name, version: wanted, integrity: locked.integrity };
  }
  const versions = new Set(Object.values(packages).map((pinned) => pinned.version));
  if (versions.size !== 1) {
    throw new BuildError(
      `runtime packages pin different Node versions: ${Object.values(packages)
        .map((pinned) => `${pinned.name}@${pinned.version}`)
        .join(', ')}`,
    );
  }
  const version = packages['linux-x86_64'].version;
  const major = Number(version.split('.')[0]);
  if (major < minimumNodeMajor) {
    throw new BuildError(
      `pinned Node ${version} is older than the required ${minimumNodeMajor}.x LTS`,
    );
  }
  return { version, packages };
}
