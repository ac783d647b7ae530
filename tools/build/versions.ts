import { BuildError } from './errors';
import { confValue, parseConf } from './conf';

/** The places that state the app version. They must agree; the build refuses to guess. */
export interface VersionSources {
  readonly packageJson: string;
  readonly packageLock: string;
  readonly appConf: string;
  readonly appManifest: string;
}

/** Splunk (AppInspect check_app_version) requires Major.Minor.Revision. */
const versionPattern = /^\d+\.\d+\.\d+$/;

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BuildError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Returns the single app version, or throws a BuildError that names every file and the value it
 * holds, so the fix is obvious from the one-line message.
 */
export function checkVersions(sources: VersionSources): string {
  const found: Array<[string, unknown]> = [
    ['package.json version', field(parseJson(sources.packageJson, 'package.json'), 'version')],
    [
      'package-lock.json version',
      field(parseJson(sources.packageLock, 'package-lock.json'), 'version'),
    ],
    ['default/app.conf [id] version', confValue(parseConf(sources.appConf), 'id', 'version')],
    [
      'default/app.conf [launcher] version',
      confValue(parseConf(sources.appConf), 'launcher', 'version'),
    ],
    [
      'app.manifest info.id.version',
      field(parseJson(sources.appManifest, 'app.manifest'), 'info', 'id', 'version'),
    ],
  ];
  const missing = found.filter(([, value]) => typeof value !== 'string' || value === '');
  if (missing.length > 0) {
    throw new BuildError(`version missing in ${missing.map(([where]) => where).join(', ')}`);
  }
  const values = new Set(found.map(([, value]) => value as string));
  if (values.size > 1) {
    throw new BuildError(
      `version mismatch: ${found.map(([where, value]) => `${where} = ${String(value)}`).join(', ')}; make them equal`,
    );
  }
  const [version] = values as Set<string>;
  if (version === undefined || !versionPattern.test(version)) {
    throw new BuildError(`version '${String(version)}' is not Major.Minor.Revision (e.g. 1.0.0)`);
  }
  return version;
}
