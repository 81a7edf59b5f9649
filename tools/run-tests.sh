#!/bin/sh
# Run calf's tests and count them. Usage: tools/run-tests.sh [host|guest|all|KIND/NAME]
#
# KIND/NAME runs one test of one kind (`make test T=KIND/NAME`):
#   host/NAME      the host unit test build/host/test_NAME (tests/host/test_NAME.c)
#   guest/NAME     the guest suite tests/guest/NAME.sh
#   selftest/NAME  the in-kernel tests (tests/kernel/) whose names start with NAME
#   prog/NAME      the guest program tests/progs/NAME.c on calf (each fork mode and
#                  build) and on Linux, outputs compared (tools/test-program.sh)
#
# Host tests are the cmocka binaries in build/host/ (TAP output); guest tests are the
# scripts in tests/guest/*.sh, which boot calf in QEMU and print TAP. Every "ok" line
# is a pass and every "not ok" a failure; a test program that exits non-zero without
# reporting a failure (a crash, a sanitizer report) counts as one more failure.
# The last line is always "N passed, N failed"; the exit status is non-zero on failure.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
which=${1:-all}
OUT=$ROOT/build/test-output
mkdir -p "$OUT"
passed=0
failed=0

# run_suite NAME COMMAND...
run_suite() {
	name=$1
	shift
	output=$OUT/$(echo "$name" | tr / -).tap
	"$@" > "$output" 2>&1
	code=$?
	ok=$(grep -cE '^ok( |$)' "$output")
	not_ok=$(grep -cE '^not ok( |$)' "$output")
	# Show failures and their diagnostics, keep successes to one summary line.
	grep -E '^not ok|^# ' "$output" | grep -vE '^# (PASSED|FAILED|selftest:|ok - )' | awk -v name="$name" '{ print "  " name ": " $0 }'
	if [ "$code" -ne 0 ] && [ "$not_ok" -eq 0 ]; then
		echo "  $name: exited with status $code without reporting a failure (see $output)"
		not_ok=1
	fi
	if [ $((ok + not_ok)) -eq 0 ]; then
		echo "  $name: reported no tests (see $output)"
		not_ok=1
	fi
	printf '%-24s %4d passed, %d failed\n' "$name" "$ok" "$not_ok"
	passed=$((passed + ok))
	failed=$((failed + not_ok))
}

case $which in
host/*)
	test=build/host/test_${which#host/}
	if [ -x "$test" ]; then
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "$which" "$test"
	else
		echo "  $which: no such host test ($test)"
		failed=1
	fi ;;
guest/*)
	script=tests/guest/${which#guest/}.sh
	if [ -f "$script" ] && [ "$script" != tests/guest/lib.sh ]; then
		run_suite "$which" sh "$script"
	else
		echo "  $which: no such guest suite ($script)"
		failed=1
	fi ;;
selftest/*)
	SELFTEST=${which#selftest/} run_suite "$which" sh tests/guest/selftest.sh ;;
prog/*)
	run_suite "$which" sh tools/test-program.sh "${which#prog/}" ;;
host|guest|all) ;;
*)
	echo "  $which: not a kind of test (host/NAME, guest/NAME, selftest/NAME, prog/NAME)"
	failed=1 ;;
esac

if [ "$which" = all ] || [ "$which" = host ]; then
	# The layers only point down (docs/design.md): read from the sources.
	run_suite "source/layers" sh tools/layers.sh --tap
	for test in build/host/test_*; do
		[ -x "$test" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP run_suite "host/$(basename "$test")" "$test"
	done
fi

if [ "$which" = all ] || [ "$which" = guest ]; then
	for script in tests/guest/*.sh; do
		[ "$(basename "$script")" = lib.sh ] && continue
		run_suite "guest/$(basename "$script" .sh)" sh "$script"
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
