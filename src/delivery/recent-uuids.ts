/**
 * The window of the most recently delivered event uuids, kept in the checkpoint so a page the
 * server repeats (a broken cursor, the overlap of a stale-cursor reset) is not delivered twice.
 */

/** uuids kept for de-duplicating a repeated page or a stale-cursor reset. */
export const recentUuidLimit = 1000;

export class RecentUuids {
  private readonly order: string[];
  private readonly members: Set<string>;

  /** `stored`: the checkpoint's comma-separated list ('' for none). */
  constructor(
    stored: string,
    private readonly limit = recentUuidLimit,
  ) {
    this.order = stored ? stored.split(',') : [];
    this.members = new Set(this.order);
  }

  has(uuid: string): boolean {
    return this.members.has(uuid);
  }

  /** Adds newly delivered uuids, forgetting the oldest beyond the limit. */
  add(uuids: readonly string[]): void {
    for (const uuid of uuids) {
      // Each uuid once: dropping the oldest entry must not forget a uuid still in the window.
      if (this.members.has(uuid)) continue;
      this.order.push(uuid);
      this.members.add(uuid);
    }
    for (const old of this.order.splice(0, Math.max(0, this.order.length - this.limit)))
      this.members.delete(old);
  }

  list(): readonly string[] {
    return this.order;
  }

  /** The checkpoint's form. */
  toString(): string {
    return this.order.join(',');
  }
}
