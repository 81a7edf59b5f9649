#!/bin/sh
# The syscall fuzzer (tests/fuzz/, docs/fuzzing.md): a short run from a fixed seed
# under each fork mode, with mm_audit after every process exit (tools/fuzz.sh).
# The fuzzer's own checks (every process reaped, mm_audit clean, memory back to
# where it was) are relayed as TAP; then: calf survived, the shell still works, no
# file outside /tmp changed, and the audit when init ended was clean.
. "$(dirname "$0")/lib.sh"

# sharedpt shares every table it can: also small processes and small regions.
for run in "cow 11 25" "copy 12 20" "sharedpt 13 20 sharedpt_min_resident=0 sharedpt_small=0"; do
	set -- $run
	mode=$1 seed=$2 seconds=$3
	shift 3
	log=$OUT/fuzz-$mode.log
	output=$OUT/fuzz-$mode.out
	CALF_RUN_LOG=$log FUZZ_OUT=$output FUZZ_SECONDS=$seconds \
		"$ROOT/tools/fuzz.sh" "$seed" 0 "fork_mode=$mode $*" > /dev/null 2>&1
	code=$?
	awk -v mode="$mode" '
	/^(not )?ok [0-9]+/ { line = $0; sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		print (/^not ok/ ? "not ok - " : "ok - ") "fuzz/" mode ": " line; next }
	/^# / { print "# fuzz/" mode ": " substr($0, 3) }' "$output"
	sed -n 's/^fuzz: \([0-9]* system calls.*\)/# fuzz\/'"$mode"': \1/p' "$output"
	check "fuzz/$mode: calf survived and the fuzzer finished" grep -q '^=== fuzz exited 0$' "$output"
	check "fuzz/$mode: the shell still works afterwards" grep -q '^shell 42$' "$output"
	check "fuzz/$mode: no file outside /tmp and /proc changed" \
		grep -qx 'files outside /tmp and /proc: unchanged' "$output"
	check "fuzz/$mode: mm_audit at every exit and at the end: clean" \
		grep -q '^calf: mm_audit at the end: clean' "$log"
	check "fuzz/$mode: tools/fuzz.sh passed (status $code)" test "$code" -eq 0
done
