/** A verifying undici client for the stand-in tests (trusts only the stand-in's CA). */
import { Agent, request } from 'undici';

import type { Splunkd } from '../../../support/splunkd-standin';

export interface CallOptions {
  /** Session key; default the stand-in's admin key; null sends no Authorization header. */
  readonly session?: string | null;
  readonly form?: Record<string, string>;
  readonly json?: unknown;
  /** Raw body with an explicit content type. */
  readonly raw?: { readonly body: string; readonly contentType: string };
  readonly query?: Record<string, string>;
  /** Add output_mode=json; default true. */
  readonly outputMode?: boolean;
  readonly headers?: Record<string, string>;
}

export interface CallResult {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class StandinClient {
  readonly agent: Agent;

  constructor(private readonly splunkd: Splunkd) {
    this.agent = new Agent({ connect: { ca: splunkd.caPem } });
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const url = new URL(path, this.splunkd.url);
    if (options.outputMode ?? true) url.searchParams.set('output_mode', 'json');
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const session = options.session === undefined ? this.splunkd.adminSessionKey : options.session;
    if (session !== null) headers['authorization'] = `Splunk ${session}`;
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw) {
      body = options.raw.body;
      headers['content-type'] = options.raw.contentType;
    }
    const res = await request(url, {
      method: method as 'GET',
      headers,
      dispatcher: this.agent,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return {
      status: res.statusCode,
      text,
      contentType: String(res.headers['content-type'] ?? ''),
      body: parsed,
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export const app = 'TA-1password-events';
export const nsApp = `/servicesNS/nobody/${app}`;
