import { EventOutput, maxWriteBytes, type OutputTarget } from '../../../src/delivery/event-output';
import type { PageJournal } from '../../../src/delivery/page-journal';
import { streamOpen } from '../../../src/splunk/event-format';

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
