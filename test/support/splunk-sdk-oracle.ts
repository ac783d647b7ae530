/**
 * The one adapter through which this project touches the npm `splunk-sdk` (2.0.2, devDependency).
 *
 * Why it exists: splunk-sdk was written and tested against real splunkd, so it is an independent
 * client that can tell us whether the splunkd stand-in answers the way splunkd does (a conformance
 * oracle). It is never runtime code: it has no modular-input or KV-store support, pulls in
 * needle/iconv-lite, and runs `require("dotenv").config()` when its index.js is imported, which reads a
 * `.env` from the working directory into process.env.
 *
 * How it is loaded safely: we require only `lib/service` and `lib/platform/node/node_http` (never
 * index.js, so dotenv never runs and the working directory does not matter), and we snapshot
 * process.env around the require and restore it afterwards in case any module touches it.
 *
 * TLS: the SDK's NodeHttp hard-codes `rejectUnauthorized: false`, and there is no option to turn
 * verification back on. Use this oracle only for loopback traffic to the stand-in in tests; our own
 * clients always verify (against the stand-in's CA).
 */
import { createRequire } from 'node:module';

export interface SdkNamespace {
  readonly owner: string;
  readonly app: string;
  readonly sharing?: 'user' | 'app' | 'global' | 'system';
}

/** The slice of splunk-sdk's untyped Entity this project reads. */
export interface SdkEntity {
  readonly name: string;
  properties(): Record<string, unknown>;
  acl(): Record<string, unknown>;
  update(props: Record<string, string>): Promise<SdkEntity>;
  remove(): Promise<unknown>;
  fetch(): Promise<SdkEntity>;
}

export interface SdkCollection {
  fetch(options?: Record<string, unknown>): Promise<SdkCollection>;
  list(): SdkEntity[];
  item(name: string, namespace?: SdkNamespace): SdkEntity | null;
  create(params: Record<string, string>): Promise<SdkEntity>;
  del(name: string): Promise<unknown>;
}

export interface SdkConfigurationFile {
  fetch(options?: Record<string, unknown>): Promise<SdkConfigurationFile>;
  list(): SdkEntity[];
  item(name: string): SdkEntity | null;
  create(stanza: string, values: Record<string, string>): Promise<SdkEntity>;
}

export interface SdkConfigurations {
  fetch(options?: Record<string, unknown>): Promise<SdkConfigurations>;
  list(): SdkEntity[];
  createAsync(file: string, stanza: string, values: Record<string, string>): Promise<SdkEntity>;
  getConfFile(file: string): Promise<SdkConfigurationFile | null>;
}

export interface SdkService {
  storagePasswords(namespace?: SdkNamespace): SdkCollection;
  configurations(namespace: SdkNamespace): SdkConfigurations;
}

/** What splunk-sdk rejects with on an HTTP error (its `_buildResponse` result). */
export interface SdkErrorResponse {
  readonly status: number;
  readonly data: unknown;
}

interface SdkServiceConstructor {
  new (
    http: unknown,
    params: {
      scheme: string;
      host: string;
      port: number;
      sessionKey: string;
      owner: string;
      app: string;
      authorization: string;
      autologin: boolean;
    },
  ): SdkService;
}

let loaded: { Service: SdkServiceConstructor; NodeHttp: new () => unknown } | undefined;

function loadSdk(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const savedEnv = { ...process.env };
  try {
    const load = createRequire(__filename);
    const Service = load('splunk-sdk/lib/service') as SdkServiceConstructor;
    const { NodeHttp } = load('splunk-sdk/lib/platform/node/node_http') as {
      NodeHttp: new () => unknown;
    };
    loaded = { Service, NodeHttp };
    return loaded;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

export interface OracleOptions {
  /** `https://127.0.0.1:<port>` of the stand-in. */
  readonly url: string;
  readonly sessionKey: string;
  readonly owner: string;
  readonly app: string;
}

/** A splunk-sdk Service bound to the stand-in with an existing session key (no login). */
export function createSdkOracle(options: OracleOptions): SdkService {
  const target = new URL(options.url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
    throw new Error(
      'the splunk-sdk oracle does not verify TLS, so it only talks to loopback addresses',
    );
  }
  const { Service, NodeHttp } = loadSdk();
  return new Service(new NodeHttp(), {
    scheme: target.protocol.replace(':', ''),
    host: target.hostname,
    port: Number(target.port),
    sessionKey: options.sessionKey,
    owner: options.owner,
    app: options.app,
    authorization: 'Splunk',
    autologin: false,
  });
}
