/**
 * The outside security review (issue 13): each attack replayed against the stand-ins through the
 * packaged input. Every case here failed on the code before its fix (docs/reliability.md,
 * "Security review").
 */
import { startTestbed, type Testbed } from '../../support/harness';
import { expectCleanStderr, Ledger } from './support';

describe('security review', () => {
  let bed: Testbed;
  let ledger: Ledger;

  beforeAll(async () => {
    bed = await startTestbed({ simulator: { seed: 'security-review' } });
    ledger = new Ledger(bed);
  });
  afterAll(() => bed.stop());

  it('item 5: an enabled __check__ stanza never collects, so it cannot hide a collection', async () => {
    await ledger.account('acme', { signinattempts: 30, itemusages: 20, auditevents: 10 });
    const hidden = await bed.run('__check__zz', { account: 'acme', index: 'exfil' });
    expectCleanStderr(hidden);
    expect(hidden.exitCode).toBe(0);
    expect(hidden.events).toEqual([]);
    expect(hidden.byLevel.WARN.join('\n')).toMatch(
      /connection check and never collects.*__check__zz/,
    );
    // acme's visible input still finds everything.
    const visible = await bed.run('acme', { account: 'acme' });
    expectCleanStderr(visible);
    ledger.record('acme', visible.events);
    expect(ledger.tally('acme')).toMatchObject({ received: 60, lost: 0, duplicated: 0 });
  });
});
