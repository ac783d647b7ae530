/**
 * The one table of words an admin reads about a failure: the input's log lines, the
 * `--validate-arguments` answer, the health documents and the setup page all take their wording
 * from here, so the same fault reads the same everywhere. Pure: no I/O, safe in the browser bundle.
 */
import { AddonError, describeError, type ErrorClass } from './errors';

export interface AdminWording {
  /** Short, for a badge or a table cell. */
  readonly headline: string;
  /** What to do about it, one sentence. */
  readonly action: string;
}

/** TLS trust failures: the peer's certificate chain or name did not verify. */
export const tlsErrorCodes: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export type NetworkFailureKind =
  | 'dns' // the host name did not resolve
  | 'refused' // nothing listens there
  | 'reset' // the connection was cut
  | 'timeout' // no answer in time
  | 'tls' // certificate chain or name did not verify
  | 'proxy' // the proxy refused or failed the tunnel
  | 'unreachable' // no route to the host
  | 'other';

const kindByCode: Readonly<Record<string, NetworkFailureKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ABORT_ERR: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  UND_ERR_PROXY: 'proxy',
};

/** The most specific `code` on an error's cause chain (undici wraps the socket's error). */
export function rootErrorCode(error: unknown): string | undefined {
  let found: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') found = code;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

export function networkFailureKind(code: string | undefined): NetworkFailureKind {
  if (code === undefined) return 'other';
  if (tlsErrorCodes.has(code)) return 'tls';
  return kindByCode[code] ?? 'other';
}

/** Words for a network failure toward `host` (1Password, a proxy or splunkd). */
export function networkWording(kind: NetworkFailureKind, host: string): AdminWording {
  switch (kind) {
    case 'dns':
      return {
        headline: `Cannot resolve ${host}`,
        action: `The name ${host} did not resolve on this Splunk server. Check its DNS, or set a proxy on the Proxy & CA tab if it may only reach the internet through one.`,
      };
    case 'refused':
      return {
        headline: `Connection refused by ${host}`,
        action: `Nothing accepted the connection at ${host}. Check the endpoint address and any firewall between this Splunk server and it.`,
      };
    case 'reset':
      return {
        headline: `Connection to ${host} was cut`,
        action: `The connection to ${host} closed mid-request. This is usually brief; if it persists, check firewalls or proxies that end long connections.`,
      };
    case 'timeout':
      return {
        headline: `No answer from ${host} in time`,
        action: `${host} did not answer in time. Check the network path, or raise request_timeout_seconds on the Logging & advanced tab.`,
      };
    case 'tls':
      return {
        headline: `Certificate of ${host} not trusted`,
        action: `The TLS certificate of ${host} did not verify. If a proxy inspects TLS, add its CA certificate on the Proxy & CA tab.`,
      };
    case 'proxy':
      return {
        headline: 'Proxy refused the connection',
        action: `The proxy did not open a tunnel to ${host}. Check the proxy address and its user name and password on the Proxy & CA tab.`,
      };
    case 'unreachable':
      return {
        headline: `No route to ${host}`,
        action: `This Splunk server has no network route to ${host}. Check its routing, or set a proxy on the Proxy & CA tab.`,
      };
    default:
      return {
        headline: `Cannot reach ${host}`,
        action: `The request to ${host} failed. Check the network path from this Splunk server.`,
      };
  }
}

/** Words per error class of src/core/errors.ts (plus 'internal' for anything untyped). */
export const errorClassWording: Readonly<Record<ErrorClass | 'internal', AdminWording>> = {
  config: {
    headline: 'Configuration problem',
    action: 'Fix the setting named in the message on the setup page.',
  },
  token: {
    headline: 'Token problem',
    action:
      'Create a new Events API token in 1Password (Integrations › Events Reporting) and paste it on the Accounts tab.',
  },
  unauthorized: {
    headline: 'Invalid or revoked token',
    action:
      '1Password rejected the token. Issue a new Events API token and paste it on the Accounts tab.',
  },
  not_found: {
    headline: 'Token incomplete or wrong endpoint',
    action:
      'The Events API answered 404. The token was probably pasted incompletely: paste it again in full.',
  },
  stale_cursor: {
    headline: 'Stored position rejected',
    action:
      'The Events API refused the stored position; the input resumes from the last delivered event. No action needed unless this repeats.',
  },
  bad_request: {
    headline: 'Request refused by the Events API',
    action: 'Check the start time and the input settings; the message names what was refused.',
  },
  rate_limited: {
    headline: 'Rate limited by 1Password',
    action:
      'The token’s request budget is spent; the input waits and continues. Use one input per account.',
  },
  server: {
    headline: '1Password server error',
    action: 'The Events API had a temporary failure; the input retries on its own.',
  },
  network: {
    headline: 'Unreachable',
    action: 'Check the network path, DNS and proxy settings of this Splunk server.',
  },
  protocol: {
    headline: 'Unexpected answer from the Events API',
    action:
      'The answer broke the Events API contract (for example a proxy answered instead). The cursor stays; check any proxy in between.',
  },
  oversized: {
    headline: 'Answer too large',
    action:
      'The answer was larger than any Events API page can be, so the input stopped reading it (for example a proxy answered instead). The cursor stays; check any proxy or custom endpoint in between.',
  },
  splunkd: {
    headline: 'splunkd problem',
    action:
      'The KV store or storage/passwords did not answer; check splunkd.log and the KV store status.',
  },
  splunkd_auth: {
    headline: 'splunkd refused the input',
    action: 'splunkd rejected the input’s session key; restart the input (disable and enable it).',
  },
  checkpoint: {
    headline: 'Checkpoint problem',
    action: 'The input could not read or write its position; check the KV store status.',
  },
  output: {
    headline: 'Output closed',
    action:
      'splunkd stopped reading the input’s events (usually a restart); it resumes on the next run.',
  },
  cancelled: {
    headline: 'Run stopped',
    action: 'The run was stopped (shutdown or time budget); it resumes on the next run.',
  },
  internal: {
    headline: 'Unexpected error',
    action: 'Set the log level to DEBUG on the setup page and look at the input’s log lines.',
  },
};

/** Wording for an error class as stored in a KV document (unknown classes read as internal). */
export function wordingForClass(errorClass: string | null | undefined): AdminWording {
  if (errorClass === null || errorClass === undefined || errorClass === '') {
    return errorClassWording.internal;
  }
  return (
    (errorClassWording as Record<string, AdminWording>)[errorClass] ?? errorClassWording.internal
  );
}

/** Finds a known network or TLS error code inside a message (e.g. "getaddrinfo ENOTFOUND host"). */
export function networkCodeInText(text: string): string | undefined {
  const words = text.match(/\b[A-Z][A-Z0-9_]{3,}\b/g) ?? [];
  return words.find((word) => tlsErrorCodes.has(word) || word in kindByCode);
}

/**
 * Words for splunkd's answer to the setup page (through Splunk Web's proxy): `unreachable` when
 * the browser got no answer at all, else the HTTP status splunkd or Splunk Web answered.
 */
export function splunkdWording(failure: 'unreachable' | number): AdminWording {
  if (failure === 'unreachable') {
    return {
      headline: 'Splunk did not answer',
      action:
        'The browser got no answer from Splunk Web or splunkd. Check that Splunk is running and this page’s network connection, then press Retry.',
    };
  }
  if (failure === 401) {
    return {
      headline: 'Your Splunk session ended',
      action: 'Sign in to Splunk again, then press Retry.',
    };
  }
  if (failure === 403) {
    return {
      headline: 'Permission denied by splunkd',
      action:
        'Your role lacks a capability this action needs (admin_all_objects, edit_storage_passwords). Ask a Splunk administrator.',
    };
  }
  if (failure === 404) {
    return {
      headline: 'Not found on splunkd',
      action:
        'splunkd does not know this object; it may have been removed meanwhile. Press Retry to reload.',
    };
  }
  if (failure === 409) {
    return {
      headline: 'Already exists',
      action: 'An object with this name already exists on splunkd. Pick another name.',
    };
  }
  if (failure === 503) {
    return {
      headline: 'splunkd is starting or busy',
      action: 'splunkd (or its KV store) is not ready yet. Wait a minute, then press Retry.',
    };
  }
  if (failure >= 500) {
    return {
      headline: `splunkd failed (HTTP ${failure})`,
      action: 'splunkd had an internal failure; look at splunkd.log, then press Retry.',
    };
  }
  return {
    headline: `splunkd refused the request (HTTP ${failure})`,
    action: 'The message from splunkd says why; fix what it names and try again.',
  };
}

/** Words for a thrown value: its class's wording (network failures by their kind). */
export function wordingForError(error: unknown, host = 'the server'): AdminWording {
  if (error instanceof AddonError && error.errorClass === 'network') {
    const kind = networkFailureKind(rootErrorCode(error.cause));
    if (kind !== 'other') return networkWording(kind, host);
  }
  return wordingForClass(error instanceof AddonError ? error.errorClass : 'internal');
}

/** One admin-facing sentence for a failure: headline, what happened, what to do. */
export function adminMessage(error: unknown, host?: string): string {
  const wording = wordingForError(error, host);
  const text = describeError(error);
  // Messages that already end with their advice (the client's) are not advised twice.
  if (text.includes(wording.action)) return `${wording.headline}: ${text}`;
  return `${wording.headline}: ${text.replace(/[.\s]+$/, '')}. ${wording.action}`;
}
