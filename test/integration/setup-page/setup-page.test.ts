/**
 * The setup page in Debian's chromium (playwright-core), against the Splunk Web stand-in, the
 * splunkd stand-in and the Events API simulator, with the PACKAGED input doing the live checks
 * (external validation) and the collection run. Screenshots of every screen go to
 * test-results/screenshots/. The tests in a describe block run in order and share one stack.
 */
import type { Page } from 'playwright-core';
import type { FeedId } from '../../../src/core/feeds';
import { tokenProblemMessages } from '../../../src/events-api/token';
import {
  adminPassword,
  appId,
  hasChromium,
  nonAdmin,
  docScreenshot,
  openBrowser,
  screenshot,
  signIn,
  startStack,
  type BrowserSession,
  type Stack,
} from './harness';

const setupPath = `/en-US/app/${appId}/ta_1password_events_setup`;

jest.setTimeout(180_000);

if (!hasChromium()) {
  throw new Error('Debian chromium is missing at /usr/bin/chromium: apt-get install -y chromium');
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

/**
 * Table header labels cut short (ellipsis, clipped) and status badges wrapped onto two lines, as
 * an admin would see them at the current width. Empty means everything reads whole.
 */
async function cutOrWrapped(page: Page, tableTestId: string): Promise<string[]> {
  await page.getByTestId(tableTestId).waitFor();
  return page.getByTestId(tableTestId).evaluate((table) => {
    const problems: string[] = [];
    for (const th of Array.from(table.querySelectorAll('th'))) {
      // The label's own width against its cell (text spilling over is hidden by the next cell)…
      const label = document.createRange();
      label.selectNodeContents(th);
      const cut = label.getBoundingClientRect().width > th.clientWidth + 1;
      // …and any ellipsis or clipping inside the cell.
      const clipped = Array.from(th.querySelectorAll('*')).some(
        (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible',
      );
      if (cut || clipped) problems.push(`header cut: ${th.textContent ?? ''}`);
    }
    for (const badge of Array.from(table.querySelectorAll('.op-setup-badge'))) {
      // One line of text is about 1.4 font sizes tall (plus the padding); two lines are more.
      const fontSize = parseFloat(getComputedStyle(badge).fontSize);
      if (badge.getBoundingClientRect().height > fontSize * 2.2)
        problems.push(`badge wrapped: ${badge.textContent ?? ''}`);
    }
    return problems;
  });
}

async function openTab(page: Page, label: string): Promise<void> {
  await page.getByRole('tab', { name: label }).click();
}

/** Picks an option of a @splunk/react-ui Select (a toggle button, then a menu of options). */
async function choose(page: Page, toggleTestId: string, option: string): Promise<void> {
  await page.getByTestId(toggleTestId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

async function tokenProblem(page: Page): Promise<{ problem: string; message: string }> {
  const el = page.getByTestId('token-problem');
  await el.waitFor();
  return {
    problem: (await el.getAttribute('data-problem')) ?? '',
    message: ((await el.textContent()) ?? '').trim(),
  };
}

/** Removes 21 characters from the middle of the payload part, keeping three parts. */
function dropPayloadChunk(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload.slice(0, 30) + payload.slice(51), signature].join('.');
}

async function pasteToken(page: Page, token: string): Promise<void> {
  await page.fill('#account-token', token);
}

async function liveOutcome(
  page: Page,
  scope = page.getByTestId('account-dialog'),
): Promise<{ outcome: string; text: string }> {
  const el = scope.getByTestId('live-check');
  await el.waitFor({ timeout: 90_000 });
  return {
    outcome: (await el.getAttribute('data-outcome')) ?? '',
    text: ((await el.textContent()) ?? '').trim(),
  };
}

/** Every place a secret could leak to: browser-visible answers, .conf renderings, logs. */
function leakPlaces(stack: Stack, browser: BrowserSession): { where: string; text: string }[] {
  const places: { where: string; text: string }[] = [];
  // The only answers allowed to carry the token are splunkd's echo of the storage/passwords write
  // the browser itself just sent (splunkd answers a create/update with the entry); nothing reads it back.
  const isSecretWrite = (url: string, method?: string): boolean =>
    url.includes('/storage/passwords') && (method === undefined || method === 'POST');
  for (const r of browser.bodies) {
    if (!isSecretWrite(r.url)) places.push({ where: `browser response ${r.url}`, text: r.body });
  }
  for (const r of stack.web.responses()) {
    if (!isSecretWrite(r.path, r.method))
      places.push({ where: `splunk web ${r.method} ${r.path}`, text: r.body });
  }
  for (const file of ['onepassword_accounts', 'onepassword_settings', 'inputs', 'macros', 'app']) {
    places.push({ where: `${file}.conf`, text: stack.splunkd.confText(file, appId) });
  }
  places.push({ where: 'passwords.conf', text: stack.splunkd.passwordsConfText(appId) });
  for (const v of stack.splunkd.validations()) {
    places.push({ where: `validation ${v.input} stdout`, text: v.stdout });
    places.push({ where: `validation ${v.input} stderr`, text: v.stderr });
    places.push({ where: `validation ${v.input} stdin`, text: v.xml });
  }
  return places;
}

/** The token and each of its three parts must be absent everywhere (a partial leak counts). */
function expectNoLeak(
  stack: Stack,
  browser: BrowserSession,
  token: string,
  extra: string[] = [],
): void {
  const needles = [token, ...token.split('.').filter((p) => p.length > 12), ...extra];
  const leaks = leakPlaces(stack, browser).flatMap((place) =>
    needles.filter((n) => place.text.includes(n)).map(() => place.where),
  );
  expect(leaks).toEqual([]);
}

describe('setup page on Splunk Enterprise (admin)', () => {
  let stack: Stack;
  let browser: BrowserSession;
  let page: Page;
  let acmeToken: string;
  let globexToken: string;
  let globexAccount: string;
  const proxyPassword = 'CANARY-proxy-pw-5f1e2d';

  beforeAll(async () => {
    stack = await startStack();
    browser = await openBrowser();
    page = browser.page;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('first run: opening the app signs in and lands on the setup page', async () => {
    await signIn(page, stack.web, 'admin', adminPassword);
    expect(new URL(page.url()).pathname).toBe(setupPath);
    await page.getByTestId('setup-page').waitFor();
    await page.getByTestId('first-run').waitFor();
    expect(
      await page.evaluate(
        () => (window as unknown as { __amdAnonymousDefines: number }).__amdAnonymousDefines,
      ),
    ).toBe(0);
    expect(await page.getByTestId('version-warning').count()).toBe(0);
    expect(stack.splunkd.isAppConfigured(appId)).toBe(false);
    await screenshot(page, '01-first-run-accounts');
  });

  test('the CA bundle is set on the Proxy & CA tab (the simulator has its own CA)', async () => {
    await openTab(page, 'Proxy & CA');
    await page.fill('#ca-bundle-_global', 'relative/ca.pem');
    await page.getByText('Give an absolute path').waitFor();
    await page.fill('#ca-bundle-_global', stack.sim.caPath);
    await page.fill('#proxy-url-_global', 'http://user:secret@proxy.example.com:3128');
    await page.getByText('Do not put credentials in the proxy URL').waitFor();
    await page.fill('#proxy-url-_global', '');
    await screenshot(page, '02-proxy-and-ca');
    await page.getByTestId('save-proxy-_global').click();
    await page.getByTestId('proxy-_global').getByText('Saved.').waitFor();
    await page.getByText('The add-on is now configured').waitFor();
    // Kept in storage/passwords beside the tokens, never in a .conf file.
    expect(stack.splunkd.secrets().map((s) => s.username)).toContain('network:_global');
    expect(stack.splunkd.confText('onepassword_settings', appId)).not.toContain('ca_bundle_path');
    // Read back into the form after a reload.
    await page.reload();
    await openTab(page, 'Proxy & CA');
    expect(await page.inputValue('#ca-bundle-_global')).toBe(stack.sim.caPath);
    // The first save marks the app configured and reloads it: no restart.
    expect(stack.splunkd.isAppConfigured(appId)).toBe(true);
    expect(stack.splunkd.appReloads().length).toBeGreaterThan(0);
  });

  test('adding an account with a valid token: checked on paste, saved, checked live through splunkd', async () => {
    acmeToken = stack.sim.issueToken();
    await openTab(page, 'Accounts');
    await page.getByTestId('add-account').click();
    await page.getByTestId('account-dialog').waitFor();
    await page.fill('#account-name', 'acme');
    await pasteToken(page, acmeToken);
    // The simulator's tokens name its own host, not an official one: the page says so.
    const offHost = await tokenProblem(page);
    expect(offHost.problem).toBe('endpoint');
    expect(offHost.message).toContain('not an official 1Password events host');
    await screenshot(page, '03-token-unofficial-host');
    await page.getByTestId('use-custom-endpoint').click();
    await page.getByTestId('custom-endpoint-warning').waitFor();
    expect(await text(page, 'custom-endpoint-warning')).toContain(
      'Admin-only: the token will be sent to this host',
    );
    await page.fill('#account-endpoint', `${stack.sim.url}/api`);
    await page.getByText('must be an origin only').waitFor();
    await page.fill('#account-endpoint', stack.sim.url);
    await page.getByTestId('token-ok').waitFor();
    expect(await text(page, 'token-scopes')).toBe('Sign-in attempts, Item usages, Audit events');
    await screenshot(page, '04-add-account-token-ok');
    await page.getByTestId('account-save').click();
    const live = await liveOutcome(page);
    expect(live.outcome).toBe('ok');
    expect(await text(page, 'status-region')).toContain('Custom endpoint');
    expect(await text(page, 'status-scopes')).toBe('Sign-in attempts, Item usages, Audit events');
    expect(await text(page, 'status-expiry')).toBe('Never expires');
    expect(await text(page, 'status-account-uuid')).toBe(stack.sim.accountUuid);
    expect(await text(page, 'saved-check-ok')).toContain('The account acme was saved');
    await page.getByTestId('account-dialog').getByText('Edit account acme').waitFor();
    await screenshot(page, '05-add-account-live-check-ok');
    await docScreenshot(page, 'account-dialog-checked');
    await page.getByTestId('account-cancel').click();
    await page.getByTestId('account-row-acme').waitFor();
    expect(
      await page.getByTestId('account-row-acme').getByTestId('masked-token').textContent(),
    ).toBe('••••••••  saved');
    await screenshot(page, '06-accounts-list');

    // Stored as the contract says: the secret only in storage/passwords, the probe stanza gone.
    const secrets = stack.splunkd.secrets().map((s) => `${s.realm}|${s.username}`);
    expect(secrets).toContain(`${appId}|account:acme`);
    expect(stack.splunkd.inputs().map((i) => i.name)).not.toContain('__check__acme');
    expect(
      stack.splunkd.validations().some((v) => v.input.includes('__check__acme') && v.accepted),
    ).toBe(true);
    // The page reads back only the proxy/CA entries, one entity at a time, never a secret.
    const reads = stack.splunkd
      .requests()
      .filter(
        (r) =>
          r.path.includes('storage/passwords') &&
          r.method === 'GET' &&
          r.user !== 'splunk-system-user',
      )
      .map((r) => decodeURIComponent(r.path));
    expect(reads.length).toBeGreaterThan(0);
    for (const path of reads)
      expect(path).toMatch(/storage\/passwords\/TA-1password-events:network\\:[^/]+:$/);
    expectNoLeak(stack, browser, acmeToken);
  });

  test('each token mistake gets its own message before anything is saved', async () => {
    await page.getByTestId('add-account').click();
    await page.fill('#account-name', 'mistakes');
    const cases: { name: string; token: string; problem: string }[] = [
      { name: 'malformed', token: 'this-is-not-a-jwt', problem: 'malformed' },
      // A partial copy that lost a chunk of the payload (e.g. a wrapped line), so it no longer decodes.
      { name: 'truncated', token: dropPayloadChunk(stack.sim.issueToken()), problem: 'truncated' },
      { name: 'legacy', token: stack.sim.issueLegacyToken(), problem: 'legacy' },
      {
        name: 'expired',
        token: stack.sim.issueToken({ exp: Math.floor(Date.now() / 1000) - 3600 }),
        problem: 'expired',
      },
    ];
    const seen = new Set<string>();
    for (const c of cases) {
      await pasteToken(page, c.token);
      const shown = await tokenProblem(page);
      expect(shown.problem).toBe(c.problem);
      // The message is the shared reader's own sentence (react-ui prefixes "Alert" for screen readers).
      expect(shown.message).toContain(
        tokenProblemMessages[c.problem as keyof typeof tokenProblemMessages],
      );
      expect(await page.getByTestId('account-save').isDisabled()).toBe(true);
      seen.add(shown.message);
      await screenshot(page, `07-token-${c.name}`);
    }
    expect(seen.size).toBe(cases.length);
    await page.getByTestId('account-cancel').click();
    expect(stack.splunkd.secrets().some((s) => s.username === 'account:mistakes')).toBe(false);
  });

  test('a revoked token and a token cut inside its signature are caught by the live check', async () => {
    const cases: { account: string; token: string; words: RegExp; shot: string }[] = [];
    const revoked = stack.sim.issueToken();
    stack.sim.revokeToken(revoked);
    cases.push({
      account: 'revoked-co',
      token: revoked,
      words: /Invalid or revoked token\. 1Password rejected the token\. Issue a new/,
      shot: '08-live-check-revoked',
    });
    cases.push({
      account: 'truncated-co',
      token: stack.sim.truncatedToken(stack.sim.issueToken()),
      words: /Token incomplete or wrong endpoint\. .*pasted incompletely/,
      shot: '09-live-check-truncated',
    });
    for (const c of cases) {
      await page.getByTestId('add-account').click();
      await page.fill('#account-name', c.account);
      await pasteToken(page, c.token);
      await page.getByTestId('use-custom-endpoint').click();
      await page.fill('#account-endpoint', stack.sim.url);
      await page.getByTestId('token-ok').waitFor();
      await page.getByTestId('account-save').click();
      const live = await liveOutcome(page);
      expect(live.outcome).toBe('failed');
      expect(live.text).toMatch(c.words);
      // Said once, not twice.
      expect(live.text.split('revoked').length).toBeLessThanOrEqual(2);
      // Saved, and the dialog says so plainly; it now edits the saved account.
      expect(await text(page, 'saved-check-failed')).toContain(
        `The account ${c.account} was saved, but its connection check failed`,
      );
      await page.getByTestId('account-dialog').getByText(`Edit account ${c.account}`).waitFor();
      await screenshot(page, c.shot);
      await page.getByTestId('account-cancel').click();
      // Clean up through the page: delete the account again.
      await page.getByTestId(`delete-${c.account}`).click();
      await page.getByTestId('confirm-delete').click();
      await page.getByTestId(`account-row-${c.account}`).waitFor({ state: 'detached' });
    }
    expect(stack.splunkd.inputs().filter((i) => i.name.startsWith('__check__'))).toEqual([]);
  });

  test('inputs for two accounts: index created, feeds, interval, start date; macro follows', async () => {
    globexAccount = stack.sim.addAccount({
      counts: { signinattempts: 15, itemusages: 10, auditevents: 5 },
    });
    globexToken = stack.sim.issueToken({
      accountUuid: globexAccount,
      features: ['signinattempts', 'auditevents'],
    });
    await page.getByTestId('add-account').click();
    await page.fill('#account-name', 'globex');
    await pasteToken(page, globexToken);
    await page.getByTestId('use-custom-endpoint').click();
    await page.fill('#account-endpoint', stack.sim.url);
    await page.getByTestId('account-save').click();
    expect((await liveOutcome(page)).outcome).toBe('ok');
    await page.getByTestId('account-cancel').click();

    await openTab(page, 'Inputs');
    await page.getByTestId('index-missing-enterprise').waitFor();
    await screenshot(page, '10-inputs-index-missing');
    await page.getByTestId('create-index').click();
    await page.getByTestId('index-missing-enterprise').waitFor({ state: 'detached' });
    expect(await page.getByTestId('inputs-empty').count()).toBe(1);

    // acme: "Create input" opens a dialog for the first account without an input.
    await page.getByTestId('create-input').click();
    const dialog = page.getByTestId('input-dialog');
    await dialog.getByText('Create input').first().waitFor();
    expect(await page.inputValue('#input-name')).toBe('acme');
    // A bad interval is an error, shown as one, and never silently changed.
    await page.fill('#input-interval', '5');
    expect(await text(page, 'field-error-interval')).toBe(
      'The interval is a whole number of seconds from 10 to 86400.',
    );
    expect(await page.getByTestId('input-save').isDisabled()).toBe(true);
    expect(await page.inputValue('#input-interval')).toBe('5');
    await page.fill('#input-interval', '120');
    await page.getByTestId('field-error-interval').waitFor({ state: 'detached' });
    await choose(page, 'input-start-mode', 'On a date');
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const [fy, fm, fd] = future.split('-');
    await page.fill('#input-start-date', `${fm}/${fd}/${fy}`);
    await page.keyboard.press('Enter');
    expect(await text(page, 'field-error-startDate')).toBe('The start date is in the future.');
    const start = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const [y, m, d] = start.split('-');
    await page.fill('#input-start-date', `${m}/${d}/${y}`);
    await page.keyboard.press('Enter');
    await page.getByTestId('field-error-startDate').waitFor({ state: 'detached' });
    // Audit events get their own index; the other feeds keep the input's.
    await choose(page, 'input-index-auditevents', 'main');
    await screenshot(page, '11-input-dialog');
    await docScreenshot(page, 'input-dialog');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-acme').waitFor({ timeout: 90_000 });
    await page.getByTestId('input-dialog').waitFor({ state: 'detached' });

    // globex: its token lacks item usages, so that box is off and disabled; it goes to main.
    await page.getByTestId('create-input').click();
    expect(await page.inputValue('#input-name')).toBe('globex');
    const globexItem = page.getByTestId('input-feed-itemusages');
    expect(await globexItem.getByRole('checkbox').getAttribute('aria-checked')).toBe('false');
    expect(await globexItem.getByRole('checkbox').isDisabled()).toBe(true);
    expect(await globexItem.textContent()).toContain('not in the token’s scopes');
    await choose(page, 'input-index', 'main');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-globex').waitFor({ timeout: 90_000 });
    await page.getByTestId('input-row-globex').waitFor();
    expect(await text(page, 'input-row-acme')).toContain('onepassword (audit events: main)');
    await screenshot(page, '12-inputs-saved');

    const byName = new Map(stack.splunkd.inputs().map((i) => [i.name, i]));
    const acme = byName.get('acme');
    const globex = byName.get('globex');
    expect(acme?.disabled).toBe(false);
    expect(acme?.params).toMatchObject({
      account: 'acme',
      feeds: 'signinattempts,itemusages,auditevents',
      index: 'onepassword',
      index_audit_events: 'main',
      interval: '120',
      start_time: `${start}T00:00:00Z`,
    });
    expect(globex?.disabled).toBe(false);
    expect(globex?.params).toMatchObject({
      account: 'globex',
      feeds: 'signinattempts,auditevents',
      index: 'main',
    });
    expect(stack.splunkd.confText('macros', appId)).toMatch(
      /\[onepassword_index\]\s*\ndefinition = \(index=main OR index=onepassword\)/,
    );
    expect(await text(page, 'index-macro')).toContain('(index=main OR index=onepassword)');
    // Both were validated by the packaged input before splunkd stored them.
    for (const name of ['acme', 'globex']) {
      expect(stack.splunkd.validations().some((v) => v.input.endsWith(name) && v.accepted)).toBe(
        true,
      );
    }
  });

  test('the inputs table: clone, toggle, delete and re-create', async () => {
    // Clone: a copy under a new name, for an account still to pick; one input per account.
    await page.getByTestId('input-clone-acme').click();
    await page.getByTestId('input-dialog').getByText('Clone input acme').waitFor();
    expect(await page.inputValue('#input-name')).toBe('acme_copy');
    expect(await page.inputValue('#input-interval')).toBe('120');
    await choose(page, 'input-account', 'acme');
    expect(await text(page, 'field-error-account')).toBe(
      'The account acme already has the input acme. One input per account: edit that one instead.',
    );
    expect(await page.getByTestId('input-save').isDisabled()).toBe(true);
    await page.getByTestId('input-dialog').getByRole('button', { name: 'Cancel' }).click();

    // Toggle: splunkd's disable and enable actions, straight from the table.
    await page.getByTestId('input-toggle-globex').click();
    // The label follows splunkd's state, re-read after the action.
    await page.getByTestId('input-toggle-globex').getByText('Disabled').waitFor();
    expect(stack.splunkd.inputs().find((i) => i.name === 'globex')?.disabled).toBe(true);
    await page.getByTestId('input-toggle-globex').click();
    await page.getByTestId('input-toggle-globex').getByText('Enabled').waitFor();
    expect(stack.splunkd.inputs().find((i) => i.name === 'globex')?.disabled).toBe(false);

    // Delete, after a confirmation; the macro follows.
    await page.getByTestId('input-delete-globex').click();
    await page.getByTestId('input-confirm-delete').click();
    await page.getByTestId('input-deleted-globex').waitFor();
    await page.getByTestId('input-row-globex').waitFor({ state: 'detached' });
    expect(stack.splunkd.inputs().map((i) => i.name)).not.toContain('globex');
    // acme still sends audit events to main.
    expect(stack.splunkd.confText('macros', appId)).toMatch(
      /definition = \(index=main OR index=onepassword\)/,
    );

    // Re-create globex's input for the tests that follow.
    await page.getByTestId('create-input').click();
    await choose(page, 'input-index', 'main');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-globex').waitFor({ timeout: 90_000 });
    expect(stack.splunkd.inputs().find((i) => i.name === 'globex')?.params).toMatchObject({
      feeds: 'signinattempts,auditevents',
      index: 'main',
    });
  });

  test('the accounts list keeps the facts after a failed re-check; a token expiring in 20 days is flagged', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 20 * 86_400 + 3600;
    const expiryDay = new Date(expiresAt * 1000).toISOString().slice(0, 10);
    const token = stack.sim.issueToken({ exp: expiresAt });
    await openTab(page, 'Accounts');
    await page.getByTestId('add-account').click();
    await page.fill('#account-name', 'soon-co');
    await pasteToken(page, token);
    await page.getByTestId('use-custom-endpoint').click();
    await page.fill('#account-endpoint', stack.sim.url);
    await page.getByTestId('account-save').click();
    expect((await liveOutcome(page)).outcome).toBe('ok');
    await page.getByTestId('account-cancel').click();
    const row = page.getByTestId('account-row-soon-co');
    await row.waitFor();
    expect(await row.getByTestId('expiry-badge').textContent()).toBe('20 days left');
    expect(await text(page, 'expiry-banner')).toContain(
      `The token of soon-co expires in 20 days (${expiryDay}).`,
    );
    expect(await row.getByTestId('last-check').getAttribute('data-tone')).toBe('ok');

    // The token is revoked: the re-check fails, and the row still tells what is known.
    stack.sim.revokeToken(token);
    await page.getByTestId('check-soon-co').click();
    const result = page.getByTestId('check-result-soon-co');
    expect((await liveOutcome(page, result)).outcome).toBe('failed');
    await row.getByTestId('facts-as-of').waitFor();
    expect(await row.getByTestId('row-region').textContent()).toContain('Custom endpoint');
    expect(await row.getByTestId('row-scopes').textContent()).toBe(
      'Sign-in attempts, Item usages, Audit events',
    );
    expect(await row.getByTestId('row-expiry').textContent()).toContain(`Expires ${expiryDay}`);
    expect(await row.getByTestId('expiry-badge').textContent()).toBe('20 days left');
    const lastCheck = row.getByTestId('last-check');
    expect(await lastCheck.getAttribute('data-tone')).toBe('error');
    expect(await lastCheck.textContent()).toMatch(
      /Invalid or revoked token\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(\d+ s ago\)/,
    );
    expect(await cutOrWrapped(page, 'accounts-table')).toEqual([]);
    await screenshot(page, '13a-accounts-after-failed-recheck');
    await docScreenshot(page, 'accounts');
    // Still true after a reload: the kept facts are stored, not only in the page.
    await page.reload();
    await page.getByTestId('account-row-soon-co').getByTestId('facts-as-of').waitFor();
    expect(
      await page.getByTestId('account-row-soon-co').getByTestId('row-expiry').textContent(),
    ).toContain(`Expires ${expiryDay}`);
    await page.getByTestId('delete-soon-co').click();
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('account-row-soon-co').waitFor({ state: 'detached' });
    expectNoLeak(stack, browser, token);
  });

  test('failures read in plain words: DNS, and splunkd not answering (with Retry)', async () => {
    // A custom endpoint whose name does not resolve: saved, check failed, said plainly.
    await page.getByTestId('add-account').click();
    await page.fill('#account-name', 'dns-co');
    await pasteToken(page, stack.sim.issueToken());
    await page.getByTestId('use-custom-endpoint').click();
    await page.fill('#account-endpoint', 'https://events-gateway.invalid');
    await page.getByTestId('account-save').click();
    const live = await liveOutcome(page);
    expect(live.outcome).toBe('failed');
    expect(live.text).toContain('Cannot resolve events-gateway.invalid.');
    expect(live.text).not.toMatch(/getaddrinfo/);
    expect(await text(page, 'saved-check-failed')).toContain('dns-co was saved');
    await screenshot(page, '13b-live-check-dns');
    await page.getByTestId('account-cancel').click();
    await page.getByTestId('delete-dns-co').click();
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('account-row-dns-co').waitFor({ state: 'detached' });

    // Splunk Web does not answer while the page loads: plain words and a Retry that works.
    await page.route('**/splunkd/__raw/**', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByTestId('load-failed').waitFor();
    const failed = await text(page, 'load-failed');
    expect(failed).toContain('Splunk did not answer.');
    expect(failed).not.toContain('Failed to fetch');
    await screenshot(page, '13c-load-failed');
    await page.unroute('**/splunkd/__raw/**');
    await page.getByTestId('load-retry').click();
    await page.getByTestId('setup-page').waitFor();
    await page.getByTestId('account-row-acme').waitFor();

    // splunkd answers 503 (KV store starting): its status in words, and a Retry on the tab.
    const health = '**/storage/collections/data/onepassword_health**';
    await page.route(health, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ messages: [{ type: 'ERROR', text: 'KV Store is initializing' }] }),
      }),
    );
    await openTab(page, 'Health');
    const healthError = await text(page, 'health-error');
    expect(healthError).toContain(
      'splunkd is starting or busy. splunkd (or its KV store) is not ready yet.',
    );
    expect(healthError).toContain('(KV Store is initializing)');
    await screenshot(page, '13d-health-503');
    await page.unroute(health);
    await page.getByTestId('health-error').getByRole('button', { name: 'Retry' }).click();
    await page.getByTestId('health-error').waitFor({ state: 'detached' });
    await openTab(page, 'Accounts');
  });

  test('a token without a scope the input collects is refused with its own message', async () => {
    await openTab(page, 'Accounts');
    await page.getByTestId('edit-acme').click();
    await pasteToken(page, stack.sim.issueToken({ features: ['signinattempts', 'auditevents'] }));
    const shown = await tokenProblem(page);
    expect(shown.problem).toBe('missing_scope');
    expect(shown.message).toContain('lacks the item usages scope');
    await screenshot(page, '13-token-missing-scope');
    await page.getByTestId('account-cancel').click();
  });

  test('the packaged input collects with the saved configuration; the health panel shows the run', async () => {
    const acme = await stack.runStoredInput('acme');
    const globex = await stack.runStoredInput('globex');
    expect(acme.unprefixed).toEqual([]);
    expect(acme.exitCode).toBe(0);
    expect(globex.exitCode).toBe(0);
    // Every event the simulator served went out on stdout, for each account's own feeds only.
    const served = (feeds: readonly FeedId[], accountUuid?: string): number =>
      feeds.reduce(
        (n, f) =>
          n + stack.sim.servedItems(f, accountUuid === undefined ? {} : { accountUuid }).length,
        0,
      );
    expect(acme.events.length).toBeGreaterThan(0);
    expect(acme.events.length).toBe(served(['signinattempts', 'itemusages', 'auditevents']));
    expect(globex.events.length).toBeGreaterThan(0);
    expect(globex.events.length).toBe(served(['signinattempts', 'auditevents'], globexAccount));
    expect(new Set(globex.events.map((e) => e.index))).toEqual(new Set(['main']));
    await openTab(page, 'Health');
    await page.getByTestId('health-refresh').click();
    await page.getByTestId('health-table').waitFor();
    for (const key of [
      'acme__signinattempts',
      'acme__itemusages',
      'acme__auditevents',
      'globex__signinattempts',
      'globex__auditevents',
    ]) {
      const row = page.getByTestId(`health-row-${key}`);
      await row.waitFor();
      // Each run collected events: collecting, not quiet, late or failing.
      expect(await row.getByTestId('health-status').textContent()).toBe('OK');
      expect(await row.getByTestId('health-status').getAttribute('data-state')).toBe('ok');
    }
    expect(await page.getByTestId('health-row-globex__itemusages').count()).toBe(0);
    expect(await page.getByTestId('health-dashboard-link').getAttribute('href')).toContain(
      'onepassword_health',
    );
    expect(
      decodeURIComponent((await page.getByTestId('health-log-link').getAttribute('href')) ?? ''),
    ).toContain('component=ExecProcessor "onepassword_events"');
    await screenshot(page, '14-health-panel');
    expect(await cutOrWrapped(page, 'health-table')).toEqual([]);
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await cutOrWrapped(page, 'health-table')).toEqual([]);
    await openTab(page, 'Accounts');
    expect(await cutOrWrapped(page, 'accounts-table')).toEqual([]);
    await openTab(page, 'Inputs');
    expect(await cutOrWrapped(page, 'inputs-table')).toEqual([]);
    await openTab(page, 'Health');
    await docScreenshot(page, 'health-800');
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(await cutOrWrapped(page, 'health-table')).toEqual([]);
    expectNoLeak(stack, browser, acmeToken, [proxyPassword]);
    expectNoLeak(stack, browser, globexToken);
    for (const run of [acme, globex]) {
      expect(run.stderr).not.toContain(acmeToken.split('.')[2] ?? acmeToken);
    }
  });

  test('health tells quiet from late from error at a glance', async () => {
    // Health documents as the input writes them after runs that were quiet, stopped or failed
    // (written through Splunk Web like any KV write; the runs above only produced OK rows).
    const nowS = Math.floor(Date.now() / 1000);
    const base = { status: 'ok', last_success: nowS - 30, events_24h: 0, last_error: null };
    const docs = [
      {
        ...base,
        _key: 'acme__auditevents',
        account: 'acme',
        feed: 'auditevents',
        last_run_start: nowS - 40,
        last_run_end: nowS - 30,
        last_event_time: nowS - 25 * 3600,
        lag_seconds: 25 * 3600,
        events_last_run: 0,
      },
      {
        ...base,
        _key: 'acme__itemusages',
        account: 'acme',
        feed: 'itemusages',
        last_run_start: nowS - 2 * 3600 - 10,
        last_run_end: nowS - 2 * 3600,
        last_success: nowS - 2 * 3600,
        last_event_time: nowS - 3 * 3600,
        events_last_run: 4,
      },
      {
        ...base,
        _key: 'globex__signinattempts',
        account: 'globex',
        feed: 'signinattempts',
        status: 'error',
        last_run_start: nowS - 40,
        last_run_end: nowS - 30,
        last_success: nowS - 3600,
        last_event_time: nowS - 3600,
        events_last_run: 0,
        last_error: 'HTTP 401 from the Events API',
        last_error_class: 'unauthorized',
        last_error_time: nowS - 30,
      },
    ];
    const status = await page.evaluate(async (body) => {
      const csrf = /splunkweb_csrf_token_8000=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch(
        '/en-US/splunkd/__raw/servicesNS/nobody/TA-1password-events/storage/collections/data/onepassword_health/batch_save?output_mode=json',
        {
          method: 'POST',
          credentials: 'include',
          headers: { 'X-Splunk-Form-Key': csrf, 'Content-Type': 'application/json' },
          body,
        },
      );
      return response.status;
    }, JSON.stringify(docs));
    expect(status).toBe(200);
    await openTab(page, 'Health');
    await page.getByTestId('health-refresh').click();
    const state = async (key: string): Promise<[string, string, string]> => {
      const row = page.getByTestId(`health-row-${key}`);
      return [
        (await row.getByTestId('health-status').getAttribute('data-state')) ?? '',
        (await row.getByTestId('health-status').textContent()) ?? '',
        (await row.getByTestId('health-detail').textContent()) ?? '',
      ];
    };
    await page
      .getByTestId('health-row-acme__itemusages')
      .getByText('Late', { exact: true })
      .waitFor();
    expect(await state('acme__auditevents')).toEqual([
      'quiet',
      'Quiet',
      'Collecting; nothing new, last event 25 h 0 min ago.',
    ]);
    // acme runs every 120 s: two hours without a run is late.
    expect(await state('acme__itemusages')).toEqual([
      'late',
      'Late',
      'No run for 2 h 0 min (every 2 min expected).',
    ]);
    expect(await state('globex__signinattempts')).toEqual([
      'error',
      'Error',
      'Last run failed: Invalid or revoked token.',
    ]);
    expect(await state('acme__signinattempts')).toEqual([
      'ok',
      'OK',
      expect.stringMatching(/^Collecting; \d+ events in the last run\.$/),
    ]);
    expect(await cutOrWrapped(page, 'health-table')).toEqual([]);
    await screenshot(page, '14b-health-states');
    await docScreenshot(page, 'health-1366');
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await cutOrWrapped(page, 'health-table')).toEqual([]);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  test('run model: a resident input is created and listed with its kind; an input moves between kinds with its name and parameters; a refused create moves nothing', async () => {
    await openTab(page, 'Inputs');
    /**
     * The row's Process cell once the table has reloaded after a save (the saved message can show
     * before the reload lands): waits up to 10 s for `expected`, then reads whatever is there.
     */
    const kindOf = async (name: string, expected: string): Promise<string> => {
      const cell = page.getByTestId(`input-row-${name}`).getByTestId('input-row-kind');
      await cell
        .filter({ hasText: expected })
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
      return ((await cell.textContent()) ?? '').trim();
    };
    const stored = (name: string): { scheme: string; params: Record<string, string> }[] =>
      stack.splunkd
        .inputs()
        .filter((i) => i.name === name)
        .map((i) => ({ scheme: i.scheme, params: { ...i.params } }));
    const pickKind = async (label: string): Promise<void> =>
      page.getByTestId('input-kind').getByRole('radio', { name: label }).click();
    expect(await kindOf('acme', 'Own, every interval')).toBe('Own, every interval');

    // globex's input is re-created as a resident one: its own endpoint, its own launcher validates it.
    await page.getByTestId('input-delete-globex').click();
    await page.getByTestId('input-confirm-delete').click();
    await page.getByTestId('input-row-globex').waitFor({ state: 'detached' });
    await page.getByTestId('create-input').click();
    expect(await page.inputValue('#input-name')).toBe('globex');
    const perRunChoice = page.getByTestId('input-kind').getByRole('radio', {
      name: 'Own process, started every interval',
    });
    expect(await perRunChoice.isChecked()).toBe(true);
    expect(await page.getByTestId('input-dialog').textContent()).toContain(
      'Pick resident for many accounts on one forwarder',
    );
    await pickKind('Shared resident process');
    await choose(page, 'input-index', 'main');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-globex').waitFor({ timeout: 90_000 });
    expect(await kindOf('globex', 'Shared, resident')).toBe('Shared, resident');
    expect(stored('globex')).toEqual([
      {
        scheme: 'onepassword_events_resident',
        params: expect.objectContaining({ account: 'globex', index: 'main', disabled: '0' }),
      },
    ]);
    expect(
      stack.splunkd
        .validations()
        .some(
          (v) => v.scheme === 'onepassword_events_resident' && v.input === 'globex' && v.accepted,
        ),
    ).toBe(true);
    // Enable/disable work on the resident kind too.
    await page.getByTestId('input-toggle-globex').click();
    await page.getByTestId('input-toggle-globex').getByText('Disabled').waitFor();
    expect(stack.splunkd.inputs().find((i) => i.name === 'globex')?.disabled).toBe(true);
    await page.getByTestId('input-toggle-globex').click();
    await page.getByTestId('input-toggle-globex').getByText('Enabled').waitFor();

    // Names stay unique across both kinds: a clone of globex cannot take the name acme.
    await page.getByTestId('input-clone-globex').click();
    await page.fill('#input-name', 'acme');
    expect(await text(page, 'field-error-name')).toBe('An input named "acme" already exists.');
    await page.getByTestId('input-dialog').getByRole('button', { name: 'Cancel' }).click();

    // acme moves from per-run to resident: same name, same parameters, same state.
    const before = stored('acme');
    expect(before.map((i) => i.scheme)).toEqual(['onepassword_events']);
    await page.getByTestId('input-edit-acme').click();
    await pickKind('Shared resident process');
    expect(await text(page, 'input-move-note')).toContain('Its checkpoints are kept');
    await screenshot(page, '12b-input-move');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-acme').waitFor({ timeout: 90_000 });
    expect(await text(page, 'input-saved-acme')).toContain('moved to the shared resident process');
    expect(await kindOf('acme', 'Shared, resident')).toBe('Shared, resident');
    expect(stored('acme')).toEqual([
      { scheme: 'onepassword_events_resident', params: before[0]?.params },
    ]);
    expect(stack.splunkd.confText('inputs', appId)).not.toContain('[onepassword_events://acme]');
    expect(stack.splunkd.confText('inputs', appId)).toContain(
      '[onepassword_events_resident://acme]',
    );
    await screenshot(page, '12c-input-moved');

    // Moving it back, splunkd refuses the per-run create: the resident input stays as it was.
    const refused = stack.splunkd.faults.inject({
      method: 'POST',
      path: /\/data\/inputs\/onepassword_events$/,
      status: 400,
      body: {
        messages: [
          {
            type: 'ERROR',
            text: 'Argument validation for scheme=onepassword_events: script running failed (exited with code 1).',
          },
        ],
      },
    });
    const resident = stored('acme');
    await page.getByTestId('input-edit-acme').click();
    await pickKind('Own process, started every interval');
    await page.getByTestId('input-save').click();
    expect(await text(page, 'input-save-error')).toContain('Argument validation for scheme');
    expect(refused.remaining()).toBe(0);
    expect(stored('acme')).toEqual(resident);
    await page.getByTestId('input-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await kindOf('acme', 'Shared, resident')).toBe('Shared, resident');

    // globex moves from resident to per-run.
    const globexBefore = stored('globex');
    await page.getByTestId('input-edit-globex').click();
    await pickKind('Own process, started every interval');
    await page.getByTestId('input-save').click();
    await page.getByTestId('input-saved-globex').waitFor({ timeout: 90_000 });
    expect(await kindOf('globex', 'Own, every interval')).toBe('Own, every interval');
    expect(stored('globex')).toEqual([
      { scheme: 'onepassword_events', params: globexBefore[0]?.params },
    ]);
    expect(stack.splunkd.confText('inputs', appId)).not.toContain(
      '[onepassword_events_resident://globex]',
    );
    // The README's picture of the table: one input of each kind.
    await docScreenshot(page, 'inputs-table');
  });

  test('editing (new token, per-account proxy credentials) and deleting an account', async () => {
    await openTab(page, 'Accounts');
    await page.getByTestId('edit-globex').click();
    expect(await text(page, 'masked-token')).toBe('••••••••  saved');
    // The saved token is never put back into the form.
    expect(await page.inputValue('#account-token')).toBe('');
    const newToken = stack.sim.issueToken({
      accountUuid: globexAccount,
      features: ['signinattempts', 'auditevents'],
    });
    // The stored custom endpoint shows (never the token): the box is ticked, the URL filled in.
    expect(
      await page
        .getByTestId('use-custom-endpoint')
        .getByRole('checkbox')
        .getAttribute('aria-checked'),
    ).toBe('true');
    expect(await page.inputValue('#account-endpoint')).toBe(stack.sim.url);
    expect(await page.getByTestId('account-save').isDisabled()).toBe(false);
    await pasteToken(page, newToken);
    await screenshot(page, '15-edit-account');
    await page.getByTestId('account-save').click();
    expect((await liveOutcome(page)).outcome).toBe('ok');
    await page.getByTestId('account-cancel').click();

    await openTab(page, 'Proxy & CA');
    await choose(page, 'proxy-credentials-acme', 'Set new credentials');
    await page.fill('#proxy-url-acme', 'http://proxy.internal.example:3128');
    await page.fill('#proxy-user-acme', 'svc-splunk');
    await page.fill('#proxy-password-acme', proxyPassword);
    await page.getByTestId('save-proxy-acme').click();
    await page.getByTestId('proxy-acme').getByText('Saved.').waitFor();
    expect(stack.splunkd.secrets().map((s) => s.username)).toEqual(
      expect.arrayContaining(['proxy:acme', 'network:acme']),
    );
    expect(stack.splunkd.confText('onepassword_accounts', appId)).not.toContain('proxy_url');
    await page.reload();
    await openTab(page, 'Proxy & CA');
    expect(await page.inputValue('#proxy-url-acme')).toBe('http://proxy.internal.example:3128');
    expectNoLeak(stack, browser, proxyPassword);
    // Undo it, so acme reaches the simulator directly again.
    await page.fill('#proxy-url-acme', '');
    await choose(page, 'proxy-credentials-acme', 'Remove stored credentials');
    await page.getByTestId('save-proxy-acme').click();
    await page.getByTestId('proxy-acme').getByText('Saved.').waitFor();
    expect(stack.splunkd.secrets().map((s) => s.username)).not.toContain('proxy:acme');
    expect(stack.splunkd.secrets().map((s) => s.username)).not.toContain('network:acme');

    await openTab(page, 'Accounts');
    await page.getByTestId('delete-globex').click();
    await page.getByTestId('delete-dialog').waitFor();
    await screenshot(page, '16-delete-account');
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('account-row-globex').waitFor({ state: 'detached' });
    expect(stack.splunkd.secrets().map((s) => s.username)).not.toContain('account:globex');
    expect(stack.splunkd.inputs().map((i) => i.name)).not.toContain('globex');
    expect(stack.splunkd.confText('onepassword_accounts', appId)).not.toContain('[globex]');
    await screenshot(page, '17-after-delete');
    expectNoLeak(stack, browser, newToken, [proxyPassword]);
  });

  test('logging: the global log level is saved', async () => {
    await openTab(page, 'Logging');
    await choose(page, 'global-log-level', 'DEBUG');
    await page.getByTestId('save-logging').click();
    await page.getByTestId('logging-tab').getByText('Saved.').waitFor();
    expect(stack.splunkd.confText('onepassword_settings', appId)).toMatch(
      /\[logging\]\s*\nlog_level = DEBUG/,
    );
    await screenshot(page, '18-logging');
  });

  test('Splunk Web refuses a write without the CSRF header; the page sends it', async () => {
    const before = stack.web.csrfRejections();
    const status = await page.evaluate(async () => {
      const response = await fetch(
        '/en-US/splunkd/__raw/servicesNS/nobody/TA-1password-events/configs/conf-onepassword_settings/logging?output_mode=json',
        {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'log_level=ERROR',
        },
      );
      return response.status;
    });
    expect(status).toBe(403);
    expect(stack.web.csrfRejections()).toBe(before + 1);
    expect(stack.splunkd.confText('onepassword_settings', appId)).toContain('log_level = DEBUG');
  });

  test('a configured app opens on its default view, no longer forced through setup', async () => {
    await page.goto(`${stack.web.url}/en-US/app/${appId}/`);
    await page.waitForURL((url) => !url.pathname.endsWith(`/app/${appId}/`));
    expect(new URL(page.url()).pathname).not.toBe(setupPath);
    await page.goto(`${stack.web.url}${setupPath}`);
    await page.getByTestId('setup-page').waitFor();
    expect(await page.getByTestId('first-run').count()).toBe(0);
    // Failed requests the page expects (404 before a create, the refused CSRF probe) are not errors.
    expect(browser.errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});

describe('setup page for a non-admin user, and on Splunk Cloud', () => {
  let stack: Stack;
  let browser: BrowserSession;

  beforeAll(async () => {
    stack = await startStack({ instanceType: 'cloud' });
    browser = await openBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('a user without the admin role is told so, and splunkd refuses the writes anyway', async () => {
    const { page } = browser;
    await signIn(page, stack.web, nonAdmin.name, nonAdmin.password ?? '', setupPath);
    await page.getByTestId('access-denied').waitFor();
    const shown = await text(page, 'access-denied');
    expect(shown).toContain('You need the admin role');
    expect(shown).toContain(nonAdmin.name);
    expect(shown).toContain('admin_all_objects');
    expect(await page.getByTestId('setup-page').count()).toBe(0);
    await screenshot(page, '19-non-admin-denied');
    const status = await page.evaluate(async () => {
      const csrf = /splunkweb_csrf_token_8000=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch(
        '/en-US/splunkd/__raw/servicesNS/nobody/TA-1password-events/storage/passwords?output_mode=json',
        {
          method: 'POST',
          credentials: 'include',
          headers: {
            'X-Splunk-Form-Key': csrf,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'name=account%3Aevil&password=x&realm=TA-1password-events',
        },
      );
      return response.status;
    });
    expect(status).toBe(403);
    expect(stack.splunkd.secrets()).toEqual([]);
    await page.goto(`${stack.web.url}/en-US/account/logout`);
  });

  test('on Splunk Cloud the page explains how to create the index instead of offering it', async () => {
    const { page } = browser;
    await signIn(page, stack.web, 'admin', adminPassword, setupPath);
    await page.getByTestId('setup-page').waitFor();
    const token = stack.sim.issueToken();
    await page.getByTestId('add-account').click();
    await page.fill('#account-name', 'initech');
    await pasteToken(page, token);
    await page.getByTestId('use-custom-endpoint').click();
    await page.fill('#account-endpoint', stack.sim.url);
    await page.getByTestId('token-ok').waitFor();
    await page.getByTestId('account-save').click();
    // No CA bundle is configured on this stack: the packaged input cannot verify the simulator.
    const live = await liveOutcome(page);
    expect(live.outcome).toBe('failed');
    expect(live.text).toMatch(/Certificate of localhost:\d+ not trusted\. .*CA certificate/);
    await screenshot(page, '20-live-check-unreachable');
    await page.getByTestId('account-cancel').click();
    await openTab(page, 'Inputs');
    await page.getByTestId('index-missing-cloud').waitFor();
    expect(await text(page, 'index-missing-cloud')).toContain('Settings > Indexes');
    expect(await page.getByTestId('create-index').count()).toBe(0);
    await screenshot(page, '21-cloud-index-help');
    expectNoLeak(stack, browser, token);
  });
});
