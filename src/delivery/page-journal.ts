/**
 * The write-ahead journal that makes delivery exactly-once. Before a page's first byte reaches
 * stdout, the journal records where the page came from and its uuids; after every write to the
 * pipe it records how many whole events the pipe has accepted. A run that was killed mid-page
 * reads this and re-sends only the events splunkd never received.
 *
 * Layout: a fixed 24-byte progress line ("<delivered>\n", space padded), then one JSON line.
 * Progress updates overwrite only the first 24 bytes, so they never need new disk space.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AddonError, describeError } from '../core/errors';

const progressWidth = 24;

export type JournalRequest =
  { readonly cursor: string } | { readonly limit: number; readonly start_time: string };

export interface JournalRecord {
  readonly from: JournalRequest;
  readonly uuids: readonly string[];
  readonly delivered: number;
}

function progressLine(delivered: number): string {
  return `${delivered}`.padEnd(progressWidth - 1, ' ') + '\n';
}

/** Reads a journal file; undefined when absent or unreadable (a torn header means nothing was written). */
export function readJournal(path: string): JournalRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const text = readFileSync(path, 'utf8');
    const delivered = Number(text.slice(0, progressWidth).trim());
    const header = JSON.parse(text.slice(progressWidth)) as {
      from?: JournalRequest;
      uuids?: string[];
    };
    if (!header.from || !Array.isArray(header.uuids) || !Number.isInteger(delivered))
      return undefined;
    return {
      from: header.from,
      uuids: header.uuids,
      delivered: Math.min(delivered, header.uuids.length),
    };
  } catch {
    return undefined;
  }
}

export function sameRequest(a: JournalRequest, b: JournalRequest): boolean {
  if ('cursor' in a || 'cursor' in b)
    return 'cursor' in a && 'cursor' in b && a.cursor.trim() === b.cursor.trim();
  return a.limit === b.limit && a.start_time === b.start_time;
}

export class PageJournal {
  private fd: number | undefined;
  private delivered = 0;
  private base = 0;

  constructor(readonly path: string) {}

  /**
   * Durably records the page before any of it is written. Throws on failure (e.g. disk full).
   * `uuids` lists the page's events in write order; the first `alreadyDelivered` of them reached
   * splunkd in an earlier, interrupted run.
   */
  begin(from: JournalRequest, uuids: readonly string[], alreadyDelivered = 0): void {
    this.close();
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      // Written aside and renamed into place: a crash mid-write must never leave a torn journal
      // in place of one that records events an earlier run delivered.
      const temp = `${this.path}.tmp`;
      writeFileSync(temp, progressLine(alreadyDelivered) + JSON.stringify({ from, uuids }) + '\n');
      renameSync(temp, this.path);
      this.fd = openSync(this.path, 'r+');
      this.delivered = 0;
      this.base = alreadyDelivered;
    } catch (error) {
      this.close();
      throw new AddonError(
        'checkpoint',
        `cannot write the delivery journal ${this.path}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  /** Records that `delivered` whole events of this write have reached the pipe. */
  progress(delivered: number): void {
    if (this.fd === undefined || delivered === this.delivered) return;
    writeSync(this.fd, progressLine(this.base + delivered), 0, 'utf8');
    this.delivered = delivered;
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
  }
}
