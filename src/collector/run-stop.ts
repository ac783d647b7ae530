/**
 * Every reason a run stops, carried by one AbortSignal: SIGTERM/SIGINT, the time budget
 * (max_run_seconds), a lost lease and a stdout that splunkd closed. Waits and requests take
 * `signal`; loops ask `shouldStop()` between pages, which also polls the conditions nothing
 * announces (the clock on `now`, the lease, the output). The time budget is only polled: a request
 * or retry already under way finishes (retries themselves stop at the deadline, core/retry.ts),
 * so a run that runs out of time still reports why its last request failed.
 */
import { AddonError } from '../core/errors';

export type StopReason = 'signal' | 'time budget' | 'lease lost' | 'closed stream';

export class RunStop {
  private readonly controller = new AbortController();
  private first: StopReason | '' = '';
  private readonly polls: (() => StopReason | undefined)[] = [];
  private readonly onParentAbort = (): void => this.stop('signal');

  constructor(
    private readonly parent: AbortSignal,
    private readonly deadline: number,
    private readonly now: () => number,
  ) {
    if (parent.aborted) this.stop('signal');
    else parent.addEventListener('abort', this.onParentAbort, { once: true });
  }

  /**
   * Detaches from the process's signal when the run is over: the resident input's signal lives
   * as long as the process, and each listener would keep its whole run reachable.
   */
  release(): void {
    this.parent.removeEventListener('abort', this.onParentAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the run stopped, '' while it runs. */
  get reason(): StopReason | '' {
    return this.first;
  }

  /** Adds a condition `shouldStop` polls (the lease guard, the output). */
  watch(poll: () => StopReason | undefined): void {
    this.polls.push(poll);
  }

  stop(reason: StopReason): void {
    if (this.first !== '') return;
    this.first = reason;
    this.controller.abort(new AddonError('cancelled', `the run was stopped (${reason})`));
  }

  shouldStop(): boolean {
    if (this.first !== '') return true;
    for (const poll of this.polls) {
      const reason = poll();
      if (reason) this.stop(reason);
    }
    if (this.first === '' && this.now() >= this.deadline) this.stop('time budget');
    return this.first !== '';
  }
}
