#!/bin/sh
# Runs one command inside the aarch64 userland (aarch64-root.sh) the way an aarch64 host would:
#
#   unshare --user --map-root-user --mount --propagation private \
#     scripts/platforms/aarch64-run.sh <aarch64 root> <command> [args...]
#
# In the private user and mount namespace it mounts a binfmt_misc of its own (Linux 6.7+ gives
# each user namespace its own), registers qemu-aarch64-static for aarch64 ELF files (F: opened
# now, so the chroot needs no copy of it), binds /dev, /proc, /tmp (the tests' files live under /tmp) and
# /etc/hosts, and execs the command in the chroot. Every step execs, so the pid the caller signals is
# the emulated process itself, and stdin, stdout, stderr and the exit code pass through.
set -eu
root=$1
shift
/usr/bin/mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
printf '%s' ':ta-qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:FP' \
  >/proc/sys/fs/binfmt_misc/register
/usr/bin/mount --rbind /dev "$root/dev"
/usr/bin/mount --rbind /proc "$root/proc"
/usr/bin/mount --rbind /tmp "$root/tmp"
# Name resolution as on the host (the tests' servers answer as localhost).
[ -e "$root/etc/hosts" ] || : >"$root/etc/hosts"
/usr/bin/mount --bind /etc/hosts "$root/etc/hosts"
cd "$root"
exec /usr/sbin/chroot "$root" "$@"
