/**
 * Instance-level endpoints: `apps/local`, `data/indexes`, `server/info` and
 * `authentication/current-context`. `configured` on an app is app.conf `[install] is_configured`.
 */
import { hasAnyCapability } from './auth';
import type { ConfStore } from './conf-store';
import type { EaiItem, ServerIdentity } from './eai';
import { renderEai } from './eai';
import type { Reply, RequestContext } from './request';
import { requireJson } from './request';
import { SplunkdHttpError, alreadyExists, forbidden, notFoundId } from './responses';

export interface AppSpec {
  readonly name: string;
  readonly label?: string;
  readonly version?: string;
  readonly visible?: boolean;
  /** Initial `[install] is_configured`; default false. */
  readonly configured?: boolean;
}

export interface AppReload {
  readonly app: string;
  readonly at: Date;
  /** `reload.<conf>` triggers of the app's app.conf [triggers] at the time of the reload. */
  readonly triggers: readonly string[];
}

export type InstanceType = 'enterprise' | 'cloud';

export interface ServerInfoSpec extends ServerIdentity {
  readonly serverName: string;
  readonly instanceType: InstanceType;
  readonly serverRoles: readonly string[];
}

const system = { app: 'system', owner: 'nobody', sharing: 'system' } as const;

export class SystemEndpoints {
  readonly appReloads: AppReload[] = [];
  private readonly apps = new Map<string, AppSpec>();
  private readonly indexes = new Map<string, Date>();

  constructor(
    apps: readonly AppSpec[],
    indexes: readonly string[],
    private readonly store: ConfStore,
    private readonly info: ServerInfoSpec,
    private readonly kvStatus: () => string,
  ) {
    for (const app of apps) {
      this.apps.set(app.name, app);
      if (app.configured !== undefined && !store.stanza(app.name, 'app', 'install')) {
        store.write(
          { app: app.name, owner: 'nobody', sharing: 'app' },
          'app',
          'install',
          { is_configured: app.configured ? '1' : '0' },
          'nobody',
        );
      }
    }
    for (const index of indexes) this.indexes.set(index, new Date());
  }

  hasApp(name: string): boolean {
    return name === 'system' || this.apps.has(name);
  }

  indexNames(): string[] {
    return [...this.indexes.keys()];
  }

  isConfigured(app: string): boolean {
    const value = this.store.stanza(app, 'app', 'install')?.values['is_configured'] ?? '0';
    return ['1', 'true'].includes(value.toLowerCase());
  }

  handleApps(ctx: RequestContext, rest: readonly string[]): Reply {
    requireJson(ctx);
    const [name, action, ...extra] = rest;
    const canWrite = hasAnyCapability(ctx.user, ['admin_all_objects']);
    if (extra.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    if (name === undefined) {
      if (ctx.method !== 'GET') throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
      return renderEai(
        ctx,
        this.info,
        [...this.apps.values()].map((a) => this.appItem(a)),
        {
          endpoint: ['apps', 'local'],
          canWrite,
        },
      );
    }
    const app = this.apps.get(name);
    if (!app) throw notFoundId(name);
    if (action === '_reload') {
      if (ctx.method !== 'POST')
        throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
      if (!canWrite) throw forbidden(ctx.user.name, ['admin_all_objects']);
      const triggers = Object.keys(this.store.stanza(name, 'app', 'triggers')?.values ?? {}).filter(
        (k) => k.startsWith('reload.'),
      );
      this.appReloads.push({ app: name, at: new Date(), triggers });
      return renderEai(ctx, this.info, [this.appItem(app)], {
        endpoint: ['apps', 'local'],
        canWrite,
        paged: false,
      });
    }
    if (action !== undefined) throw new SplunkdHttpError(404, 'Not Found');
    if (ctx.method === 'POST') {
      if (!canWrite) throw forbidden(ctx.user.name, ['admin_all_objects']);
      const configured = ctx.args.get('configured');
      if (configured !== null) {
        const on = ['1', 'true', 't', 'yes'].includes(configured.toLowerCase());
        this.store.write(
          { app: name, owner: 'nobody', sharing: 'app' },
          'app',
          'install',
          { is_configured: on ? '1' : '0' },
          ctx.user.name,
        );
      }
    } else if (ctx.method !== 'GET') {
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    return renderEai(ctx, this.info, [this.appItem(app)], {
      endpoint: ['apps', 'local'],
      canWrite,
      paged: false,
    });
  }

  handleIndexes(ctx: RequestContext, rest: readonly string[]): Reply {
    requireJson(ctx);
    const [name, ...extra] = rest;
    const canWrite = hasAnyCapability(ctx.user, ['indexes_edit']);
    if (extra.length > 0) throw new SplunkdHttpError(404, 'Not Found');
    const render = (names: readonly string[], status = 200, paged = true): Reply =>
      renderEai(
        ctx,
        this.info,
        names.map((n) => this.indexItem(n)),
        { endpoint: ['data', 'indexes'], canWrite, status, paged },
      );
    if (name === undefined) {
      if (ctx.method === 'GET') return render(this.indexNames());
      if (ctx.method === 'POST') {
        if (!canWrite) throw forbidden(ctx.user.name, ['indexes_edit']);
        const newName = ctx.args.get('name');
        if (!newName)
          throw new SplunkdHttpError(400, 'The following required arguments are missing: name.');
        if (this.indexes.has(newName)) throw alreadyExists(newName);
        this.indexes.set(newName, new Date());
        return render([newName], 201, false);
      }
      throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    }
    if (!this.indexes.has(name)) throw notFoundId(name);
    if (ctx.method !== 'GET') throw new SplunkdHttpError(405, `Method ${ctx.method} not allowed`);
    return render([name], 200, false);
  }

  handleServerInfo(ctx: RequestContext): Reply {
    requireJson(ctx);
    const content: Record<string, unknown> = {
      version: this.info.version,
      build: this.info.build,
      serverName: this.info.serverName,
      server_roles: [...this.info.serverRoles],
      product_type: 'enterprise',
      os_name: 'Linux',
      kvStoreStatus: this.kvStatus(),
    };
    // Splunk Cloud stacks report instance_type=cloud; Enterprise installs leave it out.
    if (this.info.instanceType === 'cloud') content['instance_type'] = 'cloud';
    const item: EaiItem = {
      name: 'server-info',
      owned: system,
      author: 'system',
      updated: new Date(),
      content,
    };
    return renderEai(ctx, this.info, [item], {
      endpoint: ['server', 'info'],
      canWrite: false,
      paged: false,
    });
  }

  handleCurrentContext(ctx: RequestContext): Reply {
    requireJson(ctx);
    const item: EaiItem = {
      name: 'context',
      owned: system,
      author: 'system',
      updated: new Date(),
      content: {
        username: ctx.user.name,
        realname: ctx.user.realname,
        roles: [...ctx.user.roles],
        capabilities: [...ctx.user.capabilities].sort(),
        defaultApp: ctx.user.defaultApp,
        email: '',
      },
    };
    return renderEai(ctx, this.info, [item], {
      endpoint: ['authentication', 'current-context'],
      canWrite: false,
      paged: false,
    });
  }

  private appItem(app: AppSpec): EaiItem {
    return {
      name: app.name,
      owned: { app: app.name, owner: 'nobody', sharing: 'app' },
      author: 'nobody',
      updated: new Date(),
      content: {
        label: app.label ?? app.name,
        version: app.version ?? '1.0.0',
        visible: app.visible ?? true,
        configured: this.isConfigured(app.name),
        disabled: false,
      },
    };
  }

  private indexItem(name: string): EaiItem {
    return {
      name,
      owned: system,
      author: 'nobody',
      updated: this.indexes.get(name) ?? new Date(),
      content: {
        datatype: 'event',
        disabled: false,
        totalEventCount: 0,
        homePath: `$SPLUNK_DB/${name}/db`,
      },
    };
  }
}
