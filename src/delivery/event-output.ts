/**
 * Writes the XML event stream to stdout so that the journal always knows how many whole events
 * the pipe has accepted. stdout is non-blocking, so every write() returns at once with the exact
 * byte count (or EAGAIN); we never sit inside a half-finished syscall when a signal arrives.
 * One page is written at a time, and a stop request is honoured only at an event boundary, so
 * the stream never ends inside an event.
 */
import { writeSync } from 'node:fs';
import { AddonError } from '../core/errors';
import { streamClose, streamOpen, type FormattedPage } from '../splunk/event-format';
import type { PageJournal } from './page-journal';

export interface OutputTarget {
  /** Writes as many bytes as the pipe takes now; returns the count, 0 meaning "full, try later". */
  write(buffer: Buffer, offset: number, length: number): number;
  /**
   * Resolves when writing may succeed again. It may write the byte at `buffer[offset]` itself
   * to learn when the pipe has room; it then resolves with 1, the count it wrote.
   */
  waitWritable(buffer: Buffer, offset: number): Promise<number | void>;
}

/** Bytes per write() (about 16 events of 1 KB): bounds a post-kill repeat at small cost. */
export const maxWriteBytes = 16 * 1024;

export interface PageWriteResult {
  /** Events that reached the pipe (all of them unless stopped). */
  readonly delivered: number;
  readonly stopped: boolean;
}

function isErrno(error: unknown, code: string): boolean {
  return error !== null && typeof error === 'object' && (error as { code?: unknown }).code === code;
}

function outputError(error: unknown): unknown {
  return isErrno(error, 'EPIPE') ||
    isErrno(error, 'EBADF') ||
    isErrno(error, 'ERR_STREAM_DESTROYED')
    ? new AddonError('output', 'splunkd closed the event stream (EPIPE)', { cause: error })
    : error;
}

/** stdout (fd 1) in non-blocking mode. Touching process.stdout switches a pipe to O_NONBLOCK. */
export function stdoutTarget(): OutputTarget {
  const stdout = process.stdout;
  // A closed pipe is reported to the write callback; without a listener the stream's 'error'
  // event would also crash the process.
  stdout.on('error', () => undefined);
  return {
    write(buffer, offset, length) {
      try {
        return writeSync(1, buffer, offset, length);
      } catch (error) {
        if (isErrno(error, 'EAGAIN')) return 0;
        throw outputError(error);
      }
    },
    waitWritable(buffer, offset) {
      // Node offers no "wait until fd 1 is writable", but libuv does exactly that for a queued
      // stream write: hand it the next single byte and count it once libuv reports it written.
      // No busy-waiting, and the byte count stays exact (a one-byte pipe write is atomic).
      return new Promise((resolve, reject) => {
        stdout.write(buffer.subarray(offset, offset + 1), (error) =>
          error ? reject(outputError(error)) : resolve(1),
        );
      });
    },
  };
}

/**
 * The process's one XML stream on a target: opened before the first event, closed once, pages
 * written one at a time. A run owns its own; the resident input shares one between its accounts,
 * so their pages never interleave.
 */
export class EventStream {
  private opened = false;
  private queue: Promise<unknown> = Promise.resolve();
  bytesWritten = 0;
  /** Set once splunkd has closed the stream; nothing more can be delivered by this process. */
  broken = false;

  constructor(private readonly target: OutputTarget) {}

  /**
   * Writes `buffer`; `boundaries` (ascending byte offsets) are where a stop may cut it short.
   * Returns the bytes written.
   */
  private async writeAll(
    buffer: Buffer,
    boundaries: readonly number[] | 'unstoppable',
    shouldStop: () => boolean,
    onProgress?: (bytes: number) => void,
  ): Promise<number> {
    const stopping = (): boolean => boundaries !== 'unstoppable' && shouldStop();
    const cuts = boundaries === 'unstoppable' ? [] : boundaries;
    let offset = 0;
    let next = 0;
    while (offset < buffer.length) {
      while (next < cuts.length && (cuts[next] as number) <= offset) next++;
      // At most maxWriteBytes per write(): a kill between a write and its journal update repeats
      // only what that one write handed over, so a small write bounds any repeat to a few events.
      let end = Math.min(buffer.length, offset + maxWriteBytes);
      if (stopping()) {
        if (offset === 0) return 0;
        end = cuts[next] ?? buffer.length;
      }
      if (offset >= end) return offset;
      const asked = end - offset;
      let n: number;
      try {
        n = this.target.write(buffer, offset, asked);
      } catch (error) {
        if (error instanceof AddonError && error.errorClass === 'output') this.broken = true;
        throw error;
      }
      if (n > 0) {
        offset += n;
        this.bytesWritten += n;
        onProgress?.(offset);
        if (stopping() && cuts.includes(offset)) return offset;
      }
      // A short write means the pipe is full: another write() now would only fail with EAGAIN,
      // which Node throws as an error (stack trace and all, 3 % of the CPU when splunkd reads
      // slower than we write). Wait for room instead.
      if (n < asked && offset < buffer.length) {
        const wrote = (await this.target.waitWritable(buffer, offset)) ?? 0;
        if (wrote > 0) {
          offset += wrote;
          this.bytesWritten += wrote;
          onProgress?.(offset);
          if (stopping() && cuts.includes(offset)) return offset;
        }
      }
    }
    return offset;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes one page's events, updating the journal after each write. If `shouldStop` turns true
   * it finishes the event in flight and returns early.
   */
  writePage(
    page: FormattedPage,
    journal: PageJournal,
    shouldStop: () => boolean,
  ): Promise<PageWriteResult> {
    return this.serial(async () => {
      if (shouldStop()) return { delivered: 0, stopped: true };
      if (!this.opened) {
        await this.writeAll(Buffer.from(streamOpen), 'unstoppable', shouldStop);
        this.opened = true;
      }
      // ends: where a stop may cut (after the line break); complete: where splunkd holds the
      // event whole (after `</event>`, before the line break) — what the journal must count.
      const { buffer, ends } = page;
      const complete = ends.map((end) => (buffer[end - 1] === 0x0a ? end - 1 : end));
      let delivered = 0;
      const written = await this.writeAll(buffer, ends, shouldStop, (bytes) => {
        while (delivered < complete.length && (complete[delivered] as number) <= bytes) delivered++;
        journal.progress(delivered);
      });
      return { delivered, stopped: written < buffer.length };
    });
  }

  /** Resolves once every page queued so far is written. */
  drain(): Promise<void> {
    return this.serial(() => Promise.resolve());
  }

  /** Ends the stream (only after at least one event, so an idle run prints nothing). */
  close(): Promise<void> {
    return this.serial(async () => {
      if (!this.opened || this.broken) return;
      await this.writeAll(Buffer.from(streamClose), 'unstoppable', () => false);
      this.opened = false;
    });
  }
}

/**
 * One run's writer: its pages go to the stream, cut short only where the run's own stop says.
 * Given a target it owns a stream of its own and close() ends it; given a shared stream, close()
 * only waits for the run's pages, and the stream's owner ends it.
 */
export class EventOutput {
  private readonly stream: EventStream;
  private readonly ownsStream: boolean;

  constructor(
    target: OutputTarget | EventStream,
    private readonly shouldStop: () => boolean,
  ) {
    this.ownsStream = !(target instanceof EventStream);
    this.stream = target instanceof EventStream ? target : new EventStream(target);
  }

  get bytesWritten(): number {
    return this.stream.bytesWritten;
  }

  get broken(): boolean {
    return this.stream.broken;
  }

  writePage(page: FormattedPage, journal: PageJournal): Promise<PageWriteResult> {
    return this.stream.writePage(page, journal, this.shouldStop);
  }

  close(): Promise<void> {
    return this.ownsStream ? this.stream.close() : this.stream.drain();
  }
}
