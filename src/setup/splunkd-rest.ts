/**
 * The page's only door to splunkd: Splunk Web's proxy (/<locale>/splunkd/__raw/…) through
 * @splunk/splunk-utils, which adds the session cookie and the X-Splunk-Form-Key CSRF header.
 * The transport is injected so unit tests can use an in-memory splunkd.
 */
import { createFetchInit } from '@splunk/splunk-utils/fetch';
import { createRESTURL } from '@splunk/splunk-utils/url';

export interface Namespace {
  readonly app: string;
  readonly owner: string;
}

export interface RestTransport {
  /** Full URL for an endpoint, in a namespace or under /services. */
  url(endpoint: string, namespace: Namespace | undefined): string;
  send(url: string, init: RequestInit): Promise<Response>;
}

/** An answer other than the expected one; `message` is splunkd's own text when it gave one. */
export class SplunkdRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SplunkdRequestError';
    this.status = status;
  }
}

/** No answer at all: the browser's fetch failed (Splunk Web down, network cut). */
export class SplunkdUnreachableError extends Error {
  constructor(cause: unknown) {
    super('Splunk Web did not answer', { cause });
    this.name = 'SplunkdUnreachableError';
  }
}

export const splunkWebTransport: RestTransport = {
  url: (endpoint, namespace) =>
    namespace === undefined ? createRESTURL(endpoint) : createRESTURL(endpoint, { ...namespace }),
  send: (url, init) => window.fetch(url, createFetchInit(init)),
};

/** Pulls splunkd's message out of a JSON (`messages[].text`) or XML (`<msg>`) error body. */
export function splunkdErrorText(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { messages?: { type?: string; text?: string }[] };
    const text = value.messages?.find((m) => typeof m.text === 'string' && m.text !== '')?.text;
    if (text !== undefined) return text;
  } catch {
    const match = /<msg[^>]*>([\s\S]*?)<\/msg>/.exec(body);
    if (match?.[1] !== undefined) {
      return match[1]
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .trim();
    }
  }
  return undefined;
}

function withQuery(url: string, query: Record<string, string>): string {
  const params = new URLSearchParams({ output_mode: 'json', ...query });
  return `${url}${url.includes('?') ? '&' : '?'}${params.toString()}`;
}

export interface Entry {
  readonly name: string;
  readonly content: Record<string, unknown>;
  /** The app the entry is stored in (`acl.app`); splunkd also lists other apps' shared entries. */
  readonly app?: string | undefined;
}

export class SplunkdRest {
  constructor(private readonly transport: RestTransport = splunkWebTransport) {}

  private async request(
    method: string,
    endpoint: string,
    namespace: Namespace | undefined,
    options: { query?: Record<string, string>; body?: string; contentType?: string },
  ): Promise<unknown> {
    const url = withQuery(this.transport.url(endpoint, namespace), options.query ?? {});
    const init: RequestInit = { method };
    if (options.body !== undefined) {
      init.body = options.body;
      init.headers = { 'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded' };
    }
    let response: Response;
    let text: string;
    try {
      response = await this.transport.send(url, init);
      text = await response.text();
    } catch (error) {
      // fetch rejects only when no HTTP answer arrived ("Failed to fetch"): say that, not its words.
      throw new SplunkdUnreachableError(error);
    }
    if (response.status < 200 || response.status > 299) {
      throw new SplunkdRequestError(
        response.status,
        splunkdErrorText(text) ?? `splunkd answered ${response.status} to ${method} ${endpoint}.`,
      );
    }
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SplunkdRequestError(
        response.status,
        `splunkd sent a non-JSON answer to ${method} ${endpoint}.`,
      );
    }
  }

  get(
    endpoint: string,
    namespace?: Namespace,
    query: Record<string, string> = {},
  ): Promise<unknown> {
    return this.request('GET', endpoint, namespace, { query });
  }

  /** Form-encoded POST, the way splunkd's EAI endpoints take parameters. */
  post(endpoint: string, params: Record<string, string>, namespace?: Namespace): Promise<unknown> {
    return this.request('POST', endpoint, namespace, {
      body: new URLSearchParams(params).toString(),
    });
  }

  postJson(endpoint: string, value: unknown, namespace?: Namespace): Promise<unknown> {
    return this.request('POST', endpoint, namespace, {
      body: JSON.stringify(value),
      contentType: 'application/json',
    });
  }

  /** `query` narrows the listing splunkd sends back after a DELETE (it answers with the collection). */
  delete(
    endpoint: string,
    namespace?: Namespace,
    query: Record<string, string> = {},
  ): Promise<unknown> {
    return this.request('DELETE', endpoint, namespace, { query });
  }

  /** GET a collection (count=0: every entry) and return its entries. */
  async entries(
    endpoint: string,
    namespace?: Namespace,
    query: Record<string, string> = {},
  ): Promise<Entry[]> {
    const value = (await this.get(endpoint, namespace, { count: '0', ...query })) as {
      entry?: { name?: unknown; content?: unknown; acl?: { app?: unknown } }[];
    } | null;
    return (value?.entry ?? []).flatMap((e) =>
      typeof e.name === 'string'
        ? [
            {
              name: e.name,
              content: (e.content ?? {}) as Record<string, unknown>,
              app: typeof e.acl?.app === 'string' ? e.acl.app : undefined,
            },
          ]
        : [],
    );
  }
}

export function isStatus(error: unknown, ...statuses: number[]): error is SplunkdRequestError {
  return error instanceof SplunkdRequestError && statuses.includes(error.status);
}
