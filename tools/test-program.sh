#!/bin/sh
# tools/test-program.sh NAME - one guest test program (tests/progs/NAME.c), the way
# tests/guest/programs.sh and diff.sh run all of them: its musl, glibc and dynamic
# glibc builds on calf under each fork mode (one boot per mode, mm_audit on), and on
# Linux once. Prints TAP: the program's own lines, prefixed with mode and build, and
# one line per mode saying whether its output is Linux's byte for byte (the lines in
# tests/diff/allowed may differ; so may tests/diff/mode-dependent's programs).
# `make test T=prog/NAME` calls this.
CALF_TEST_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$CALF_TEST_ROOT/tests/guest/lib.sh"

name=$1
if [ -z "$name" ] || [ ! -f "$ROOT/tests/progs/$name.c" ]; then
	echo "not ok - tests/progs/$name.c: no such test program"
	exit 1
fi

command="for t in /tests/musl/$name /tests/glibc/$name /tests/glibc-dynamic/$name; do
	[ -x \"\$t\" ] || continue
	echo \"=== begin \$t\"
	\"\$t\" 2>&1
	echo \"=== end \$t \$?\"
done"

patterns=$OUT/one-allowed.re
grep -vE '^(#|$)' "$ROOT/tests/diff/allowed" > "$patterns"
[ -s "$patterns" ] || echo '^calf-never-matches-this-line$' > "$patterns"

# comparable FILE: the output without the allowed lines.
comparable() {
	grep -vE -f "$patterns" "$1"
}

linux=
if "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/one-fetch.log"; then
	linux=$OUT/one-linux.out
	LINUX_RUN_LOG=$OUT/one-linux.log "$ROOT/tools/linux-run" -- "$command" > "$linux" 2>/dev/null
	check "Linux ran $name" grep -q '^=== end ' "$linux"
	comparable "$linux" > "$linux.cmp"
fi

for mode in cow copy sharedpt; do
	output=$OUT/one-$mode.out
	log=$OUT/one-$mode.log
	CALF_RUN_LOG=$log "$ROOT/tools/calf-run" \
		--append "fork_mode=$mode sharedpt_min_resident=0 sharedpt_small=0 mm_audit" \
		-- "$command" > "$output" 2>/dev/null
	check "fork_mode=$mode: $name ran" grep -q '^=== end ' "$output"
	relay_program_tap "$mode" "$output"
	check "fork_mode=$mode: mm_audit found user memory intact after each exit" \
		grep -q '^calf: mm_audit at the end: clean' "$log"
	if [ -z "$linux" ]; then
		echo "ok - fork_mode=$mode: output against Linux # SKIP Debian's kernel could not be fetched"
	elif grep -qE "^$mode /tests/[^/]*/$name\$" "$ROOT/tests/diff/mode-dependent"; then
		echo "ok - fork_mode=$mode: output against Linux # SKIP tests/diff/mode-dependent"
	else
		comparable "$output" > "$output.cmp"
		check "fork_mode=$mode: $name's output is Linux's, byte for byte" \
			cmp -s "$linux.cmp" "$output.cmp"
		cmp -s "$linux.cmp" "$output.cmp" || diff "$linux.cmp" "$output.cmp" | head -8 | sed 's/^/# /'
	fi
done
