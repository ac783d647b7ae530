/**
 * The network side: a plain TCP listener that hands each connection to an HTTPS server (so faults
 * can act before TLS and reset raw TCP), latency, fault application, response writing and the
 * request log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { handleApiRequest, type ApiState, type PageResult } from './api-handler';
import type { ApiVersion } from './event-factory';
import type { FaultContext, FaultController, RequestFault, ResponseFault } from './faults';
import type { RequestLog, RequestRecord } from './request-log';
import {
  bytesOf,
  errorJson,
  statusText,
  htmlBody,
  jsonContentType,
  jsonError,
  methodNotAllowed,
  pageBody,
  plainNotFound,
  htmlPage,
  plainTextBody,
  reasonHeader,
  type SimResponse,
} from './responses';
import { allowedMethodOf, routeOf } from './routes';

const maxBodyBytes = 1024 * 1024;
/** Pause between the partial body and the reset, so the client has read what was sent. */
const resetDelayMs = 20;

export interface MutableStats {
  requests: number;
  connections: number;
  byStatus: Record<number, number>;
  rateLimited: number;
  pagesServed: number;
  itemsServed: number;
}

export interface ServerDeps {
  readonly api: ApiState;
  readonly faults: FaultController;
  readonly log: RequestLog;
  readonly stats: MutableStats;
  /** Milliseconds to hold the next response (0: none). */
  readonly latencyMs: () => number;
}

type RecordBase = Omit<
  RequestRecord,
  'status' | 'reason' | 'fault' | 'itemCount' | 'hasMore' | 'tokenHash' | 'accountUuid'
>;

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] =
      name === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a body carries a cursor; undefined when it is not a JSON object. */
function carriesCursor(body: unknown): boolean | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const cursor = (body as Record<string, unknown>)['cursor'];
  return cursor !== undefined && cursor !== null;
}

function cutAt(length: number, afterBytes: number | undefined): number {
  const wanted = afterBytes ?? Math.floor(length / 2);
  return Math.max(0, Math.min(length - 1, wanted));
}

export class SimulatorServer {
  private readonly front: net.Server;
  private readonly tlsServer: https.Server;
  private readonly rawByPort = new Map<number, net.Socket>();
  private readonly connectionIdByPort = new Map<number, number>();
  private readonly rawSockets = new Set<net.Socket>();
  private readonly tlsSockets = new Set<TLSSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    tls: { readonly key: string; readonly cert: string },
    private readonly deps: ServerDeps,
  ) {
    this.tlsServer = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) =>
      this.onRequest(req, res),
    );
    this.tlsServer.on('secureConnection', (socket: TLSSocket) => {
      this.tlsSockets.add(socket);
      socket.on('close', () => this.tlsSockets.delete(socket));
    });
    this.front = net.createServer((socket) => this.onConnection(socket));
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, '127.0.0.1', () => {
        this.front.off('error', reject);
        const address = this.front.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.front.close(() => resolve()));
    for (const socket of this.tlsSockets) socket.destroy();
    for (const socket of this.rawSockets) socket.destroy();
    this.tlsServer.close(() => undefined);
    await closed;
  }

  private onConnection(socket: net.Socket): void {
    const { stats, faults } = this.deps;
    stats.connections += 1;
    const id = stats.connections;
    const port = socket.remotePort ?? 0;
    this.rawSockets.add(socket);
    this.rawByPort.set(port, socket);
    this.connectionIdByPort.set(port, id);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.rawSockets.delete(socket);
      if (this.rawByPort.get(port) === socket) {
        this.rawByPort.delete(port);
        this.connectionIdByPort.delete(port);
      }
    });
    const fault = faults.takeConnectionFault();
    if (fault?.kind === 'reset-on-connect') {
      socket.resetAndDestroy();
      return;
    }
    // hang-tls-handshake: keep the socket, never read the ClientHello.
    if (fault?.kind === 'hang-tls-handshake') return;
    this.tlsServer.emit('connection', socket);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      const tooLarge = size > maxBodyBytes;
      this.respond(req, res, Buffer.concat(chunks).toString('utf8'), tooLarge).catch(
        (error: unknown) => {
          // A bug in the simulator must show up in the test, not pass for a network fault.
          if (res.headersSent) {
            res.destroy();
            return;
          }
          const message = error instanceof Error ? error.message : String(error);
          res.writeHead(500, {
            'content-type': 'text/plain; charset=utf-8',
            [reasonHeader]: 'simulator_bug',
          });
          res.end(`simulator bug: ${message}\n`);
        },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async respond(
    req: IncomingMessage,
    res: ServerResponse,
    bodyText: string,
    tooLarge: boolean,
  ): Promise<void> {
    const { api, faults, stats } = this.deps;
    stats.requests += 1;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const route = routeOf(path);
    const body = parseJson(bodyText);
    const feed = route.kind === 'feed' ? route.feed : undefined;
    const version: ApiVersion | undefined = route.kind === 'unknown' ? undefined : route.version;
    const base: RecordBase = {
      seq: stats.requests,
      at: api.now(),
      connection: this.connectionIdByPort.get(req.socket.remotePort ?? 0) ?? 0,
      method,
      path,
      feed,
      version,
      headers: flattenHeaders(req),
      bodyText,
      body,
      hasAuthorization: req.headers.authorization !== undefined,
    };
    const ctx: FaultContext = {
      method,
      path,
      feed,
      version,
      withCursor: route.kind === 'feed' ? carriesCursor(body) : undefined,
    };
    const wait = this.deps.latencyMs();
    if (wait > 0) await this.sleep(wait);
    if (this.stopped) return;

    const requestFault = faults.takeRequestFault(ctx);
    if (requestFault !== undefined) {
      this.applyRequestFault(requestFault, req, res, base);
      return;
    }
    const allowed = allowedMethodOf(route);
    if (route.kind === 'unknown' || allowed === undefined) {
      this.send(res, plainNotFound('unknown_path'), this.finish(base, {}));
      return;
    }
    if (method !== allowed) {
      this.send(res, methodNotAllowed(allowed), this.finish(base, {}));
      return;
    }
    if (tooLarge) {
      this.send(res, jsonError(api.nextErrorShape(), 400, 'body_too_large'), this.finish(base, {}));
      return;
    }
    const result = handleApiRequest(api, route, req.headers.authorization, bodyText);
    const who = { tokenHash: result.tokenHash, accountUuid: result.token?.accountUuid };
    if (result.page !== undefined) {
      const page = result.page;
      const responseFault = faults.takeResponseFault(ctx, true);
      const normal: SimResponse = {
        status: 200,
        headers: { 'content-type': jsonContentType },
        body: pageBody(page.joinedItems, page.cursor, page.hasMore),
      };
      if (responseFault !== undefined) {
        this.applyResponseFault(responseFault, req, res, normal, page, base, who);
        return;
      }
      const record = this.finish(base, {
        ...who,
        itemCount: page.indices.length,
        hasMore: page.hasMore,
      });
      this.send(res, normal, record, () => {
        page.store.markServed(page.indices, page.version);
        stats.pagesServed += 1;
        stats.itemsServed += page.indices.length;
      });
      return;
    }
    const response = result.response;
    if (response === undefined) return;
    const responseFault =
      response.status === 200 ? faults.takeResponseFault(ctx, false) : undefined;
    if (responseFault !== undefined) {
      this.applyResponseFault(responseFault, req, res, response, undefined, base, who);
      return;
    }
    this.send(res, response, this.finish(base, who));
  }

  /** Completes a log record; status and reason are filled in by send(). */
  private finish(base: RecordBase, extra: Partial<RequestRecord>): RequestRecord {
    return {
      ...base,
      tokenHash: undefined,
      accountUuid: undefined,
      status: undefined,
      reason: undefined,
      fault: undefined,
      itemCount: undefined,
      hasMore: undefined,
      ...extra,
    };
  }

  private countStatus(status: number): void {
    const { byStatus } = this.deps.stats;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  private send(
    res: ServerResponse,
    response: SimResponse,
    record: RequestRecord,
    onFinish?: () => void,
  ): void {
    const payload =
      typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
    this.sendBytes(res, response, payload, record, onFinish);
  }

  /** Writes `payload` as the body (the headers and status come from `response`). */
  private sendBytes(
    res: ServerResponse,
    response: SimResponse,
    payload: Buffer,
    record: RequestRecord,
    onFinish?: () => void,
  ): void {
    this.countStatus(response.status);
    this.deps.log.add({
      ...record,
      status: response.status,
      reason: response.headers[reasonHeader] ?? record.reason,
    });
    if (onFinish !== undefined) res.on('finish', onFinish);
    res.writeHead(response.status, { ...response.headers, 'content-length': payload.length });
    res.end(payload);
  }

  private rawSocketOf(req: IncomingMessage): net.Socket | undefined {
    return this.rawByPort.get(req.socket.remotePort ?? 0);
  }

  private resetConnection(req: IncomingMessage): void {
    const raw = this.rawSocketOf(req);
    if (raw !== undefined && !raw.destroyed) raw.resetAndDestroy();
    else req.socket.destroy();
  }

  private applyRequestFault(
    fault: RequestFault,
    req: IncomingMessage,
    res: ServerResponse,
    base: RecordBase,
  ): void {
    const { api } = this.deps;
    const record = this.finish(base, { fault: fault.kind });
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = { [reasonHeader]: 'fault' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        const bodyKind = fault.body ?? 'json';
        let body = '';
        if (bodyKind === 'json') {
          body = errorJson(
            fault.errorShape ?? api.nextErrorShape(),
            fault.status,
            statusText(fault.status),
          );
          headers['content-type'] = jsonContentType;
        } else if (bodyKind === 'text') {
          body = plainTextBody(fault.status);
          headers['content-type'] = 'text/plain; charset=utf-8';
        } else if (bodyKind === 'html') {
          body = htmlBody(fault.status);
          headers['content-type'] = 'text/html';
        } else if (bodyKind === 'echo-json' || bodyKind === 'echo-text') {
          const echo = `${statusText(fault.status)}; request headers: authorization=${req.headers.authorization ?? ''}`;
          body = bodyKind === 'echo-json' ? JSON.stringify({ Error: { Message: echo } }) : echo;
          headers['content-type'] =
            bodyKind === 'echo-json' ? jsonContentType : 'text/plain; charset=utf-8';
        }
        this.send(res, { status: fault.status, headers, body }, record);
        return;
      }
      case 'reset-before-response':
        this.deps.log.add(record);
        this.resetConnection(req);
        return;
      case 'hang-before-response':
        this.deps.log.add(record);
        return;
      case 'not-found-text':
        this.send(res, plainNotFound('fault'), record);
        return;
      case 'stale-cursor':
        this.send(
          res,
          jsonError(fault.errorShape ?? api.nextErrorShape(), 400, 'cursor_stale'),
          record,
        );
        return;
      case 'revoke-token': {
        const match = /^Bearer +(.*)$/i.exec(req.headers.authorization ?? '');
        if (match !== null) api.tokens.revoke((match[1] ?? '').trim());
        this.send(
          res,
          jsonError(fault.errorShape ?? api.nextErrorShape(), 401, 'revoked_token'),
          record,
        );
        return;
      }
    }
  }

  private applyResponseFault(
    fault: ResponseFault,
    req: IncomingMessage,
    res: ServerResponse,
    normal: SimResponse,
    page: PageResult | undefined,
    base: RecordBase,
    who: Partial<RequestRecord>,
  ): void {
    const record = this.finish(base, {
      ...who,
      fault: fault.kind,
      itemCount: page?.indices.length,
      hasMore: page?.hasMore,
    });
    const payload =
      typeof normal.body === 'string' ? Buffer.from(normal.body, 'utf8') : normal.body;
    switch (fault.kind) {
      case 'reset-mid-body':
      case 'hang-mid-body': {
        this.countStatus(200);
        this.deps.log.add({ ...record, status: 200 });
        res.writeHead(200, { ...normal.headers, 'content-length': payload.length });
        res.write(payload.subarray(0, cutAt(payload.length, fault.afterBytes)), () => {
          if (fault.kind === 'hang-mid-body' || this.stopped) return;
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.resetConnection(req);
          }, resetDelayMs);
          this.timers.add(timer);
        });
        return;
      }
      case 'truncated-body':
        this.sendBytes(
          res,
          normal,
          payload.subarray(0, cutAt(payload.length, fault.afterBytes)),
          record,
        );
        return;
      case 'invalid-json':
        this.send(
          res,
          { ...normal, body: fault.body ?? '{"items":[{"uuid":"7Q2Z"]},"cursor":,"has_more":tru' },
          record,
        );
        return;
      case 'wrong-content-type':
        this.send(
          res,
          {
            status: 200,
            headers: { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' },
            body: fault.body === 'html' ? htmlPage('Sign in') : normal.body,
          },
          record,
        );
        return;
      case 'missing-cursor':
      case 'stuck-cursor':
      case 'items-not-array':
      case 'has-more-not-boolean': {
        if (page === undefined) return;
        const items = ['[', page.joinedItems, ']'];
        const cursor = JSON.stringify(page.cursor);
        const bodies: Record<typeof fault.kind, ReadonlyArray<string | Buffer>> = {
          'missing-cursor': ['{"items":', ...items, `,"has_more":${page.hasMore}}`],
          'stuck-cursor': [
            '{"items":',
            ...items,
            `,"cursor":${JSON.stringify(page.requestCursor)},"has_more":true}`,
          ],
          'items-not-array': [
            `{"items":${JSON.stringify(fault.kind === 'items-not-array' ? (fault.items ?? null) : null)}`,
            `,"cursor":${cursor},"has_more":${page.hasMore}}`,
          ],
          'has-more-not-boolean': [
            '{"items":',
            ...items,
            `,"cursor":${cursor},"has_more":"${page.hasMore}"}`,
          ],
        };
        this.send(res, { ...normal, body: bytesOf(bodies[fault.kind]) }, record);
        return;
      }
    }
  }
}
