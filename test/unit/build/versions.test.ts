import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildError } from '../../../tools/build/errors';
import { checkVersions, type VersionSources } from '../../../tools/build/versions';

const root = path.resolve(__dirname, '../../..');

function sources(versions: {
  pkg?: string;
  lock?: string;
  conf?: string;
  id?: string;
  manifest?: string;
}): VersionSources {
  return {
    packageJson: JSON.stringify({ name: 'x', version: versions.pkg ?? '1.2.3' }),
    packageLock: JSON.stringify({ name: 'x', version: versions.lock ?? '1.2.3' }),
    appConf: [
      '[install]',
      'is_configured = 0',
      '[id]',
      'name = x',
      `version = ${versions.id ?? '1.2.3'}`,
      '[launcher]',
      `version = ${versions.conf ?? '1.2.3'}`,
    ].join('\n'),
    appManifest: JSON.stringify({
      info: { id: { name: 'x', version: versions.manifest ?? '1.2.3' } },
    }),
  };
}

describe('checkVersions', () => {
  it('returns the version when every file agrees', () => {
    expect(checkVersions(sources({}))).toBe('1.2.3');
  });

  it('agrees for the repository itself', () => {
    const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
    const version = checkVersions({
      packageJson: read('package.json'),
      packageLock: read('package-lock.json'),
      appConf: read('default/app.conf'),
      appManifest: read('app.manifest'),
    });
    expect(version).toBe((JSON.parse(read('package.json')) as { version: string }).version);
  });

  it.each([
    ['app.conf [launcher]', { conf: '1.2.4' }, 'default/app.conf [launcher] version = 1.2.4'],
    ['app.conf [id]', { id: '1.2.5' }, 'default/app.conf [id] version = 1.2.5'],
    ['app.manifest', { manifest: '2.0.0' }, 'app.manifest info.id.version = 2.0.0'],
    ['package.json', { pkg: '1.3.0' }, 'package.json version = 1.3.0'],
    ['package-lock.json', { lock: '1.0.0' }, 'package-lock.json version = 1.0.0'],
  ])('names every file and value when %s disagrees', (_file, versions, culprit) => {
    let caught: unknown;
    try {
      checkVersions(sources(versions));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BuildError);
    const message = (caught as Error).message;
    expect(message).toMatch(/^version mismatch: /);
    expect(message).toContain(culprit);
    expect(message).toContain('package.json version =');
    expect(message).not.toContain('\n');
  });

  it('reports a version that is missing', () => {
    const broken = { ...sources({}), appConf: '[id]\nversion = 1.2.3\n[launcher]\nauthor = me\n' };
    expect(() => checkVersions(broken)).toThrow(
      'version missing in default/app.conf [launcher] version',
    );
  });

  it('ignores a version outside the [launcher] stanza', () => {
    const broken = { ...sources({}), appConf: '[install]\nversion = 1.2.3\n' };
    expect(() => checkVersions(broken)).toThrow(
      'version missing in default/app.conf [id] version, default/app.conf [launcher] version',
    );
  });

  it('rejects versions Splunk does not accept', () => {
    expect(() =>
      checkVersions(sources({ pkg: '1.2', lock: '1.2', conf: '1.2', id: '1.2', manifest: '1.2' })),
    ).toThrow("version '1.2' is not Major.Minor.Revision (e.g. 1.0.0)");
    expect(() =>
      checkVersions(
        sources({
          pkg: '1.2.3-beta',
          lock: '1.2.3-beta',
          conf: '1.2.3-beta',
          manifest: '1.2.3-beta',
        }),
      ),
    ).toThrow(BuildError);
  });

  it('reports a file that is not JSON', () => {
    expect(() => checkVersions({ ...sources({}), appManifest: '{ nope' })).toThrow(
      /^app.manifest is not valid JSON/,
    );
  });
});
