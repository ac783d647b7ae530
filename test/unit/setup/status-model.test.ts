import {
  describeAccountStatus,
  errorHeadline,
  formatAgo,
  formatDuration,
  healthRows,
  keepKnownFacts,
  parseAccountStatus,
  parseHealthDocs,
  toDate,
  type HealthDoc,
} from '../../../src/setup/status-model';

const now = new Date('2026-06-01T12:00:00Z');
const nowS = now.getTime() / 1000;

describe('toDate', () => {
  it.each([
    [1_780_000_000, new Date(1_780_000_000_000)],
    ['1780000000', new Date(1_780_000_000_000)],
    ['2026-01-01T00:00:00Z', new Date('2026-01-01T00:00:00Z')],
    [null, undefined],
    ['', undefined],
    [0, undefined],
    ['yesterday', undefined],
  ])('%j', (value, expected) => {
    expect(toDate(value)).toEqual(expected);
  });
});

describe('account status', () => {
  const ok = {
    _key: 'acme',
    account: 'acme',
    checked_at: nowS - 5,
    ok: true,
    host: 'events.1password.eu',
    region: 'ignored when the host is official',
    features: ['auditevents', 'signinattempts', 'unknown'],
    integration_uuid: 'INT1',
    account_uuid: 'ACC1',
    issued_at: '2026-01-01T00:00:00Z',
    expires_at: null,
    error_class: null,
    error_message: null,
  };

  it('describes a good check', () => {
    const doc = parseAccountStatus(ok);
    expect(doc).toBeDefined();
    const view = describeAccountStatus(doc!, now);
    expect(view).toMatchObject({
      ok: true,
      region: '1password.eu (Europe)',
      scopes: ['auditevents', 'signinattempts'],
      scopeText: 'Audit events, Sign-in attempts',
      expiry: 'Never expires',
      expired: false,
      accountUuid: 'ACC1',
      errorHeadline: undefined,
    });
  });

  it('describes a failed check in plain words, with a custom host', () => {
    const view = describeAccountStatus(
      parseAccountStatus({
        ...ok,
        ok: false,
        host: 'gw:8443',
        region: 'Custom endpoint',
        error_class: 'unauthorized',
        error_message: 'rejected',
        expires_at: nowS - 10,
      })!,
      now,
    );
    expect(view).toMatchObject({
      ok: false,
      region: 'Custom endpoint (gw:8443)',
      errorHeadline: 'Invalid or revoked token',
      errorMessage: 'rejected',
      expired: true,
    });
    expect(view.expiry).toMatch(/^Expired 2026-06-01$/);
  });

  it('refuses documents without a key and tolerates extra fields', () => {
    expect(parseAccountStatus({ account: 'x' })).toBeUndefined();
    expect(parseAccountStatus({ _key: 'x', newer_field: 1 })).toMatchObject({
      _key: 'x',
      newer_field: 1,
    });
  });

  it('has a headline for each error class and a fallback', () => {
    expect(errorHeadline('not_found')).toBe('Token incomplete or wrong endpoint');
    expect(errorHeadline('network')).toBe('Unreachable');
    expect(errorHeadline('brand_new')).toBe('Unexpected error');
    expect(errorHeadline(null)).toBe('Check failed');
  });

  const failedBare = {
    _key: 'acme',
    account: 'acme',
    checked_at: nowS - 60,
    ok: false,
    error_class: 'network',
    error_message: 'unreachable',
  };

  it('a failed check without facts says Unknown, never "Never expires"', () => {
    const view = describeAccountStatus(parseAccountStatus(failedBare)!, now);
    expect(view).toMatchObject({
      region: 'Unknown',
      scopeText: 'Unknown',
      expiry: 'Unknown',
      checkTone: 'error',
      checkedText: '2026-06-01 11:59 UTC (1 min ago)',
    });
  });

  it('warns from 30 days before expiry, not earlier', () => {
    const soon = describeAccountStatus(
      parseAccountStatus({ ...ok, expires_at: nowS + 20 * 86_400 + 60 })!,
      now,
    );
    expect(soon.expiresInDays).toBe(20);
    expect(soon.expiry).toBe('Expires 2026-06-21');
    const later = describeAccountStatus(
      parseAccountStatus({ ...ok, expires_at: nowS + 31 * 86_400 })!,
      now,
    );
    expect(later.expiresInDays).toBeUndefined();
  });

  it('keeps the previous facts after a failed re-check, marked with when they were known', () => {
    const previous = parseAccountStatus({
      ...ok,
      checked_at: nowS - 86_400,
      expires_at: nowS + 20 * 86_400,
    })!;
    const kept = keepKnownFacts(parseAccountStatus(failedBare)!, previous, undefined, now);
    expect(kept).toMatchObject({
      ok: false,
      error_class: 'network',
      host: 'events.1password.eu',
      features: ['auditevents', 'signinattempts', 'unknown'],
      expires_at: nowS + 20 * 86_400,
      facts_checked_at: nowS - 86_400,
    });
    const view = describeAccountStatus(kept!, now);
    expect(view.expiry).toBe('Expires 2026-06-21');
    expect(view.expiresInDays).toBe(20);
    expect(view.factsAsOf).toEqual(new Date((nowS - 86_400) * 1000));
    // A successful check, or one that recorded facts itself, needs no rewrite.
    expect(keepKnownFacts(parseAccountStatus(ok)!, previous, undefined, now)).toBeUndefined();
    expect(
      keepKnownFacts(parseAccountStatus(failedBare)!, undefined, undefined, now),
    ).toBeUndefined();
  });

  it('prefers the facts of a token just pasted over an older document', () => {
    const kept = keepKnownFacts(
      parseAccountStatus(failedBare)!,
      parseAccountStatus(ok)!,
      {
        host: 'events.1password.com',
        region: 'US',
        features: ['itemusages'],
        accountUuid: 'NEW',
        expiresAt: new Date((nowS + 86_400) * 1000),
      },
      now,
    );
    expect(kept).toMatchObject({
      host: 'events.1password.com',
      features: ['itemusages'],
      account_uuid: 'NEW',
      expires_at: nowS + 86_400,
      facts_checked_at: nowS,
    });
  });
});

describe('durations', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [61, '1 min'],
    [3_700, '1 h 1 min'],
    [172_800, '2 days'],
    [undefined, '—'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
  it('formats ages', () => {
    expect(formatAgo(undefined, now)).toBe('never');
    expect(formatAgo(new Date(now.getTime() + 5000), now)).toBe('just now');
    expect(formatAgo(new Date(now.getTime() - 120_000), now)).toBe('2 min ago');
  });
});

describe('healthRows', () => {
  const doc = (over: Partial<HealthDoc> & { _key: string }): HealthDoc => ({
    status: 'ok',
    last_run_start: nowS - 70,
    last_run_end: nowS - 60,
    last_success: nowS - 60,
    last_event_time: nowS - 3600,
    lag_seconds: 3540,
    events_last_run: 12,
    events_24h: 1234,
    last_error: null,
    last_error_class: null,
    last_error_time: null,
    ...over,
  });

  it('sorts by account and feed and formats each column', () => {
    const rows = healthRows(
      parseHealthDocs([
        doc({ _key: 'zeta__auditevents' }),
        doc({ _key: 'acme__signinattempts', account: 'acme', feed: 'signinattempts' }),
        'junk',
      ]),
      now,
    );
    expect(rows.map((r) => [r.account, r.feed])).toEqual([
      ['acme', 'signinattempts'],
      ['zeta', 'auditevents'],
    ]);
    expect(rows[0]).toMatchObject({
      feedLabel: 'Sign-in attempts',
      state: 'ok',
      status: 'OK',
      statusDetail: 'Collecting; 12 events in the last run.',
      lastRun: '1 min ago',
      lastEvent: '1 h 0 min ago',
      events24h: '1,234',
      tokenExpiry: '—',
      lastError: undefined,
    });
  });

  it('a feed with nothing new is quiet, not late: a large lag alone is no fault', () => {
    const quiet = doc({
      _key: 'a__auditevents',
      lag_seconds: 25 * 3600,
      last_event_time: nowS - 25 * 3600,
      events_last_run: 0,
    });
    const [row] = healthRows([quiet], now, new Map([['a', 60]]));
    expect(row?.state).toBe('quiet');
    expect(row?.statusDetail).toBe('Collecting; nothing new, last event 25 h 0 min ago.');
  });

  it('runs missing or failing for three intervals (15 min at least) are late', () => {
    const stale = doc({
      _key: 'a__auditevents',
      last_run_end: nowS - 3600,
      last_run_start: nowS - 3610,
    });
    const [row] = healthRows([stale], now, new Map([['a', 60]]));
    expect(row?.state).toBe('late');
    expect(row?.status).toBe('Late');
    expect(row?.statusDetail).toBe('No run for 1 h 0 min (every 1 min expected).');
    // Not yet late within the 15-minute floor.
    const recent = doc({ _key: 'a__auditevents', last_run_end: nowS - 600 });
    expect(healthRows([recent], now, new Map([['a', 60]]))[0]?.state).toBe('ok');
    // Runs that end but never succeed are late too.
    const noSuccess = doc({ _key: 'a__auditevents', last_success: nowS - 7200 });
    expect(healthRows([noSuccess], now, new Map([['a', 60]]))[0]?.statusDetail).toBe(
      'No successful run for 2 h 0 min.',
    );
    // Without a known interval (input disabled or removed) it is not judged.
    expect(healthRows([stale], now)[0]?.state).toBe('ok');
  });

  it('token expiry: token_expires_at of the health document, else the account status', () => {
    const expiring = doc({ _key: 'a__auditevents', token_expires_at: nowS + 20 * 86_400 + 60 });
    expect(healthRows([expiring], now)[0]).toMatchObject({
      tokenExpiry: 'in 20 days',
      tokenExpiresSoon: true,
    });
    const statuses = new Map([
      ['a', parseAccountStatus({ _key: 'a', expires_at: nowS + 90 * 86_400 })!],
    ]);
    expect(
      healthRows([doc({ _key: 'a__auditevents' })], now, new Map(), statuses)[0],
    ).toMatchObject({
      tokenExpiry: '2026-08-30',
      tokenExpiresSoon: false,
    });
  });

  it('shows the last error only while it is newer than the last success', () => {
    const failing = doc({
      _key: 'a__itemusages',
      status: 'error',
      last_error: 'HTTP 401',
      last_error_class: 'unauthorized',
      last_error_time: nowS - 60,
      last_success: nowS - 7200,
    });
    const [row] = healthRows([failing], now);
    expect(row?.state).toBe('error');
    expect(row?.statusDetail).toBe('Last run failed: Invalid or revoked token.');
    expect(row?.lastError).toBe('Invalid or revoked token: HTTP 401 (1 min ago)');
    const recovered = doc({
      _key: 'a__itemusages',
      last_error: 'HTTP 401',
      last_error_time: nowS - 7200,
      last_success: nowS - 60,
    });
    expect(healthRows([recovered], now)[0]?.lastError).toBeUndefined();
  });

  it('maps backfilling to running', () => {
    expect(
      healthRows([doc({ _key: 'a__auditevents', status: 'backfilling' })], now)[0]?.state,
    ).toBe('running');
  });
});
