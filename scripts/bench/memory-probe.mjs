/**
 * Where a process's memory goes, for docs/performance.md: loaded with
 * `NODE_OPTIONS=--import=<this file's URL>` and MEMORY_PROBE_OUT=<file>, it samples every 50 ms
 * process.memoryUsage(), V8's heap spaces and /proc/self/smaps_rollup, and appends one JSON
 * line at exit with the peak of each figure (kB). Measurement only; never shipped.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';

const out = process.env.MEMORY_PROBE_OUT;
const peak = {};
const keep = (key, kb) => {
  if (!(peak[key] >= kb)) peak[key] = Math.round(kb);
};

function sample() {
  const m = process.memoryUsage();
  for (const key of ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'])
    keep(`node.${key}`, m[key] / 1024);
  for (const space of v8.getHeapSpaceStatistics())
    keep(`v8.${space.space_name}.committed`, space.physical_space_size / 1024);
  const stats = v8.getHeapStatistics();
  keep('v8.malloced_memory', stats.malloced_memory / 1024);
  keep('v8.external_memory', stats.external_memory / 1024);
  try {
    for (const line of readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
      const match = /^(\w+):\s+(\d+) kB/.exec(line);
      if (match) keep(`smaps.${match[1]}`, Number(match[2]));
    }
    const status = readFileSync('/proc/self/status', 'utf8');
    for (const key of ['VmHWM', 'RssAnon', 'RssFile', 'Threads']) {
      const match = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status);
      if (match) keep(`status.${key}`, Number(match[1]));
    }
  } catch {
    // not Linux: the process figures above still hold
  }
}

if (out) {
  sample();
  setInterval(sample, 50).unref();
  process.on('exit', () => {
    sample();
    appendFileSync(out, `${JSON.stringify({ argv: process.argv.slice(2), peak })}\n`);
  });
}
