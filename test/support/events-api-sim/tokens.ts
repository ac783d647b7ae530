/**
 * Events API tokens: JWT-shaped, really ES256-signed with a key of the simulator's, carrying the
 * claims the official connectors read (events-api.md §1.11). The simulator authenticates a bearer
 * token by looking it up among the ones it issued.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { opUuid } from './ids';
import type { Prng } from './prng';

export const legacyAudience = 'com.1password.streamingservice';
export const allFeatures = ['auditevents', 'itemusages', 'signinattempts'] as const;

export interface IssueTokenOptions {
  /** Feature names for `1password.com/fts`; default all three feeds. Unknown names are kept. */
  readonly features?: readonly string[];
  /** `exp` claim in seconds since the epoch; none by default (1Password's default: never). */
  readonly exp?: number;
  /** `aud`: default the simulator's own host (localhost:<port>). A string becomes a 1-element array. */
  readonly aud?: string | readonly string[];
  /** `1password.com/auuid`; default the simulator's default account. */
  readonly accountUuid?: string;
  /** The Events Reporting integration the token belongs to; default a new one per token. */
  readonly integrationUuid?: string;
}

export interface TokenRecord {
  readonly token: string;
  /** Short SHA-256 of the token, for request logs (the token itself is never logged). */
  readonly hash: string;
  readonly features: readonly string[];
  readonly accountUuid: string;
  readonly integrationUuid: string;
  readonly audience: readonly string[];
  readonly issuedAtSeconds: number;
  readonly expSeconds: number | undefined;
  revoked: boolean;
}

export type AuthFailure =
  | 'missing_authorization'
  | 'not_bearer'
  | 'unknown_token'
  | 'truncated_token'
  | 'revoked_token'
  | 'expired_token'
  | 'wrong_audience';

export type AuthResult =
  | { readonly ok: true; readonly record: TokenRecord }
  | { readonly ok: false; readonly failure: AuthFailure; readonly hash: string | undefined };

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function base64Url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Cuts a token short the way a partial copy-paste does. By default it drops the last 10 characters
 * (inside the signature), keeping three dot-separated parts; pass a larger `dropChars` to cut into
 * the payload.
 */
export function truncateToken(token: string, dropChars = 10): string {
  const keep = Math.max(1, token.length - Math.max(1, dropChars));
  return token.slice(0, keep);
}

export interface TokenRegistryOptions {
  readonly now: () => number;
  readonly rng: Prng;
  readonly defaultAudience: () => string;
  readonly defaultAccountUuid: string;
  /** When set, only tokens whose `aud[0]` is one of these hosts are accepted. */
  readonly acceptedAudiences: (() => readonly string[]) | undefined;
}

export class TokenRegistry {
  private readonly records = new Map<string, TokenRecord>();
  private readonly privateKey: KeyObject;
  private readonly kid: string;

  constructor(private readonly options: TokenRegistryOptions) {
    this.privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    this.kid = opUuid(options.rng, true);
  }

  issue(request: IssueTokenOptions = {}): string {
    const audience =
      request.aud === undefined
        ? [this.options.defaultAudience()]
        : typeof request.aud === 'string'
          ? [request.aud]
          : [...request.aud];
    return this.sign(request, audience);
  }

  /** A token of the old kind whose `aud` names no host (events-api.md §1.11). */
  issueLegacy(request: Omit<IssueTokenOptions, 'aud'> = {}): string {
    return this.sign(request, [legacyAudience]);
  }

  revoke(token: string): boolean {
    const record = this.records.get(token);
    if (record === undefined) return false;
    record.revoked = true;
    return true;
  }

  recordOf(token: string): TokenRecord | undefined {
    return this.records.get(token);
  }

  authenticate(authorization: string | undefined): AuthResult {
    if (authorization === undefined || authorization === '') {
      return { ok: false, failure: 'missing_authorization', hash: undefined };
    }
    const match = /^Bearer +(.*)$/i.exec(authorization);
    if (match === null) return { ok: false, failure: 'not_bearer', hash: undefined };
    const token = (match[1] ?? '').trim();
    const hash = tokenHash(token);
    const record = this.records.get(token);
    if (record === undefined) {
      const truncated =
        token !== '' &&
        [...this.records.keys()].some((t) => t.length > token.length && t.startsWith(token));
      return { ok: false, failure: truncated ? 'truncated_token' : 'unknown_token', hash };
    }
    if (record.revoked) return { ok: false, failure: 'revoked_token', hash };
    if (record.expSeconds !== undefined && record.expSeconds * 1000 <= this.options.now()) {
      return { ok: false, failure: 'expired_token', hash };
    }
    const accepted = this.options.acceptedAudiences?.();
    if (accepted !== undefined && !accepted.includes(record.audience[0] ?? '')) {
      return { ok: false, failure: 'wrong_audience', hash };
    }
    return { ok: true, record };
  }

  private sign(request: IssueTokenOptions, audience: readonly string[]): string {
    const { rng } = this.options;
    const issuedAtSeconds = Math.floor(this.options.now() / 1000);
    const features = [...(request.features ?? allFeatures)];
    const accountUuid = request.accountUuid ?? this.options.defaultAccountUuid;
    const integrationUuid = request.integrationUuid ?? opUuid(rng);
    const payload: Record<string, unknown> = {
      '1password.com/auuid': accountUuid,
      '1password.com/fts': features,
      aud: audience,
      sub: integrationUuid,
      iat: issuedAtSeconds,
      iss: 'com.1password.b5',
      jti: opUuid(rng, true),
    };
    if (request.exp !== undefined) payload['exp'] = request.exp;
    const header = { alg: 'ES256', kid: this.kid, typ: 'JWT' };
    const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const token = `${signingInput}.${base64Url(signature)}`;
    this.records.set(token, {
      token,
      hash: tokenHash(token),
      features,
      accountUuid,
      integrationUuid,
      audience,
      issuedAtSeconds,
      expSeconds: request.exp,
      revoked: false,
    });
    return token;
  }
}
