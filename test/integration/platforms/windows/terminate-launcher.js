'use strict';
/*
 * Runs on Windows (under Wine) with the package's own node.exe, as splunkd would: starts the .cmd
 * launcher through cmd.exe in run mode with the input definition (argv[3], a file) on stdin, waits
 * until its node.exe is delivering events, then terminates cmd.exe (child.kill is TerminateProcess, what splunkd does
 * to stop an input on Windows) and reports as one JSON line whether node.exe went with it:
 * stdout closes only once every process holding it, node.exe included, has ended.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS run by node.exe on Windows
const { execFileSync, spawn } = require('node:child_process');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
const { readFileSync } = require('node:fs');

const launcher = process.argv[2];
const inputDefinition = readFileSync(process.argv[3]);
const limitMs = 30000;

function otherNodes() {
  const list = execFileSync('tasklist').toString('utf16le').replace(/\0/g, '');
  return list
    .split(/\r?\n/)
    .filter((line) => /^\s*node\.exe\s/i.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[1]))
    .filter((pid) => pid !== process.pid);
}

function report(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

const child = spawn('cmd.exe', ['/d', '/c', launcher], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
let delivering = false;
child.stdout.on('data', () => (delivering = true));
const closed = new Promise((resolve) => child.stdout.on('close', resolve));
child.stdin.end(inputDefinition);

const started = Date.now();
const waitForInput = setInterval(() => {
  const nodes = delivering ? otherNodes() : [];
  if (nodes.length === 0 && Date.now() - started < limitMs) return;
  clearInterval(waitForInput);
  if (nodes.length === 0) {
    report({ inputStarted: false, stderr });
    return child.kill();
  }
  child.kill(); // TerminateProcess(cmd.exe)
  const timer = setTimeout(() => {
    const survivors = otherNodes();
    report({ inputStarted: true, nodeEnded: false, survivors, stderr });
    for (const pid of survivors) execFileSync('taskkill', ['/F', '/PID', String(pid)]);
    process.exit(0);
  }, limitMs);
  closed.then(() => {
    clearTimeout(timer);
    report({ inputStarted: true, nodeEnded: true, survivors: otherNodes(), stderr });
    process.exit(0);
  });
}, 200);
