import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { defaultIndex, defaultInterval, inputParams } from '../../../src/config/input-params';
import { appId, residentSchemeName, schemeName } from '../../../src/core/app-identity';
import { confValue, parseConf } from '../../../tools/build/conf';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('default/app.conf', () => {
  const conf = parseConf(read('default/app.conf'));

  it('ships unconfigured, so Splunk opens the setup page first', () => {
    expect(confValue(conf, 'install', 'is_configured')).toBe('0');
  });

  it('names the package after the app id, which must not start with a digit', () => {
    expect(confValue(conf, 'package', 'id')).toBe(appId);
    expect(confValue(conf, 'id', 'name')).toBe(appId);
    expect(appId).toMatch(/^[A-Za-z]/);
    expect(confValue(conf, 'package', 'check_for_updates')).toMatch(/^(true|false)$/);
  });

  it('describes the app and points at the setup view', () => {
    expect(confValue(conf, 'launcher', 'author')).toBeTruthy();
    expect(confValue(conf, 'launcher', 'description')).toBeTruthy();
    expect(confValue(conf, 'ui', 'is_visible')).toBe('1');
    expect(confValue(conf, 'ui', 'label')).toBe('1Password Events');
    expect(confValue(conf, 'ui', 'setup_view')).toBe('ta_1password_events_setup');
  });

  it('reloads the custom confs and passwords without a restart', () => {
    for (const file of ['onepassword_accounts', 'onepassword_settings', 'passwords']) {
      expect(confValue(conf, 'triggers', `reload.${file}`)).toBe('simple');
    }
  });
});

describe.each([schemeName, residentSchemeName])('default/inputs.conf [%s]', (kind) => {
  const stanza = parseConf(read('default/inputs.conf')).get(kind);

  it('ships the scheme disabled with the default interval and index', () => {
    expect(stanza?.get('disabled')).toBe('1');
    expect(stanza?.get('interval')).toBe(String(defaultInterval));
    expect(stanza?.get('index')).toBe(defaultIndex);
  });

  it('holds the default of every parameter that has one, equal to the input table', () => {
    for (const param of inputParams) {
      expect([param.name, stanza?.get(param.name)]).toEqual([param.name, param.defaultValue]);
    }
  });

  it('holds no other settings (and never a token)', () => {
    const known = new Set([
      'disabled',
      'interval',
      'index',
      ...inputParams.map((param) => param.name),
    ]);
    expect([...(stanza?.keys() ?? [])].filter((key) => !known.has(key))).toEqual([]);
    const settings = read('default/inputs.conf')
      .split('\n')
      .filter((line) => !line.startsWith('#'));
    expect(settings.join('\n')).not.toMatch(/\btoken\b|\bpassword\b/i);
  });
});

describe('default/collections.conf', () => {
  const conf = parseConf(read('default/collections.conf'));

  it('declares the three collections, none replicated to indexers', () => {
    const names = [...conf.keys()].filter((name) => name !== 'default');
    expect(names.sort()).toEqual(
      ['onepassword_account_status', 'onepassword_checkpoints', 'onepassword_health'].sort(),
    );
    for (const name of names) expect(confValue(conf, name, 'replicate')).toBe('false');
  });
});

describe('metadata/default.meta', () => {
  const text = read('metadata/default.meta');

  it('explains every stanza with a comment right above it', () => {
    const lines = text.split('\n');
    const headers = lines.flatMap((line, index) => (line.startsWith('[') ? [index] : []));
    expect(headers.length).toBeGreaterThan(10);
    for (const index of headers) {
      let above = index - 1;
      while (above >= 0 && (lines[above] ?? '').trim() === '') above -= 1;
      expect([lines[index], lines[above]]).toEqual([lines[index], expect.stringMatching(/^# \S/)]);
    }
  });

  it('lets everyone read and only admins write by default', () => {
    expect(confValue(parseConf(text), '', 'access')).toBe(
      'read : [ * ], write : [ admin, sc_admin, sc_subadmin ]',
    );
  });

  it('exports the CIM knowledge objects system-wide', () => {
    const conf = parseConf(text);
    for (const stanza of ['props', 'eventtypes', 'tags', 'transforms', 'macros']) {
      expect([stanza, confValue(conf, stanza, 'export')]).toEqual([stanza, 'system']);
    }
  });

  it('keeps inputs, custom confs, secrets, cursors and the setup page admin-only', () => {
    const conf = parseConf(text);
    const adminOnly =
      'read : [ admin, sc_admin, sc_subadmin ], write : [ admin, sc_admin, sc_subadmin ]';
    for (const stanza of [
      'inputs',
      'onepassword_accounts',
      'onepassword_settings',
      'passwords',
      'views/ta_1password_events_setup',
      'collections/onepassword_checkpoints',
    ]) {
      expect([stanza, confValue(conf, stanza, 'access')]).toEqual([stanza, adminOnly]);
    }
  });

  it('lets the same roles read run health as read the inputs (health names accounts and inputs)', () => {
    // Security review item 6: onepassword_health (account, input, host, last_error) was readable by
    // every role while [inputs] hid the same account names from non-admins.
    const conf = parseConf(text);
    const readersOf = (stanza: string): string | undefined =>
      /read : \[([^\]]*)\]/.exec(confValue(conf, stanza, 'access') ?? '')?.[1]?.trim();
    expect(readersOf('inputs')).toBe('admin, sc_admin, sc_subadmin');
    expect(readersOf('collections/onepassword_health')).toBe(readersOf('inputs'));
  });
});

describe('app.manifest', () => {
  const manifest = JSON.parse(read('app.manifest')) as {
    schemaVersion: string;
    info: {
      id: { name: string; version: string };
      commonInformationModels: Record<string, string>;
    };
    supportedDeployments: string[];
    targetWorkloads: string[];
    platformRequirements: { splunk: Record<string, string> };
  };

  it('uses schema 2.0.0 with the app id', () => {
    expect(manifest.schemaVersion).toBe('2.0.0');
    expect(manifest.info.id.name).toBe(appId);
  });

  it('states the CIM models, platform and deployments', () => {
    expect(Object.keys(manifest.info.commonInformationModels).sort()).toEqual([
      'Authentication',
      'Change',
      'Data_Access',
    ]);
    expect(manifest.platformRequirements.splunk.Enterprise).toBe('>=9.0');
    expect(manifest.supportedDeployments).toEqual([
      '_standalone',
      '_distributed',
      '_search_head_clustering',
    ]);
    expect(manifest.targetWorkloads).toEqual(['_search_heads']);
  });
});

describe('static icons', () => {
  /** Width and height from a PNG's IHDR chunk. */
  function pngSize(file: string): [number, number] {
    const data = readFileSync(path.join(root, 'static', file));
    expect(data.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(data.subarray(12, 16).toString('ascii')).toBe('IHDR');
    return [data.readUInt32BE(16), data.readUInt32BE(20)];
  }

  it.each([
    ['appIcon.png', 36],
    ['appIcon_2x.png', 72],
    ['appIconAlt.png', 36],
    ['appIconAlt_2x.png', 72],
  ])('%s is a %i px square PNG', (file, size) => {
    expect(pngSize(file)).toEqual([size, size]);
  });

  it('holds only the icons (AppInspect allows few file types in static/)', () => {
    expect(readdirSync(path.join(root, 'static')).sort()).toEqual(
      ['appIcon.png', 'appIconAlt.png', 'appIconAlt_2x.png', 'appIcon_2x.png'].sort(),
    );
  });
});

describe('LICENSE', () => {
  it('is the Apache License 2.0 named in package.json and app.manifest', () => {
    const license = read('LICENSE');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect((JSON.parse(read('package.json')) as { license: string }).license).toBe('Apache-2.0');
  });
});
