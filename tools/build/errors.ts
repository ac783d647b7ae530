/**
 * The one error type the build throws for bad input it can explain (version mismatch, unknown
 * platform, missing or tampered runtime package). The CLI prints its message as one line and exits
 * non-zero; anything else is an unexpected failure and is reported with its stack.
 */
export class BuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
  }
}
