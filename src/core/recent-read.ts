/**
 * A read shared by the resident input's runs for a few seconds. Each run needs the whole
 * storage/passwords listing (to refuse duplicates and name foreign entries, app-secrets.ts) and
 * the global logging level; with many accounts, one read of each per run is most of an idle run's
 * work. A token or level saved on the setup page is still in use within seconds. A read in flight
 * is shared; a failed read is never kept. Pure: the read itself is given.
 */
export const recentReadMaxAgeMs = 10_000;

export class RecentRead<T> {
  private latest: { readonly at: number; readonly value: Promise<T> } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly now: () => number,
    private readonly maxAgeMs: number = recentReadMaxAgeMs,
  ) {}

  get(): Promise<T> {
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
