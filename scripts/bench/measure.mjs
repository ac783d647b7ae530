/**
 * Runs one process the way splunkd runs the input (definition on stdin, stdout read as an XML
 * stream) and measures it: wall time, CPU, peak RSS, events and bytes. stdout is parsed by the
 * harness's StreamReader (saxes), the same reader the integration tests use; events are counted
 * and dropped at once so the reader's memory stays flat even for a million events.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import {
  processCpuMs,
  processMemoryKb,
  processThreadsCpuMs,
  reapedChildrenCpuMs,
} from './proc.mjs';

const pollMs = 20;

/**
 * @param {object} options
 * @param {string} options.command
 * @param {string[]} [options.args]
 * @param {Record<string, string>} options.env
 * @param {string} [options.cwd]
 * @param {string|Buffer} [options.stdin]
 * @param {Function} options.StreamReader the harness's reader class
 * @param {string} [options.captureStdoutTo] file that receives the exact stdout bytes
 * @param {number} [options.timeoutMs]
 * @param {(sample: {atMs: number, cpuMs: number, events: number}) => void} [options.onSample]
 * @param {boolean} [options.exclusive] no other child is reaped meanwhile: CPU from cutime/cstime
 * @param {boolean} [options.keepStdout] also return stdout as text (small outputs only)
 * @param {boolean} [options.threads] also return CPU ms per thread name (last poll before exit)
 * @param {(child: import('node:child_process').ChildProcess) => void} [options.onSpawn]
 * @param {(event: object) => void} [options.onEvent] every event the reader parses (then dropped)
 * @param {(text: string) => void} [options.onStderr] every chunk of stderr as it arrives
 */
export function runMeasured(options) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const parentCpu = process.cpuUsage();
    const reaped = reapedChildrenCpuMs();
    const child = spawn(options.command, options.args ?? [], {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    options.onSpawn?.(child);
    let events = 0;
    let notDone = 0;
    let bytes = 0;
    let firstEventMs;
    const reader = new options.StreamReader((event) => {
      events++;
      if (!event.done) notDone++;
      firstEventMs ??= performance.now() - started;
      options.onEvent?.(event);
      reader.events.length = 0;
    });
    const decoder = new StringDecoder('utf8');
    const capture =
      options.captureStdoutTo === undefined ? undefined : openSync(options.captureStdoutTo, 'w');
    let stdout = '';
    let stdoutTail = '';
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      stdoutTail = (stdoutTail + chunk.toString('latin1')).slice(-256);
      if (options.keepStdout) stdout += chunk.toString('utf8');
      if (capture !== undefined) writeSync(capture, chunk);
      reader.write(decoder.write(chunk));
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      options.onStderr?.(text);
      stderr += text;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
    });

    let peakRssKb = 0;
    let peakAnonKb = 0;
    let lastCpu = { user: 0, sys: 0 };
    let threads;
    const poll = setInterval(() => {
      if (options.threads) threads = processThreadsCpuMs(pid) ?? threads;
      const memory = processMemoryKb(pid);
      if (memory) {
        peakRssKb = Math.max(peakRssKb, memory.hwm);
        peakAnonKb = Math.max(peakAnonKb, memory.anon);
      }
      const cpu = processCpuMs(pid);
      if (cpu) {
        lastCpu = cpu;
        options.onSample?.({
          atMs: performance.now() - started,
          cpuMs: cpu.user + cpu.sys,
          events,
        });
      }
    }, pollMs);
    const timeout = setTimeout(() => {
      stderr += `BENCH timeout after ${options.timeoutMs} ms: killed\n`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);

    child.on('error', (error) => {
      clearInterval(poll);
      clearTimeout(timeout);
      reject(error);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    child.on('close', (exitCode, signal) => {
      clearInterval(poll);
      clearTimeout(timeout);
      if (capture !== undefined) closeSync(capture);
      reader.write(decoder.end());
      const truncated = reader.end();
      const wallMs = performance.now() - started;
      const after = reapedChildrenCpuMs();
      const parent = process.cpuUsage(parentCpu);
      const cpu = options.exclusive
        ? { user: after.user - reaped.user, sys: after.sys - reaped.sys }
        : lastCpu;
      resolve({
        pid,
        exitCode,
        signal,
        wallMs,
        cpuUserMs: cpu.user,
        cpuSysMs: cpu.sys,
        cpuMs: cpu.user + cpu.sys,
        cpuExact: Boolean(options.exclusive),
        parentCpuMs: (parent.user + parent.system) / 1000,
        peakRssKb,
        peakAnonKb,
        events,
        eventsNotDone: notDone,
        bytes,
        firstEventMs,
        truncated,
        streamError: reader.error,
        stderr,
        stdout: options.keepStdout ? stdout : undefined,
        stdoutTail,
        threadsCpuMs: threads,
      });
    });
  });
}

/** Lines of stderr that start with a level, the run summary first. */
export function summaryLine(stderr) {
  return stderr.split('\n').find((l) => l.startsWith('INFO run summary')) ?? '';
}

/** A named numeric field of a `key=value` log line. */
export function logField(line, name) {
  const match = new RegExp(`(?:^| )${name}=(\\S+)`).exec(line);
  return match ? match[1] : undefined;
}

/** Throws with the tail of stderr when a run did not end cleanly. */
export function assertCleanRun(label, result, expectEvents) {
  const problems = [];
  if (result.exitCode !== 0) problems.push(`exit ${result.exitCode ?? result.signal}`);
  if (result.streamError) problems.push(`stream error: ${result.streamError}`);
  if (result.truncated) problems.push('stream ended inside an element');
  if (expectEvents !== undefined && result.events !== expectEvents)
    problems.push(`${result.events} events instead of ${expectEvents}`);
  if (problems.length > 0) {
    const tail = result.stderr.split('\n').slice(-8).join('\n');
    throw new Error(`${label}: ${problems.join('; ')}\n${tail}`);
  }
}
