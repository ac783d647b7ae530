import { EventEmitter } from 'node:events';
import { createLogger } from '../../../src/log/logger';
import { routeNodeWarnings } from '../../../src/log/node-warnings';

describe('routeNodeWarnings', () => {
  it("replaces Node's unprefixed print with one WARN line per distinct warning", () => {
    const proc = new EventEmitter();
    const printed: string[] = [];
    proc.on('warning', (w: Error) => printed.push(`(node) ${w.name}: ${w.message}`));
    const lines: string[] = [];
    routeNodeWarnings(
      createLogger((line) => lines.push(line)),
      proc,
    );
    const overflow = Object.assign(
      new Error('1e+21 does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.'),
      {
        name: 'TimeoutOverflowWarning',
      },
    );
    for (let i = 0; i < 1000; i++) proc.emit('warning', overflow);
    proc.emit(
      'warning',
      Object.assign(new Error('Buffer() is deprecated'), { name: 'DeprecationWarning' }),
    );
    expect(printed).toEqual([]);
    expect(lines).toEqual([
      'WARN Node.js TimeoutOverflowWarning: 1e+21 does not fit into a 32-bit signed integer. Timeout duration was set to 1.\n',
      'WARN Node.js DeprecationWarning: Buffer() is deprecated\n',
    ]);
  });
});
