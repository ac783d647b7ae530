#!/usr/bin/env bash
# Builds (once) the small aarch64 userland in which the linux-aarch64 package runs under
# qemu-user for its integration tests: busybox-static (arm64) as /bin/sh and the few tools the
# launcher calls, and the arm64 glibc, libgcc and libstdc++ Node needs — all Debian 12 packages,
# fetched with a private apt configuration (the host's apt sources and architectures are not
# touched). qemu-user-static (host package) is the interpreter; aarch64-run.sh registers it with
# a private binfmt_misc per run.
#
#   scripts/platforms/aarch64-root.sh [cache dir]  default: $TA_PLATFORM_CACHE or /var/cache/ta-1password-events
#
# Idempotent: a finished root carries a stamp and is reused as is.
set -euo pipefail
cache=${1:-${TA_PLATFORM_CACHE:-/var/cache/ta-1password-events}}
root=$cache/aarch64-root
stamp=$root/.ta-aarch64-ready
suite=${AARCH64_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=(busybox-static libc6 libgcc-s1 libstdc++6)

if [ -f "$stamp" ]; then
  echo "INFO aarch64 root ready: $root ($(cat "$stamp"))"
  exit 0
fi
[ -x /usr/bin/qemu-aarch64-static ] || { echo "ERROR qemu-user-static is not installed (apt-get install qemu-user-static)" >&2; exit 1; }

apt_dir=$cache/aarch64-apt
rm -rf "$apt_dir" "$root.partial"
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,debs} "$root.partial"
: >"$apt_dir/status"
echo "deb $mirror $suite main" >"$apt_dir/sources.list"
apt_opts=(
  -o APT::Architecture=arm64 -o APT::Architectures::=arm64
  -o Dir::State::Lists="$apt_dir/lists" -o Dir::State::status="$apt_dir/status"
  -o Dir::Cache="$apt_dir/cache" -o Dir::Etc::SourceList="$apt_dir/sources.list"
  -o Dir::Etc::SourceParts=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root
)
echo "INFO fetching ${packages[*]} (arm64, $suite)"
apt-get "${apt_opts[@]}" update -qq
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >/dev/null)
for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root.partial"; done

# The launcher needs sh, uname, sed, head and cat; the tests' PATH links them from /bin.
for tool in sh uname sed head cat; do ln -sf busybox "$root.partial/bin/$tool"; done
mkdir -p "$root.partial"/{tmp,dev,proc,etc}
chmod 1777 "$root.partial/tmp"
versions=$(cd "$apt_dir/debs" && ls | sed 's/_arm64\.deb$//' | tr '\n' ' ')
rm -rf "$root" "$apt_dir"
mv "$root.partial" "$root"
echo "$suite arm64: $versions" >"$stamp"
echo "INFO aarch64 root ready: $root"
