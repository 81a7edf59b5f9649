#!/bin/sh
# The one list of Debian packages calf needs, and the one place that installs them.
# Called by `make run`, `make test` and .ci/run. Checking is a single dpkg-query, so it
# costs nothing when everything is present.
set -e

PACKAGES="gcc make binutils qemu-system-x86 musl-tools busybox-static cpio gnuplot-nox
libcmocka-dev pkg-config gdb python3 bash-static python3-matplotlib chromium"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = "installed" ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

echo "calf: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "calf: run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >&2
