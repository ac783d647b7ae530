#!/usr/bin/env bash
# Builds (once) a Debian 13 (trixie) root with Wine 10 in which the Windows package's launcher and
# node.exe run for the windows-x86_64 integration tests. Debian 12's Wine 8 cannot start Node 24
# (V8's placeholder reservations fail: "SegmentedTable::InitializeTable"), so Wine comes from
# trixie in a debootstrap chroot; only Debian's own packages are used.
#
#   scripts/platforms/wine-root.sh [cache dir]     default: $TA_PLATFORM_CACHE or /var/cache/ta-1password-events
#
# Idempotent: a finished root carries a stamp and is reused as is. Needs root, debootstrap and
# unshare (mounts happen in a private mount namespace, so nothing stays mounted on the host).
set -euo pipefail
cache=${1:-${TA_PLATFORM_CACHE:-/var/cache/ta-1password-events}}
root=$cache/wine-root
stamp=$root/.ta-wine-ready
suite=${WINE_SUITE:-trixie}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# The Wine prefix (C: drive, registry) is created once by wineboot; it takes most of a minute.
init_prefix() {
  [ -f "$root/.ta-wine-prefix-ready" ] && return 0
  echo "INFO creating the Wine prefix in $root/root/.wine"
  unshare --mount --propagation private -- sh -euc '
    r=$1
    mount --rbind /proc "$r/proc"
    mount --rbind /dev "$r/dev"
    chroot "$r" env -i HOME=/root WINEPREFIX=/root/.wine WINEDEBUG=-all PATH=/usr/lib/wine:/usr/bin:/bin \
      sh -c "wine64 wineboot --init && wineserver64 -w"
  ' sh "$root" >"$cache/wine-prefix.log" 2>&1 || { tail -n 20 "$cache/wine-prefix.log" >&2; exit 1; }
  touch "$root/.ta-wine-prefix-ready"
}

if [ -f "$stamp" ]; then
  init_prefix
  echo "INFO wine root ready: $root ($(cat "$stamp"))"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "ERROR wine-root.sh must run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "ERROR debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

mkdir -p "$cache"
# A half-built root (interrupted run) is thrown away: debootstrap cannot resume one.
rm -rf "$root.partial"
echo "INFO debootstrap $suite into $root.partial"
debootstrap --variant=minbase --arch=amd64 "$suite" "$root.partial" "$mirror" >"$cache/wine-debootstrap.log" 2>&1 ||
  { tail -n 20 "$cache/wine-debootstrap.log" >&2; exit 1; }

echo "INFO installing wine64 in the $suite root"
unshare --mount --propagation private -- sh -euc '
  r=$1
  mount --rbind /proc "$r/proc"
  mount --rbind /dev "$r/dev"
  cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
  chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64 >/dev/null
  chroot "$r" apt-get clean
' sh "$root.partial" >"$cache/wine-install.log" 2>&1 || { tail -n 20 "$cache/wine-install.log" >&2; exit 1; }

wine_version=$(chroot "$root.partial" sh -c 'dpkg-query -W -f "\${Version}" wine64')
rm -rf "$root"
mv "$root.partial" "$root"
echo "$suite wine64 $wine_version" >"$stamp"
init_prefix
echo "INFO wine root ready: $root ($suite wine64 $wine_version)"
