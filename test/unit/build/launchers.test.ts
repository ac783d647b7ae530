import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launcherPaths } from '../../../tools/build/allowlist';

const root = path.resolve(__dirname, '../../..');
const posix = readFileSync(path.join(root, 'bin/onepassword_events'), 'utf8');
const windowsBytes = readFileSync(path.join(root, 'bin/onepassword_events.cmd'));
const windows = windowsBytes.toString('latin1');

/** Lines without their comments (`#` in sh, `rem` in cmd). */
const code = (text: string, comment: RegExp) =>
  text.split(/\r?\n/).filter((line) => line.trim() !== '' && !comment.test(line.trim()));

describe('bin/onepassword_events (POSIX sh)', () => {
  it('is a POSIX sh script with LF line ends', () => {
    expect(posix.startsWith('#!/bin/sh\n')).toBe(true);
    expect(posix).not.toContain('\r');
  });

  it('parses as sh', () => {
    const result = spawnSync('sh', ['-n', path.join(root, 'bin/onepassword_events')], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('execs the bundled runtime on the bundled script with the arguments unchanged', () => {
    expect(code(posix, /^#/)).toContain('exec "$node" --max-semi-space-size=4 "$script" "$@"');
    expect(posix).toContain('node=$bin_dir/runtime/$platform/node');
    expect(posix).toContain('script=$bin_dir/app/onepassword_events.js');
  });

  it('never looks for another node', () => {
    const lines = code(posix, /^#/).join('\n');
    expect(lines).not.toMatch(/command -v|which |type node|SPLUNK_HOME|\$PATH/);
    expect(lines.match(/exec /g)).toHaveLength(1);
  });

  it('is committed with its executable bit', () => {
    const listed = spawnSync('git', ['ls-files', '-s', ...launcherPaths], {
      cwd: root,
      encoding: 'utf8',
    });
    if (listed.status !== 0 || listed.stdout === '') return; // not a git checkout (e.g. a source tarball)
    for (const line of listed.stdout.trim().split('\n')) expect(line).toMatch(/^100755 /);
  });
});

describe('bin/onepassword_events.cmd (Windows)', () => {
  const runNode =
    '"%NODE%" --max-semi-space-size=4 -r "%BIN_DIR%launcher\\parent-watch.js" "%BIN_DIR%app\\onepassword_events.js" %*';

  it('is ASCII with CRLF line ends throughout (cmd.exe mis-parses labels in LF files)', () => {
    expect([...windowsBytes].every((byte) => byte < 0x80)).toBe(true);
    expect(windows.endsWith('\r\n')).toBe(true);
    expect(windows.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('starts quietly and keeps delayed expansion off, so ! in arguments survives', () => {
    expect(windows.startsWith('@echo off\r\n')).toBe(true);
    expect(windows).toContain('setlocal DisableDelayedExpansion');
    expect(windows).not.toMatch(/EnableDelayedExpansion/i);
  });

  it('runs the bundled node.exe on the bundled script with all arguments and returns its exit code', () => {
    const lines = code(windows, /^rem( |$)/i);
    expect(lines).toContain('set "NODE=%BIN_DIR%runtime\\%PLATFORM%\\node.exe"');
    expect(lines).toContain(runNode);
    expect(lines[lines.indexOf(runNode) + 1]).toBe('exit /b %ERRORLEVEL%');
  });

  it('preloads the parent watch, so node.exe stops when splunkd terminates cmd.exe', () => {
    expect(runNode).toContain('-r "%BIN_DIR%launcher\\parent-watch.js"');
    expect(code(windows, /^rem( |$)/i)).toContain(
      'if not exist "%BIN_DIR%launcher\\parent-watch.js" goto no_script',
    );
  });

  it('reads the version for FATAL lines from app.conf itself, not through findstr (Wine differs)', () => {
    const lines = code(windows, /^rem( |$)/i).join('\n');
    expect(lines).not.toMatch(/findstr/i);
    expect(lines).toContain('("%BIN_DIR%..\\default\\app.conf") do if /i "%%a"=="version"');
  });

  it('never looks for another node and prints FATAL lines to stderr', () => {
    const lines = code(windows, /^rem( |$)/i);
    expect(lines.join('\n')).not.toMatch(/where |SPLUNK_HOME|%PATH%/i);
    const fatal = lines.filter((line) => line.includes('FATAL'));
    expect(fatal.length).toBeGreaterThanOrEqual(3);
    for (const line of fatal) expect(line).toMatch(/^>&2 echo FATAL TA-1password-events: /);
  });
});

describe("the resident kind's launchers", () => {
  const residentPosix = readFileSync(path.join(root, 'bin/onepassword_events_resident'), 'utf8');
  const residentWindowsBytes = readFileSync(path.join(root, 'bin/onepassword_events_resident.cmd'));
  const residentWindows = residentWindowsBytes.toString('latin1');

  it('name the kind and exec the per-run launcher (sh): one runtime choice, node is the process', () => {
    const lines = code(residentPosix, /^#/);
    expect(lines).toContain('ONEPASSWORD_EVENTS_KIND=resident');
    expect(lines).toContain('export ONEPASSWORD_EVENTS_KIND');
    expect(lines.filter((l) => l.startsWith('exec '))).toEqual([
      'exec "$bin_dir/onepassword_events" "$@"',
    ]);
    const syntax = spawnSync('sh', ['-n', path.join(root, 'bin/onepassword_events_resident')]);
    expect(syntax.status).toBe(0);
  });

  it('name the kind and call the per-run launcher (cmd), ASCII with CRLF', () => {
    expect([...residentWindowsBytes].every((byte) => byte < 0x80)).toBe(true);
    expect(residentWindows.replace(/\r\n/g, '')).not.toContain('\n');
    const lines = code(residentWindows, /^rem\b/i);
    expect(lines).toContain('set "ONEPASSWORD_EVENTS_KIND=resident"');
    expect(lines).toContain('call "%~dp0onepassword_events.cmd" %*');
    expect(lines.at(-1)).toBe('exit /b %ERRORLEVEL%');
  });
});
