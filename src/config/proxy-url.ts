/**
 * Checks a proxy URL: http or https, host and port only, credentials kept out of it (the URL is read
 * back to the setup page; credentials never are). Pure: shared by the setup page and the modular input.
 * Returns the problem in words an admin can act on, or undefined when the URL is fine.
 */
export function checkProxyUrl(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL. Use http://host:port or https://host:port.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The proxy URL must start with http:// or https://.';
  }
  if (url.username !== '' || url.password !== '') {
    return 'Do not put credentials in the proxy URL: it is shown on the setup page. Use the user name and password fields, which are stored write-only.';
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return 'The proxy URL is scheme, host and port only, without a path or query.';
  }
  return undefined;
}
