/**
 * Dispatchers kept across runs by the resident input. A run that starts its own dispatcher pays
 * for a secure context (every public root parsed again, ~20 ms with a CA bundle) and a TLS
 * handshake per connection; a pooled one keeps both, so an idle account's run costs a few
 * requests on warm connections. Entries unused for a while are closed, so accounts removed or
 * reconfigured (a new key) leave nothing behind.
 */
import { createHash } from 'node:crypto';
import type { Dispatcher } from './undici';

/** Closed when unused for this long: longer than any sensible interval, short of a leak. */
export const idleDispatcherMs = 15 * 60_000;

interface Entry {
  readonly dispatcher: Dispatcher;
  lastUsed: number;
}

export class DispatcherPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The dispatcher for `settings` (everything that shapes a connection: never a token, which
   * travels per request), made by `create` the first time. The key is a digest, so settings that
   * hold a proxy password are not kept as text.
   */
  get(settings: unknown, create: () => Dispatcher): Dispatcher {
    const now = this.now();
    this.sweep(now);
    const key = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
    const entry = this.entries.get(key);
    if (entry) {
      entry.lastUsed = now;
      return entry.dispatcher;
    }
    const dispatcher = create();
    this.entries.set(key, { dispatcher, lastUsed: now });
    return dispatcher;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsed < idleDispatcherMs) continue;
      this.entries.delete(key);
      entry.dispatcher.close().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.dispatcher.close().catch(() => undefined)));
  }
}
