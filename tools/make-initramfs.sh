#!/bin/sh
# tools/make-initramfs.sh STAGING OUTPUT
#
# Build calf's initramfs: Debian's static busybox with a link per applet (and static
# bash as /bin/bash when installed), rootfs/ (init, /etc), calf's own programs
# (build/user -> /bin), guest tests (build/progs/<libc>/ -> /tests/<libc>/, calf-only
# ones from build/progs/calf/, with ld.so and the libraries of the dynamic ones), the fuzzer (build/fuzz/fuzz -> /tests/fuzz/fuzz),
# shell scripts (tests/scripts/ -> /tests/scripts/),
# the benchmarks (build/bench/, bench/run-all.sh and run-smp.sh -> /bench/).
# The archive is cpio "newc", sorted and with fixed owners so it is reproducible.
# tools/initramfs-add.sh appends more files to it (calf-run and linux-run's --add).
set -e
mkdir -p "$1" "$(dirname "$2")"
staging=$(cd "$1" && pwd)
output=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}

rm -rf "$staging"
mkdir -p "$staging"
cd "$staging"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp root etc tests
cp "$busybox" bin/busybox
for applet in $(bin/busybox --list); do
	[ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
# Debian's static bash, for the scripts that compare shells on both kernels.
[ -x /bin/bash-static ] && cp /bin/bash-static bin/bash
cp -R "$root/rootfs/." .
if [ -d "$root/build/user" ]; then
	for program in "$root"/build/user/*; do
		[ -f "$program" ] && cp "$program" bin/
	done
fi
for libc in musl glibc glibc-dynamic calf; do
	if [ -d "$root/build/progs/$libc" ]; then
		mkdir -p "tests/$libc"
		cp "$root/build/progs/$libc"/* "tests/$libc/" 2>/dev/null || true
	fi
done
# The dynamically linked programs' interpreter and libraries, from this machine's
# Debian glibc (what they were linked against), where ld.so looks for them.
if [ -d tests/glibc-dynamic ] && ls tests/glibc-dynamic/* > /dev/null 2>&1; then
	"$root/tools/elf-closure.sh" tests/glibc-dynamic/* > "$staging.libraries"
	while IFS= read -r pair; do
		guest=${pair#*:}
		mkdir -p ".$(dirname "$guest")"
		cp -L "${pair%%:*}" ".$guest"
	done < "$staging.libraries"
	rm -f "$staging.libraries"
fi
if [ -x "$root/build/fuzz/fuzz" ]; then
	mkdir -p tests/fuzz
	cp "$root/build/fuzz/fuzz" tests/fuzz/
fi
mkdir -p tests/scripts
cp "$root"/tests/scripts/* tests/scripts/ 2>/dev/null || true
if [ -d "$root/build/bench" ]; then
	mkdir -p bench
	cp "$root"/build/bench/* "$root/bench/run-all.sh" "$root/bench/run-smp.sh" bench/
fi
find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible > "$output"
