/**
 * Turns any failure the page meets into the admin wording of src/core/admin-wording.ts: splunkd's
 * own answers, no answer at all, and the input's connection-check results (network, TLS, DNS, HTTP).
 * Pure, so the words are unit-tested and identical to what the input logs.
 */
import {
  errorClassWording,
  networkCodeInText,
  networkFailureKind,
  networkWording,
  splunkdWording,
  wordingForClass,
} from '../core/admin-wording';
import { SplunkdRequestError, SplunkdUnreachableError } from './splunkd-rest';

export interface FailureText {
  readonly headline: string;
  readonly action: string;
  /** The specific words (splunkd's message, an error code) when they add something. */
  readonly detail: string | undefined;
}

/** One line: "Headline. Action (detail)". */
export function failureLine(text: FailureText): string {
  const detail = text.detail === undefined || text.detail === '' ? '' : ` (${text.detail})`;
  return `${text.headline}. ${text.action}${detail}`;
}

/** A failure of the page's own request to splunkd. */
export function describePageError(error: unknown): FailureText {
  if (error instanceof SplunkdUnreachableError) {
    return { ...splunkdWording('unreachable'), detail: undefined };
  }
  if (error instanceof SplunkdRequestError) {
    const wording = splunkdWording(error.status);
    const generic = /^splunkd (answered|sent)/.test(error.message);
    return { ...wording, detail: generic ? undefined : error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ...errorClassWording.internal, detail: message };
}

/** A host name (with port) mentioned in a message, e.g. "getaddrinfo ENOTFOUND events.1password.com". */
function hostInText(text: string): string | undefined {
  return /\b((?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?|localhost(?::\d+)?|\d+\.\d+\.\d+\.\d+(?::\d+)?)\b/i.exec(
    text,
  )?.[1];
}

/** Classes whose wording already says all the message says (it would only repeat it). */
const selfExplainingClasses = new Set([
  'unauthorized',
  'not_found',
  'rate_limited',
  'server',
  'protocol',
]);

/**
 * The outcome of a failed connection check (the input's `--validate-arguments`), from the error
 * class the input recorded and its message. Network failures are worded from their error code.
 */
export function describeCheckFailure(failure: {
  readonly errorClass: string | null | undefined;
  readonly message: string | null | undefined;
  readonly host: string | null | undefined;
}): FailureText {
  const message = (failure.message ?? '').trim();
  const code = networkCodeInText(message);
  if (failure.errorClass === 'network' || code !== undefined) {
    const host = failure.host ?? hostInText(message) ?? '1Password';
    // Without a code, a message about certificates is still a trust failure, not "unreachable".
    const kind =
      code === undefined && /\bTLS\b|certificate/i.test(message) ? 'tls' : networkFailureKind(code);
    return { ...networkWording(kind, host), detail: code };
  }
  const wording = wordingForClass(failure.errorClass);
  if (failure.errorClass !== null && failure.errorClass !== undefined) {
    if (selfExplainingClasses.has(failure.errorClass) || message === '') {
      return { ...wording, detail: undefined };
    }
    // config, token, bad_request…: the message names the setting; it is the action.
    return { headline: wording.headline, action: message, detail: undefined };
  }
  return message === ''
    ? { headline: 'Check failed', action: wording.action, detail: undefined }
    : { headline: 'Check failed', action: message, detail: undefined };
}
