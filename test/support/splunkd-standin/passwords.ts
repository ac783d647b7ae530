/**
 * storage/passwords: secrets kept in memory, named `<realm>:<username>:` with colons inside realm or
 * username escaped as `\:`, encrypted (`$7$`) in the passwords.conf rendering and in `encr_password`.
 */
import type { User } from './auth';
import { hasAnyCapability } from './auth';
import type { EaiItem, ServerIdentity } from './eai';
import { renderEai } from './eai';
import type { Reply, RequestContext } from './request';
import { requireJson } from './request';
import { SplunkdHttpError, alreadyExists, forbidden, notFoundId, type Sharing } from './responses';
import { SecretCipher } from './secret-cipher';
import type { Owned } from './visibility';
import { isVisible, placementFor } from './visibility';

const listCapabilities = ['list_storage_passwords', 'edit_storage_passwords', 'admin_all_objects'];
const editCapabilities = ['edit_storage_passwords', 'admin_all_objects'];

interface Credential extends Owned {
  /** The ACL endpoint can re-share an entry (app ↔ global) or give it another owner. */
  owner: string;
  sharing: Sharing;
  readonly realm: string;
  readonly username: string;
  /** Encrypted at rest like splunkd; decrypted only to answer `clear_password`. */
  encrypted: string;
  author: string;
  updated: Date;
}

/** What tests may see of a stored secret: where it is, never what it is. */
export interface SecretRecord {
  readonly name: string;
  readonly realm: string;
  readonly username: string;
  readonly app: string;
  readonly owner: string;
  readonly sharing: string;
}

const escapeColons = (value: string): string => value.replace(/:/g, '\\:');

export function credentialName(realm: string, username: string): string {
  return `${escapeColons(realm)}:${escapeColons(username)}:`;
}

export class PasswordStore {
  private readonly credentials: Credential[] = [];
  private readonly cipher = new SecretCipher();

  constructor(private readonly server: ServerIdentity) {}

  handle(ctx: RequestContext, rest: readonly string[]): Reply {
    requireJson(ctx);
    const [id, ...extra] = rest;
    if (id !== undefined && extra.length === 1 && extra[0] === 'acl') {
      if (ctx.method === 'POST') return this.setAcl(ctx, id);
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    if (extra.length > 0) throw new SplunkdHttpError(404, `Not Found`);
    if (id === undefined) {
      if (ctx.method === 'GET') return this.list(ctx);
      if (ctx.method === 'POST') return this.create(ctx);
    } else {
      if (ctx.method === 'GET') return this.read(ctx, id);
      if (ctx.method === 'POST') return this.update(ctx, id);
      if (ctx.method === 'DELETE') return this.remove(ctx, id);
    }
    throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
  }

  secrets(): SecretRecord[] {
    return this.credentials.map((c) => ({
      name: credentialName(c.realm, c.username),
      realm: c.realm,
      username: c.username,
      app: c.app,
      owner: c.owner,
      sharing: c.sharing,
    }));
  }

  /** passwords.conf as splunkd would write it: one `[credential:…]` stanza per secret, encrypted. */
  confText(app?: string): string {
    const apps = [...new Set(this.credentials.map((c) => c.app))].filter(
      (a) => app === undefined || a === app,
    );
    return apps
      .sort()
      .map((a) => {
        const stanzas = this.credentials
          .filter((c) => c.app === a)
          .map(
            (c) =>
              `[credential:${credentialName(c.realm, c.username)}]\npassword = ${c.encrypted}\n`,
          );
        return `# etc/apps/${a}/local/passwords.conf\n${stanzas.join('\n')}`;
      })
      .join('\n');
  }

  private list(ctx: RequestContext): Reply {
    this.requireCapability(ctx.user, listCapabilities, [
      'list_storage_passwords',
      'admin_all_objects',
    ]);
    return this.render(ctx, this.visible(ctx), 200, true);
  }

  private create(ctx: RequestContext): Reply {
    this.requireCapability(ctx.user, editCapabilities, editCapabilities);
    const username = ctx.args.get('name');
    const password = ctx.args.get('password');
    const missing = [username === null ? 'name' : '', password === null ? 'password' : ''].filter(
      Boolean,
    );
    if (missing.length > 0) {
      throw new SplunkdHttpError(
        400,
        `The following required arguments are missing: ${missing.join(', ')}.`,
      );
    }
    const placement = placementFor(ctx.ns, ctx.user);
    const realm = ctx.args.get('realm') ?? '';
    const name = credentialName(realm, username ?? '');
    if (
      this.credentials.some(
        (c) => c.app === placement.app && credentialName(c.realm, c.username) === name,
      )
    ) {
      throw alreadyExists(name);
    }
    const credential: Credential = {
      ...placement,
      realm,
      username: username ?? '',
      encrypted: this.cipher.encrypt(password ?? ''),
      author: ctx.user.name,
      updated: new Date(),
    };
    this.credentials.push(credential);
    return this.render(ctx, [credential], 201, false);
  }

  private read(ctx: RequestContext, id: string): Reply {
    this.requireCapability(ctx.user, listCapabilities, [
      'list_storage_passwords',
      'admin_all_objects',
    ]);
    return this.render(ctx, [this.find(ctx, id)], 200, false);
  }

  private update(ctx: RequestContext, id: string): Reply {
    this.requireCapability(ctx.user, editCapabilities, editCapabilities);
    const credential = this.find(ctx, id);
    const password = ctx.args.get('password');
    if (password === null) {
      throw new SplunkdHttpError(400, 'The following required arguments are missing: password.');
    }
    credential.encrypted = this.cipher.encrypt(password);
    credential.author = ctx.user.name;
    credential.updated = new Date();
    return this.render(ctx, [credential], 200, false);
  }

  private remove(ctx: RequestContext, id: string): Reply {
    this.requireCapability(ctx.user, editCapabilities, editCapabilities);
    const credential = this.find(ctx, id);
    this.credentials.splice(this.credentials.indexOf(credential), 1);
    return this.render(ctx, this.visible(ctx), 200, true);
  }

  /**
   * `POST …/storage/passwords/<id>/acl` with `sharing` and `owner` (REST API User Manual, "Access
   * Control List"): `sharing=global` makes the entry visible in every app's namespace, which is how
   * another app's entry shows up in this app's listing.
   */
  private setAcl(ctx: RequestContext, id: string): Reply {
    this.requireCapability(ctx.user, editCapabilities, editCapabilities);
    const credential = this.find(ctx, id);
    const sharing = ctx.args.get('sharing');
    const owner = ctx.args.get('owner');
    if (sharing === null || owner === null) {
      throw new SplunkdHttpError(
        400,
        `The following required arguments are missing: ${[sharing === null ? 'sharing' : '', owner === null ? 'owner' : ''].filter(Boolean).join(', ')}.`,
      );
    }
    if (!['user', 'app', 'global'].includes(sharing)) {
      throw new SplunkdHttpError(400, `Invalid sharing value: ${sharing}`);
    }
    credential.sharing = sharing as Sharing;
    credential.owner = owner;
    credential.updated = new Date();
    return this.render(ctx, [credential], 200, false);
  }

  private visible(ctx: RequestContext): Credential[] {
    return this.credentials.filter((c) => isVisible(c, ctx.ns, ctx.user));
  }

  /**
   * splunkd resolves `realm:user:`, `realm:user` (dev.splunk.com's update example) and a bare `user`
   * (an entry with an empty realm) to the same entity.
   */
  private find(ctx: RequestContext, id: string): Credential {
    const candidates = id.endsWith(':') ? [id] : [`${id}:`, `:${id}:`];
    const visible = this.visible(ctx);
    const inApp = (c: Credential): boolean => c.app === ctx.ns.app;
    const matches = visible.filter((c) => candidates.includes(credentialName(c.realm, c.username)));
    const found = matches.find(inApp) ?? matches[0];
    if (!found) throw notFoundId(id);
    return found;
  }

  private render(
    ctx: RequestContext,
    items: readonly Credential[],
    status: number,
    paged: boolean,
  ): Reply {
    const eaiItems: EaiItem[] = items.map((c) => ({
      name: credentialName(c.realm, c.username),
      owned: c,
      author: c.author,
      updated: c.updated,
      content: {
        clear_password: this.cipher.decrypt(c.encrypted),
        encr_password: c.encrypted,
        password: '********',
        realm: c.realm,
        username: c.username,
      },
    }));
    return renderEai(ctx, this.server, eaiItems, {
      endpoint: ['storage', 'passwords'],
      canWrite: hasAnyCapability(ctx.user, editCapabilities),
      status,
      paged,
    });
  }

  private requireCapability(
    user: User,
    allowed: readonly string[],
    named: readonly string[],
  ): void {
    if (!hasAnyCapability(user, allowed)) throw forbidden(user.name, named);
  }
}
