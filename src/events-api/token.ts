/**
 * Reads an Events API token's claims without verifying it (it is ES256-signed by 1Password and
 * clients cannot verify it), exactly as the official connectors do. Pure: shared by the modular
 * input and the setup page, so both judge a token the same way.
 */
import { AddonError } from '../core/errors';
import { feedIds, type FeedId } from '../core/feeds';

/** The four hosts 1Password documents; a token's `aud` names one of them. */
export const officialHosts = [
  'events.1password.com',
  'events.ent.1password.com',
  'events.1password.ca',
  'events.1password.eu',
] as const;
export type OfficialHost = (typeof officialHosts)[number];

export const regionLabels: Readonly<Record<OfficialHost, string>> = {
  'events.1password.com': '1password.com (Business, US)',
  'events.ent.1password.com': 'ent.1password.com (Enterprise)',
  'events.1password.ca': '1password.ca (Canada)',
  'events.1password.eu': '1password.eu (Europe)',
};

export const legacyAudience = 'com.1password.streamingservice';
export const featuresClaim = '1password.com/fts';
export const accountClaim = '1password.com/auuid';

export interface TokenClaims {
  readonly audience: string;
  readonly features: readonly FeedId[];
  /** Feature names we do not know; kept so a newer token is not misreported. */
  readonly unknownFeatures: readonly string[];
  readonly accountUuid: string | undefined;
  readonly issuedAt: Date | undefined;
  readonly expiresAt: Date | undefined;
}

export type TokenProblem =
  'empty' | 'malformed' | 'truncated' | 'legacy' | 'unknown_audience' | 'no_features' | 'expired';

export const tokenProblemMessages: Readonly<Record<TokenProblem, string>> = {
  empty: 'No token was given. Paste the Events API token from 1Password.',
  malformed:
    'This is not an Events API token: a token has three dot-separated parts (a JWT). Copy it again from 1Password.',
  truncated:
    'The token looks cut off: its parts do not decode. Copy the whole token again from 1Password.',
  legacy:
    'This is a legacy Events API token that does not name its region. Generate a new token in 1Password (Integrations > Events Reporting).',
  unknown_audience:
    'The token is not for any 1Password events host (events.1password.com, events.ent.1password.com, events.1password.ca, events.1password.eu).',
  no_features:
    'The token grants no feeds. Create a token with sign-in attempts, item usages or audit events enabled.',
  expired: 'The token has expired. Generate a new token in 1Password.',
};

function base64UrlDecode(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  const padded = part.replace(/-/g, '+').replace(/_/g, '/');
  const withPad = padded + '='.repeat((4 - (padded.length % 4)) % 4);
  if (padded.length % 4 === 1) return undefined;
  try {
    // atob exists in both Node and browsers; decode UTF-8 afterwards.
    const binary = atob(withPad);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function epochDate(value: unknown): Date | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}

export type TokenReading =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly problem: TokenProblem };

/** Decodes the claims; reports the first problem an admin must fix. */
export function readToken(rawToken: string, now: Date = new Date()): TokenReading {
  const token = rawToken.trim();
  if (token === '') return { ok: false, problem: 'empty' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) return { ok: false, problem: 'malformed' };
  const header = parseJsonObject(base64UrlDecode(parts[0] ?? ''));
  const payload = parseJsonObject(base64UrlDecode(parts[1] ?? ''));
  if (header === undefined || payload === undefined) return { ok: false, problem: 'truncated' };

  const aud = payload['aud'];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.length !== 1 || typeof audiences[0] !== 'string') {
    return { ok: false, problem: 'unknown_audience' };
  }
  const audience = audiences[0];
  if (audience === legacyAudience) return { ok: false, problem: 'legacy' };

  const rawFeatures = payload[featuresClaim];
  const names = Array.isArray(rawFeatures)
    ? rawFeatures.filter((f): f is string => typeof f === 'string')
    : [];
  const features = feedIds.filter((id) => names.includes(id));
  const unknownFeatures = names.filter((n) => !(feedIds as readonly string[]).includes(n));
  if (features.length === 0) return { ok: false, problem: 'no_features' };

  const expiresAt = epochDate(payload['exp']);
  if (expiresAt !== undefined && expiresAt.getTime() <= now.getTime()) {
    return { ok: false, problem: 'expired' };
  }
  const accountUuid = payload[accountClaim];
  return {
    ok: true,
    claims: {
      audience,
      features,
      unknownFeatures,
      accountUuid: typeof accountUuid === 'string' ? accountUuid : undefined,
      issuedAt: epochDate(payload['iat']),
      expiresAt,
    },
  };
}

export function isOfficialHost(host: string): host is OfficialHost {
  return (officialHosts as readonly string[]).includes(host.toLowerCase());
}

/** Same as readToken but throws a typed error, for the modular input. */
export function requireTokenClaims(rawToken: string, now: Date = new Date()): TokenClaims {
  const reading = readToken(rawToken, now);
  if (!reading.ok) throw new AddonError('token', tokenProblemMessages[reading.problem]);
  return reading.claims;
}
