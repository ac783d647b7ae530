import {
  accountConfParams,
  accountSecretPayload,
  checkAccountName,
  checkToken,
  emptyAccountForm,
  regionHostFromConf,
  storedEndpointOf,
  validateAccountForm,
  type AccountContext,
} from '../../../src/setup/account-model';
import { legacyAudience, tokenProblemMessages } from '../../../src/events-api/token';
import { makeToken, officialToken } from './jwt';

const now = new Date('2026-06-01T00:00:00Z');
const newContext: AccountContext = { isNew: true, existingNames: ['acme'], inputFeeds: [], now };
const checkOptions = { now, inputFeeds: [] as const, regionHost: '', customEndpoint: undefined };

describe('checkAccountName', () => {
  it.each([
    ['', 'Give the account a name'],
    ['   ', 'Give the account a name'],
    ['_hidden', 'Use 1 to 64 letters'],
    ['__check__acme', 'Use 1 to 64 letters'],
    ['has space', 'Use 1 to 64 letters'],
    ['colon:name', 'Use 1 to 64 letters'],
    ['x'.repeat(65), 'Use 1 to 64 letters'],
    ['ACME', 'already exists'],
  ])('refuses %j', (name, message) => {
    expect(checkAccountName(name, newContext)).toContain(message);
  });

  it.each(['globex', 'acme-eu', 'msp.client_1', 'A1'])('accepts %j', (name) => {
    expect(checkAccountName(name, newContext)).toBeUndefined();
  });

  it('does not judge the name of an existing account (it cannot change)', () => {
    expect(checkAccountName('acme', { ...newContext, isNew: false })).toBeUndefined();
  });
});

describe('checkToken: each problem has its own message', () => {
  const cases: [string, string, string][] = [
    ['malformed', 'abc.def', tokenProblemMessages.malformed],
    [
      'truncated',
      `${makeToken({}).split('.')[0]}.eyJhdWQiOlsiZXZlbnRz.sig`,
      tokenProblemMessages.truncated,
    ],
    [
      'legacy',
      makeToken({ aud: [legacyAudience], '1password.com/fts': ['auditevents'] }),
      tokenProblemMessages.legacy,
    ],
    [
      'unknown_audience',
      makeToken({ aud: ['a', 'b'], '1password.com/fts': ['auditevents'] }),
      tokenProblemMessages.unknown_audience,
    ],
    ['no_features', officialToken({ '1password.com/fts': [] }), tokenProblemMessages.no_features],
    ['expired', officialToken({ exp: now.getTime() / 1000 - 1 }), tokenProblemMessages.expired],
  ];
  it.each(cases)('%s', (problem, token, message) => {
    const check = checkToken(token, checkOptions);
    expect(check).toEqual({ state: 'problem', problem, message });
  });

  it('an empty field is not a problem yet', () => {
    expect(checkToken('  ', checkOptions)).toEqual({ state: 'empty' });
  });

  it('missing scope: the token lacks a feed the account input collects', () => {
    const token = officialToken({ '1password.com/fts': ['signinattempts'] });
    const check = checkToken(token, {
      ...checkOptions,
      inputFeeds: ['signinattempts', 'itemusages', 'auditevents'],
    });
    expect(check.state).toBe('problem');
    if (check.state !== 'problem') return;
    expect(check.problem).toBe('missing_scope');
    expect(check.message).toContain('lacks the item usages, audit events scopes');
  });

  it('a token for a host that is not official needs an admin-recorded custom endpoint', () => {
    const token = makeToken({ aud: ['events.example.net'], '1password.com/fts': ['auditevents'] });
    const refused = checkToken(token, checkOptions);
    expect(refused.state === 'problem' && refused.problem).toBe('endpoint');
    // The message points at the box that fixes it.
    expect(refused.state === 'problem' && refused.message).toContain(
      'tick “Send the token to a custom https endpoint” below',
    );
    const custom = checkToken(token, {
      ...checkOptions,
      customEndpoint: 'https://gw.example.net:8443',
    });
    expect(custom.state === 'ok' && custom.endpoint).toEqual({
      baseUrl: 'https://gw.example.net:8443',
      host: 'gw.example.net:8443',
      region: 'Custom endpoint',
      source: 'custom_endpoint',
    });
  });

  it('reads region, scopes and account from a good token; a region override wins', () => {
    const check = checkToken(officialToken(), checkOptions);
    expect(check.state).toBe('ok');
    if (check.state !== 'ok') return;
    expect(check.endpoint.host).toBe('events.1password.com');
    expect(check.claims.features).toEqual(['signinattempts', 'itemusages', 'auditevents']);
    expect(check.claims.accountUuid).toBe('ACCOUNTUUID1');
    expect(check.notes).toEqual([]);
    const eu = checkToken(officialToken(), { ...checkOptions, regionHost: 'events.1password.eu' });
    expect(eu.state === 'ok' && eu.endpoint.source).toBe('region_override');
  });

  it('notes an expiry within two weeks and scopes this add-on does not know', () => {
    const check = checkToken(
      officialToken({
        exp: now.getTime() / 1000 + 3 * 86_400 + 60,
        '1password.com/fts': ['auditevents', 'newfeed'],
      }),
      checkOptions,
    );
    expect(check.state === 'ok' && check.notes).toEqual([
      'The token expires in 3 days (2026-06-04). Plan its replacement.',
      'The token also grants scopes this add-on does not collect: newfeed.',
    ]);
  });
});

describe('validateAccountForm', () => {
  it('a new account needs a token', () => {
    const v = validateAccountForm({ ...emptyAccountForm, name: 'globex' }, newContext);
    expect(v.canSave).toBe(false);
    expect(v.errors.token).toBe(tokenProblemMessages.empty);
  });

  it('an edit without a new token keeps the stored one', () => {
    const v = validateAccountForm(
      { ...emptyAccountForm, name: 'acme' },
      { ...newContext, isNew: false },
    );
    expect(v).toMatchObject({ canSave: true, errors: {} });
  });

  it('a custom endpoint needs the token again and a clean https origin', () => {
    const edit = { ...newContext, isNew: false };
    const noToken = validateAccountForm(
      {
        ...emptyAccountForm,
        name: 'acme',
        useCustomEndpoint: true,
        customEndpoint: 'https://gw.example.net',
      },
      edit,
    );
    expect(noToken.errors.token).toBe('Paste the token again to send it to a custom endpoint.');
    const http = validateAccountForm(
      {
        ...emptyAccountForm,
        name: 'acme',
        token: officialToken(),
        useCustomEndpoint: true,
        customEndpoint: 'http://gw.example.net',
      },
      edit,
    );
    expect(http.errors.customEndpoint).toContain('must use https://');
    expect(http.canSave).toBe(false);
  });

  it('editing an account with a stored custom endpoint keeps it without the token', () => {
    const edit = { ...newContext, isNew: false, storedEndpoint: 'https://gw.example.net' };
    const form = {
      ...emptyAccountForm,
      name: 'acme',
      useCustomEndpoint: true,
      customEndpoint: 'https://gw.example.net',
    };
    expect(validateAccountForm(form, edit)).toMatchObject({ canSave: true, errors: {} });
    // Moving it elsewhere, or back to 1Password, needs the token again.
    expect(
      validateAccountForm({ ...form, customEndpoint: 'https://other.example.net' }, edit).errors
        .token,
    ).toBe('Paste the token again to send it to a custom endpoint.');
    expect(validateAccountForm({ ...form, useCustomEndpoint: false }, edit).errors.token).toBe(
      'Paste the token again to send it to 1Password instead of the custom endpoint.',
    );
  });

  it('reads the stored custom endpoint from the host the last check used', () => {
    expect(storedEndpointOf('localhost:8443')).toBe('https://localhost:8443');
    expect(storedEndpointOf('events.1password.com')).toBeUndefined();
    expect(storedEndpointOf(null)).toBeUndefined();
  });

  it('a valid new account can be saved', () => {
    const v = validateAccountForm(
      { ...emptyAccountForm, name: 'globex', token: ` ${officialToken()}\n` },
      newContext,
    );
    expect(v.canSave).toBe(true);
    expect(v.tokenCheck.state).toBe('ok');
  });
});

describe('what gets written', () => {
  it('the secret is the JSON the modular input reads, trimmed, endpoint as an origin', () => {
    expect(JSON.parse(accountSecretPayload(' tok.en.x \n', undefined))).toEqual({
      token: 'tok.en.x',
    });
    expect(JSON.parse(accountSecretPayload('tok.en.x', 'https://GW.example.net:443/'))).toEqual({
      token: 'tok.en.x',
      endpoint: 'https://gw.example.net',
    });
    expect(() => accountSecretPayload('tok.en.x', 'ftp://gw')).toThrow('https://');
  });

  it('only an official host or nothing goes to region_host', () => {
    expect(accountConfParams({ ...emptyAccountForm, regionHost: 'events.1password.ca' })).toEqual({
      region_host: 'events.1password.ca',
    });
    expect(accountConfParams(emptyAccountForm)).toEqual({ region_host: '' });
    expect(() =>
      accountConfParams({ ...emptyAccountForm, regionHost: 'evil.example' as never }),
    ).toThrow('not an official');
  });

  it('reads region_host back, ignoring anything unofficial', () => {
    expect(regionHostFromConf(' EVENTS.ENT.1PASSWORD.COM ')).toBe('events.ent.1password.com');
    expect(regionHostFromConf('evil.example')).toBe('');
    expect(regionHostFromConf(undefined)).toBe('');
  });
});
