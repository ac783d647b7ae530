/**
 * The resident input's storage/passwords listing, shared by its runs for a few seconds. Each run
 * needs the whole listing (to refuse duplicates and name foreign entries, app-secrets.ts), and
 * with many accounts one listing per run is most of an idle run's work; a token saved on the
 * setup page is still in use within seconds. A failed read is never kept.
 */
import type { AppSecrets } from './app-secrets';

export const secretsMaxAgeMs = 10_000;

export class SecretsCache {
  private latest: { readonly at: number; readonly value: Promise<AppSecrets> } | undefined;

  constructor(
    private readonly read: () => Promise<AppSecrets>,
    private readonly now: () => number,
    private readonly maxAgeMs: number = secretsMaxAgeMs,
  ) {}

  get(): Promise<AppSecrets> {
    const now = this.now();
    if (this.latest && now - this.latest.at < this.maxAgeMs) return this.latest.value;
    const entry = { at: now, value: this.read() };
    this.latest = entry;
    entry.value.catch(() => {
      if (this.latest === entry) this.latest = undefined;
    });
    return entry.value;
  }
}
