/**
 * Shared helpers of the reliability tests: isolated accounts on one testbed, a ledger of what
 * splunkd received per account, and a way to run the packaged input with a live handle on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect } from 'node:net';
import { appId, secretRealm } from '../../../src/core/app-identity';
import { feedIds, type FeedId } from '../../../src/core/feeds';
import type { FeedCounts } from '../../support/events-api-sim';
import {
  finishRun,
  StreamReader,
  type RunResult,
  type StreamedEvent,
  type Testbed,
} from '../../support/harness';
import { credentialName } from '../../support/splunkd-standin';

export const ns = `/servicesNS/nobody/${appId}`;

/** Every Splunk account gets its own simulator account, so tests never share events. */
export class Ledger {
  private readonly simAccounts = new Map<string, string>();
  private readonly received = new Map<string, string[]>();

  constructor(private readonly bed: Testbed) {}

  /** Creates a simulator account with `counts` and a Splunk account bound to it; returns the token. */
  async account(
    name: string,
    counts: FeedCounts,
    spec: {
      conf?: Record<string, string>;
      endpoint?: string | null;
      network?: { proxy_url?: string; ca_bundle_path?: string };
    } = {},
  ): Promise<string> {
    const accountUuid = this.bed.sim.addAccount({ counts });
    this.simAccounts.set(name, accountUuid);
    return this.bed.addAccount({
      name,
      token: this.bed.sim.issueToken({ accountUuid }),
      ...(spec.conf ? { conf: spec.conf } : {}),
      ...(spec.network ? { network: spec.network } : {}),
      ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
    });
  }

  simAccount(name: string): string {
    const uuid = this.simAccounts.get(name);
    if (!uuid) throw new Error(`no ledger account ${name}`);
    return uuid;
  }

  addEvents(name: string, feed: FeedId, n: number): void {
    this.bed.sim.addEvents(feed, n, { accountUuid: this.simAccount(name) });
  }

  /** Records what a run delivered for `name`. */
  record(name: string, events: readonly StreamedEvent[]): string[] {
    const uuids = events.map((e) => (JSON.parse(e.data) as { uuid: string }).uuid);
    const list = this.received.get(name) ?? [];
    list.push(...uuids);
    this.received.set(name, list);
    return uuids;
  }

  expected(name: string, feeds: readonly FeedId[] = feedIds): string[] {
    return feeds.flatMap((f) =>
      this.bed.sim.allItems(f, { accountUuid: this.simAccount(name) }).map((i) => i.uuid),
    );
  }

  /** lost/duplicated/unexpected counts of everything received for `name` so far. */
  tally(name: string, feeds: readonly FeedId[] = feedIds) {
    const got = this.received.get(name) ?? [];
    const want = new Set(this.expected(name, feeds));
    const seen = new Set(got);
    return {
      received: got.length,
      lost: [...want].filter((u) => !seen.has(u)).length,
      duplicated: got.length - seen.size,
      unexpected: [...seen].filter((u) => !want.has(u)).length,
    };
  }
}

/** The storage/passwords entity path of one of the app's secrets (`account:<name>`, `proxy:<name>`). */
export function secretPath(username: string): string {
  return `${ns}/storage/passwords/${encodeURIComponent(credentialName(secretRealm, username))}`;
}

/** Replaces the stored text of account `name`'s secret, as an admin could. */
export async function saveRawSecret(bed: Testbed, name: string, text: string): Promise<void> {
  const r = await bed.rest('POST', secretPath(`account:${name}`), { password: text });
  if (r.status !== 200) throw new Error(`updating the secret failed: ${r.status} ${r.body}`);
}

/** Stores a new secret for account `name` as an admin would on the setup page. */
export function saveAccountSecret(
  bed: Testbed,
  name: string,
  secret: { token: string; endpoint?: string },
): Promise<void> {
  return saveRawSecret(bed, name, JSON.stringify(secret));
}

/** Creates or replaces one of the app's secrets by username, as an admin could. */
export async function writeSecret(bed: Testbed, username: string, text: string): Promise<void> {
  const edit = await bed.rest('POST', secretPath(username), { password: text });
  if (edit.status === 200) return;
  const made = await bed.rest('POST', `${ns}/storage/passwords`, {
    name: username,
    password: text,
    realm: secretRealm,
  });
  if (made.status !== 201)
    throw new Error(`storing ${username} failed: ${made.status} ${made.body}`);
}

/** Removes one of the app's secrets; absent is fine. */
export async function deleteSecret(bed: Testbed, username: string): Promise<void> {
  const r = await bed.rest('DELETE', secretPath(username));
  if (r.status !== 200 && r.status !== 404)
    throw new Error(`deleting ${username} failed: ${r.status} ${r.body}`);
}

/** Stores the proxy and CA settings of `scope` (an account or `_global`) as the setup page does. */
export function saveNetwork(
  bed: Testbed,
  scope: string,
  settings: { proxy_url?: string; ca_bundle_path?: string },
): Promise<void> {
  return writeSecret(bed, `network:${scope}`, JSON.stringify(settings));
}

/** Writes (creating if needed) one stanza of one of the app's confs as admin. */
export async function writeConf(
  bed: Testbed,
  conf: string,
  stanza: string,
  values: Record<string, string>,
): Promise<void> {
  const base = `${ns}/configs/conf-${conf}`;
  const edit = await bed.rest('POST', `${base}/${encodeURIComponent(stanza)}`, values);
  if (edit.status === 200) return;
  const made = await bed.rest('POST', base, { name: stanza, ...values });
  if (made.status !== 201 && made.status !== 200)
    throw new Error(`writing ${conf}.conf [${stanza}] failed: ${made.status} ${made.body}`);
}

/** The packaged input running, with its process in hand (for signals, /proc, closing stdout). */
export interface LiveRun {
  readonly child: ChildProcess;
  readonly reader: StreamReader;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is read. */
  readonly done: Promise<RunResult>;
}

export function startLive(bed: Testbed, stdin: string): LiveRun {
  const child = spawn(bed.launcher, [], {
    env: bed.env,
    cwd: bed.splunkHome,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reader = new StreamReader();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    reader.write(chunk);
  });
  child.stdout.on('error', () => undefined);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(finishRun(exitCode, signal, reader, stdout, stderr));
    });
  });
  return { child, reader, stdout: () => stdout, stderr: () => stderr, done };
}

/** Polls `condition` every 5 ms (up to `timeoutMs`). */
export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `action` once `condition` holds while `run` is in flight (e.g. a fault mid-run). */
export async function during<T>(
  run: Promise<T>,
  condition: () => boolean,
  action: () => void,
): Promise<T> {
  let fired = false;
  const poll = setInterval(() => {
    if (!fired && condition()) {
      fired = true;
      action();
    }
  }, 5);
  let result: T;
  try {
    result = await run;
  } finally {
    clearInterval(poll);
  }
  if (!fired) throw new Error('the mid-run condition never held: the run ended first');
  return result;
}

/** The `INFO run summary` line of a run, parsed into its fields. */
export function summaryOf(result: RunResult): Record<string, string> | undefined {
  const line = result.byLevel.INFO.find((l) => l.startsWith('INFO run summary '));
  if (!line) return undefined;
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/ ([a-z_]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const value = m[2] ?? '';
    fields[m[1] ?? ''] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return fields;
}

/** Every stderr line is level-prefixed and none carries a stack trace. */
export function expectCleanStderr(result: RunResult): void {
  if (result.unprefixed.length > 0) throw new Error(`unprefixed stderr: ${result.unprefixed[0]}`);
  if (/\n\s+at /.test(result.stderr)) throw new Error('a stack trace reached stderr');
}

/** A plain HTTP CONNECT proxy on 127.0.0.1 that records what it is asked and everything it relays. */
export interface ConnectProxy {
  readonly url: string;
  /** `host:port` of every CONNECT, in order. */
  readonly connects: string[];
  /** Request heads (request line and headers) it received. */
  readonly heads: string[];
  /** Every byte relayed in either direction, as latin1 text (for canary scans). */
  relayed(): string;
  stop(): Promise<void>;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const connects: string[] = [];
  const heads: string[] = [];
  const chunks: Buffer[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = createHttpServer((req, res) => {
    heads.push(`${req.method ?? ''} ${req.url ?? ''} ${JSON.stringify(req.headers)}`);
    res.writeHead(405).end();
  });
  server.on('connect', (req: IncomingMessage, client: import('node:net').Socket, head: Buffer) => {
    heads.push(`CONNECT ${req.url ?? ''} ${JSON.stringify(req.headers)}`);
    connects.push(req.url ?? '');
    sockets.add(client);
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = netConnect(Number(port), host === 'localhost' ? '127.0.0.1' : (host ?? ''));
    sockets.add(upstream);
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
      upstream.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    heads,
    relayed: () => Buffer.concat(chunks).toString('latin1'),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Fails if `text` contains `secret`, without printing either (jest's toContain would print the
 * secret in its failure message).
 */
export function expectAbsent(secret: string, text: string, where: string): void {
  if (secret.length > 0 && text.includes(secret)) throw new Error(`a secret appears in ${where}`);
}
