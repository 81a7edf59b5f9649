#!/bin/sh
# tools/initramfs-add.sh BASE OUTPUT STAGING [HOST:GUEST]...
#
# Write OUTPUT: the cpio archive BASE (calf's initramfs, from make-initramfs.sh)
# followed by a second archive holding each HOST file or directory at the path GUEST,
# with the directories above it. Linux, and calf, unpack the archives one after the
# other, and an entry of the second over a path the first already holds replaces it
# as Linux's initramfs does: a file or symlink is replaced (a symlink is not followed:
# adding /bin/true replaces busybox's link, not busybox), a directory merges into the
# directory there, and a file cannot replace a non-empty directory (Linux skips it;
# calf reports it and tools/calf-run fails). A later HOST:GUEST wins over an earlier
# one of the same GUEST. STAGING is a scratch directory, emptied first.
set -e
base=$1 output=$2 staging=$3
shift 3
fail() {
	echo "initramfs-add: $*" >&2
	exit 2
}
[ -f "$base" ] || fail "no such archive: $base"
rm -rf "$staging"
mkdir -p "$staging"
staging=$(cd "$staging" && pwd)
for pair in "$@"; do
	case $pair in *:*) ;; *) fail "not HOST:GUEST: $pair" ;; esac
	host=${pair%%:*}
	guest=$(printf '%s\n' "${pair#*:}" | sed 's|^/*||; s|/*$||')
	[ -e "$host" ] || [ -L "$host" ] || fail "no such file: $host"
	case /$guest/ in
	//) fail "$pair: GUEST must name a path below /" ;;
	*/../* | */./*) fail "$pair: GUEST must not contain . or .." ;;
	esac
	# Resolve the parent inside the staging tree, where an added directory may hold
	# symlinks: the copy must never land outside it.
	parent=$(realpath -m "$staging/$(dirname "$guest")")
	case $parent/ in "$staging"/*) ;; *) fail "$pair: GUEST leads out of the archive" ;; esac
	# The directories above GUEST are made 0755, as make-initramfs.sh makes its own
	# (under the usual umask), so that those of the first archive keep their mode.
	(umask 022 && mkdir -p "$parent")
	rm -rf "$parent/$(basename "$guest")"
	cp -R "$host" "$parent/$(basename "$guest")"
done
cp "$base" "$output"
# GNU cpio pads its output to 512 bytes, so the second archive starts aligned.
(cd "$staging" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >> "$output"
