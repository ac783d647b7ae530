/**
 * The account form: what an admin types, the checks run on paste (before anything is saved), and
 * what gets written. Pure: token reading and endpoint resolution are the shared modules the modular
 * input uses, so the page and the input judge a token the same way.
 */
import { AddonError } from '../core/errors';
import { feeds, type FeedId } from '../core/feeds';
import { checkCustomEndpoint, resolveEndpoint, type EndpointChoice } from '../events-api/endpoint';
import {
  isOfficialHost,
  officialHosts,
  readToken,
  tokenProblemMessages,
  type OfficialHost,
  type TokenClaims,
  type TokenProblem,
} from '../events-api/token';

import { accountNamePattern } from '../core/contracts';

export { accountNamePattern };

export interface AccountForm {
  readonly name: string;
  /** Pasted token; '' on edit means "keep the stored token". */
  readonly token: string;
  /** '' = the host named in the token. */
  readonly regionHost: '' | OfficialHost;
  readonly useCustomEndpoint: boolean;
  readonly customEndpoint: string;
}

export const emptyAccountForm: AccountForm = {
  name: '',
  token: '',
  regionHost: '',
  useCustomEndpoint: false,
  customEndpoint: '',
};

export type AccountTokenProblem = TokenProblem | 'missing_scope' | 'endpoint';

export type TokenCheck =
  | { readonly state: 'empty' }
  | { readonly state: 'problem'; readonly problem: AccountTokenProblem; readonly message: string }
  | {
      readonly state: 'ok';
      readonly claims: TokenClaims;
      readonly endpoint: EndpointChoice;
      /** Non-blocking remarks (expiry soon, unknown scopes). */
      readonly notes: readonly string[];
    };

export interface AccountContext {
  readonly isNew: boolean;
  /** Names of every configured account (for the duplicate check). */
  readonly existingNames: readonly string[];
  /** Feeds this account's input collects today, if it has an input. */
  readonly inputFeeds: readonly FeedId[];
  readonly now: Date;
  /** The custom endpoint the stored token goes to, when known (editing an existing account). */
  readonly storedEndpoint?: string | undefined;
}

export type AccountField = 'name' | 'token' | 'customEndpoint';

export interface AccountValidation {
  readonly errors: Partial<Record<AccountField, string>>;
  readonly tokenCheck: TokenCheck;
  readonly canSave: boolean;
}

const expirySoonDays = 14;

export function checkAccountName(name: string, context: AccountContext): string | undefined {
  if (!context.isNew) return undefined;
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the account a name, for example the 1Password sign-in address.';
  if (!accountNamePattern.test(trimmed)) {
    return 'Use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  }
  const lower = trimmed.toLowerCase();
  if (context.existingNames.some((n) => n.toLowerCase() === lower)) {
    return `An account named "${trimmed}" already exists.`;
  }
  return undefined;
}

export function featureList(ids: readonly FeedId[]): string {
  return ids.map((id) => feeds[id].label.toLowerCase()).join(', ');
}

/** Runs on every paste or keystroke: each problem gets its own message. */
export function checkToken(
  token: string,
  options: {
    readonly now: Date;
    readonly inputFeeds: readonly FeedId[];
    readonly regionHost: string;
    readonly customEndpoint: string | undefined;
  },
): TokenCheck {
  if (token.trim() === '') return { state: 'empty' };
  const reading = readToken(token, options.now);
  if (!reading.ok) {
    return {
      state: 'problem',
      problem: reading.problem,
      message: tokenProblemMessages[reading.problem],
    };
  }
  const { claims } = reading;
  const missing = options.inputFeeds.filter((id) => !claims.features.includes(id));
  if (missing.length > 0) {
    return {
      state: 'problem',
      problem: 'missing_scope',
      message: `The token lacks the ${featureList(missing)} scope${missing.length > 1 ? 's' : ''}, which this account's input collects. Create a token with ${missing.length > 1 ? 'these scopes' : 'this scope'} in 1Password, or untick ${missing.length > 1 ? 'those feeds' : 'that feed'} on the Inputs tab first.`,
    };
  }
  let endpoint: EndpointChoice;
  try {
    endpoint = resolveEndpoint({
      claims,
      regionHost: options.regionHost,
      customEndpoint: options.customEndpoint,
    });
  } catch (error) {
    const message = error instanceof AddonError ? error.message : String(error);
    // Point at the control that fixes it (the shared message cannot know the page's layout).
    const pointer =
      options.customEndpoint === undefined
        ? ' If this host is your own gateway, tick “Send the token to a custom https endpoint” below and enter its URL.'
        : '';
    return { state: 'problem', problem: 'endpoint', message: `${message}${pointer}` };
  }
  const notes: string[] = [];
  if (claims.expiresAt !== undefined) {
    const daysLeft = (claims.expiresAt.getTime() - options.now.getTime()) / 86_400_000;
    if (daysLeft < expirySoonDays) {
      notes.push(
        `The token expires in ${Math.max(1, Math.floor(daysLeft))} day${Math.floor(daysLeft) === 1 ? '' : 's'} (${claims.expiresAt.toISOString().slice(0, 10)}). Plan its replacement.`,
      );
    }
  }
  if (claims.unknownFeatures.length > 0) {
    notes.push(
      `The token also grants scopes this add-on does not collect: ${claims.unknownFeatures.join(', ')}.`,
    );
  }
  return { state: 'ok', claims, endpoint, notes };
}

/** The stored custom endpoint, as far as the last check recorded where the token went. */
export function storedEndpointOf(host: string | null | undefined): string | undefined {
  if (host === null || host === undefined || host === '' || isOfficialHost(host)) return undefined;
  const checked = checkCustomEndpoint(`https://${host}`);
  return checked.ok ? checked.origin : undefined;
}

export function validateAccountForm(form: AccountForm, context: AccountContext): AccountValidation {
  const errors: Partial<Record<AccountField, string>> = {};
  const nameProblem = checkAccountName(form.name, context);
  if (nameProblem !== undefined) errors.name = nameProblem;

  let customEndpoint: string | undefined;
  if (form.useCustomEndpoint) {
    const checked = checkCustomEndpoint(form.customEndpoint);
    if (!checked.ok) errors.customEndpoint = checked.problem;
    else customEndpoint = checked.origin;
    if (form.token.trim() === '' && customEndpoint !== context.storedEndpoint) {
      // The endpoint lives inside the secret, beside the token: moving a token needs the token.
      errors.token = 'Paste the token again to send it to a custom endpoint.';
    }
  }

  if (!form.useCustomEndpoint && context.storedEndpoint !== undefined && form.token.trim() === '') {
    errors.token = 'Paste the token again to send it to 1Password instead of the custom endpoint.';
  }

  const tokenCheck = checkToken(form.token, {
    now: context.now,
    inputFeeds: context.inputFeeds,
    regionHost: form.regionHost,
    customEndpoint: errors.customEndpoint === undefined ? customEndpoint : undefined,
  });
  if (tokenCheck.state === 'problem') errors.token = tokenCheck.message;
  if (tokenCheck.state === 'empty' && context.isNew) {
    errors.token = tokenProblemMessages.empty;
  }
  return { errors, tokenCheck, canSave: Object.keys(errors).length === 0 };
}

/** The storage/passwords payload (a JSON string), as the modular input reads it. */
export function accountSecretPayload(token: string, customEndpoint: string | undefined): string {
  const endpoint = customEndpoint === undefined ? undefined : checkCustomEndpoint(customEndpoint);
  if (endpoint !== undefined && !endpoint.ok) throw new AddonError('config', endpoint.problem);
  return JSON.stringify(
    endpoint === undefined
      ? { token: token.trim() }
      : { token: token.trim(), endpoint: endpoint.origin },
  );
}

/** Non-secret fields written to onepassword_accounts.conf from the Accounts tab. */
export function accountConfParams(form: AccountForm): Record<string, string> {
  if (form.regionHost !== '' && !isOfficialHost(form.regionHost)) {
    throw new AddonError('config', `"${form.regionHost}" is not an official events host.`);
  }
  return { region_host: form.regionHost };
}

/** Reads `region_host` from a conf stanza; anything that is not official is shown as automatic. */
export function regionHostFromConf(value: unknown): '' | OfficialHost {
  if (typeof value !== 'string') return '';
  const host = value.trim().toLowerCase();
  return isOfficialHost(host) ? (officialHosts.find((h) => h === host) ?? '') : '';
}
