'use strict';
/*
 * Runs on Windows (under Wine) with the package's own node.exe, as splunkd would: starts the .cmd
 * launcher through cmd.exe in run mode (stdin left open, so the input waits), waits until its
 * node.exe is running, then terminates cmd.exe (child.kill is TerminateProcess, what splunkd does
 * to stop an input on Windows) and reports as one JSON line whether node.exe went with it:
 * stdout closes only once every process holding it, node.exe included, has ended.
 */
const { execFileSync, spawn } = require('node:child_process');

const launcher = process.argv[2];
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
child.stdout.resume();
const closed = new Promise((resolve) => child.stdout.on('close', resolve));

const started = Date.now();
const waitForInput = setInterval(() => {
  const nodes = otherNodes();
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
