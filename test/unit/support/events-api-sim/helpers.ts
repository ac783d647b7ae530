/** Shared client helpers for the simulator's tests: undici trusting only the simulator's CA. */
import { Agent, request } from 'undici';
import type { Simulator } from '../../../support/events-api-sim';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface Page {
  readonly items: unknown[];
  readonly cursor: string;
  readonly has_more: boolean;
}

export function trustingAgent(sim: Simulator, connect: { timeout?: number } = {}): Agent {
  return new Agent({ connect: { ca: sim.caPem, ...connect } });
}

export async function get(
  sim: Simulator,
  agent: Agent,
  path: string,
  token: string | undefined,
  options: { headersTimeout?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await request(`${sim.url}${path}`, { dispatcher: agent, headers, ...options });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

export async function post(
  sim: Simulator,
  agent: Agent,
  path: string,
  token: string | undefined,
  body: unknown,
  options: { headersTimeout?: number; bodyTimeout?: number; rawBody?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const res = await request(`${sim.url}${path}`, {
    dispatcher: agent,
    method: 'POST',
    headers,
    body: options.rawBody === true ? String(body) : JSON.stringify(body),
    ...(options.headersTimeout === undefined ? {} : { headersTimeout: options.headersTimeout }),
    ...(options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout }),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

export function asPage(reply: Reply): Page {
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toBe('application/json');
  return JSON.parse(reply.text) as Page;
}

export function uuidsOf(page: Page): string[] {
  return page.items.map((item) => (item as { uuid: string }).uuid);
}

/**
 * Follows cursors from a reset body until has_more is false; returns every page's reply text and
 * the last cursor. Guards against a server that never stops.
 */
export async function drain(
  sim: Simulator,
  agent: Agent,
  path: string,
  token: string,
  resetBody: unknown,
): Promise<{ pages: Page[]; texts: string[]; lastCursor: string }> {
  const pages: Page[] = [];
  const texts: string[] = [];
  let body: unknown = resetBody;
  for (let guard = 0; guard < 10_000; guard += 1) {
    const reply = await post(sim, agent, path, token, body);
    const page = asPage(reply);
    pages.push(page);
    texts.push(reply.text);
    if (!page.has_more) return { pages, texts, lastCursor: page.cursor };
    body = { cursor: page.cursor };
  }
  throw new Error('pagination did not end');
}

/** Error code of a rejected promise (undici errors carry `code`, system errors too). */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.code ?? e.cause?.code ?? String(error);
  }
  throw new Error('expected the request to fail');
}

export const feedPath = (feed: string, version: 'v1' | 'v2' = 'v2'): string =>
  `/api/${version}/${feed}`;

/** A settable fake clock for the simulator's `now` option. */
export function fakeClock(startIso: string): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let current = Date.parse(startIso);
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}
