import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const watch = path.resolve(__dirname, '../../../bin/launcher/parent-watch.js');
const node = process.execPath;

/** Starts `sh` running node with the watch preloaded; resolves with sh and node's output. */
function startUnderParent(childScript: string) {
  const parent = spawn(
    'sh',
    ['-c', '"$0" -r "$1" -e "$2" & echo "$!"; wait', node, watch, childScript],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  parent.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // Both outputs end only when every holder is gone: sh and node.
  const closed = new Promise<void>((resolve) => parent.stderr.on('close', () => resolve()));
  const started = new Promise<number>((resolve) =>
    parent.stdout
      .setEncoding('utf8')
      .once('data', (chunk: string) => resolve(Number(chunk.trim()))),
  );
  return { parent, started, closed, stderr: () => stderr };
}

describe('bin/launcher/parent-watch.js (preloaded by the .cmd launcher)', () => {
  it('stops the input through its SIGTERM path when the parent is killed', async () => {
    const run = startUnderParent(
      "process.once('SIGTERM', () => { console.error('INFO graceful stop'); process.exit(0); });" +
        "console.error('INFO running'); setInterval(() => undefined, 1000);",
    );
    await run.started;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (run.stderr().includes('INFO running')) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    run.parent.kill('SIGKILL'); // what TerminateProcess does to cmd.exe: the child is left behind
    await run.closed;
    const lines = run.stderr().trim().split('\n');
    expect(lines).toContain('INFO graceful stop');
    expect(lines.find((l) => l.includes('was terminated'))).toMatch(
      /^INFO the launcher \(pid \d+\) was terminated; stopping the input$/,
    );
  });

  it('ends a process with no SIGTERM handler (--scheme, --validate-arguments) at once', async () => {
    const run = startUnderParent(
      "console.error('INFO running'); setInterval(() => undefined, 1000);",
    );
    await run.started;
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.parent.kill('SIGKILL');
    await run.closed;
    expect(run.stderr()).toMatch(/was terminated; stopping the input/);
  });

  it('never keeps node running by itself, and leaves exit codes alone', () => {
    const result = spawnSync(node, ['-r', watch, '-e', 'process.exitCode = 3'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toBe('');
  });
});
