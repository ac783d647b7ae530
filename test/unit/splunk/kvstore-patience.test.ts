import { AddonError } from '../../../src/core/errors';
import { KvStore, type KvStoreOptions } from '../../../src/splunk/kvstore';
import type { SplunkdClient, SplunkdResponse } from '../../../src/splunk/splunkd-client';

/** splunkd's answer while the KV store starts: 503 with its message in the JSON envelope. */
const starting: SplunkdResponse = {
  status: 503,
  body: JSON.stringify({
    messages: [{ type: 'ERROR', text: 'KV Store is initializing. Please try again later.' }],
  }),
};
const found: SplunkdResponse = { status: 200, body: '{"_key":"a__budget","cursor":""}' };

/**
 * A splunkd whose KV store answers `queue` in turn, then `otherwise`, on a virtual clock that
 * moves only when the store sleeps or a call takes `callMs`.
 */
function setup(queue: SplunkdResponse[], options: KvStoreOptions = {}, callMs = 5) {
  let clock = 1_000_000;
  let otherwise = queue.pop() ?? starting;
  const calls: number[] = [];
  const splunkd = {
    send: (): Promise<SplunkdResponse> => {
      calls.push(clock);
      clock += callMs;
      return Promise.resolve(queue.shift() ?? otherwise);
    },
  } as unknown as SplunkdClient;
  const kv = new KvStore(splunkd, 'TA-1password-events', {
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
    ...options,
  });
  return {
    kv,
    calls,
    now: () => clock,
    /** Seconds since the start of the virtual clock. */
    elapsed: () => (clock - 1_000_000) / 1000,
    /** From now on: `first` in turn, then `then` for every call. */
    answer: (then: SplunkdResponse, ...first: SplunkdResponse[]) => {
      queue.push(...first);
      otherwise = then;
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<AddonError> {
  try {
    await promise;
  } catch (error) {
    return error as AddonError;
  }
  throw new Error('expected the call to fail');
}

describe('KvStore patience while the KV store starts (503)', () => {
  it('keeps retrying for 60 s without a deadline, then names the wait', async () => {
    const bed = setup([starting]);
    const error = await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    expect(error).toBeInstanceOf(AddonError);
    expect(error.errorClass).toBe('splunkd');
    expect(error.message).toBe(
      'the KV store stayed unavailable for 60 s: KV Store is initializing. Please try again later.',
    );
    expect(bed.elapsed()).toBeGreaterThanOrEqual(60);
    expect(bed.elapsed()).toBeLessThan(61);
    expect(bed.calls.length).toBeGreaterThan(10);
  });

  it('stops waiting when the run runs out of time (max_run_seconds)', async () => {
    const bed = setup([starting], { deadline: 1_000_000 + 10_000 });
    const error = await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    expect(error.message).toMatch(/^the KV store stayed unavailable for 10 s: KV Store is/);
    expect(bed.elapsed()).toBeGreaterThanOrEqual(10);
    expect(bed.elapsed()).toBeLessThan(11);
  });

  it('does not wait a second patience after giving up (the health write after a failed run)', async () => {
    const bed = setup([starting]);
    await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    const before = bed.elapsed();
    const second = await failure(bed.kv.query('onepassword_health', { account: 'a' }));
    expect(second.message).toMatch(/^the KV store stayed unavailable for 2 s/);
    expect(bed.elapsed() - before).toBeLessThan(3);
  });

  it('still retries for the grace after giving up, so a KV store that just came back is used', async () => {
    const bed = setup([starting]);
    await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    const calls = bed.calls.length;
    // One more 503, then the KV store is ready.
    bed.answer(found, starting);
    await expect(bed.kv.get('onepassword_checkpoints', 'a__budget')).resolves.toMatchObject({
      _key: 'a__budget',
    });
    expect(bed.calls.length - calls).toBe(2);
  });

  it('gets its full patience back once the KV store has answered again', async () => {
    const bed = setup([starting]);
    await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    bed.answer(found);
    await bed.kv.get('onepassword_checkpoints', 'a__budget');
    bed.answer(starting);
    const before = bed.elapsed();
    const error = await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    expect(error.message).toMatch(/stayed unavailable for 60 s/);
    expect(bed.elapsed() - before).toBeGreaterThanOrEqual(60);
  });

  it('gives a call past the deadline only the grace, not nothing', async () => {
    const bed = setup([starting, starting, found], { deadline: 1_000_000 - 5_000 });
    await expect(bed.kv.get('onepassword_checkpoints', 'a__budget')).resolves.toMatchObject({
      _key: 'a__budget',
    });
    expect(bed.calls).toHaveLength(3);
    expect(bed.elapsed()).toBeLessThan(2.1);
  });

  it('never waits when the KV store is disabled: the caller falls back to files', async () => {
    const disabled: SplunkdResponse = {
      status: 503,
      body: JSON.stringify({ messages: [{ type: 'ERROR', text: 'KV Store is disabled.' }] }),
    };
    const bed = setup([disabled]);
    const error = await failure(bed.kv.get('onepassword_checkpoints', 'a__budget'));
    expect(error.name).toBe('KvStoreDisabled');
    expect(bed.calls).toHaveLength(1);
  });
});
