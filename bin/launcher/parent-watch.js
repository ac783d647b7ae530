'use strict';
/*
 * Preloaded by bin/onepassword_events.cmd (node -r) on Windows only.
 *
 * splunkd on Windows stops an input by terminating the process it started, which is cmd.exe
 * running the .cmd launcher. TerminateProcess ends that one process, never its children, so
 * node.exe would keep running with nobody reading its output. There is no exec in cmd.exe, so
 * node watches its parent instead and, once the parent is gone, stops exactly as it does on
 * SIGTERM on Linux (finish the event in flight, keep the journal consistent), then exits.
 */
(function watchParent() {
  var parent = process.ppid;
  if (!parent || parent === process.pid) return;
  var pollMs = 500;
  // Time the graceful stop may take before the process ends regardless (splunkd grants a grace
  // period on Linux too).
  var graceMs = 5000;
  function parentAlive() {
    try {
      // Signal 0 on Windows: OpenProcess + GetExitCodeProcess, no signal is sent.
      process.kill(parent, 0);
      return true;
    } catch (error) {
      return error && error.code === 'EPERM';
    }
  }
  var timer = setInterval(function check() {
    if (parentAlive()) return;
    clearInterval(timer);
    process.stderr.on('error', function ignore() {});
    try {
      process.stderr.write(
        'INFO the launcher (pid ' + parent + ') was terminated; stopping the input\n',
      );
    } catch {
      // splunkd may have closed stderr already; stopping matters more than the line.
    }
    if (process.listenerCount('SIGTERM') === 0) process.exit(1);
    process.emit('SIGTERM', 'SIGTERM');
    setTimeout(function stopNow() {
      process.exit(1);
    }, graceMs).unref();
  }, pollMs);
  // The watch alone never keeps node running.
  timer.unref();
})();
