/**
 * Every parameter of an onepassword_events stanza. The scheme (--scheme), README/inputs.conf.spec
 * and the setup page all derive from this table, so they cannot drift apart.
 */
export interface InputParam {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly dataType: 'string' | 'number' | 'boolean';
  readonly requiredOnCreate: boolean;
  /** Value used when the stanza omits the parameter (as it appears in inputs.conf). */
  readonly defaultValue?: string;
}

export const defaultLimit = 1000;
export const defaultStartTime = '-120d';
export const defaultMaxRunSeconds = 300;
export const defaultLogLevel = 'INFO';
export const defaultIndex = 'onepassword';
export const defaultInterval = 60;

/** Per-feed index overrides: the stanza parameter for each feed (empty = the input's index). */
export const feedIndexParams = {
  signinattempts: 'index_signin_attempts',
  itemusages: 'index_item_usages',
  auditevents: 'index_audit_events',
} as const;

const feedIndexParam = (name: string, label: string): InputParam => ({
  name,
  title: `Index for ${label}`,
  description: `Index for the ${label.toLowerCase()} feed when it differs from the input's index. Empty: the input's index.`,
  dataType: 'string',
  requiredOnCreate: false,
});

export const inputParams: readonly InputParam[] = [
  {
    name: 'account',
    title: 'Account',
    description:
      'Name of a 1Password account configured on the setup page. Its Events API token is read from storage/passwords; the token is never a stanza parameter.',
    dataType: 'string',
    requiredOnCreate: true,
  },
  {
    name: 'feeds',
    title: 'Feeds',
    description:
      "Comma-separated feeds to collect: signinattempts, itemusages, auditevents. Each must be among the token's scopes. One input per account serves all its feeds so they share one rate budget.",
    dataType: 'string',
    requiredOnCreate: false,
    defaultValue: 'signinattempts,itemusages,auditevents',
  },
  {
    name: 'start_time',
    title: 'First-run start time',
    description:
      'Where the first run starts: an RFC 3339 time (2026-01-01T00:00:00Z) or a relative time such as -7d or -12h. Default -120d, everything the Events API keeps. Ignored once a checkpoint exists.',
    dataType: 'string',
    requiredOnCreate: false,
    defaultValue: defaultStartTime,
  },
  {
    name: 'limit',
    title: 'Page size',
    description: 'Events requested per page, 1 to 1000. Default 1000, the API maximum.',
    dataType: 'number',
    requiredOnCreate: false,
    defaultValue: String(defaultLimit),
  },
  {
    name: 'max_run_seconds',
    title: 'Run time budget',
    description:
      'Seconds one run may spend draining the feeds before it exits and leaves the rest to the next interval. 10 to 3600; default 300.',
    dataType: 'number',
    requiredOnCreate: false,
    defaultValue: String(defaultMaxRunSeconds),
  },
  {
    name: 'log_level',
    title: 'Log level',
    description:
      'DEBUG, INFO, WARN or ERROR. Empty: the global level set on the Logging tab (INFO unless changed). Lines go to splunkd.log through stderr, each with its level.',
    dataType: 'string',
    requiredOnCreate: false,
  },
  feedIndexParam(feedIndexParams.signinattempts, 'Sign-in attempts'),
  feedIndexParam(feedIndexParams.itemusages, 'Item usages'),
  feedIndexParam(feedIndexParams.auditevents, 'Audit events'),
];
