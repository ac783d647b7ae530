/**
 * Node prints its own warnings (TimeoutOverflowWarning, deprecations) to stderr without a level,
 * and splunkd files such lines as ERROR. They go through the logger instead, each distinct one once,
 * so no stderr line is ever unprefixed and a warning repeated in a loop cannot flood splunkd.log.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from './logger';

export function routeNodeWarnings(logger: Logger, proc: EventEmitter = process): void {
  // Removing Node's own listener is what stops its unprefixed print.
  proc.removeAllListeners('warning');
  const seen = new Set<string>();
  proc.on('warning', (warning: Error) => {
    const text = `${warning.name}: ${warning.message}`;
    if (seen.has(text)) return;
    seen.add(text);
    logger.warn(`Node.js ${text}`);
  });
}
