/**
 * Conf-file endpoints: `configs/conf-<file>[/<stanza>]`, `properties[/<file>[/<stanza>[/<key>]]]`
 * and `admin/macros` (an EAI view of macros.conf). Writes need admin_all_objects.
 */
import { hasAnyCapability } from './auth';
import type { ConfStore, StanzaView } from './conf-store';
import type { EaiItem, ServerIdentity } from './eai';
import { renderEai } from './eai';
import type { Reply, RequestContext } from './request';
import { frameworkArgs, requireJson } from './request';
import { SplunkdHttpError, alreadyExists, forbidden, notFoundId } from './responses';
import { isVisible, placementFor } from './visibility';

const writeCapabilities = ['admin_all_objects'];

export interface ConfReload {
  readonly file: string;
  readonly at: Date;
}

export class ConfEndpoints {
  readonly reloads: ConfReload[] = [];

  constructor(
    private readonly store: ConfStore,
    private readonly server: ServerIdentity,
  ) {}

  /** configs/conf-<file>[/<stanza>] and admin/macros (endpoint = the segments naming the collection). */
  handleConfigs(
    ctx: RequestContext,
    file: string,
    endpoint: readonly string[],
    rest: readonly string[],
  ): Reply {
    requireJson(ctx);
    const [stanza, ...extra] = rest;
    if (extra.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    if (stanza === '_reload' && ctx.method === 'POST') {
      this.reloads.push({ file, at: new Date() });
      return this.render(ctx, endpoint, [], 200, true);
    }
    if (stanza === undefined) {
      if (ctx.method === 'GET')
        return this.render(ctx, endpoint, this.visible(ctx, file), 200, true);
      if (ctx.method === 'POST') {
        this.requireWrite(ctx);
        const name = ctx.args.get('name');
        if (!name)
          throw new SplunkdHttpError(400, 'The following required arguments are missing: name.');
        const created = this.create(ctx, file, name, propsOf(ctx.args));
        return this.render(ctx, endpoint, [created], 201, false);
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    const found = this.find(ctx, file, stanza);
    if (ctx.method === 'GET') return this.render(ctx, endpoint, [found], 200, false);
    this.requireWrite(ctx);
    if (ctx.method === 'POST') {
      if (ctx.args.has('name'))
        throw new SplunkdHttpError(400, 'Argument "name" is not supported by this handler.');
      const updated = this.store.write(
        found.owned,
        file,
        found.name,
        propsOf(ctx.args),
        ctx.user.name,
      );
      return this.render(ctx, endpoint, [updated], 200, false);
    }
    if (ctx.method === 'DELETE') {
      const outcome = this.store.remove(found.owned.app, file, found.name);
      if (outcome === 'shipped') {
        throw new SplunkdHttpError(
          400,
          `Object id=${found.name} cannot be deleted in config=${file}.`,
        );
      }
      return this.render(ctx, endpoint, this.visible(ctx, file), 200, true);
    }
    throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
  }

  /** properties/…: the older conf interface splunk-sdk's Configurations uses. */
  handleProperties(ctx: RequestContext, rest: readonly string[]): Reply {
    const [file, stanza, key, ...extra] = rest;
    if (extra.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    if (file === undefined) {
      requireJson(ctx);
      if (ctx.method === 'GET') {
        const app = ctx.ns.app === undefined || ctx.ns.app === '-' ? undefined : ctx.ns.app;
        const items = this.store
          .files(app)
          .map((f) => this.item(f, { app: app ?? 'system', owner: 'nobody', sharing: 'app' }, {}));
        return renderEai(ctx, this.server, items, {
          endpoint: ['properties'],
          canWrite: this.canWrite(ctx),
        });
      }
      if (ctx.method === 'POST') {
        this.requireWrite(ctx);
        const conf = ctx.args.get('__conf');
        if (!conf)
          throw new SplunkdHttpError(400, 'The following required arguments are missing: __conf.');
        const placement = placementFor(ctx.ns, ctx.user);
        if (this.store.files(placement.app).includes(conf)) throw alreadyExists(conf);
        this.store.createFile(placement.app, conf);
        return renderEai(ctx, this.server, [this.item(conf, placement, {})], {
          endpoint: ['properties'],
          canWrite: true,
          status: 201,
          paged: false,
        });
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    if (stanza === undefined) {
      requireJson(ctx);
      if (ctx.method === 'GET') {
        const stanzas = this.visible(ctx, file);
        if (stanzas.length === 0 && !this.store.files().includes(file)) throw notFoundId(file);
        const items = stanzas.map((s) => this.item(s.name, s.owned, {}));
        return renderEai(ctx, this.server, items, {
          endpoint: ['properties', file],
          canWrite: this.canWrite(ctx),
        });
      }
      if (ctx.method === 'POST') {
        this.requireWrite(ctx);
        const name = ctx.args.get('__stanza') ?? ctx.args.get('name');
        if (!name)
          throw new SplunkdHttpError(
            400,
            'The following required arguments are missing: __stanza.',
          );
        const created = this.create(ctx, file, name, {});
        return renderEai(ctx, this.server, [this.item(created.name, created.owned, {})], {
          endpoint: ['properties', file],
          canWrite: true,
          status: 201,
          paged: false,
        });
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    const found = this.find(ctx, file, stanza);
    if (key !== undefined) {
      if (ctx.method === 'GET') {
        const value = found.values[key];
        if (value === undefined) throw notFoundId(key);
        return { status: 200, body: value, contentType: 'text/plain; charset=UTF-8' };
      }
      if (ctx.method === 'POST') {
        this.requireWrite(ctx);
        const value = ctx.args.get('value');
        if (value === null)
          throw new SplunkdHttpError(400, 'The following required arguments are missing: value.');
        this.store.write(found.owned, file, found.name, { [key]: value }, ctx.user.name);
        return { status: 200, body: '', contentType: 'text/plain; charset=UTF-8' };
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    requireJson(ctx);
    if (ctx.method === 'POST') {
      this.requireWrite(ctx);
      this.store.write(found.owned, file, found.name, propsOf(ctx.args), ctx.user.name);
    } else if (ctx.method !== 'GET') {
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    const current = this.find(ctx, file, stanza);
    // Each key is its own entry whose content is the bare value, as splunkd renders properties.
    const entries = Object.entries(current.values).map(([k, v]) => ({
      name: k,
      owned: current.owned,
      author: current.author,
      updated: current.updated,
      content: { value: v },
    }));
    return renderEai(ctx, this.server, entries, {
      endpoint: ['properties', file, stanza],
      canWrite: this.canWrite(ctx),
    });
  }

  /** The stanza a namespace resolves to: its own app's first, then any visible one. */
  find(ctx: RequestContext, file: string, name: string): StanzaView {
    const matches = this.visible(ctx, file).filter((s) => s.name === name);
    const found = matches.find((s) => s.owned.app === ctx.ns.app) ?? matches[0];
    if (!found) throw notFoundId(name);
    return found;
  }

  visible(ctx: RequestContext, file: string): StanzaView[] {
    return this.store.stanzas(file).filter((s) => isVisible(s.owned, ctx.ns, ctx.user));
  }

  create(
    ctx: RequestContext,
    file: string,
    name: string,
    values: Record<string, string>,
  ): StanzaView {
    const placement = placementFor(ctx.ns, ctx.user);
    if (this.store.stanza(placement.app, file, name)) throw alreadyExists(name);
    return this.store.write(placement, file, name, values, ctx.user.name);
  }

  canWrite(ctx: RequestContext): boolean {
    return hasAnyCapability(ctx.user, writeCapabilities);
  }

  requireWrite(ctx: RequestContext): void {
    if (!this.canWrite(ctx)) throw forbidden(ctx.user.name, writeCapabilities);
  }

  private render(
    ctx: RequestContext,
    endpoint: readonly string[],
    stanzas: readonly StanzaView[],
    status: number,
    paged: boolean,
  ): Reply {
    const items = stanzas.map((s) =>
      this.item(
        s.name,
        s.owned,
        { ...s.values, 'eai:appName': s.owned.app, 'eai:userName': s.owned.owner },
        s,
      ),
    );
    return renderEai(ctx, this.server, items, {
      endpoint,
      canWrite: this.canWrite(ctx),
      status,
      paged,
    });
  }

  private item(
    name: string,
    owned: StanzaView['owned'],
    content: Record<string, unknown>,
    view?: StanzaView,
  ): EaiItem {
    return {
      name,
      owned,
      author: view?.author ?? 'nobody',
      updated: view?.updated ?? new Date(),
      content,
    };
  }
}

/** Every POSTed argument except splunkd's own framework arguments becomes a stanza key. */
export function propsOf(args: URLSearchParams): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [k, v] of args) if (!frameworkArgs.has(k) && !k.startsWith('__')) props[k] = v;
  return props;
}
