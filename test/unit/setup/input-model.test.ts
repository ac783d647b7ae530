import { inputParams } from '../../../src/config/input-params';
import {
  cloneInputForm,
  indexesOfStanza,
  indexMacroDefinition,
  inputFormFromStanza,
  inputPostParams,
  isMove,
  newInputForm,
  parseFeeds,
  planInputSave,
  startTimeValue,
  validateInputForm,
} from '../../../src/setup/input-model';

const now = new Date('2026-06-01T12:00:00Z');
const indexes = ['main', 'onepassword'];

describe('reading a stanza', () => {
  it('keeps the feed table order and drops unknown feeds', () => {
    expect(parseFeeds('auditevents, bogus ,signinattempts')).toEqual([
      'signinattempts',
      'auditevents',
    ]);
    expect(parseFeeds(undefined)).toEqual(
      parseFeeds(inputParams.find((p) => p.name === 'feeds')?.defaultValue),
    );
  });

  it.each([
    ['1', false],
    ['true', false],
    [true, false],
    ['0', true],
    [false, true],
    [undefined, true],
  ])('disabled=%j means enabled=%j', (disabled, enabled) => {
    expect(inputFormFromStanza('acme', { disabled }).enabled).toBe(enabled);
  });

  it('recognises the default start, a date, and keeps any other value as typed', () => {
    expect(inputFormFromStanza('a', { start_time: '-120d' }).startMode).toBe('default');
    expect(inputFormFromStanza('a', {}).startMode).toBe('default');
    expect(inputFormFromStanza('a', { start_time: '2026-05-01T00:00:00Z' })).toMatchObject({
      startMode: 'date',
      startDate: '2026-05-01',
    });
    const custom = inputFormFromStanza('a', { start_time: '-7d' });
    expect(custom).toMatchObject({ startMode: 'custom', startRaw: '-7d' });
    expect(startTimeValue(custom)).toBe('-7d');
  });

  it('reads interval, index and log level defensively', () => {
    const form = inputFormFromStanza('a', { interval: 'soon', index: '', log_level: 'debug' });
    expect(form).toMatchObject({ interval: 60, index: 'default', logLevel: 'DEBUG' });
    expect(inputFormFromStanza('a', { log_level: 'TRACE' }).logLevel).toBe('');
  });

  it('a new input starts with the feeds the token grants', () => {
    expect(newInputForm('g', ['auditevents', 'signinattempts']).feeds).toEqual([
      'signinattempts',
      'auditevents',
    ]);
    expect(newInputForm('g', undefined).feeds).toEqual([
      'signinattempts',
      'itemusages',
      'auditevents',
    ]);
  });
});

describe('validateInputForm', () => {
  const base = { ...newInputForm('acme', undefined), index: 'onepassword' };

  it('accepts the defaults', () => {
    expect(validateInputForm(base, { scopes: undefined, indexes, now })).toEqual({
      errors: {},
      notes: [],
      canSave: true,
    });
  });

  it('needs a feed, and only feeds the token grants', () => {
    expect(
      validateInputForm({ ...base, feeds: [] }, { scopes: undefined, indexes, now }).errors.feeds,
    ).toBe('Pick at least one feed.');
    const outside = validateInputForm(base, { scopes: ['signinattempts'], indexes, now });
    expect(outside.errors.feeds).toContain('token lacks the item usages, audit events scopes');
    expect(outside.canSave).toBe(false);
  });

  it('refuses an index that does not exist', () => {
    expect(
      validateInputForm({ ...base, index: 'nope' }, { scopes: undefined, indexes, now }).errors
        .index,
    ).toContain('"nope" does not exist');
    expect(
      validateInputForm({ ...base, index: ' ' }, { scopes: undefined, indexes, now }).errors.index,
    ).toBe('Pick the index the events go to.');
  });

  it.each([9, 86_401, 60.5, Number.NaN])('refuses interval %s', (interval) => {
    expect(
      validateInputForm({ ...base, interval }, { scopes: undefined, indexes, now }).errors.interval,
    ).toContain('10 to 86400');
  });

  it('checks the start date: present, not in the future, a note past retention', () => {
    const date = (startDate: string) =>
      validateInputForm(
        { ...base, startMode: 'date', startDate },
        { scopes: undefined, indexes, now },
      );
    expect(date('').errors.startDate).toBe('Pick a start date.');
    expect(date('2026-06-02').errors.startDate).toBe('The start date is in the future.');
    expect(date('2026-06-01')).toMatchObject({ canSave: true, notes: [] });
    expect(date('2025-01-01').notes[0]).toContain('keeps 120 days');
  });
});

describe('inputPostParams', () => {
  it('creates with name and disabled; edits without them (enable/disable are separate actions)', () => {
    const form = {
      ...newInputForm('acme', undefined),
      feeds: ['auditevents', 'signinattempts'] as const,
      enabled: false,
    };
    expect(inputPostParams({ ...form, feeds: [...form.feeds] })).toEqual({
      name: 'acme',
      disabled: '1',
      account: 'acme',
      feeds: 'signinattempts,auditevents',
      index: 'onepassword',
      interval: '60',
      start_time: '-120d',
      log_level: '',
      index_signin_attempts: '',
      index_item_usages: '',
      index_audit_events: '',
    });
    const edit = inputPostParams({
      ...form,
      feeds: [...form.feeds],
      exists: true,
      startMode: 'date',
      startDate: '2026-05-01',
      logLevel: 'WARN',
    });
    expect(edit).not.toHaveProperty('name');
    expect(edit).not.toHaveProperty('disabled');
    expect(edit).toMatchObject({ start_time: '2026-05-01T00:00:00Z', log_level: 'WARN' });
  });
});

describe('per-feed indexes, names, one input per account, clone', () => {
  const base = { ...newInputForm('acme', undefined), index: 'onepassword' };
  const context = { scopes: undefined, indexes: ['main', 'onepassword', 'audit'], now };

  it('reads and writes the per-feed overrides; one for an uncollected feed or equal to the index is cleared', () => {
    const form = inputFormFromStanza('acme', {
      account: 'acme',
      feeds: 'signinattempts,auditevents',
      index: 'onepassword',
      index_audit_events: 'audit',
      index_item_usages: 'main',
      index_signin_attempts: 'onepassword',
    });
    expect(form.feedIndexes).toEqual({
      signinattempts: 'onepassword',
      itemusages: 'main',
      auditevents: 'audit',
    });
    expect(inputPostParams({ ...form, exists: true })).toMatchObject({
      index_signin_attempts: '',
      index_item_usages: '',
      index_audit_events: 'audit',
    });
    expect(
      indexesOfStanza({
        feeds: 'signinattempts,auditevents',
        index: 'onepassword',
        index_audit_events: 'audit',
      }),
    ).toEqual(['onepassword', 'audit']);
  });

  it('refuses a per-feed index that does not exist', () => {
    const v = validateInputForm(
      { ...base, feedIndexes: { ...base.feedIndexes, itemusages: 'nope' } },
      context,
    );
    expect(v.errors.feedIndexes).toBe(
      'The index "nope" does not exist on this Splunk. Create it first or pick another.',
    );
  });

  it('a new input needs a free, plain name and an account without an input', () => {
    const others = new Map([['acme', 'acme']]);
    expect(validateInputForm(base, { ...context, otherInputs: others }).errors).toEqual({
      name: 'An input named "acme" already exists.',
      account:
        'The account acme already has the input acme. One input per account: edit that one instead.',
    });
    expect(validateInputForm({ ...base, name: 'bad name' }, context).errors.name).toContain(
      'letters, digits',
    );
    expect(validateInputForm({ ...base, account: '' }, context).errors.account).toBe(
      'Pick the account this input collects.',
    );
    // Editing an input does not judge its own name.
    expect(
      validateInputForm({ ...base, exists: true }, { ...context, otherInputs: new Map() }).canSave,
    ).toBe(true);
  });

  it('reads the account from the stanza, the name from the stanza name', () => {
    expect(inputFormFromStanza('acme_eu', { account: 'acme' })).toMatchObject({
      name: 'acme_eu',
      account: 'acme',
    });
    expect(inputFormFromStanza('acme', {}).account).toBe('acme');
  });

  it('a clone is a new input under a free name, for an account still to pick', () => {
    const clone = cloneInputForm({ ...base, exists: true, interval: 120 }, ['acme', 'acme_copy']);
    expect(clone).toMatchObject({ name: 'acme_copy2', account: '', exists: false, interval: 120 });
    expect(inputPostParams({ ...clone, account: 'globex' })).toMatchObject({
      name: 'acme_copy2',
      account: 'globex',
    });
  });
});

describe('the kind of an input, and moving it to the other kind', () => {
  const stanza = {
    account: 'acme',
    feeds: 'signinattempts,auditevents',
    index: 'onepassword',
    interval: '120',
    start_time: '-7d',
    limit: '500',
    max_run_seconds: '300',
    log_level: '',
    disabled: '1',
    host: 'sh1',
    'eai:appName': 'TA-1password-events',
  };

  it('a new input is per-run; a stored one keeps its kind and the parameters the dialog does not show', () => {
    expect(newInputForm('acme', undefined)).toMatchObject({
      kind: 'per-run',
      savedKind: undefined,
      kept: {},
    });
    const form = inputFormFromStanza('acme', stanza, 'resident');
    expect(form).toMatchObject({ kind: 'resident', savedKind: 'resident' });
    // Only the input's own parameters: not splunkd's host or eai fields.
    expect(form.kept).toEqual({ limit: '500', max_run_seconds: '300' });
    expect(inputFormFromStanza('acme', stanza).kind).toBe('per-run');
  });

  it('plans a create, an edit (with its enable/disable action) or a move', () => {
    const fresh = { ...newInputForm('globex', undefined), kind: 'resident' as const };
    expect(planInputSave(fresh, undefined)).toEqual({
      step: 'create',
      kind: 'resident',
      params: inputPostParams(fresh),
    });
    const stored = inputFormFromStanza('acme', stanza, 'per-run');
    expect(planInputSave({ ...stored, enabled: true }, false)).toEqual({
      step: 'edit',
      kind: 'per-run',
      name: 'acme',
      params: inputPostParams(stored),
      switchTo: true,
    });
    expect(planInputSave(stored, false)).toMatchObject({ step: 'edit', switchTo: undefined });
    expect(isMove(stored)).toBe(false);
  });

  it('a move creates the same name with every parameter and the same state, in the other kind', () => {
    const moved = { ...inputFormFromStanza('acme', stanza, 'per-run'), kind: 'resident' as const };
    expect(isMove(moved)).toBe(true);
    expect(planInputSave(moved, false)).toEqual({
      step: 'move',
      from: 'per-run',
      to: 'resident',
      name: 'acme',
      params: {
        name: 'acme',
        disabled: '1',
        account: 'acme',
        feeds: 'signinattempts,auditevents',
        index: 'onepassword',
        interval: '120',
        start_time: '-7d',
        limit: '500',
        max_run_seconds: '300',
        log_level: '',
        index_signin_attempts: '',
        index_item_usages: '',
        index_audit_events: '',
      },
    });
    // Switched on in the same dialog: the new stanza is created enabled.
    expect(planInputSave({ ...moved, enabled: true }, false)).toMatchObject({
      params: { disabled: '0' },
    });
    // Back to the kind it is stored as: a plain edit.
    expect(planInputSave({ ...moved, kind: 'per-run' }, false).step).toBe('edit');
  });

  it('names are unique across both kinds, for a new input and for a moved one', () => {
    const context = { scopes: undefined, indexes: ['onepassword'], now };
    // The other kind holds "acme" (made by hand, or a move half done).
    const others = new Map([['acme', 'acme-other']]);
    const moved = { ...inputFormFromStanza('acme', stanza, 'per-run'), kind: 'resident' as const };
    expect(validateInputForm(moved, { ...context, otherInputs: others }).errors.name).toBe(
      'An input named "acme" already exists.',
    );
    // Editing in place does not judge its own name.
    expect(
      validateInputForm({ ...moved, kind: 'per-run' }, { ...context, otherInputs: others }).errors
        .name,
    ).toBeUndefined();
  });

  it('a clone keeps the kind, is new, and leaves the hidden parameters behind', () => {
    const clone = cloneInputForm(inputFormFromStanza('acme', stanza, 'resident'), ['acme']);
    expect(clone).toMatchObject({
      kind: 'resident',
      savedKind: undefined,
      kept: {},
      exists: false,
    });
    expect(planInputSave({ ...clone, account: 'globex' }, undefined)).toMatchObject({
      step: 'create',
      kind: 'resident',
    });
  });
});

describe('indexMacroDefinition', () => {
  it.each([
    [[], 'index=onepassword'],
    [['onepassword', 'onepassword'], 'index=onepassword'],
    [['main', 'onepassword'], '(index=main OR index=onepassword)'],
    [['default'], 'index=main'],
    [['op-eu', 'op_us', ''], '(index=op-eu OR index=op_us)'],
    [['odd"name'], 'index="odd\\"name"'],
  ])('%j → %s', (input, definition) => {
    expect(indexMacroDefinition(input)).toBe(definition);
  });
});
