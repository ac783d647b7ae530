/**
 * The only splunkd REST client: `Authorization: Splunk <session_key>` on the server_uri splunkd
 * gave us (never a hard-coded localhost). TLS: the chain is verified against Splunk's own CA
 * ($SPLUNK_HOME/etc/auth/cacert.pem) plus the system roots; the host name is not, because default
 * splunkd certificates are issued to "SplunkServerDefaultCert" — the same default splunkd uses
 * (sslVerifyServerName = false). Verification is never switched off: a splunkd whose chain does
 * not verify gets a clear error naming the CA files tried.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from '../http/undici';
import { splunkCaCandidates } from './splunk-ca';
import { networkFailureKind, rootErrorCode } from '../core/admin-wording';
import { AddonError, describeError } from '../core/errors';
import type { Logger } from '../log/logger';

export interface SplunkdResponse {
  readonly status: number;
  readonly body: string;
}

export interface SplunkdClientOptions {
  readonly serverUri: string;
  readonly sessionKey: string;
  readonly splunkHome?: string | undefined;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

export class SplunkdClient {
  private readonly dispatcher: Dispatcher;
  private readonly caFiles: string[];
  private readonly base: string;

  constructor(private readonly options: SplunkdClientOptions) {
    this.base = options.serverUri.replace(/\/+$/, '');
    this.caFiles = options.splunkHome
      ? splunkCaCandidates(options.splunkHome).filter((f) => existsSync(f))
      : [];
    const splunkCas = this.caFiles.map((f) => readFileSync(f, 'utf8'));
    this.dispatcher = new Agent({
      connect: {
        // One secure context for all connections (see events-api/client.ts).
        secureContext: createSecureContext({ ca: [...rootCertificates, ...splunkCas] }),
        rejectUnauthorized: true,
        checkServerIdentity: () => undefined,
        timeout: 10_000,
      },
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    });
  }

  /** Sends one request; `path` is relative to server_uri, e.g. /servicesNS/nobody/app/... */
  async send(
    method: string,
    path: string,
    body?: { json?: unknown; form?: Record<string, string> },
  ): Promise<SplunkdResponse> {
    const url = `${this.base}${path}${path.includes('?') ? '&' : '?'}output_mode=json`;
    const headers: Record<string, string> = { authorization: `Splunk ${this.options.sessionKey}` };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    }
    const attempt = async (dispatcher: Dispatcher): Promise<SplunkdResponse> => {
      const response = await request(url, dispatcher, {
        method: method as Dispatcher.HttpMethod,
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        ...(payload !== undefined ? { body: payload } : {}),
      });
      return { status: response.statusCode, body: await response.body.text() };
    };
    try {
      const response = await attempt(this.dispatcher);
      if (response.status === 401) {
        throw new AddonError(
          'splunkd_auth',
          'splunkd rejected the session key (401); it may have expired',
          { status: 401 },
        );
      }
      return response;
    } catch (error) {
      if (error instanceof AddonError) throw error;
      const code = rootErrorCode(error);
      if (networkFailureKind(code) === 'tls') {
        throw new AddonError(
          'splunkd',
          `splunkd's certificate did not verify (${code}) against ${this.caFiles.join(', ') || 'the system roots (SPLUNK_HOME is not set)'}. Set sslRootCAPath in server.conf to the CA that signed splunkd's certificate.`,
          { cause: error },
        );
      }
      throw new AddonError(
        'splunkd',
        `splunkd request ${method} ${path.split('?')[0]} failed: ${code ?? describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** splunkd's JSON error text: {"messages":[{"type":"ERROR","text":"..."}]} */
export function splunkdMessage(body: string): string {
  try {
    const value = JSON.parse(body) as { messages?: { text?: string }[] };
    const text = value.messages
      ?.map((m) => m.text)
      .filter(Boolean)
      .join('; ');
    if (text) return text;
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

export function nsPath(app: string, ...segments: string[]): string {
  return `/servicesNS/nobody/${encodeURIComponent(app)}/${segments.join('/')}`;
}
