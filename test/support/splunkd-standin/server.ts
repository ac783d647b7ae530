/**
 * The stand-in's HTTPS server: authenticates, resolves the namespace, applies injected faults and
 * dispatches to the endpoint modules. Errors are rendered as splunkd renders them: JSON
 * `{"messages":[…]}` with output_mode=json (and always on KV data), `<response><messages>` otherwise.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { User, UserSpec } from './auth';
import { AuthRegistry, defaultUsers, systemUserName } from './auth';
import type { ConfSeed } from './conf-store';
import { ConfStore } from './conf-store';
import type { ConfReload } from './configs';
import { ConfEndpoints } from './configs';
import type { FaultHandle, FaultSpec } from './faults';
import { FaultInjector } from './faults';
import type { InputRecord, ValidationContext, ValidationRun, ValidatorCommand } from './inputs';
import { ModularInputs } from './inputs';
import type { Doc } from './kv-query';
import type { CollectionSpec, KvLimits, KvState, KvStoreOption } from './kvstore';
import { KvStore, defaultKvLimits } from './kvstore';
import type { XmlBuildOptions } from './modinput-xml';
import { buildInputDefinitionXml } from './modinput-xml';
import type { SecretRecord } from './passwords';
import { PasswordStore } from './passwords';
import type { Reply, RequestContext } from './request';
import { jsonReply, mergeArgs, parseRestPath } from './request';
import { SplunkdHttpError, messagesJson, messagesXml } from './responses';
import type { AppReload, AppSpec, InstanceType } from './system';
import { SystemEndpoints } from './system';
import type { CertificateMode } from './tls';
import { makeTlsMaterial } from './tls';

export interface SplunkdOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** `localhost` (default): cert valid for localhost/127.0.0.1. `splunk-default`: SplunkServerDefaultCert. */
  readonly certificate?: CertificateMode;
  /** Users besides splunk-system-user; default one `admin` (password `changeme-standin`). */
  readonly users?: readonly UserSpec[];
  /** Installed apps; default search and TA-1password-events. */
  readonly apps?: readonly AppSpec[];
  /** Shipped default/*.conf content per app (inputs, app, macros, collections, custom confs…). */
  readonly confs?: ConfSeed;
  /** Declared KV collections; names alone mean app TA-1password-events. Default: none. */
  readonly collections?: readonly (CollectionSpec | string)[];
  readonly kvStore?: KvStoreOption;
  readonly kvLimits?: Partial<KvLimits>;
  /** Existing indexes; default main, _internal, _audit. */
  readonly indexes?: readonly string[];
  readonly version?: string;
  readonly build?: string;
  readonly serverName?: string;
  readonly serverHost?: string;
  readonly instanceType?: InstanceType;
  readonly serverRoles?: readonly string[];
  /** Modular input scheme served under data/inputs; default onepassword_events. */
  readonly scheme?: string;
  /** External validation run on data/inputs create/edit; none means every change is accepted. */
  readonly validateWith?: ValidatorCommand;
  /** checkpoint_dir sent to the script; default <tmp>/modinputs/<scheme>. */
  readonly checkpointDir?: string;
  /**
   * Further modular input kinds, as splunkd serves every scheme its apps register: each under its
   * own data/inputs/<scheme>, over its own `<scheme>://` stanzas, validated by its own script.
   */
  readonly moreSchemes?: readonly SchemeSpec[];
}

export interface SchemeSpec {
  readonly scheme: string;
  /** This kind's external validation; none means every change is accepted. */
  readonly validateWith?: ValidatorCommand | undefined;
  /** Default: `<scheme>` beside the first scheme's checkpoint_dir, as splunkd's modinputs/<scheme>. */
  readonly checkpointDir?: string;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly user: string | undefined;
  readonly at: Date;
}

export interface Splunkd {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  /** The CA certificate on disk (the stand-in's `$SPLUNK_HOME/etc/auth/cacert.pem`). */
  readonly caPath: string;
  /** A session key of `admin` made at start. */
  readonly adminSessionKey: string;
  /** A session key of splunk-system-user, like the one splunkd passes a modular input. */
  readonly systemSessionKey: string;
  /** Creates `<dir>/etc/auth/cacert.pem` (the CA), `<dir>/etc/apps/` and the modinputs dir. */
  writeSplunkHome(dir: string): Promise<void>;
  createSessionKey(user: string, ttlMs?: number): string;
  expireSessionKey(key: string): void;
  addUser(spec: UserSpec): void;
  /** Where secrets are stored; never their values. */
  secrets(): SecretRecord[];
  /** passwords.conf as splunkd would write it (`$7$` values only). */
  passwordsConfText(app?: string): string;
  /** local/<file>.conf text written by REST calls, for canary scans. */
  confText(file: string, app?: string): string;
  readonly kv: {
    setState(state: KvStoreOption): void;
    state(): KvState;
    declare(spec: CollectionSpec): void;
    documents(collection: string, app?: string): Doc[];
    /** Requests under storage/collections, with their answer. */
    calls(): RequestRecord[];
  };
  readonly faults: { inject(spec: FaultSpec): FaultHandle; clear(): void };
  requests(): RequestRecord[];
  /** Stanzas of every scheme served, as stored (each with its kind's defaults merged). */
  inputs(): InputRecord[];
  /** The run-mode `<input>` document splunkd would send for one stored stanza of the first scheme. */
  inputDefinitionXml(name: string, options?: XmlBuildOptions): string;
  validations(): ValidationRun[];
  appReloads(): AppReload[];
  confReloads(): ConfReload[];
  isAppConfigured(app: string): boolean;
  stop(): Promise<void>;
}

const maxBodyBytes = 60 * 1024 * 1024;

export async function startSplunkd(options: SplunkdOptions = {}): Promise<Splunkd> {
  const tls = await makeTlsMaterial(options.certificate ?? 'localhost');
  const identity = { version: options.version ?? '9.4.2', build: options.build ?? 'e9664af3d956' };
  const scheme = options.scheme ?? 'onepassword_events';
  const auth = new AuthRegistry([
    ...(options.users ?? defaultUsers.filter((u) => u.name !== systemUserName)),
    ...defaultUsers.filter((u) => u.name === systemUserName),
  ]);
  const store = new ConfStore(options.confs ?? {});
  const confs = new ConfEndpoints(store, identity);
  const passwords = new PasswordStore(identity);
  const kv = new KvStore(options.kvStore ?? 'ready', options.collections ?? [], identity, {
    ...defaultKvLimits,
    ...(options.kvLimits ?? {}),
  });
  const system = new SystemEndpoints(
    options.apps ?? [
      { name: 'search', label: 'Search & Reporting' },
      { name: 'TA-1password-events' },
    ],
    options.indexes ?? ['main', '_internal', '_audit'],
    store,
    {
      ...identity,
      serverName: options.serverName ?? 'splunkd-standin',
      instanceType: options.instanceType ?? 'enterprise',
      serverRoles: options.serverRoles ?? ['indexer', 'kv_store', 'search_head'],
    },
    () => kv.currentState(),
  );
  const faults = new FaultInjector();
  const log: RequestRecord[] = [];
  const checkpointDir = options.checkpointDir ?? path.join(tmpdir(), 'modinputs', scheme);
  let url = '';
  const validations: ValidationRun[] = [];
  const kind = (spec: SchemeSpec): ModularInputs => {
    const context: ValidationContext = {
      serverHost: options.serverHost ?? 'splunkd-standin',
      get serverUri() {
        return url;
      },
      checkpointDir: spec.checkpointDir ?? path.join(path.dirname(checkpointDir), spec.scheme),
      systemSessionKey: () => auth.createSessionKey(systemUserName),
    };
    return new ModularInputs(
      spec.scheme,
      store,
      confs,
      identity,
      spec.validateWith,
      context,
      validations,
    );
  };
  const inputs = kind({ scheme, validateWith: options.validateWith, checkpointDir });
  const kinds = new Map([[scheme, inputs]]);
  for (const spec of options.moreSchemes ?? []) kinds.set(spec.scheme, kind(spec));

  const route = async (ctx: RequestContext): Promise<Reply> => {
    const [first, second, third, ...rest] = ctx.segments;
    const after = (n: number): string[] => ctx.segments.slice(n);
    if (first === 'storage' && second === 'passwords') return passwords.handle(ctx, after(2));
    if (first === 'storage' && second === 'collections') return kv.handle(ctx, after(2));
    if (first === 'kvstore' && second === 'status' && third === undefined) return kv.status(ctx);
    if (first === 'configs' && second?.startsWith('conf-')) {
      return confs.handleConfigs(ctx, second.slice(5), ['configs', second], after(2));
    }
    if (first === 'properties') return confs.handleProperties(ctx, after(1));
    if (first === 'admin' && second === 'macros')
      return confs.handleConfigs(ctx, 'macros', ['admin', 'macros'], after(2));
    const inputKind = first === 'data' && second === 'inputs' ? kinds.get(third ?? '') : undefined;
    if (inputKind !== undefined) return inputKind.handle(ctx, rest);
    if (first === 'data' && second === 'indexes') return system.handleIndexes(ctx, after(2));
    if (first === 'apps' && second === 'local') return system.handleApps(ctx, after(2));
    if (first === 'server' && second === 'info' && third === undefined)
      return system.handleServerInfo(ctx);
    if (first === 'authentication' && second === 'current-context' && third === undefined) {
      return system.handleCurrentContext(ctx);
    }
    throw new SplunkdHttpError(404, 'Not Found');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const requestUrl = new URL(req.url ?? '/', url);
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    const args = mergeArgs(requestUrl.searchParams, body, contentType);
    const wantsJson =
      args.get('output_mode') === 'json' ||
      requestUrl.pathname.includes('/storage/collections/data/');
    let user: User | undefined;
    const send = (reply: Reply): void => {
      log.push({
        method,
        path: requestUrl.pathname,
        query: requestUrl.search,
        status: reply.status,
        user: user?.name,
        at: new Date(),
      });
      res.writeHead(reply.status, { 'Content-Type': reply.contentType, Server: 'Splunkd' });
      res.end(reply.body);
    };
    const sendError = (status: number, type: SplunkdHttpError['type'], text: string): void =>
      send(
        wantsJson
          ? {
              status,
              body: messagesJson(type, text),
              contentType: 'application/json; charset=UTF-8',
            }
          : { status, body: messagesXml(type, text), contentType: 'text/xml; charset=UTF-8' },
      );

    const fault = faults.take(method, requestUrl.pathname);
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.resetConnection) {
        log.push({
          method,
          path: requestUrl.pathname,
          query: requestUrl.search,
          status: 0,
          user: undefined,
          at: new Date(),
        });
        req.socket.destroy();
        return;
      }
      if (fault.status !== undefined) {
        if (fault.body === undefined)
          return sendError(fault.status, 'ERROR', `Injected failure (HTTP ${fault.status})`);
        const text = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
        return send({
          status: fault.status,
          body: text,
          contentType: 'application/json; charset=UTF-8',
        });
      }
    }

    try {
      if (requestUrl.pathname === '/services/auth/login') {
        if (method !== 'POST') throw new SplunkdHttpError(405, `Method ${method} not allowed`);
        const key = auth.login(
          args.get('username') ?? undefined,
          args.get('password') ?? undefined,
        );
        user = auth.user(args.get('username') ?? '');
        return send(
          wantsJson
            ? jsonReply(200, { sessionKey: key, message: '', code: '' })
            : {
                status: 200,
                body: `<response>\n  <sessionKey>${key}</sessionKey>\n</response>\n`,
                contentType: 'text/xml; charset=UTF-8',
              },
        );
      }
      const parsed = parseRestPath(requestUrl.pathname);
      if (!parsed) throw new SplunkdHttpError(404, 'Not Found');
      user = auth.authenticate(req.headers.authorization);
      const app = parsed.ns.app;
      if (app !== undefined && app !== '-' && !system.hasApp(app)) {
        throw new SplunkdHttpError(404, `Application does not exist: ${app}`);
      }
      const ctx: RequestContext = {
        method,
        pathname: requestUrl.pathname,
        ns: parsed.ns,
        segments: parsed.segments,
        query: requestUrl.searchParams,
        args,
        body,
        contentType,
        user,
        json: wantsJson,
        origin: url,
      };
      return send(await route(ctx));
    } catch (err) {
      if (err instanceof SplunkdHttpError) return sendError(err.status, err.type, err.text);
      const text = err instanceof Error ? err.message : String(err);
      return sendError(500, 'ERROR', `Internal stand-in error: ${text}`);
    }
  };

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) {
        res.writeHead(413, { 'Content-Type': 'application/json; charset=UTF-8' });
        res.end(messagesJson('ERROR', 'Request entity too large'));
        return;
      }
      void handle(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  const adminSessionKey = auth.hasUser('admin') ? auth.createSessionKey('admin') : '';
  const systemSessionKey = auth.createSessionKey(systemUserName);

  return {
    url,
    port,
    caPem: tls.caPem,
    caPath: tls.caPath,
    adminSessionKey,
    systemSessionKey,
    async writeSplunkHome(dir) {
      await mkdir(path.join(dir, 'etc', 'auth'), { recursive: true });
      await mkdir(path.join(dir, 'etc', 'apps'), { recursive: true });
      await mkdir(path.join(dir, 'var', 'lib', 'splunk', 'modinputs'), { recursive: true });
      await writeFile(path.join(dir, 'etc', 'auth', 'cacert.pem'), tls.caPem);
    },
    createSessionKey: (user, ttlMs) => auth.createSessionKey(user, ttlMs),
    expireSessionKey: (key) => auth.expireSessionKey(key),
    addUser: (spec) => {
      auth.addUser(spec);
    },
    secrets: () => passwords.secrets(),
    passwordsConfText: (app) => passwords.confText(app),
    confText: (file, app) => store.localText(file, app),
    kv: {
      setState: (state) => kv.setState(state),
      state: () => kv.currentState(),
      declare: (spec) => kv.declare(spec),
      documents: (collection, app) => kv.documents(collection, app),
      calls: () => log.filter((r) => r.path.includes('/storage/collections/')),
    },
    faults: { inject: (spec) => faults.inject(spec), clear: () => faults.clear() },
    requests: () => [...log],
    inputs: () => [...kinds.values()].flatMap((k) => k.records()),
    inputDefinitionXml(name, xmlOptions) {
      const record = inputs.records().find((r) => r.name === name);
      if (!record) throw new Error(`no ${scheme} input named ${name}`);
      return buildInputDefinitionXml(
        {
          serverHost: options.serverHost ?? 'splunkd-standin',
          serverUri: url,
          sessionKey: auth.createSessionKey(systemUserName),
          checkpointDir,
          stanzas: [{ name: `${scheme}://${name}`, app: record.app, params: record.params }],
        },
        xmlOptions,
      );
    },
    validations: () => [...validations],
    appReloads: () => [...system.appReloads],
    confReloads: () => [...confs.reloads],
    isAppConfigured: (app) => system.isConfigured(app),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(tls.dir, { recursive: true, force: true });
    },
  };
}
