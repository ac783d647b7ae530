/** Names that admins script against; changing any of them breaks existing installs. */
export const appId = 'TA-1password-events';
export const schemeName = 'onepassword_events';
/** The resident kind: one long-running process (use_single_instance) serves every stanza. */
export const residentSchemeName = 'onepassword_events_resident';
/** storage/passwords realm for every secret this app keeps. */
export const secretRealm = 'TA-1password-events';
export const checkpointCollection = 'onepassword_checkpoints';
export const healthCollection = 'onepassword_health';
export const accountStatusCollection = 'onepassword_account_status';
export const accountsConf = 'onepassword_accounts';
export const settingsConf = 'onepassword_settings';
export const userAgentProduct = 'TA-1password-events';
