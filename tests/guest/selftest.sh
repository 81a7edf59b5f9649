#!/bin/sh
# Boot with `selftest`: the kernel runs its in-kernel tests (tests/kernel/) and prints
# TAP. Relay each of its test lines, then check the run as a whole. SELFTEST=prefix
# runs only the tests whose names start with prefix.
. "$(dirname "$0")/lib.sh"

boot selftest "selftest${SELFTEST:+=$SELFTEST}" 120
sed -n 's/^\(not ok\|ok\) [0-9]* - /\1 - kernel: /p' "$log"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log")
reported=$(grep -cE '^(not ok|ok) [0-9]+ - ' "$log")
check "kernel self-tests: plan of ${plan:-?} tests, all reported" \
	test -n "$plan" -a "$plan" = "$reported" -a "$plan" -gt 0
check "kernel self-tests: exit status says success ($status)" test "$status" = 0
