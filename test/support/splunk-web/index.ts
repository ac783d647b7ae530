/**
 * Splunk Web stand-in for the setup-page browser tests: views, appserver/static and the splunkd
 * proxy under Splunk Web's URL shapes, with login and CSRF checks. Import-safe: nothing runs until
 * startSplunkWeb() is called. Documented in docs/setup-page.md.
 */
export { startSplunkWeb, parseConf } from './server';
export type { ServedResponse, SplunkWeb, SplunkWebOptions } from './server';
export { parseSimpleXml, SimpleXmlError } from './simple-xml';
export type { SimpleXmlView } from './simple-xml';
export { renderViewShell, splunkWebConfig, staticUrl } from './page-shell';
export type { ShellOptions } from './page-shell';
