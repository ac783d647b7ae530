/**
 * Users, roles, capabilities and session keys of the stand-in. splunkd authenticates every
 * /services and /servicesNS call with `Authorization: Splunk <session key>` (or HTTP Basic); a
 * missing, unknown or expired key gets 401 "call not properly authenticated".
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

import { SplunkdHttpError } from './responses';

/** Capabilities of Splunk's built-in roles that this stand-in's endpoints check (authorize.conf.spec). */
export const builtInRoles: Readonly<Record<string, readonly string[]>> = {
  user: ['search', 'get_metadata', 'list_inputs', 'rest_properties_get'],
  power: ['search', 'get_metadata', 'list_inputs', 'rest_properties_get', 'schedule_search'],
  admin: [
    'admin_all_objects',
    'list_storage_passwords',
    'edit_storage_passwords',
    'list_inputs',
    'edit_modinput_onepassword_events',
    'indexes_edit',
    'rest_properties_get',
    'rest_properties_set',
    'search',
    'get_metadata',
  ],
  'splunk-system-role': [
    'admin_all_objects',
    'list_storage_passwords',
    'edit_storage_passwords',
    'list_inputs',
    'indexes_edit',
    'rest_properties_get',
    'rest_properties_set',
    'search',
  ],
};

export interface UserSpec {
  readonly name: string;
  /** Login password for POST /services/auth/login and Basic auth; omit for users that cannot log in. */
  readonly password?: string;
  readonly roles?: readonly string[];
  /** Extra capabilities on top of the roles' own. */
  readonly capabilities?: readonly string[];
  readonly realname?: string;
  readonly defaultApp?: string;
}

export interface User {
  readonly name: string;
  readonly password: string | undefined;
  readonly roles: readonly string[];
  readonly capabilities: ReadonlySet<string>;
  readonly realname: string;
  readonly defaultApp: string;
}

export const systemUserName = 'splunk-system-user';

export const defaultUsers: readonly UserSpec[] = [
  { name: 'admin', password: 'changeme-standin', roles: ['admin'], realname: 'Administrator' },
  { name: systemUserName, roles: ['splunk-system-role'], realname: 'Splunk system user' },
];

interface Session {
  readonly user: string;
  readonly expiresAt: number | undefined;
}

export class AuthRegistry {
  private readonly users = new Map<string, User>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    specs: readonly UserSpec[],
    private readonly now: () => number = Date.now,
  ) {
    for (const spec of specs) this.addUser(spec);
  }

  addUser(spec: UserSpec): User {
    const roles = spec.roles ?? ['user'];
    const capabilities = new Set<string>(spec.capabilities ?? []);
    for (const role of roles) for (const cap of builtInRoles[role] ?? []) capabilities.add(cap);
    const user: User = {
      name: spec.name,
      password: spec.password,
      roles,
      capabilities,
      realname: spec.realname ?? spec.name,
      defaultApp: spec.defaultApp ?? 'search',
    };
    this.users.set(spec.name, user);
    return user;
  }

  user(name: string): User | undefined {
    return this.users.get(name);
  }

  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  /** A new session key for a known user; `ttlMs` makes it expire on its own. */
  createSessionKey(userName: string, ttlMs?: number): string {
    if (!this.users.has(userName)) throw new Error(`unknown user ${userName}`);
    // Real keys are opaque tokens of this order of length; callers must not parse them.
    const key = randomBytes(32).toString('base64url');
    this.sessions.set(key, {
      user: userName,
      expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs,
    });
    return key;
  }

  expireSessionKey(key: string): void {
    const session = this.sessions.get(key);
    if (session) this.sessions.set(key, { user: session.user, expiresAt: 0 });
  }

  /** POST /services/auth/login: username + password → session key, or 401 "Login failed". */
  login(username: string | undefined, password: string | undefined): string {
    if (!username || password === undefined) {
      throw new SplunkdHttpError(400, 'Username and password must be provided', 'WARN');
    }
    const user = this.users.get(username);
    if (!user || user.password === undefined || !sameSecret(user.password, password)) {
      throw new SplunkdHttpError(401, 'Login failed', 'WARN');
    }
    return this.createSessionKey(username);
  }

  /** Resolves the Authorization header to a user or throws splunkd's 401. */
  authenticate(header: string | undefined): User {
    const unauthenticated = new SplunkdHttpError(401, 'call not properly authenticated', 'WARN');
    if (!header) throw unauthenticated;
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space) : '';
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'Splunk') {
      const session = this.sessions.get(credential);
      if (!session || (session.expiresAt !== undefined && session.expiresAt <= this.now())) {
        throw unauthenticated;
      }
      const user = this.users.get(session.user);
      if (!user) throw unauthenticated;
      return user;
    }
    if (scheme === 'Basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon > 0 ? this.users.get(decoded.slice(0, colon)) : undefined;
      if (user?.password !== undefined && sameSecret(user.password, decoded.slice(colon + 1))) {
        return user;
      }
    }
    // `Bearer` is splunkd's scheme for JWT authentication tokens, which this stand-in does not issue.
    throw unauthenticated;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function hasAnyCapability(user: User, capabilities: readonly string[]): boolean {
  return capabilities.some((cap) => user.capabilities.has(cap));
}
