#!/bin/sh
# Build calf's guest programs for the host, twice: against musl and against
# glibc, static. They are ordinary Linux programs, so running them on Linux
# checks the tests themselves before calf runs them.
#
#   tests/progs/build-host.sh OUT           build into OUT/musl/ and OUT/glibc/
#   tests/progs/build-host.sh --run OUT     build, then run every test program
#
# OUT/<libc>/ holds only the test programs (tests/progs/*.c): everything there is
# copied to /tests/<libc>/ in calf's initramfs and run as a test. The user
# programs (user/*.c) are built too, to check them, into OUT/user/<libc>/, and
# --run leaves each test's output in OUT/host-tap/<libc>/<name>.tap.
set -eu

run=no
if [ "${1:-}" = "--run" ]; then
	run=yes
	shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--run] OUTDIR" >&2; exit 2; }
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
CFLAGS="-std=gnu11 -static -O2 -Wall -Wextra -Werror"

for flavour in musl glibc; do
	case $flavour in
	musl) cc=musl-gcc ;;
	glibc) cc=gcc ;;
	esac
	mkdir -p "$out/$flavour" "$out/user/$flavour"
	for src in "$top"/tests/progs/*.c; do
		$cc $CFLAGS "$src" -o "$out/$flavour/$(basename "$src" .c)"
	done
	for src in "$top"/user/*.c; do
		[ -e "$src" ] || continue
		$cc $CFLAGS "$src" -o "$out/user/$flavour/$(basename "$src" .c)"
	done
done

[ $run = yes ] || exit 0

# Each test runs with a time limit, its output kept next to the binary.
passed=0
failed=0
for flavour in musl glibc; do
	for src in "$top"/tests/progs/*.c; do
		name=$(basename "$src" .c)
		tap=$out/host-tap/$flavour/$name.tap
		mkdir -p "$(dirname "$tap")"
		if timeout 120 "$out/$flavour/$name" > "$tap" 2>&1; then
			passed=$((passed + 1))
			echo "PASS $flavour/$name ($(grep -c '^ok ' "$tap") ok)"
		else
			failed=$((failed + 1))
			echo "FAIL $flavour/$name"
			grep -v '^ok ' "$tap" | sed 's/^/    /'
		fi
	done
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
