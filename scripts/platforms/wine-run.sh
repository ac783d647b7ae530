#!/bin/sh
# Runs a Windows program in the Wine root (wine-root.sh) the way splunkd on Windows runs an input:
#
#   scripts/platforms/wine-run.sh <wine root> <host dir> <windows program> [args...]
#
# <host dir> appears as "C:\Program Files\Splunk Test" (a path with spaces, like Splunk's own
# default) and SPLUNK_HOME names it; /tmp is shared so other test files (CA bundles) are reachable
# as Z:\tmp\…. A .cmd program runs through cmd.exe, as CreateProcess does on Windows.
#
# Wine cannot hand a Unix pipe to node.exe as its stdio (EBADF), so stdin is read to the end
# first and the program gets files; its stdout and stderr are copied out when it has ended, and
# its exit code is returned. TA_WINE_KILL_AFTER_EVENTS=<n> ends every Windows process of the run
# (wineserver -k: node.exe is terminated like TerminateProcess) once stdout holds n events.
set -eu
# The caller's PATH may hold only the launcher's tools; this script names its own (the Windows
# side gets a fresh environment anyway).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
root=$1
home=$2
shift 2
work=$(mktemp -d /tmp/ta-wine-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/stdin"
set +e
unshare --mount --propagation private -- sh -eu -c '
  root=$1 home=$2 work=$3
  shift 3
  mount --rbind /proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /tmp "$root/tmp"
  # Name resolution as on the host: the test servers answer as localhost.
  [ -e "$root/etc/hosts" ] || : >"$root/etc/hosts"
  mount --bind /etc/hosts "$root/etc/hosts"
  target="$root/root/.wine/drive_c/Program Files/Splunk Test"
  mkdir -p "$target"
  mount --bind "$home" "$target"
  mkdir -p -m 700 "$root/root/.xdg"
  exec chroot "$root" env -i HOME=/root XDG_RUNTIME_DIR=/root/.xdg WINEPREFIX=/root/.wine WINEDEBUG=-all LANG=C.UTF-8 \
    PATH=/usr/lib/wine:/usr/bin:/bin "SPLUNK_HOME=C:\\Program Files\\Splunk Test" \
    TA_WINE_KILL_AFTER_EVENTS="${TA_WINE_KILL_AFTER_EVENTS:-}" sh -c "
      work=\$1; shift
      # A server that ends with its last client, so the next run starts clean.
      wineserver64 -p0
      wine64 \"\$@\" <\"\$work/stdin\" >\"\$work/stdout\" 2>\"\$work/stderr\" &
      pid=\$!
      if [ -n \"\$TA_WINE_KILL_AFTER_EVENTS\" ]; then
        while kill -0 \$pid 2>/dev/null; do
          if [ \"\$(grep -o \"</event>\" \"\$work/stdout\" | wc -l)\" -ge \"\$TA_WINE_KILL_AFTER_EVENTS\" ]; then
            wineserver64 -k
            break
          fi
          sleep 0.05
        done
      fi
      wait \$pid
      echo \$? >\"\$work/rc\"
      wineserver64 -w
    " sh "$work" "$@"
' sh "$root" "$home" "$work" "$@"
status=$?
set -e
cat "$work/stdout" 2>/dev/null || true
cat "$work/stderr" >&2 2>/dev/null || true
if [ -f "$work/rc" ]; then exit "$(cat "$work/rc")"; fi
exit "$status"
