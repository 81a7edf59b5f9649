#!/bin/sh
# tools/fuzz.sh SEED MINUTES [KERNEL ARGS] - the syscall fuzzer (tests/fuzz/) on calf.
#
# Boots calf with 512 MiB, `mm_audit` (every process exit is audited; a
# violation panics) and `mm_poison` (a write to freed memory panics when that
# memory is allocated again, docs/memory.md), runs `/tests/fuzz/fuzz run SEED SECONDS`, then checks from the
# shell that it still works and that no file outside /tmp and /proc changed (its mode,
# owner, size, or for a regular file its modification time). Prints the
# fuzzer's summary and TAP, then one verdict line; exits non-zero on any failure.
# Extra kernel arguments (fork_mode=copy, say) go after MINUTES.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
seed=${1:-1}
minutes=${2:-10}
append="mm_audit mm_poison ${3:-}"
seconds=$((minutes * 60))
[ "$seconds" -gt 0 ] || seconds=${FUZZ_SECONDS:-30}
log=${CALF_RUN_LOG:-$root/build/fuzz.log}
output=${FUZZ_OUT:-$root/build/fuzz.out}

echo "fuzz: seed $seed, $seconds s, kernel command line '$append'; kernel log in $log"
# Every file but those in /proc and /tmp, with its mode, owner, size and, for a
# regular file, its modification time: the fuzzer may change none of them.
snapshot='find / \( -path /proc -o -path /tmp \) -prune -o -type f -exec stat -c "%n %a %u %g %s %Y" {} + -o -print -exec stat -c "%n %a %u %g" {} +'
CALF_RUN_LOG=$log CALF_RUN_TIMEOUT=$((seconds + 600)) "$root/tools/calf-run" --mem 512 \
	--append "$append" -- "
	$snapshot > /tmp/.files-before 2>&1
	/tests/fuzz/fuzz run $seed $seconds
	echo \"=== fuzz exited \$?\"
	echo \"shell \$((6 * 7))\"
	$snapshot > /tmp/.files-after 2>&1 && diff /tmp/.files-before /tmp/.files-after &&
		echo 'files outside /tmp and /proc: unchanged'" > "$output" 2>/dev/null
code=$?
cat "$output"
failed=0
grep -q '^not ok' "$output" && failed=1
grep -q '^=== fuzz exited 0$' "$output" || failed=1
grep -q '^shell 42$' "$output" || failed=1
grep -qx 'files outside /tmp and /proc: unchanged' "$output" ||
	{ echo "fuzz: files outside /tmp changed"; failed=1; }
grep -q 'mm_audit at the end: clean' "$log" || { echo "fuzz: no clean mm_audit at the end"; failed=1; }
[ "$code" -eq 0 ] || { echo "fuzz: calf-run ended with status $code (see $log)"; failed=1; }
if [ "$failed" -eq 0 ]; then
	echo "fuzz: PASS (seed $seed, $seconds s)"
else
	echo "fuzz: FAIL (seed $seed, $seconds s)"
fi
exit "$failed"
