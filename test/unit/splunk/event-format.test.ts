import { parsePage } from '../../../src/events-api/page';
import { PageBuffers } from '../../../src/delivery/page-buffers';
import { createEventFormatter, type FormattedPage } from '../../../src/splunk/event-format';

const meta = {
  stanza: 'onepassword_events://acme',
  index: 'onepassword',
  sourcetype: '1password:insights:audit_events',
  source: 'onepassword_events://acme',
  host: 'sh1',
};

function pageOf(notes: readonly string[]) {
  const items = notes.map((note, i) =>
    JSON.stringify({ uuid: `u${i}`, timestamp: `2026-01-01T00:00:0${i % 10}.5Z`, note }),
  );
  return parsePage(`{"cursor":"c","has_more":false,"items":[${items.join(',')}]}`);
}

/** The events one by one through the text formatter: what formatPage must write. */
function expected(notes: readonly string[]): string {
  const formatter = createEventFormatter(meta);
  return notes
    .map((note, i) =>
      formatter.format(
        `${1767225600 + (i % 10)}.5`,
        JSON.stringify({ uuid: `u${i}`, timestamp: `2026-01-01T00:00:0${i % 10}.5Z`, note }),
      ),
    )
    .join('');
}

const text = (page: FormattedPage): string => page.buffer.toString('utf8');

describe('formatPage', () => {
  it('writes each page whole when its buffer is reused for smaller and larger pages', () => {
    const formatter = createEventFormatter(meta);
    const big = Array.from({ length: 40 }, (_v, i) => `big <${i}> & \uFFFE ${'x'.repeat(i * 7)}`);
    const small = ['a', 'é<'];
    const larger = [...big, ...big].map((n) => n + '\u4e2d');
    for (const notes of [big, small, larger, small]) {
      const page = pageOf(notes);
      const formatted = formatter.formatPage(page.bytes, page.items);
      expect(text(formatted)).toBe(expected(notes));
      expect(formatted.ends).toHaveLength(notes.length);
      expect(formatted.ends.at(-1)).toBe(formatted.buffer.length);
    }
  });

  it('gives every event its own end offset, just past its line break', () => {
    const page = pageOf(['one', 'two', 'three']);
    const formatted = createEventFormatter(meta).formatPage(page.bytes, page.items);
    let from = 0;
    for (const end of formatted.ends) {
      const event = formatted.buffer.toString('utf8', from, end);
      expect(event.startsWith('<event ')).toBe(true);
      expect(event.endsWith('</event>\n')).toBe(true);
      from = end;
    }
  });
});

describe('formatPage with shared buffers (the resident input)', () => {
  it('writes the same bytes, borrowing one buffer per page and handing it back on release', () => {
    const buffers = new PageBuffers(2);
    const a = createEventFormatter(meta, buffers);
    const b = createEventFormatter(meta, buffers);
    const big = Array.from({ length: 30 }, (_v, i) => `note <${i}> ${'y'.repeat(i * 11)}`);
    const small = ['a', 'é<'];
    for (const notes of [big, small, big]) {
      const page = pageOf(notes);
      const fa = a.formatPage(page.bytes, page.items);
      const fb = b.formatPage(page.bytes, page.items);
      // Two pages in flight never share a buffer.
      expect(
        fa.buffer.buffer === fb.buffer.buffer && fa.buffer.byteOffset === fb.buffer.byteOffset,
      ).toBe(false);
      expect(text(fa)).toBe(expected(notes));
      expect(text(fb)).toBe(expected(notes));
      a.release();
      b.release();
      expect(buffers.held).toBe(2);
    }
  });

  it('keeps at most `keep` free buffers; a released formatter holds none', () => {
    const buffers = new PageBuffers(1);
    const taken = [buffers.take(100), buffers.take(100), buffers.take(50)];
    taken.forEach((t) => buffers.give(t));
    expect(buffers.held).toBe(1);
    expect(buffers.take(10).length).toBeGreaterThanOrEqual(100);
    expect(buffers.held).toBe(0);
    expect(buffers.take(1000).length).toBeGreaterThanOrEqual(1000);
  });

  it("without shared buffers, release keeps the formatter's own buffer (per-run reuse)", () => {
    const formatter = createEventFormatter(meta);
    const page = pageOf(['a', 'b']);
    const first = formatter.formatPage(page.bytes, page.items);
    formatter.release();
    const second = formatter.formatPage(page.bytes, page.items);
    expect(second.buffer.buffer).toBe(first.buffer.buffer);
  });
});
