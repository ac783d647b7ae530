/** The Splunk Web stand-in and the setup view it serves (no browser: plain HTTP). */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import {
  parseConf,
  parseSimpleXml,
  renderViewShell,
  SimpleXmlError,
  startSplunkWeb,
  type SplunkWeb,
} from '../../support/splunk-web';
import { startSplunkd, type Splunkd } from '../../support/splunkd-standin';

const repo = path.resolve(__dirname, '../../..');
const viewFile = path.join(repo, 'default/data/ui/views/ta_1password_events_setup.xml');

describe('the setup view (Simple XML)', () => {
  it('is a version 1.1 non-dashboard that mounts the bundle from appserver/static', async () => {
    const view = parseSimpleXml(await readFile(viewFile, 'utf8'));
    expect(view.root).toBe('dashboard');
    expect(view.attributes).toMatchObject({
      version: '1.1',
      isDashboard: 'false',
      hideTitle: 'true',
    });
    expect(view.scripts).toEqual(['setup/setup.js']);
    expect(view.stylesheets).toEqual(['ta_1password_events_setup.css']);
    expect(view.htmlPanels).toEqual(['<div id="ta-1password-events-setup"></div>']);
  });

  it('the app ships the stylesheet the view names, and app.conf points setup at the view', async () => {
    await expect(
      readFile(path.join(repo, 'appserver/static/ta_1password_events_setup.css'), 'utf8'),
    ).resolves.toContain('.op-setup-page');
    const app = parseConf(await readFile(path.join(repo, 'default/app.conf'), 'utf8'));
    expect(app.get('ui')?.get('setup_view')).toBe('ta_1password_events_setup');
    expect(app.get('install')?.get('is_configured')).toBe('0');
  });
});

describe('Simple XML reading and the page shell', () => {
  it('re-serialises html panels, escapes text, and refuses other roots or broken XML', () => {
    const view = parseSimpleXml(
      '<form script="a.js, other:b.js" version="1.1"><label>T &amp; U</label><row><panel><html><p class="x">1 &lt; 2<br/></p></html></panel></row></form>',
    );
    expect(view).toMatchObject({ root: 'form', label: 'T & U', scripts: ['a.js', 'other:b.js'] });
    expect(view.htmlPanels).toEqual(['<p class="x">1 &lt; 2<br></p>']);
    expect(() => parseSimpleXml('<view/>')).toThrow(SimpleXmlError);
    expect(() => parseSimpleXml('<dashboard>')).toThrow('not well-formed');
  });

  it('renders $C, the scripts from appserver/static, and warns about a missing version', () => {
    const options = {
      app: 'TA-x',
      appLabel: 'X',
      view: 'v',
      locale: 'en-US',
      username: 'admin',
      cookiePort: '8000',
      buildNumber: 'b1',
      version: '9.4.2',
    };
    const html = renderViewShell(
      parseSimpleXml(
        '<dashboard script="s/s.js,other:o.js"><row><panel><html><div id="m"></div></html></panel></row></dashboard>',
      ),
      options,
    );
    expect(html).toContain('"SPLUNKD_PATH":"/en-US/splunkd/__raw"');
    expect(html).toContain('"MRSPARKLE_PORT_NUMBER":"8000"');
    expect(html).toContain('<script src="/en-US/static/@b1/app/TA-x/s/s.js"></script>');
    expect(html).toContain('<script src="/en-US/static/@b1/app/other/o.js"></script>');
    expect(html).toContain('data-testid="version-warning"');
    expect(html).toContain('<div id="m"></div>');
  });

  it('joins backslash-continued .conf lines', () => {
    const conf = parseConf('[m]\ndefinition = a \\\nb\n# c\nx=1\n');
    expect(conf.get('m')?.get('definition')).toBe('a \nb');
    expect(conf.get('m')?.get('x')).toBe('1');
  });
});

describe('the Splunk Web stand-in server', () => {
  let splunkd: Splunkd;
  let web: SplunkWeb;
  let appDir: string;

  beforeAll(async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'splunk-web-'));
    appDir = path.join(root, 'TA-1password-events');
    await mkdir(path.join(appDir, 'default/data/ui/views'), { recursive: true });
    await mkdir(path.join(appDir, 'appserver/static'), { recursive: true });
    await writeFile(
      path.join(appDir, 'default/app.conf'),
      '[ui]\nsetup_view = setup\nlabel = Test\n',
    );
    await writeFile(
      path.join(appDir, 'default/data/ui/views/setup.xml'),
      await readFile(viewFile, 'utf8'),
    );
    await writeFile(path.join(appDir, 'appserver/static/hello.css'), 'body{}');
    await writeFile(path.join(root, 'secret.txt'), 'outside the app');
    splunkd = await startSplunkd({ users: [{ name: 'admin', password: 'pw', roles: ['admin'] }] });
    web = await startSplunkWeb({ appDir, splunkdUrl: splunkd.url, splunkdCaPem: splunkd.caPem });
  });

  afterAll(async () => {
    await web.stop();
    await splunkd.stop();
    await rm(path.dirname(appDir), { recursive: true, force: true });
  });

  async function login(): Promise<{ cookie: string; csrf: string }> {
    const res = await request(`${web.url}/en-US/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=pw&return_to=%2Fen-US%2Fapp%2FTA-1password-events%2F',
    });
    await res.body.text();
    expect(res.statusCode).toBe(303);
    const cookies = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .map((c) => c.split(';')[0] ?? '');
    const csrf =
      cookies.find((c) => c.startsWith('splunkweb_csrf_token_8000='))?.split('=')[1] ?? '';
    return { cookie: cookies.join('; '), csrf };
  }

  it('sends anonymous visitors to the login page and unconfigured apps to their setup view', async () => {
    const anonymous = await request(`${web.url}/en-US/app/TA-1password-events/`);
    await anonymous.body.text();
    expect(anonymous.headers['location']).toBe(
      '/en-US/account/login?return_to=%2Fen-US%2Fapp%2FTA-1password-events%2F',
    );
    const { cookie } = await login();
    const app = await request(`${web.url}/en-US/app/TA-1password-events/`, { headers: { cookie } });
    await app.body.text();
    expect(app.headers['location']).toBe('/en-US/app/TA-1password-events/setup');
  });

  it('serves appserver/static with or without a cache buster, and nothing outside it', async () => {
    for (const p of [
      '/en-US/static/app/TA-1password-events/hello.css',
      '/en-US/static/@123.4:5/app/TA-1password-events/hello.css',
    ]) {
      const res = await request(`${web.url}${p}`);
      expect(await res.body.text()).toBe('body{}');
      expect(res.headers['content-type']).toContain('text/css');
    }
    for (const p of [
      '/en-US/static/app/TA-1password-events/..%2F..%2Fsecret.txt',
      '/en-US/static/app/other-app/hello.css',
    ]) {
      const res = await request(`${web.url}${p}`);
      expect(await res.body.text()).not.toContain('outside the app');
      expect(res.statusCode).toBe(404);
    }
  });

  it('proxies splunkd with the session key; writes need the matching CSRF header', async () => {
    const unauthenticated = await request(
      `${web.url}/en-US/splunkd/__raw/services/server/info?output_mode=json`,
    );
    await unauthenticated.body.text();
    expect(unauthenticated.statusCode).toBe(401);
    const { cookie, csrf } = await login();
    const info = await request(
      `${web.url}/en-US/splunkd/__raw/services/server/info?output_mode=json`,
      { headers: { cookie } },
    );
    expect(info.statusCode).toBe(200);
    expect(await info.body.text()).toContain('"serverName"');
    const write = (key: string | undefined) =>
      request(
        `${web.url}/en-US/splunkd/__raw/services/apps/local/TA-1password-events?output_mode=json`,
        {
          method: 'POST',
          headers: {
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
            ...(key === undefined ? {} : { 'x-splunk-form-key': key }),
          },
          body: 'configured=1',
        },
      );
    for (const key of [undefined, 'wrong']) {
      const refused = await write(key);
      expect(refused.statusCode).toBe(403);
      expect(await refused.body.text()).toContain('CSRF validation failed');
    }
    expect(splunkd.isAppConfigured('TA-1password-events')).toBe(false);
    const accepted = await write(csrf);
    await accepted.body.text();
    expect(accepted.statusCode).toBe(200);
    expect(splunkd.isAppConfigured('TA-1password-events')).toBe(true);
    expect(web.csrfRejections()).toBe(2);
  });
});
