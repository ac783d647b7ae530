/** Failures injected into chosen requests: a status, a delay, or a dropped connection, N times. */

export interface FaultSpec {
  /** Matched against the request path (pathname only, still percent-encoded). */
  readonly path: RegExp;
  /** Only this method; any method when omitted. */
  readonly method?: string;
  /** How many matching requests fail; default 1. `Infinity` for all. */
  readonly count?: number;
  /** Status to answer; omitted with delayMs alone means "slow, then normal". */
  readonly status?: number;
  /** Body to send; default splunkd's `{"messages":[…]}` for the status. */
  readonly body?: unknown;
  readonly delayMs?: number;
  /** Destroy the socket instead of answering (after delayMs, if any). */
  readonly resetConnection?: boolean;
}

export interface FaultHandle {
  /** Matching requests still to be failed. */
  remaining(): number;
  cancel(): void;
}

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private readonly active: ActiveFault[] = [];

  inject(spec: FaultSpec): FaultHandle {
    const fault: ActiveFault = { spec, remaining: spec.count ?? 1 };
    this.active.push(fault);
    return {
      remaining: () => fault.remaining,
      cancel: () => {
        fault.remaining = 0;
      },
    };
  }

  clear(): void {
    this.active.length = 0;
  }

  /** The first armed fault for this request, consumed; undefined when none applies. */
  take(method: string, pathname: string): FaultSpec | undefined {
    const fault = this.active.find(
      (f) =>
        f.remaining > 0 &&
        (f.spec.method === undefined || f.spec.method.toUpperCase() === method) &&
        f.spec.path.test(pathname),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.spec;
  }
}
