#!/bin/sh
# tools/debian-fetch.sh PACKAGE...
#
# Fetch Debian packages to run in the guest, with the library packages they depend
# on (Depends and Pre-Depends, recursively; only packages named lib*, besides those
# asked for: the rest is the Debian system around them, which the guest does not
# need). Each is fetched once with `apt-get download` into the cache ($CALF_CACHE,
# default build/cache) under debian/debs and unpacked with `dpkg-deb -x` into one
# root, debian/root, whose path is printed. tools/elf-closure.sh --root ROOT then
# finds what a program of that root needs. Nothing is installed on this machine.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CALF_CACHE:-$top/build/cache}
debs=$cache/debian/debs
root=$cache/debian/root
[ $# -gt 0 ] || { echo "usage: debian-fetch.sh PACKAGE..." >&2; exit 2; }
mkdir -p "$debs" "$root"

depends() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" 2>/dev/null | grep -v '^[ <]' | sort -u
}
closure=$(depends "$@")
# A fresh machine may have no package lists yet.
[ -n "$closure" ] || { apt-get update -qq >&2 && closure=$(depends "$@"); }
[ -n "$closure" ] || { echo "debian-fetch: apt knows none of: $*" >&2; exit 1; }

fetch() {
	(cd "$debs" && apt-get download "$1" > /dev/null 2>&1) ||
		(apt-get update -qq >&2 && cd "$debs" && apt-get download "$1" > /dev/null) ||
		{ echo "debian-fetch: cannot download $1" >&2; return 1; }
}

for package in $closure; do
	case " $* " in
	*" $package "*) ;;
	*) case $package in lib*) ;; *) continue ;; esac ;;
	esac
	[ -f "$root/.unpacked-$package" ] && continue
	ls "$debs/${package}"_*.deb > /dev/null 2>&1 || fetch "$package"
	for deb in "$debs/${package}"_*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	touch "$root/.unpacked-$package"
done
echo "$root"
