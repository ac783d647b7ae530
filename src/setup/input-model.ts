/**
 * The per-account input form: read from a data/inputs/<kind> stanza (either kind, input-kind.ts),
 * checked, and turned back into POST parameters, or into a move to the other kind. Names and
 * defaults come from src/config/input-params.ts.
 */
import {
  defaultIndex,
  defaultInterval,
  defaultLogLevel,
  defaultStartTime,
  feedIndexParams,
  inputParams,
} from '../config/input-params';
import { accountNamePattern } from './account-model';
import { isSplunkTrue, retentionDays } from '../core/contracts';
import { feedIds, isFeedId, type FeedId } from '../core/feeds';
import { featureList } from './account-model';
import { defaultInputKind, type InputKind } from './input-kind';

export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof logLevels)[number];

export const minInterval = 10;
export const maxInterval = 86_400;
export { retentionDays } from '../core/contracts';

/** `default` = the parameter's default (-120d); `date` = a calendar date; `custom` = kept as typed elsewhere. */
export type StartMode = 'default' | 'date' | 'custom';

export interface InputForm {
  /** The stanza name (<scheme>://<name>); the account's name unless chosen otherwise. */
  readonly name: string;
  readonly account: string;
  readonly exists: boolean;
  /** The kind chosen in the dialog. */
  readonly kind: InputKind;
  /** The kind the stanza is stored as; undefined until saved. Differs from `kind` for a move. */
  readonly savedKind: InputKind | undefined;
  /** The stanza's parameters the dialog does not show (limit…), carried over when it moves. */
  readonly kept: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly feeds: readonly FeedId[];
  readonly index: string;
  /** Per-feed index overrides; '' = the input's index. */
  readonly feedIndexes: Readonly<Record<FeedId, string>>;
  /** As typed: a whole number of seconds once valid (never silently changed). */
  readonly interval: number;
  readonly startMode: StartMode;
  /** YYYY-MM-DD when startMode is `date`. */
  readonly startDate: string;
  /** The stanza's own value when startMode is `custom` (e.g. -7d set in inputs.conf by hand). */
  readonly startRaw: string;
  /** '' = use the global log level from onepassword_settings.conf. */
  readonly logLevel: '' | LogLevel;
}

function paramDefault(name: string): string {
  return inputParams.find((p) => p.name === name)?.defaultValue ?? '';
}

export function parseFeeds(value: unknown): FeedId[] {
  const text = typeof value === 'string' ? value : paramDefault('feeds');
  const names = text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return feedIds.filter((id) => names.includes(id) && isFeedId(id));
}

const datePattern = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/;

const noFeedIndexes: Readonly<Record<FeedId, string>> = {
  signinattempts: '',
  itemusages: '',
  auditevents: '',
};

/** A new, not yet saved input for an account: every feed the token grants, the default index. */
export function newInputForm(account: string, scopes: readonly FeedId[] | undefined): InputForm {
  return {
    name: account,
    account,
    exists: false,
    kind: defaultInputKind,
    savedKind: undefined,
    kept: {},
    enabled: true,
    feeds: scopes === undefined ? [...feedIds] : feedIds.filter((id) => scopes.includes(id)),
    index: defaultIndex,
    feedIndexes: noFeedIndexes,
    interval: defaultInterval,
    startMode: 'default',
    startDate: '',
    startRaw: '',
    logLevel: '',
  };
}

/** Parameters the dialog edits; every other input parameter is carried over as is on a move. */
const dialogParams = new Set<string>([
  'account',
  'feeds',
  'start_time',
  'log_level',
  ...Object.values(feedIndexParams),
]);

function keptParams(content: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const { name } of inputParams) {
    const value = content[name];
    if (!dialogParams.has(name) && typeof value === 'string' && value.trim() !== '')
      kept[name] = value;
  }
  return kept;
}

/**
 * Reads a stanza's `content` as splunkd returns it (every value a string, booleans as 0/1 or
 * true/false). `name` is the stanza name; its account is the `account` parameter.
 */
export function inputFormFromStanza(
  name: string,
  content: Record<string, unknown>,
  kind: InputKind = defaultInputKind,
): InputForm {
  const account =
    typeof content['account'] === 'string' && content['account'] !== '' ? content['account'] : name;
  const feedIndex = (feed: FeedId): string => {
    const value = content[feedIndexParams[feed]];
    return typeof value === 'string' ? value.trim() : '';
  };
  const rawStart = typeof content['start_time'] === 'string' ? content['start_time'].trim() : '';
  const dateMatch = datePattern.exec(rawStart);
  const interval = Number(content['interval']);
  const level =
    typeof content['log_level'] === 'string' ? content['log_level'].trim().toUpperCase() : '';
  return {
    name,
    account,
    exists: true,
    kind,
    savedKind: kind,
    kept: keptParams(content),
    enabled: !isSplunkTrue(content['disabled']),
    feeds: parseFeeds(content['feeds']),
    index:
      typeof content['index'] === 'string' && content['index'] !== ''
        ? content['index']
        : 'default',
    feedIndexes: {
      signinattempts: feedIndex('signinattempts'),
      itemusages: feedIndex('itemusages'),
      auditevents: feedIndex('auditevents'),
    },
    interval: Number.isInteger(interval) && interval > 0 ? interval : defaultInterval,
    startMode:
      rawStart === '' || rawStart === defaultStartTime ? 'default' : dateMatch ? 'date' : 'custom',
    startDate: dateMatch?.[1] ?? '',
    startRaw: rawStart,
    logLevel: (logLevels as readonly string[]).includes(level) ? (level as LogLevel) : '',
  };
}

export type InputField =
  'name' | 'account' | 'feeds' | 'index' | 'feedIndexes' | 'interval' | 'startDate';

export interface InputValidation {
  readonly errors: Partial<Record<InputField, string>>;
  readonly notes: readonly string[];
  readonly canSave: boolean;
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function validateInputForm(
  form: InputForm,
  context: {
    readonly scopes: readonly FeedId[] | undefined;
    readonly indexes: readonly string[];
    readonly now: Date;
    /** Other inputs (name → account), for the name and one-input-per-account checks. */
    readonly otherInputs?: ReadonlyMap<string, string>;
  },
): InputValidation {
  const errors: Partial<Record<InputField, string>> = {};
  const notes: string[] = [];
  const others = context.otherInputs ?? new Map<string, string>();
  // A moved input is a new stanza under its old name: that name must be free in the other kind too.
  if (!form.exists || isMove(form)) {
    if (!accountNamePattern.test(form.name.trim()))
      errors.name =
        'Use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
    else if (others.has(form.name.trim()))
      errors.name = `An input named "${form.name.trim()}" already exists.`;
  }
  if (form.account.trim() === '') errors.account = 'Pick the account this input collects.';
  else {
    const sibling = [...others].find(([, account]) => account === form.account);
    // Two inputs for one account would split its rate budget and fight over its lease.
    if (sibling !== undefined)
      errors.account = `The account ${form.account} already has the input ${sibling[0]}. One input per account: edit that one instead.`;
  }
  if (form.feeds.length === 0) errors.feeds = 'Pick at least one feed.';
  if (context.scopes !== undefined) {
    const outside = form.feeds.filter((f) => !context.scopes?.includes(f));
    if (outside.length > 0) {
      errors.feeds = `The account's token lacks the ${featureList(outside)} scope${outside.length > 1 ? 's' : ''}. Untick ${outside.length > 1 ? 'them' : 'it'}, or replace the token on the Accounts tab with one that grants ${outside.length > 1 ? 'them' : 'it'}.`;
    }
  }
  if (form.index.trim() === '') errors.index = 'Pick the index the events go to.';
  else if (
    context.indexes.length > 0 &&
    !context.indexes.includes(form.index) &&
    form.index !== 'default'
  ) {
    errors.index = `The index "${form.index}" does not exist on this Splunk. Create it first or pick another.`;
  }
  const missingFeedIndex = form.feeds
    .map((feed) => form.feedIndexes[feed])
    .find(
      (index) => index !== '' && context.indexes.length > 0 && !context.indexes.includes(index),
    );
  if (missingFeedIndex !== undefined)
    errors.feedIndexes = `The index "${missingFeedIndex}" does not exist on this Splunk. Create it first or pick another.`;
  if (
    !Number.isInteger(form.interval) ||
    form.interval < minInterval ||
    form.interval > maxInterval
  ) {
    errors.interval = `The interval is a whole number of seconds from ${minInterval} to ${maxInterval}.`;
  }
  if (form.startMode === 'date') {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(form.startDate)
      ? new Date(`${form.startDate}T00:00:00Z`)
      : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) errors.startDate = 'Pick a start date.';
    else if (form.startDate > utcDay(context.now))
      errors.startDate = 'The start date is in the future.';
    else if (context.now.getTime() - date.getTime() > retentionDays * 86_400_000) {
      notes.push(
        `1Password keeps ${retentionDays} days of events, so the first run starts at the oldest event still kept.`,
      );
    }
  }
  return { errors, notes, canSave: Object.keys(errors).length === 0 };
}

/** An existing input whose kind was changed in the dialog. */
export function isMove(form: InputForm): boolean {
  return form.exists && form.savedKind !== undefined && form.savedKind !== form.kind;
}

export function startTimeValue(form: InputForm): string {
  switch (form.startMode) {
    case 'date':
      return `${form.startDate}T00:00:00Z`;
    case 'custom':
      return form.startRaw;
    default:
      return defaultStartTime;
  }
}

/**
 * POST parameters for data/inputs/<kind> (create) or …/<name> (edit). `disabled` is
 * sent on create only; an existing input is switched with its enable/disable actions.
 */
export function inputPostParams(form: InputForm): Record<string, string> {
  const params: Record<string, string> = {
    account: form.account,
    feeds: feedIds.filter((id) => form.feeds.includes(id)).join(','),
    index: form.index,
    interval: String(form.interval),
    start_time: startTimeValue(form),
    log_level: form.logLevel,
  };
  // An override for a feed not collected, or equal to the input's index, is cleared.
  for (const feed of feedIds) {
    const index = form.feedIndexes[feed];
    params[feedIndexParams[feed]] = form.feeds.includes(feed) && index !== form.index ? index : '';
  }
  if (!form.exists) {
    params['name'] = form.name.trim();
    params['disabled'] = form.enabled ? '0' : '1';
  }
  return params;
}

/** What saving the dialog does to splunkd. */
export type InputSave =
  | { readonly step: 'create'; readonly kind: InputKind; readonly params: Record<string, string> }
  | {
      readonly step: 'edit';
      readonly kind: InputKind;
      readonly name: string;
      readonly params: Record<string, string>;
      /** The enable/disable action to call after the edit, if the switch changed. */
      readonly switchTo: boolean | undefined;
    }
  | {
      readonly step: 'move';
      readonly from: InputKind;
      readonly to: InputKind;
      readonly name: string;
      /** The new stanza's create parameters: same name, every parameter, the state the form says. */
      readonly params: Record<string, string>;
    };

export function planInputSave(form: InputForm, previouslyEnabled: boolean | undefined): InputSave {
  if (!form.exists) return { step: 'create', kind: form.kind, params: inputPostParams(form) };
  if (isMove(form) && form.savedKind !== undefined) {
    return {
      step: 'move',
      from: form.savedKind,
      to: form.kind,
      name: form.name,
      params: { ...form.kept, ...inputPostParams({ ...form, exists: false }) },
    };
  }
  return {
    step: 'edit',
    kind: form.kind,
    name: form.name,
    params: inputPostParams(form),
    switchTo:
      previouslyEnabled === undefined || previouslyEnabled === form.enabled
        ? undefined
        : form.enabled,
  };
}

/** Every index a stanza writes to: its index and the per-feed overrides of its feeds. */
export function indexesOfStanza(content: Record<string, unknown>): string[] {
  const form = inputFormFromStanza('', content);
  return [form.index, ...form.feeds.map((feed) => form.feedIndexes[feed])].filter((i) => i !== '');
}

/** A copy of an input for another account: a new name, not yet saved. */
export function cloneInputForm(form: InputForm, takenNames: readonly string[]): InputForm {
  let name = `${form.name}_copy`;
  for (let n = 2; takenNames.includes(name); n++) name = `${form.name}_copy${n}`;
  // A copy keeps the kind; what the dialog does not show stays behind, as before there were kinds.
  return { ...form, name, exists: false, account: '', savedKind: undefined, kept: {} };
}

export const globalLogLevelDefault: LogLevel = defaultLogLevel as LogLevel;

/**
 * Definition of the `onepassword_index` macro the dashboards use: every index an input writes to
 * (the default index when none is configured yet).
 */
export function indexMacroDefinition(indexes: readonly string[]): string {
  // An input without an index writes to the default index, which is `main` unless changed.
  const named = indexes.map((i) => i.trim()).map((i) => (i === 'default' ? 'main' : i));
  const unique = [...new Set(named.filter((i) => i !== ''))].sort();
  if (unique.length === 0) return `index=${defaultIndex}`;
  // Splunk index names are plain words; anything else is quoted as an SPL string, just in case.
  const term = (i: string): string =>
    /^[A-Za-z0-9_-]+$/.test(i) ? `index=${i}` : `index="${i.replace(/[\\"]/g, '\\$&')}"`;
  return unique.length === 1
    ? term(unique[0] ?? defaultIndex)
    : `(${unique.map(term).join(' OR ')})`;
}
