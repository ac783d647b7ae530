/**
 * Splunk Web stand-in: serves one app's views and appserver/static under Splunk Web's URL shapes
 * and proxies /<locale>/splunkd/__raw/* to a splunkd (the stand-in) with the signed-in user's
 * session key, enforcing the CSRF header the way Splunk Web does. See docs/setup-page.md.
 */
import { randomBytes } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Agent, request } from 'undici';
import { renderLoginPage, renderMessagePage, renderViewShell } from './page-shell';
import { parseSimpleXml, SimpleXmlError } from './simple-xml';

export interface SplunkWebOptions {
  /** The app folder to serve (a staged build or an extracted .spl): default/, appserver/ … */
  readonly appDir: string;
  /** Base URL of splunkd, e.g. the splunkd stand-in's https://127.0.0.1:<port>. */
  readonly splunkdUrl: string;
  /** CA certificate (PEM) splunkd's TLS certificate is verified against. */
  readonly splunkdCaPem: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Splunk Web's port as it appears in cookie names; Splunk's default 8000. */
  readonly cookiePort?: string;
  readonly version?: string;
  readonly buildNumber?: string;
}

/** One answer Splunk Web sent the browser (static files excluded): for canary scans. */
export interface ServedResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Request body the browser sent (proxied calls only). */
  readonly requestBody: string;
}

export interface SplunkWeb {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly appId: string;
  /** Every non-static response sent to the browser, oldest first. */
  responses(): ServedResponse[];
  /** Proxied calls refused for a missing or wrong X-Splunk-Form-Key. */
  csrfRejections(): number;
  stop(): Promise<void>;
}

interface Session {
  readonly username: string;
  readonly sessionKey: string;
  readonly csrf: string;
}

const locale = 'en-US';
const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0)
      cookies.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return cookies;
}

/** Minimal .conf reader for app.conf: [stanza] and key = value, comments skipped. */
export function parseConf(text: string): Map<string, Map<string, string>> {
  const stanzas = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  stanzas.set('default', current);
  // A trailing backslash continues a value on the next line (.conf syntax).
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const previous = lines[lines.length - 1];
    if (previous !== undefined && previous.endsWith('\\'))
      lines[lines.length - 1] = `${previous.slice(0, -1)}\n${raw}`;
    else lines.push(raw);
  }
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      current = stanzas.get(header[1] ?? '') ?? new Map<string, string>();
      stanzas.set(header[1] ?? '', current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return stanzas;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSplunkWeb(options: SplunkWebOptions): Promise<SplunkWeb> {
  const appDir = await realpath(options.appDir);
  const appId = path.basename(appDir);
  const appConf = parseConf(await readFile(path.join(appDir, 'default', 'app.conf'), 'utf8'));
  const setupView = appConf.get('ui')?.get('setup_view');
  const appLabel = appConf.get('ui')?.get('label') ?? appId;
  const cookiePort = options.cookiePort ?? '8000';
  const sessionCookie = `session_id_${cookiePort}`;
  const csrfCookie = `splunkweb_csrf_token_${cookiePort}`;
  const version = options.version ?? '9.4.2';
  const buildNumber = options.buildNumber ?? 'e9664af3d956';
  const splunkd = new URL(options.splunkdUrl);
  // TLS toward splunkd is verified against its CA, never switched off.
  const agent = new Agent({ connect: { ca: options.splunkdCaPem } });
  const sessions = new Map<string, Session>();
  const served: ServedResponse[] = [];
  let rejected = 0;

  const callSplunkd = async (
    method: string,
    pathAndQuery: string,
    init: { sessionKey?: string; body?: Buffer; contentType?: string },
  ): Promise<{ status: number; contentType: string; body: Buffer }> => {
    const headers: Record<string, string> = {};
    if (init.sessionKey !== undefined) headers['authorization'] = `Splunk ${init.sessionKey}`;
    if (init.contentType !== undefined) headers['content-type'] = init.contentType;
    const response = await request(new URL(pathAndQuery, splunkd), {
      method: method as 'GET',
      headers,
      body: init.body !== undefined && init.body.length > 0 ? init.body : null,
      dispatcher: agent,
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    const type = response.headers['content-type'];
    return {
      status: response.statusCode,
      contentType: Array.isArray(type) ? (type[0] ?? '') : (type ?? ''),
      body,
    };
  };

  const sendText = (
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    contentType: string,
    body: string,
    extraHeaders: Record<string, string | string[]> = {},
    requestBody = '',
  ): void => {
    served.push({
      method: req.method ?? 'GET',
      path: req.url ?? '',
      status,
      contentType,
      body,
      requestBody,
    });
    res.writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-store',
      ...extraHeaders,
    });
    res.end(body);
  };

  const redirect = (
    res: ServerResponse,
    req: IncomingMessage,
    location: string,
    headers: Record<string, string | string[]> = {},
  ): void =>
    sendText(res, req, 303, 'text/plain; charset=utf-8', `See ${location}`, {
      location,
      ...headers,
    });

  const sessionOf = (req: IncomingMessage): Session | undefined => {
    const id = parseCookies(req.headers.cookie).get(sessionCookie);
    return id === undefined ? undefined : sessions.get(id);
  };

  /** The nav's `default="true"` view, as Splunk opens a configured app on it. */
  const defaultView = async (): Promise<string | undefined> => {
    try {
      const nav = await readFile(
        path.join(appDir, 'default', 'data', 'ui', 'nav', 'default.xml'),
        'utf8',
      );
      return /<view\s+name="([^"]+)"\s+default="true"/.exec(nav)?.[1];
    } catch {
      return undefined;
    }
  };

  const isConfigured = async (session: Session): Promise<boolean> => {
    const answer = await callSplunkd(
      'GET',
      `/services/apps/local/${encodeURIComponent(appId)}?output_mode=json`,
      {
        sessionKey: session.sessionKey,
      },
    );
    if (answer.status !== 200) return false;
    const value = JSON.parse(answer.body.toString('utf8')) as {
      entry?: { content?: { configured?: unknown } }[];
    };
    const configured = value.entry?.[0]?.content?.configured;
    return configured === true || configured === 1 || configured === '1' || configured === 'true';
  };

  const serveStatic = async (
    res: ServerResponse,
    req: IncomingMessage,
    app: string,
    file: string,
  ): Promise<void> => {
    const staticRoot = path.join(appDir, 'appserver', 'static');
    const target = path.resolve(staticRoot, file);
    if (app !== appId || !target.startsWith(staticRoot + path.sep)) {
      sendText(res, req, 404, 'text/plain; charset=utf-8', 'Not Found');
      return;
    }
    try {
      const info = await stat(target);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(target);
      res.writeHead(200, {
        'content-type': contentTypes[path.extname(target)] ?? 'application/octet-stream',
      });
      res.end(body);
    } catch {
      sendText(res, req, 404, 'text/plain; charset=utf-8', 'Not Found');
    }
  };

  const serveView = async (
    res: ServerResponse,
    req: IncomingMessage,
    session: Session,
    view: string,
  ): Promise<void> => {
    if (!/^[A-Za-z0-9_.-]+$/.test(view)) {
      sendText(
        res,
        req,
        404,
        'text/html; charset=utf-8',
        renderMessagePage('Page not found', `No view ${view}.`, 404),
      );
      return;
    }
    let source: string;
    try {
      source = await readFile(
        path.join(appDir, 'default', 'data', 'ui', 'views', `${view}.xml`),
        'utf8',
      );
    } catch {
      sendText(
        res,
        req,
        404,
        'text/html; charset=utf-8',
        renderMessagePage('Page not found', `The app ${appId} has no view ${view}.`, 404),
      );
      return;
    }
    try {
      const parsed = parseSimpleXml(source);
      sendText(
        res,
        req,
        200,
        'text/html; charset=utf-8',
        renderViewShell(parsed, {
          app: appId,
          appLabel,
          view,
          locale,
          username: session.username,
          cookiePort,
          buildNumber,
          version,
        }),
      );
    } catch (error) {
      const message = error instanceof SimpleXmlError ? error.message : String(error);
      sendText(
        res,
        req,
        500,
        'text/html; charset=utf-8',
        renderMessagePage('View error', message, 500),
      );
    }
  };

  const proxy = async (
    res: ServerResponse,
    req: IncomingMessage,
    session: Session | undefined,
    rest: string,
    query: string,
  ): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    const requestBody = body.toString('utf8');
    const json = (status: number, text: string): void =>
      sendText(
        res,
        req,
        status,
        'application/json; charset=utf-8',
        JSON.stringify({ messages: [{ type: 'ERROR', text }] }),
        {},
        requestBody,
      );
    if (session === undefined) {
      json(401, 'Splunk Web session expired or missing. Sign in again.');
      return;
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
      const header = req.headers['x-splunk-form-key'];
      const cookie = parseCookies(req.headers.cookie).get(csrfCookie);
      if (typeof header !== 'string' || header !== session.csrf || cookie !== session.csrf) {
        rejected += 1;
        json(
          403,
          'CSRF validation failed: the X-Splunk-Form-Key header does not match the splunkweb_csrf_token cookie.',
        );
        return;
      }
    }
    const contentType = req.headers['content-type'];
    const answer = await callSplunkd(method, `/${rest}${query}`, {
      sessionKey: session.sessionKey,
      body,
      ...(contentType === undefined ? {} : { contentType }),
    });
    sendText(
      res,
      req,
      answer.status,
      answer.contentType || 'application/octet-stream',
      answer.body.toString('utf8'),
      {},
      requestBody,
    );
  };

  const login = async (res: ServerResponse, req: IncomingMessage): Promise<void> => {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const returnTo = form.get('return_to') || `/${locale}/app/${appId}/`;
    const safeReturn =
      returnTo.startsWith('/') && !returnTo.startsWith('//')
        ? returnTo
        : `/${locale}/app/${appId}/`;
    const answer = await callSplunkd('POST', '/services/auth/login?output_mode=json', {
      body: Buffer.from(
        new URLSearchParams({
          username: form.get('username') ?? '',
          password: form.get('password') ?? '',
        }).toString(),
      ),
      contentType: 'application/x-www-form-urlencoded',
    });
    if (answer.status !== 200) {
      sendText(
        res,
        req,
        200,
        'text/html; charset=utf-8',
        renderLoginPage(safeReturn, 'Login failed'),
      );
      return;
    }
    const { sessionKey } = JSON.parse(answer.body.toString('utf8')) as { sessionKey: string };
    const id = randomBytes(16).toString('hex');
    const csrf = randomBytes(16).toString('hex');
    sessions.set(id, { username: form.get('username') ?? '', sessionKey, csrf });
    redirect(res, req, safeReturn, {
      'set-cookie': [
        `${sessionCookie}=${id}; Path=/; HttpOnly; SameSite=Strict`,
        `${csrfCookie}=${csrf}; Path=/; SameSite=Strict`,
      ],
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://splunk-web.invalid');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const session = sessionOf(req);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (parts.length === 0 || (parts.length === 1 && parts[0] === locale)) {
      redirect(res, req, `/${locale}/app/${appId}/`);
      return;
    }
    if (parts[0] !== locale) {
      redirect(res, req, `/${locale}${url.pathname}${url.search}`);
      return;
    }
    const [, area, ...rest] = parts;
    if (area === 'account' && rest[0] === 'login') {
      if (req.method === 'POST') await login(res, req);
      else
        sendText(
          res,
          req,
          200,
          'text/html; charset=utf-8',
          renderLoginPage(
            url.searchParams.get('return_to') ?? `/${locale}/app/${appId}/`,
            undefined,
          ),
        );
      return;
    }
    if (area === 'account' && rest[0] === 'logout') {
      const id = parseCookies(req.headers.cookie).get(sessionCookie);
      if (id !== undefined) sessions.delete(id);
      redirect(res, req, `/${locale}/account/login`, {
        'set-cookie': [`${sessionCookie}=; Path=/; Max-Age=0`, `${csrfCookie}=; Path=/; Max-Age=0`],
      });
      return;
    }
    if (area === 'splunkd' && rest[0] === '__raw') {
      const raw = url.pathname.slice(`/${locale}/splunkd/__raw/`.length);
      await proxy(res, req, session, raw, url.search);
      return;
    }
    if (area === 'static') {
      // /en-US/static/[@<build>[.<push>][:<app build>]/]app/<app>/<file…>
      const offset = rest[0]?.startsWith('@') ? 1 : 0;
      if (rest[offset] === 'app' && rest[offset + 1] !== undefined) {
        await serveStatic(
          res,
          req,
          decodeURIComponent(rest[offset + 1] ?? ''),
          rest
            .slice(offset + 2)
            .map(decodeURIComponent)
            .join('/'),
        );
        return;
      }
      sendText(res, req, 404, 'text/plain; charset=utf-8', 'Not Found');
      return;
    }
    if (area === 'app') {
      if (session === undefined) {
        redirect(
          res,
          req,
          `/${locale}/account/login?return_to=${encodeURIComponent(url.pathname)}`,
        );
        return;
      }
      const [app, view] = rest;
      if (app !== appId) {
        sendText(
          res,
          req,
          404,
          'text/html; charset=utf-8',
          renderMessagePage('App not found', `This stand-in serves only ${appId}.`, 404),
        );
        return;
      }
      if (view === undefined) {
        // Splunk sends users to the setup view until the app reports is_configured = 1.
        const target =
          setupView !== undefined && !(await isConfigured(session))
            ? setupView
            : ((await defaultView()) ?? setupView ?? 'search');
        redirect(res, req, `/${locale}/app/${appId}/${target}`);
        return;
      }
      await serveView(res, req, session, view);
      return;
    }
    sendText(
      res,
      req,
      404,
      'text/html; charset=utf-8',
      renderMessagePage('Page not found', url.pathname, 404),
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `Splunk Web stand-in error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    responses: () => [...served],
    csrfRejections: () => rejected,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}
