#!/bin/sh
# Print the path of Debian's Linux cloud kernel (vmlinuz), fetching it on first use:
# `apt-get download` of the current linux-image-*-cloud-amd64 package into the cache
# ($CALF_CACHE, default build/cache), unpacked there with dpkg-deb -x.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CALF_CACHE:-$root/build/cache}
mkdir -p "$cache"
found=$(ls "$cache"/linux/boot/vmlinuz-* 2>/dev/null | head -1)
if [ -z "$found" ]; then
	package=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -1)
	[ -n "$package" ] || { echo "fetch-linux: no linux-image-cloud-amd64 in apt's lists" >&2; exit 1; }
	(cd "$cache" && apt-get download "$package" >&2 2>/dev/null) ||
		(apt-get update -qq >&2 && cd "$cache" && apt-get download "$package" >&2)
	rm -rf "$cache/linux"
	dpkg-deb -x "$cache"/"$package"_*.deb "$cache/linux"
	found=$(ls "$cache"/linux/boot/vmlinuz-* | head -1)
fi
echo "$found"
