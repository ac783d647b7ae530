/**
 * Pages in flight across the resident input's accounts. Every feed of every account pages in one
 * process; without a bound, a 100-account backfill holds two pages per feed (600 pages, hundreds
 * of MB) while they queue for stdout. Permits are granted in the order asked (FIFO), so each feed
 * gets its turn and no account is starved. Pure: no I/O, no timers.
 */
export class FairPermits {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Resolves with the permit's release, which may be called more than once (only once counts). */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }

  get available(): number {
    return this.free;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** Pages the resident input has in flight at once: more than CPU or stdout can use at 150 ms. */
export const residentPagesInFlight = 12;
