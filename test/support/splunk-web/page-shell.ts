/**
 * The HTML Splunk Web would send for a Simple XML view, cut down to what a setup page relies on:
 * the `$C` configuration object (locale, splunkd proxy path, port used in cookie names, user),
 * the app bar, the rendered <html> panels, the view's stylesheet(s) and script(s) from the app's
 * appserver/static, and an AMD `define` like the RequireJS one dashboard scripts run beside.
 *
 * Simplifications (see docs/setup-page.md): no dashboard framework, no search manager, no
 * panel chrome beyond a few classes, and scripts are plain <script> tags instead of RequireJS
 * loads. The `define` sentinel still catches a bundle that would register an anonymous AMD module
 * (RequireJS's "Mismatched anonymous define()" error in real Splunk Web).
 */
import { isOn, type SimpleXmlView } from './simple-xml';

export interface ShellOptions {
  readonly app: string;
  readonly appLabel: string;
  readonly view: string;
  readonly locale: string;
  readonly username: string;
  /** Splunk Web's port as it appears in cookie names (`splunkweb_csrf_token_<port>`). */
  readonly cookiePort: string;
  readonly buildNumber: string;
  readonly version: string;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** `file.js` → this app's static file; `otherapp:file.js` → another app's (Simple XML rule). */
export function staticUrl(reference: string, options: ShellOptions): string {
  const colon = reference.indexOf(':');
  const [app, file] =
    colon > 0 ? [reference.slice(0, colon), reference.slice(colon + 1)] : [options.app, reference];
  const clean = file.replace(/^\/+/, '');
  return `/${options.locale}/static/@${options.buildNumber}/app/${encodeURIComponent(app)}/${clean
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
}

/** `window.$C` as @splunk/splunk-utils/config reads it. */
export function splunkWebConfig(options: ShellOptions): Record<string, string> {
  return {
    LOCALE: options.locale,
    SPLUNKD_PATH: `/${options.locale}/splunkd/__raw`,
    MRSPARKLE_ROOT_PATH: '',
    MRSPARKLE_PORT_NUMBER: options.cookiePort,
    USERNAME: options.username,
    BUILD_NUMBER: options.buildNumber,
    BUILD_PUSH_NUMBER: '0',
    APP_BUILD: '0',
    VERSION_LABEL: options.version,
    APP: options.app,
    VIEW: options.view,
  };
}

const amdSentinel = `
window.__amdAnonymousDefines = 0;
window.define = function (name) {
  if (typeof name !== 'string') {
    window.__amdAnonymousDefines += 1;
    throw new Error('Mismatched anonymous define() module (a dashboard script must not register an anonymous AMD module)');
  }
};
window.define.amd = { jQuery: true };
`;

export function renderViewShell(view: SimpleXmlView, options: ShellOptions): string {
  const title = view.label === '' ? options.view : view.label;
  const versionOk = view.attributes['version'] === '1.1' || view.attributes['version'] === '2';
  const json = JSON.stringify(splunkWebConfig(options)).replace(/</g, '\\u003c');
  const styles = view.stylesheets
    .map((s) => `<link rel="stylesheet" href="${escapeHtml(staticUrl(s, options))}">`)
    .join('\n');
  const scripts = view.scripts
    .map((s) => `<script src="${escapeHtml(staticUrl(s, options))}"></script>`)
    .join('\n');
  const panels = view.htmlPanels
    .map(
      (html) =>
        `<div class="dashboard-row"><div class="dashboard-panel"><div class="panel-body html">${html}</div></div></div>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(options.locale)}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} | ${escapeHtml(options.appLabel)} | Splunk ${escapeHtml(options.version)}</title>
<style>
body { margin: 0; font-family: "Splunk Platform Sans", "Helvetica Neue", Arial, sans-serif; background: #f2f4f5; color: #3c444d; }
.splunk-header { background: #1a1c20; color: #fff; padding: 8px 16px; display: flex; justify-content: space-between; font-size: 14px; }
.app-bar { background: #fff; border-bottom: 1px solid #c3cbd4; padding: 8px 16px; font-size: 18px; }
.dashboard-body { padding: 8px 16px; }
.dashboard-panel { background: #fff; margin: 8px 0; }
.version-warning { background: #fce8b2; padding: 8px 16px; }
</style>
${styles}
<script>window.$C = ${json};</script>
<script>${amdSentinel}</script>
</head>
<body data-app="${escapeHtml(options.app)}" data-view="${escapeHtml(options.view)}">
<div class="splunk-header"><span>splunk&gt;enterprise (stand-in)</span><span data-testid="splunk-user">${escapeHtml(options.username)}</span></div>
<div class="app-bar">${escapeHtml(options.appLabel)}</div>
${versionOk ? '' : '<div class="version-warning" data-testid="version-warning">This dashboard version is missing. Update the dashboard version to 1.1 (jQuery 3.5).</div>'}
<div class="dashboard-body">
${isOn(view.attributes['hideTitle']) ? '' : `<h2 class="dashboard-title">${escapeHtml(title)}</h2>`}
${panels}
</div>
${scripts}
</body>
</html>
`;
}

export function renderMessagePage(title: string, message: string, status: number): string {
  return `<!doctype html>
<html lang="en-US"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Splunk</title></head>
<body><h1>${status} ${escapeHtml(title)}</h1><p data-testid="splunk-web-message">${escapeHtml(message)}</p></body></html>
`;
}

export function renderLoginPage(returnTo: string, error: string | undefined): string {
  return `<!doctype html>
<html lang="en-US"><head><meta charset="utf-8"><title>Login | Splunk</title></head>
<body>
<form method="post" action="/en-US/account/login">
<h1>splunk&gt;enterprise (stand-in)</h1>
${error === undefined ? '' : `<p class="error" data-testid="login-error">${escapeHtml(error)}</p>`}
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label>Username <input name="username" id="username" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password"></label>
<button type="submit" id="login-submit">Sign In</button>
</form>
</body></html>
`;
}
