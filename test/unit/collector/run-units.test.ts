/** The small units a run and a feed loop are made of: stop reasons, the stale-cursor restart. */
import { AddonError } from '../../../src/core/errors';
import { RunStop } from '../../../src/collector/run-stop';
import { staleCursorOverlapMs, staleCursorRestart } from '../../../src/collector/stale-cursor';
import { retentionMs } from '../../../src/core/contracts';

describe('RunStop: one signal for every reason to stop', () => {
  it('stops on the parent signal (SIGTERM) and aborts its own signal with a cancelled error', () => {
    const parent = new AbortController();
    const stop = new RunStop(parent.signal, Number.MAX_SAFE_INTEGER, () => 0);
    expect(stop.shouldStop()).toBe(false);
    parent.abort();
    expect(stop.signal.aborted).toBe(true);
    expect(stop.reason).toBe('signal');
    expect(stop.signal.reason).toBeInstanceOf(AddonError);
    expect((stop.signal.reason as AddonError).errorClass).toBe('cancelled');
  });

  it('release() detaches from the process signal, so a finished run is not kept alive by it', () => {
    const parent = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const signal = parent.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
      added.push(fn);
      add(type, fn, o);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, fn: EventListener) => {
      removed.push(fn);
      remove(type, fn);
    }) as typeof signal.removeEventListener;
    const stop = new RunStop(signal, Number.MAX_SAFE_INTEGER, () => 0);
    stop.release();
    expect(added).toHaveLength(1);
    expect(removed).toEqual(added);
    parent.abort();
    expect(stop.reason).toBe(''); // released: a later SIGTERM is the next run's business
  });

  it('notices the time budget on the injected clock', () => {
    let now = 1000;
    const stop = new RunStop(new AbortController().signal, 5000, () => now);
    expect(stop.shouldStop()).toBe(false);
    now = 5000;
    expect(stop.shouldStop()).toBe(true);
    expect(stop.reason).toBe('time budget');
    expect(stop.signal.aborted).toBe(true);
  });

  it('polls watched conditions and keeps the first reason', () => {
    let lost = false;
    let closed = false;
    const stop = new RunStop(new AbortController().signal, Number.MAX_SAFE_INTEGER, () => 0);
    stop.watch(() => (closed ? 'closed stream' : undefined));
    stop.watch(() => (lost ? 'lease lost' : undefined));
    expect(stop.shouldStop()).toBe(false);
    lost = true;
    expect(stop.shouldStop()).toBe(true);
    closed = true;
    stop.stop('signal');
    expect(stop.shouldStop()).toBe(true);
    expect(stop.reason).toBe('lease lost');
  });

  it('starts stopped when the parent signal was already aborted', () => {
    const parent = new AbortController();
    parent.abort();
    const stop = new RunStop(parent.signal, Number.MAX_SAFE_INTEGER, () => 0);
    expect(stop.reason).toBe('signal');
  });
});

describe('staleCursorRestart', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const startTime = new Date('2026-11-01T00:00:00Z');

  it('restarts an overlap before the newest delivered event', () => {
    const last = Date.parse('2026-12-03T11:00:00Z');
    expect(staleCursorRestart({ lastEventTime: last, startTime, limit: 500, now })).toEqual({
      limit: 500,
      start_time: new Date(last - staleCursorOverlapMs).toISOString().replace('.000Z', 'Z'),
    });
  });

  it('never reaches further back than the API keeps', () => {
    const restart = staleCursorRestart({ lastEventTime: 1, startTime, limit: 10, now });
    expect(Date.parse(restart.start_time)).toBe(now - retentionMs + 60_000);
  });

  it("uses the stanza's start when nothing was delivered yet", () => {
    const restart = staleCursorRestart({ lastEventTime: 0, startTime, limit: 10, now });
    expect(Date.parse(restart.start_time)).toBe(startTime.getTime());
  });
});
