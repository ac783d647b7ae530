/**
 * Who may use the setup page. The page asks splunkd (authentication/current-context) and shows a
 * clear refusal; splunkd enforces the same rules with 403s whatever the page shows.
 */

/**
 * admin_all_objects: write the app's confs, inputs, the macro and apps/local (is_configured);
 * edit_storage_passwords: write tokens and proxy credentials. Splunk's admin role (and sc_admin on
 * Splunk Cloud) holds both.
 */
export const requiredCapabilities = ['admin_all_objects', 'edit_storage_passwords'] as const;
/** Creating an index is a separate right; without it the page explains instead of offering. */
export const indexCreateCapability = 'indexes_edit';

export interface UserContext {
  readonly username: string;
  readonly roles: readonly string[];
  readonly capabilities: readonly string[];
}

export function missingCapabilities(user: UserContext): string[] {
  return requiredCapabilities.filter((c) => !user.capabilities.includes(c));
}

export function canCreateIndex(user: UserContext): boolean {
  return user.capabilities.includes(indexCreateCapability);
}
