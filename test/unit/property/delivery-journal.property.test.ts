/**
 * Properties of the exactly-once write path (src/delivery): whenever the process dies, the journal
 * must say exactly how many whole events splunkd holds, and a crash while the journal is being
 * rewritten must not forget what an earlier run delivered.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventOutput, type OutputTarget } from '../../../src/delivery/event-output';
import { AddonError } from '../../../src/core/errors';
import { journalSlotPaths, PageJournal, readJournal } from '../../../src/delivery/page-journal';
import {
  createEventFormatter,
  streamOpen,
  type FormattedPage,
} from '../../../src/splunk/event-format';
import { readStream } from './xml-reader';

/** Events rendered as text, as one page of bytes for EventOutput. */
function pageOf(events: readonly string[]): FormattedPage {
  const parts = events.map((e) => Buffer.from(e, 'utf8'));
  const ends: number[] = [];
  let total = 0;
  for (const part of parts) ends.push((total += part.length));
  return { buffer: Buffer.concat(parts, total), ends };
}

const formatter = createEventFormatter({
  stanza: 'onepassword_events://acme',
  index: 'onepassword',
  sourcetype: '1password:insights:item_usages',
  source: 'onepassword_events://acme',
  host: 'sh1',
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-property-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A pipe that accepts exactly `accepted` bytes of the page (after the stream header) in chunks of
 * the given sizes and then stays full for good: the state in which a SIGKILL finds a writer whose
 * reader is slow. A chunk size of 0 answers "full, try later" (EAGAIN) once. When `oneByte` is
 * set, waiting for room writes the next byte itself, as stdout's libuv-queued wait does.
 * Resolves `whenStuck` once the writer is stuck.
 */
function stuckPipe(accepted: number, chunks: readonly number[], oneByte = false) {
  const written: Buffer[] = [];
  let total = 0;
  let budget = streamOpen.length + accepted;
  let chunk = 0;
  let justRefused = false;
  let stuck!: () => void;
  const whenStuck = new Promise<void>((resolve) => (stuck = resolve));
  const take = (buffer: Buffer, offset: number, n: number): number => {
    written.push(Buffer.from(buffer.subarray(offset, offset + n)));
    total += n;
    budget -= n;
    return n;
  };
  const target: OutputTarget = {
    write(buffer, offset, length) {
      const size = chunks.length === 0 ? length : (chunks[chunk++ % chunks.length] ?? length);
      if (size === 0 && !justRefused) {
        justRefused = true;
        return 0;
      }
      justRefused = false;
      const n = Math.min(length, budget, Math.max(1, size));
      return n <= 0 ? 0 : take(buffer, offset, n);
    },
    waitWritable(buffer, offset) {
      if (budget <= 0) {
        stuck();
        return new Promise<void>(() => undefined); // never writable again: the process is killed here
      }
      return Promise.resolve(oneByte ? take(buffer, offset, 1) : undefined);
    },
  };
  return { target, whenStuck, bytes: () => Buffer.concat(written, total).toString('utf8') };
}

/** Small items (multi-byte characters and markup included) keep counterexamples readable. */
const page = fc
  .array(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 1, maxLength: 6 })
  .map((texts) =>
    texts.map((text, i) =>
      formatter.format(
        `${1_767_225_600 + i}`,
        JSON.stringify({ uuid: `u${i}`, text: `${text}<&` }),
      ),
    ),
  );

/** Where the pipe fills up: anywhere, or a few bytes around an event's end (the sharp edges). */
const cut = (events: readonly string[]) => {
  const ends: number[] = [];
  let total = 0;
  for (const e of events) ends.push((total += Buffer.byteLength(e)));
  return fc.oneof(
    fc.integer({ min: 0, max: total - 1 }),
    fc
      .tuple(fc.integer({ min: 0, max: ends.length - 1 }), fc.integer({ min: -12, max: 2 }))
      .map(([i, delta]) => Math.min(total - 1, Math.max(0, (ends[i] ?? 0) + delta))),
  );
};

describe('delivery journal (property)', () => {
  it('counts exactly the events a stream reader holds complete when the writer dies', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        page.chain((events) =>
          fc.tuple(
            fc.constant(events),
            cut(events),
            fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70_000 })), {
              maxLength: 4,
            }),
            fc.boolean(),
          ),
        ),
        async ([events, accepted, chunks, oneByte]) => {
          const journal = new PageJournal(join(dir, `count-${run++}.journal`));
          const uuids = events.map((_e, i) => `uuid-${i}`);
          journal.begin({ cursor: 'c1' }, uuids);
          const pipe = stuckPipe(accepted, chunks, oneByte);
          const output = new EventOutput(pipe.target, () => false);
          void output.writePage(pageOf(events), journal);
          await pipe.whenStuck;
          // What splunkd holds: the complete <event> elements in the bytes that reached the pipe.
          const held = readStream(pipe.bytes(), { partial: true }).length;
          const record = readJournal(journal.path);
          journal.close();
          expect(record?.delivered).toBe(held);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not count an event before its newline while splunkd already holds it (example)', async () => {
    const events = [formatter.format('1', '{"uuid":"u0"}'), formatter.format('2', '{"uuid":"u1"}')];
    const journal = new PageJournal(join(dir, 'newline.journal'));
    journal.begin({ cursor: 'c1' }, ['u0', 'u1']);
    // The pipe takes the first event up to and including `</event>`, but not the `\n` after it.
    const pipe = stuckPipe(Buffer.byteLength(events[0] ?? '') - 1, []);
    void new EventOutput(pipe.target, () => false).writePage(pageOf(events), journal);
    await pipe.whenStuck;
    expect(pipe.bytes().endsWith('</event>')).toBe(true);
    expect(readStream(pipe.bytes(), { partial: true })).toHaveLength(1);
    // A run killed now resends u0 although splunkd has it: a duplicate.
    expect(readJournal(journal.path)?.delivered).toBe(1);
    journal.close();
  });

  it('keeps what an earlier run delivered when a crash interrupts the rewrite of the journal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(),
        (pageSize, deliveredSeed, crashSeed) => {
          const delivered = 1 + (deliveredSeed % (pageSize - 1));
          const path = join(dir, `rewrite-${pageSize}-${deliveredSeed}-${crashSeed}.journal`);
          const uuids = Array.from({ length: pageSize }, (_v, i) => `uuid-${i}`);
          // Run 1 wrote `delivered` events of the page from cursor c1, then was killed.
          const first = new PageJournal(path);
          first.begin({ cursor: 'c1' }, uuids);
          first.progress(delivered);
          first.close();
          // Run 2 resumes the same page and rewrites the journal; it dies after `crashAt` bytes.
          const size = fs.statSync(path).size;
          const crashAt = crashSeed % size;
          const killed = new Error('SIGKILL');
          const realWrite = fs.writeSync;
          let budget = crashAt;
          const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((
            fd: number,
            buffer: Buffer,
            offset: number,
            length: number,
            position: number,
          ) => {
            if (budget <= 0) throw killed;
            const n = Math.min(length, budget);
            budget -= n;
            return realWrite(fd, buffer, offset, n, position);
          }) as typeof fs.writeSync);
          // Whole-file writes die the same way: the first `budget` bytes land, then the process.
          const realWriteFile = fs.writeFileSync;
          const fileSpy = jest.spyOn(fs, 'writeFileSync').mockImplementation(((
            file: fs.PathOrFileDescriptor,
            data: string | NodeJS.ArrayBufferView,
          ) => {
            const bytes = Buffer.from(typeof data === 'string' ? data : (data as Buffer));
            realWriteFile(file, bytes.subarray(0, Math.min(budget, bytes.length)));
            if (budget < bytes.length) throw killed;
            budget -= bytes.length;
          }) as typeof fs.writeFileSync);
          try {
            const second = new PageJournal(path);
            expect(() => second.begin({ cursor: 'c1' }, uuids, delivered)).toThrow();
            second.close();
          } finally {
            spy.mockRestore();
            fileSpy.mockRestore();
          }
          // Run 3 must still know that `delivered` events of page c1 reached splunkd.
          const record = readJournal(path);
          expect(record?.from).toEqual({ cursor: 'c1' });
          expect(record?.delivered).toBeGreaterThanOrEqual(delivered);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('alternates two slots: a crash at any byte of the next rewrite leaves the last whole record', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.nat()), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        fc.boolean(),
        (pages, nextSize, crashSeed, reopen) => {
          const path = join(dir, `slots-${run++}.journal`);
          const uuidsOf = (size: number, tag: string): string[] =>
            Array.from({ length: size }, (_v, i) => `${tag}-\u00e9-${i}`);
          let journal = new PageJournal(path);
          let last: unknown;
          pages.forEach(([size, seed], k) => {
            if (reopen) {
              journal.close();
              journal = new PageJournal(path);
            }
            const uuids = uuidsOf(size, `p${k}`);
            const delivered = seed % (size + 1);
            journal.begin({ cursor: `c${k}` }, uuids);
            journal.progress(delivered);
            last = { from: { cursor: `c${k}` }, uuids, delivered };
            expect(readJournal(path)).toEqual(last);
          });
          // Both slot files exist once two pages were recorded; they are not renamed or replaced.
          if (pages.length >= 2) for (const slot of journalSlotPaths(path)) fs.statSync(slot);
          // The next page's record dies before its last byte: the reader keeps the previous one.
          const from = { cursor: 'next' };
          const uuids = uuidsOf(nextSize, 'n');
          const length = 88 + Buffer.byteLength(JSON.stringify({ from, uuids })) + 1;
          let budget = crashSeed % (length - 1);
          const realWrite = fs.writeSync;
          const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((
            fd: number,
            buffer: Buffer,
            offset: number,
            size: number,
            position: number,
          ) => {
            if (budget <= 0) throw new Error('SIGKILL');
            const n = Math.min(size, budget);
            budget -= n;
            return realWrite(fd, buffer, offset, n, position);
          }) as typeof fs.writeSync);
          try {
            expect(() => journal.begin(from, uuids)).toThrow(AddonError);
          } finally {
            spy.mockRestore();
            journal.close();
          }
          expect(readJournal(path)).toEqual(last);
          // The next run writes over the torn slot and carries on from there.
          const next = new PageJournal(path);
          next.begin(from, uuids, 1);
          expect(readJournal(path)).toEqual({ from, uuids, delivered: 1 });
          next.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('falls back to the older slot when the newer one holds garbage or zeros (a lost write-back)', () => {
    for (const damage of ['zeros', 'garbage', 'flipped', 'truncated'] as const) {
      const path = join(dir, `damaged-${damage}.journal`);
      const journal = new PageJournal(path);
      journal.begin({ cursor: 'c1' }, ['a', 'b', 'c']);
      journal.progress(2);
      journal.begin({ cursor: 'c2' }, ['d', 'e']);
      journal.progress(1);
      journal.close();
      const newer = journalSlotPaths(path)[1];
      const bytes = fs.readFileSync(newer);
      if (damage === 'zeros') bytes.fill(0);
      if (damage === 'garbage') bytes.fill(0x41, 30);
      if (damage === 'flipped') bytes[bytes.length - 4] = 0x2a; // inside the JSON: '*' for a char
      fs.writeFileSync(newer, damage === 'truncated' ? bytes.subarray(0, 100) : bytes);
      expect(readJournal(path)).toEqual({
        from: { cursor: 'c1' },
        uuids: ['a', 'b', 'c'],
        delivered: 2,
      });
      // And the next page goes to the damaged slot, not over the whole older one.
      const again = new PageJournal(path);
      again.begin({ cursor: 'c3' }, ['f']);
      again.close();
      expect(readJournal(path)?.from).toEqual({ cursor: 'c3' });
      expect(fs.readFileSync(journalSlotPaths(path)[0]).toString()).toContain('"c1"');
    }
  });

  it('reads a journal left by the layout before the slots, and records the next page beside it', () => {
    const path = join(dir, 'legacy.journal');
    // Written by the earlier version: progress line, then the JSON line, renamed into place.
    fs.writeFileSync(
      path,
      '7'.padEnd(23, ' ') +
        '\n' +
        JSON.stringify({
          from: { cursor: 'old' },
          uuids: ['x', 'y', 'z', 'w', 'v', 'u', 't', 's'],
        }) +
        '\n',
    );
    expect(readJournal(path)).toEqual({
      from: { cursor: 'old' },
      uuids: ['x', 'y', 'z', 'w', 'v', 'u', 't', 's'],
      delivered: 7,
    });
    const journal = new PageJournal(path);
    journal.begin({ cursor: 'new' }, ['n1']);
    journal.progress(1);
    journal.close();
    expect(readJournal(path)).toEqual({ from: { cursor: 'new' }, uuids: ['n1'], delivered: 1 });
    expect(fs.readFileSync(path, 'utf8')).toContain('"old"'); // untouched until the page after
  });

  it('reports a journal it cannot write as a checkpoint error and never reads a device as one', () => {
    const path = join(dir, 'full.journal');
    fs.symlinkSync('/dev/full', path);
    expect(readJournal(path)).toBeUndefined();
    const journal = new PageJournal(path);
    let error: unknown;
    try {
      journal.begin({ cursor: 'c1' }, ['a']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AddonError);
    expect((error as AddonError).errorClass).toBe('checkpoint');
    expect((error as AddonError).message).toMatch(/full\.journal: (Error: )?ENOSPC/);
    journal.progress(1); // nothing recorded, nothing written
    journal.close();
    fs.rmSync(path);
    expect(readJournal(path)).toBeUndefined();
  });
});
