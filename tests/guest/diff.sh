#!/bin/sh
# Differential tests: every guest test program (musl and glibc builds) and every
# shell script in tests/scripts/ runs on calf and on Debian's Linux, and their
# outputs (stdout and stderr, and the exit status) must be identical byte for byte,
# except lines tests/diff/allowed declares different on purpose. One boot per kernel
# runs everything. When Debian's kernel package cannot be fetched, the comparison is
# skipped with a message saying so (the only reason it may be skipped).
. "$(dirname "$0")/lib.sh"

command='
for t in /tests/musl/* /tests/glibc/* /tests/glibc-dynamic/*; do
	[ -x "$t" ] || continue
	echo "=== $t"
	"$t" 2>&1
	echo "=== status $?"
done
cd /tmp
for s in /tests/scripts/*.sh; do
	echo "=== $s"
	sh "$s" 2>&1
	echo "=== status $?"
done
for s in /tests/scripts/*.bash; do
	[ -x /bin/bash ] || break
	echo "=== $s"
	bash "$s" 2>&1
	echo "=== status $?"
done'

if ! "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/diff-fetch.log"; then
	echo "ok - differential tests against Linux # SKIP Debian's linux-image package could not be fetched (see $OUT/diff-fetch.log)"
	exit 0
fi

CALF_RUN_LOG=$OUT/diff-calf.log CALF_RUN_TIMEOUT=600 "$ROOT/tools/calf-run" -- "$command" \
	> "$OUT/diff-calf.out" 2>/dev/null
calf_code=$?
LINUX_RUN_LOG=$OUT/diff-linux.log CALF_RUN_TIMEOUT=600 "$ROOT/tools/linux-run" -- "$command" \
	> "$OUT/diff-linux.out" 2>/dev/null
linux_code=$?
log=
check "calf ran every program and script (status $calf_code)" test $calf_code -eq 0
check "Linux ran every program and script (status $linux_code)" test $linux_code -eq 0

# The allowed-difference patterns, comments and blank lines removed (a pattern that
# matches nothing when there are none).
patterns=$OUT/diff-allowed.re
grep -vE '^(#|$)' "$ROOT/tests/diff/allowed" > "$patterns"
[ -s "$patterns" ] || echo '^calf-never-matches-this-line$' > "$patterns"

# Split one kernel's output into a file per program or script.
split_output() {
	rm -rf "$2"
	mkdir -p "$2"
	grep -vE -f "$patterns" "$1" | awk -v dir="$2" '
	/^=== \// { name = substr($0, 5); gsub("/", "_", name); file = dir "/" name; next }
	file != "" { print > file }'
}
split_output "$OUT/diff-calf.out" "$OUT/diff/calf"
split_output "$OUT/diff-linux.out" "$OUT/diff/linux"

for expected in "$OUT"/diff/linux/*; do
	name=$(basename "$expected")
	actual=$OUT/diff/calf/$name
	label=$(echo "$name" | sed 's/^_//; s/_/\//g')
	if [ -f "$actual" ] && cmp -s "$expected" "$actual"; then
		echo "ok - same output on calf and Linux: $label"
	else
		echo "not ok - same output on calf and Linux: $label"
		diff "$expected" "$actual" 2>&1 | head -8 | sed 's/^/# /'
	fi
done
check "the Linux run produced outputs to compare" test -n "$(ls "$OUT/diff/linux")"
