/**
 * Output buffers shared by the resident input's feeds. A per-run input gives each feed's
 * formatter one buffer it reuses for the whole run; in one process serving many accounts those
 * buffers (about 1 MB each, one per feed of every account running) would add up to hundreds of
 * MB. Here a formatter borrows a buffer for one page and hands it back once the page is written,
 * so the buffers alive are about the pages in flight. Pure: no I/O.
 */
export class PageBuffers {
  private readonly free: Buffer[] = [];

  /** `keep`: free buffers held for reuse; more are left to the GC. */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes (contents undefined). */
  take(size: number): Buffer {
    const at = this.free.findIndex((b) => b.length >= size);
    if (at !== -1) return this.free.splice(at, 1)[0] as Buffer;
    // Room to grow, so the next slightly larger page fits the same buffer.
    return Buffer.allocUnsafeSlow(size + (size >> 3));
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }

  get held(): number {
    return this.free.length;
  }
}
