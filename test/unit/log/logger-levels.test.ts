import { createLogger } from '../../../src/log/logger';

describe("logger levels: one per logger, a child starts at its parent's", () => {
  it("one account's log_level never changes another's lines (the resident input)", () => {
    const lines: string[] = [];
    const root = createLogger((l) => lines.push(l), 'INFO');
    const a = root.child({ input: 'a' });
    const b = root.child({ input: 'b' });
    a.setLevel('DEBUG');
    b.setLevel('ERROR');
    a.debug('a debug');
    b.info('b info');
    b.error('b error');
    root.debug('root debug');
    root.info('root info');
    expect(lines).toEqual([
      'DEBUG a debug input=a\n',
      'ERROR b error input=b\n',
      'INFO root info\n',
    ]);
  });

  it('a child made after setLevel takes the parent level; secrets stay shared', () => {
    const lines: string[] = [];
    const root = createLogger((l) => lines.push(l), 'WARN');
    const child = root.child({ input: 'x' });
    child.addSecret('secret-value-123456');
    const grandchild = child.child({ feed: 'auditevents' });
    grandchild.info('hidden');
    root.warn('leak secret-value-123456');
    expect(lines).toEqual(['WARN leak [REDACTED]\n']);
  });
});
