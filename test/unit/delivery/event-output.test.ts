import {
  EventOutput,
  EventStream,
  maxWriteBytes,
  type OutputTarget,
} from '../../../src/delivery/event-output';
import type { PageJournal } from '../../../src/delivery/page-journal';
import { streamClose, streamOpen } from '../../../src/splunk/event-format';

/** A pipe that takes at most `room` bytes per write() and records the calls it gets. */
function shortPipe(room: number) {
  const calls: string[] = [];
  const bytes: Buffer[] = [];
  const target: OutputTarget = {
    write(buffer, offset, length) {
      const n = Math.min(length, room);
      calls.push(`write ${length} -> ${n}`);
      bytes.push(Buffer.from(buffer.subarray(offset, offset + n)));
      return n;
    },
    waitWritable() {
      calls.push('wait');
      return Promise.resolve();
    },
  };
  return { target, calls, text: () => Buffer.concat(bytes).toString('utf8') };
}

const journal = { progress: () => undefined } as unknown as PageJournal;

describe('EventOutput', () => {
  it('waits for room after a short write instead of writing again into a full pipe', async () => {
    const pipe = shortPipe(1000);
    const events = ['a'.repeat(1500) + '\n', 'b'.repeat(600) + '\n'];
    const buffer = Buffer.from(events.join(''));
    const result = await new EventOutput(pipe.target, () => false).writePage(
      { buffer, ends: [1501, 2102] },
      journal,
    );
    expect(result).toEqual({ delivered: 2, stopped: false });
    expect(pipe.text()).toBe(streamOpen + events.join(''));
    // Every short write is followed by a wait, never by another write straight away.
    pipe.calls.forEach((call, i) => {
      const short = /^write (\d+) -> (\d+)$/.exec(call);
      if (short && Number(short[2]) < Number(short[1])) expect(pipe.calls[i + 1]).toBe('wait');
    });
    expect(pipe.calls).toContain('wait');
  });

  it('writes a page without waiting when the pipe takes every write whole', async () => {
    const pipe = shortPipe(Number.MAX_SAFE_INTEGER);
    const buffer = Buffer.alloc(maxWriteBytes * 2 + 10, 0x61);
    buffer[buffer.length - 1] = 0x0a;
    await new EventOutput(pipe.target, () => false).writePage(
      { buffer, ends: [buffer.length] },
      journal,
    );
    expect(pipe.calls).toEqual([
      `write ${streamOpen.length} -> ${streamOpen.length}`,
      `write ${maxWriteBytes} -> ${maxWriteBytes}`,
      `write ${maxWriteBytes} -> ${maxWriteBytes}`,
      'write 10 -> 10',
    ]);
  });
});

describe('EventStream shared by several runs (the resident input)', () => {
  const pageOf = (label: string, count: number, size: number) => {
    const events = Array.from({ length: count }, (_, i) => `${label}${i}`.padEnd(size, '.') + '\n');
    const ends: number[] = [];
    let at = 0;
    for (const e of events) ends.push((at += e.length));
    return { page: { buffer: Buffer.from(events.join('')), ends }, events };
  };

  it("opens once, never interleaves two runs' pages, and only its owner closes it", async () => {
    const pipe = shortPipe(700); // short writes: each page takes several writes and waits
    const stream = new EventStream(pipe.target);
    const a = new EventOutput(stream, () => false);
    const b = new EventOutput(stream, () => false);
    const pa = pageOf('a', 20, 100);
    const pb = pageOf('b', 20, 100);
    const [ra, rb] = await Promise.all([
      a.writePage(pa.page, journal),
      b.writePage(pb.page, journal),
    ]);
    expect([ra.delivered, rb.delivered]).toEqual([20, 20]);
    await a.close();
    await b.close();
    // The runs' close() only waited: the stream is still open for the next runs.
    expect(pipe.text()).toBe(streamOpen + pa.events.join('') + pb.events.join(''));
    await stream.close();
    expect(pipe.text()).toBe(streamOpen + pa.events.join('') + pb.events.join('') + streamClose);
  });

  it("cuts a run's page short at an event boundary on that run's stop only", async () => {
    const pipe = shortPipe(250);
    const stream = new EventStream(pipe.target);
    let stopA = false;
    const a = new EventOutput(stream, () => stopA);
    const b = new EventOutput(stream, () => false);
    const pa = pageOf('a', 10, 100);
    const pb = pageOf('b', 10, 100);
    const writingA = a.writePage(pa.page, {
      progress: (delivered: number) => {
        if (delivered >= 3) stopA = true;
      },
    } as unknown as PageJournal);
    const writingB = b.writePage(pb.page, journal);
    const ra = await writingA;
    const rb = await writingB;
    expect(ra.stopped).toBe(true);
    expect(ra.delivered).toBeGreaterThanOrEqual(3);
    expect(ra.delivered).toBeLessThan(10);
    expect(rb).toEqual({ delivered: 10, stopped: false });
    expect(pipe.text()).toBe(
      streamOpen + pa.events.slice(0, ra.delivered).join('') + pb.events.join(''),
    );
  });
});
