/**
 * Enumerations and realistic values for generated events. The enums follow events-api.md §1.6
 * (current reference, spec 1.4.1) and the 1.2.0 OpenAPI spec; `v2Only` marks values the docs
 * say exist on the v2 endpoints only.
 */

/** Sign-in `category` → the `type` values that go with it. */
export const signInTypesByCategory = {
  success: ['credentials_ok', 'mfa_ok'],
  credentials_failed: ['password_secret_bad'],
  mfa_failed: [
    'mfa_missing',
    'totp_disabled',
    'totp_bad',
    'totp_timeout',
    'u2f_disabled',
    'u2f_bad',
    'u2f_timeout',
    'duo_disabled',
    'duo_bad',
    'duo_timeout',
    'duo_native_bad',
    'platform_secret_disabled',
    'platform_secret_bad',
    'platform_secret_proxy',
    'code_disabled',
    'code_bad',
    'code_timeout',
  ],
  sso_failed: ['service_account_sso_denied', 'non_sso_user', 'sso_user_mismatch'],
  modern_version_failed: ['modern_version_missing', 'modern_version_old'],
  firewall_failed: [
    'ip_blocked',
    'continent_blocked',
    'country_blocked',
    'anonymous_blocked',
    'all_blocked',
  ],
  // Report-only firewall rules: the sign-in went through, the rule would have blocked it.
  firewall_reported_success: [
    'ip_blocked',
    'continent_blocked',
    'country_blocked',
    'anonymous_blocked',
    'all_blocked',
  ],
} as const satisfies Record<string, readonly string[]>;

export type SignInCategory = keyof typeof signInTypesByCategory;

export const signInCategoryWeights: ReadonlyArray<readonly [SignInCategory, number]> = [
  ['success', 70],
  ['credentials_failed', 9],
  ['mfa_failed', 8],
  ['sso_failed', 3],
  ['modern_version_failed', 2],
  ['firewall_failed', 5],
  ['firewall_reported_success', 3],
];

/** The `federated` type (success through a federated identity provider) exists on v2 only. */
export const federatedSignInType = 'federated';

export const itemUsageActions = [
  'fill',
  'select-sso-provider',
  'enter-item-edit-mode',
  'export',
  'share',
  'secure-copy',
  'reveal',
  'server-create',
  'server-update',
  'server-fetch',
  'other',
] as const;

export const itemUsageActionWeights: ReadonlyArray<readonly [string, number]> = [
  ['fill', 40],
  ['reveal', 12],
  ['secure-copy', 14],
  ['server-fetch', 10],
  ['server-update', 5],
  ['server-create', 3],
  ['enter-item-edit-mode', 5],
  ['select-sso-provider', 3],
  ['share', 2],
  ['export', 1],
  ['other', 5],
];

/** Audit actions from the 1.2.0 spec enum. */
export const auditActions = [
  'activate',
  'update',
  'delete',
  'convert',
  'enblduo',
  'updatduo',
  'disblduo',
  'rdmchild',
  'detchild',
  'dlgsess',
  'create',
  'deolddev',
  'dealldev',
  'reauth',
  'begin',
  'complete',
  'propose',
  'updatfw',
  'join',
  'leave',
  'role',
  'purge',
  'view',
  'export',
  'replace',
  'grant',
  'revoke',
  'share',
  'delshare',
  'uisas',
  'enblmfa',
  'updatmfa',
  'disblmfa',
  'musercom',
  'muserdec',
  'sendpkg',
  'resendts',
  'prsndall',
  'trename',
  'tverify',
  'trevoke',
  'ssotknv',
  'enblsso',
  'disblsso',
  'chngpsso',
  'chngasso',
  'chngdsso',
  'delgsso',
  'addgsso',
  'cancel',
  'hide',
  'unhide',
  'upguest',
  'verify',
  'reactive',
  'suspend',
  'beginr',
  'provsn',
  'sendts',
  'unknown',
  'completr',
  'cancelr',
  'trvlaway',
  'trvlback',
  'changeks',
  'changemp',
  'changesk',
  'changenm',
  'changela',
  'tdvcsso',
  'sdvcsso',
  'patch',
  'updatea',
  'vrfydmn',
  'uvrfydmn',
  'dvrfydmn',
] as const;

/** Actions the docs list for the v2 audit endpoint only. */
export const auditActionsV2Only = ['expire', 'unlink', 'launchi'] as const;

export const auditObjectTypes = [
  'account',
  'card',
  'cred',
  'device',
  'dlgdsess',
  'ec',
  'famchild',
  'file',
  'gm',
  'group',
  'gva',
  'invite',
  'item',
  'itemhist',
  'items',
  'miguser',
  'mngdacc',
  'pm',
  'report',
  'sa',
  'satoken',
  'slackapp',
  'sso',
  'ssotkn',
  'sub',
  'template',
  'user',
  'uva',
  'vault',
  'vaultkey',
] as const;

export type AuditObjectType = (typeof auditObjectTypes)[number];

/**
 * Common (action, object_type) pairs with weights, so most events look like real admin activity;
 * the long tail of other pairs is drawn uniformly by the generator.
 */
export const commonAuditPairs: ReadonlyArray<
  readonly [readonly [string, AuditObjectType], number]
> = [
  [['create', 'item'], 20],
  [['update', 'item'], 18],
  [['delete', 'item'], 6],
  [['create', 'vault'], 3],
  [['grant', 'uva'], 8],
  [['revoke', 'uva'], 4],
  [['grant', 'gva'], 4],
  [['join', 'gm'], 5],
  [['leave', 'gm'], 2],
  [['role', 'gm'], 2],
  [['create', 'invite'], 3],
  [['activate', 'user'], 3],
  [['suspend', 'user'], 1],
  [['reactive', 'user'], 1],
  [['enblmfa', 'user'], 2],
  [['disblmfa', 'user'], 1],
  [['create', 'device'], 4],
  [['delete', 'device'], 1],
  [['updatfw', 'account'], 1],
  [['enblsso', 'sso'], 1],
  [['chngpsso', 'sso'], 1],
  [['export', 'items'], 1],
  [['create', 'satoken'], 1],
  [['create', 'cred'], 1],
  [['trvlaway', 'user'], 1],
  [['trvlback', 'user'], 1],
  [['vrfydmn', 'account'], 1],
  [['view', 'report'], 1],
];

export const firstNames = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Jack',
  'Samantha',
  'Daniel',
  'Teal’c',
  'José',
  'Zoë',
  'Björn',
  'Siobhán',
  'Mei',
  'Hiroshi',
  'Priya',
  'Oluwaseun',
  'Ngozi',
  'Łukasz',
  'Anaïs',
  'Søren',
  'Fatima',
  'Ahmed',
  'Chloé',
  'Maximilian',
  'Ekaterina',
  'Kwame',
  'Aroha',
  'Mateo',
  'Sun-hee',
];

export const lastNames = [
  "O'Neill",
  'Carter',
  'Jackson',
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Müller',
  'García',
  'Nakamura',
  'Okafor',
  'Kowalski',
  'Nørgaard',
  'Dubois',
  'Ivanova',
  'Mensah',
  'Ngata',
  'Fernández',
  'Kim',
  'van der Berg',
  'Smith-Jones',
  'Ó Briain',
  'Patel',
  'Haddad',
  '田中',
  'Ng',
  'Li',
  'MacDonald',
  'Rossi',
];

export const emailDomains = ['example.com', 'corp.example.org', 'acme.test', 'contoso.example'];

export interface Place {
  readonly country: string;
  readonly region: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly continent: string;
  readonly ipPrefix: string;
}

export const places: readonly Place[] = [
  {
    country: 'CA',
    region: 'Ontario',
    city: 'Toronto',
    latitude: 43.6532,
    longitude: -79.3832,
    continent: 'North America',
    ipPrefix: '99.231.',
  },
  {
    country: 'CA',
    region: 'Quebec',
    city: 'Montréal',
    latitude: 45.5019,
    longitude: -73.5674,
    continent: 'North America',
    ipPrefix: '142.169.',
  },
  {
    country: 'US',
    region: 'California',
    city: 'San Francisco',
    latitude: 37.7749,
    longitude: -122.4194,
    continent: 'North America',
    ipPrefix: '13.227.',
  },
  {
    country: 'US',
    region: 'New York',
    city: 'New York',
    latitude: 40.7128,
    longitude: -74,
    continent: 'North America',
    ipPrefix: '24.44.',
  },
  {
    country: 'DE',
    region: 'Bavaria',
    city: 'München',
    latitude: 48.1372,
    longitude: 11.5756,
    continent: 'Europe',
    ipPrefix: '91.64.',
  },
  {
    country: 'FR',
    region: 'Île-de-France',
    city: 'Paris',
    latitude: 48.8566,
    longitude: 2.3522,
    continent: 'Europe',
    ipPrefix: '82.64.',
  },
  {
    country: 'GB',
    region: 'England',
    city: 'London',
    latitude: 51.5072,
    longitude: -0.1276,
    continent: 'Europe',
    ipPrefix: '81.2.',
  },
  {
    country: 'JP',
    region: 'Tokyo',
    city: 'Tokyo',
    latitude: 35.6762,
    longitude: 139.6503,
    continent: 'Asia',
    ipPrefix: '126.0.',
  },
  {
    country: 'IN',
    region: 'Karnataka',
    city: 'Bengaluru',
    latitude: 12.9716,
    longitude: 77.5946,
    continent: 'Asia',
    ipPrefix: '49.207.',
  },
  {
    country: 'BR',
    region: 'São Paulo',
    city: 'São Paulo',
    latitude: -23.5558,
    longitude: -46.6396,
    continent: 'South America',
    ipPrefix: '177.32.',
  },
  {
    country: 'AU',
    region: 'New South Wales',
    city: 'Sydney',
    latitude: -33.8688,
    longitude: 151.2093,
    continent: 'Oceania',
    ipPrefix: '1.120.',
  },
  {
    country: 'NG',
    region: 'Lagos',
    city: 'Lagos',
    latitude: 6.5244,
    longitude: 3.3792,
    continent: 'Africa',
    ipPrefix: '105.112.',
  },
];

export interface ClientProfile {
  readonly app_name: string;
  readonly app_versions: readonly string[];
  readonly platform_names: readonly string[];
  readonly platform_versions: readonly string[];
  readonly os_name: string;
  readonly os_versions: readonly string[];
}

export const clientProfiles: readonly ClientProfile[] = [
  {
    app_name: '1Password Browser Extension',
    app_versions: ['81080035', '81078021', '20127'],
    platform_names: ['Chrome', 'Firefox', 'Edge', 'Safari'],
    platform_versions: ['126.0.6478.127', '128.0', '125.0.2535.92', '17.5'],
    os_name: 'MacOSX',
    os_versions: ['14.5', '13.6.7', '10.15.7'],
  },
  {
    app_name: '1Password for Mac',
    app_versions: ['81080035', '81080034'],
    platform_names: ['MacBookPro18,3', 'Mac14,2', 'iMac21,1'],
    platform_versions: ['arm64', 'x86_64'],
    os_name: 'MacOSX',
    os_versions: ['14.5', '15.0'],
  },
  {
    app_name: '1Password for Windows',
    app_versions: ['81080035', '81074012'],
    platform_names: ['Windows'],
    platform_versions: ['AMD64', 'ARM64'],
    os_name: 'Windows',
    os_versions: ['10.0.22631', '10.0.19045'],
  },
  {
    app_name: '1Password for Linux',
    app_versions: ['81080035'],
    platform_names: ['Linux'],
    platform_versions: ['x86_64'],
    os_name: 'Linux',
    os_versions: ['6.8.0-35-generic', '6.5.0-1024-oem'],
  },
  {
    app_name: '1Password for iOS',
    app_versions: ['81080035', '81079030'],
    platform_names: ['iPhone15,2', 'iPad13,4'],
    platform_versions: ['arm64'],
    os_name: 'iOS',
    os_versions: ['17.5.1', '18.0'],
  },
  {
    app_name: '1Password for Android',
    app_versions: ['81080035'],
    platform_names: ['Pixel 8', 'SM-S918B'],
    platform_versions: ['arm64-v8a'],
    os_name: 'Android',
    os_versions: ['14', '13'],
  },
  {
    app_name: '1Password CLI',
    app_versions: ['2300101', '2290001'],
    platform_names: ['x86_64', 'arm64'],
    platform_versions: ['Intel(R) Xeon(R) CPU @ 2.20GHz', 'Apple M2'],
    os_name: 'Linux',
    os_versions: ['5.15.0'],
  },
  {
    app_name: '1Password.com',
    app_versions: ['1869'],
    platform_names: ['Chrome', 'Firefox', 'Safari'],
    platform_versions: ['126.0.6478.127', '127.0', '17.5'],
    os_name: 'MacOSX',
    os_versions: ['14.5'],
  },
  {
    app_name: '1Password SCIM Bridge',
    app_versions: ['2.9.5'],
    platform_names: ['Go'],
    platform_versions: ['go1.22.5'],
    os_name: 'Linux',
    os_versions: ['5.10.0'],
  },
];

/** Offsets (minutes) some timestamps are written in; most use "Z". */
export const timestampOffsets = [-180, -300, 60, 120, 330, 345, -570, 0];
