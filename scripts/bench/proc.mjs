/**
 * What /proc tells about processes and the machine. Linux only (the bench's platform).
 *
 * CPU of a child is read from this process's own cutime/cstime (fields 16 and 17 of
 * /proc/self/stat): the kernel adds a child's user and system time there when it is reaped, so
 * the difference across a run is exactly what the child (and anything it waited for) used, to
 * the clock tick. Peak RSS is the child's VmHWM, polled while it runs (a high-water mark, so the
 * last reading before exit is the peak to within one poll).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

let ticks;
/** Clock ticks per second (USER_HZ), normally 100. */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** Fields of /proc/<pid>/stat after the command name (field 3 is index 0). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** CPU ms of this process's reaped children so far: {user, sys}. */
export function reapedChildrenCpuMs() {
  const f = statFields('self');
  const hz = clockTicks();
  return { user: (Number(f[13]) * 1000) / hz, sys: (Number(f[14]) * 1000) / hz };
}

/** CPU ms a live process has used so far (undefined once it is gone). */
export function processCpuMs(pid) {
  try {
    const f = statFields(pid);
    const hz = clockTicks();
    return { user: (Number(f[11]) * 1000) / hz, sys: (Number(f[12]) * 1000) / hz };
  } catch {
    return undefined;
  }
}

/**
 * CPU ms per thread name of a live process (MainThread, V8Worker = GC and compiler helpers,
 * libuv-worker…), or undefined once it is gone.
 */
export function processThreadsCpuMs(pid) {
  try {
    const hz = clockTicks();
    const byName = {};
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const f = statFields(`${pid}/task/${tid}`);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      byName[name] = (byName[name] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / hz;
    }
    return byName;
  } catch {
    return undefined;
  }
}

/**
 * VmHWM, VmRSS and RssAnon (private memory; RssFile is mostly the Node binary's code, shared by
 * every process that runs it) of a live process in KiB (undefined once it is gone).
 */
export function processMemoryKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { hwm: field('VmHWM'), rss: field('VmRSS'), anon: field('RssAnon') };
  } catch {
    return undefined;
  }
}

/** The 1-minute load average: the bench prints it so noisy figures can be recognised. */
export function loadAverage() {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/** The machine the figures were taken on. */
export function machineInfo() {
  let cpuModel = 'unknown';
  try {
    cpuModel =
      /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
      cpuModel;
  } catch {
    // not Linux
  }
  let kernel = os.release();
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // keep os.release()
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel,
    benchNode: process.versions.node,
    loadAverageAtStart: loadAverage(),
  };
}
