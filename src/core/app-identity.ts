/** Names that admins script against; changing any of them breaks existing installs. */
export const appId = 'TA-1password-events';
export const schemeName = 'onepassword_events';
/** The resident kind: one long-running process (use_single_instance) serves every stanza. */
export const residentSchemeName = 'onepassword_events_resident';

/** The two kinds of input: a process per stanza per interval, or one resident process. */
export const inputKinds = ['per-run', 'resident'] as const;
export type InputKind = (typeof inputKinds)[number];

/** The kind a new input gets: what splunkd ran before the resident kind existed. */
export const defaultInputKind: InputKind = 'per-run';

export const kindScheme: Readonly<Record<InputKind, string>> = {
  'per-run': schemeName,
  resident: residentSchemeName,
};
/** storage/passwords realm for every secret this app keeps. */
export const secretRealm = 'TA-1password-events';
export const checkpointCollection = 'onepassword_checkpoints';
export const healthCollection = 'onepassword_health';
export const accountStatusCollection = 'onepassword_account_status';
export const accountsConf = 'onepassword_accounts';
export const settingsConf = 'onepassword_settings';
export const userAgentProduct = 'TA-1password-events';
