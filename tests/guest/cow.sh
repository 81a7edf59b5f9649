#!/bin/sh
# Copy-on-write, seen from outside: under each fork mode (chosen on the kernel
# command line, and switched at run time through /proc/sys/vm/fork_mode), the
# physical-evidence program tests/calf/cow_evidence.c, running out of memory
# (tests/calf/oom.c), the fork semantics of tests/progs/forksem.c, and the demo,
# which must run and tell its story. The calf-only programs read MemFree, which is
# system-wide: they run alone, their output going to a file rather than a pipe.
. "$(dirname "$0")/lib.sh"

# relay NAME FILE: the TAP of one program, prefixed with NAME; its plan must be met.
relay() {
	awk -v name="$1" '
	/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
	/^(not )?ok [0-9]+/ {
		seen++
		line = $0
		sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		print (/^not ok/ ? "not ok - " : "ok - ") name ": " line
		next
	}
	/^# / { print "# " name ": " substr($0, 3) }
	END { if (plan == 0 || seen != plan) print "not ok - " name ": ran " seen " of " plan " planned tests" }
	' "$2"
}

for mode in cow copy sharedpt; do
	output=$OUT/cow-$mode.out
	CALF_RUN_LOG=$OUT/cow-$mode.log "$ROOT/tools/calf-run" --append "fork_mode=$mode mm_audit" -- '
		echo "mode $(cat /proc/sys/vm/fork_mode)"
		echo "=== evidence"; /tests/calf/cow_evidence
		echo "=== oom"; /tests/calf/oom > /tmp/oom; cat /tmp/oom
		echo "=== musl"; /tests/musl/forksem
		echo "=== glibc"; /tests/glibc/forksem
		echo "=== demo"; cowdemo 16 10 > /tmp/demo; echo "demo status $?"; cat /tmp/demo' \
		> "$output" 2>/dev/null
	code=$?
	check "fork_mode=$mode: the runs finished (status $code)" test $code -eq 0
	check "fork_mode=$mode on the command line shows in /proc/sys/vm/fork_mode" \
		grep -qx "mode $mode" "$output"
	for part in evidence oom musl glibc; do
		sed -n "/^=== $part\$/,/^=== /p" "$output" | sed '1d;$d' > "$output.$part"
		relay "$mode/$part" "$output.$part"
	done
	check "fork_mode=$mode: cowdemo runs to the end" grep -q "^parent freed its memory" "$output"
done

# Switching at run time: the next fork uses the new mode. (Output goes to files, not
# pipes: a process starting beside the test would move MemFree under its feet.)
output=$OUT/cow-switch.out
CALF_RUN_LOG=$OUT/cow-switch.log "$ROOT/tools/calf-run" -- '
	echo copy > /proc/sys/vm/fork_mode; /tests/calf/cow_evidence > /tmp/copy; grep -c "^ok" /tmp/copy
	echo cow > /proc/sys/vm/fork_mode; /tests/calf/cow_evidence > /tmp/cow; grep -c "^ok" /tmp/cow
	echo nonsense > /proc/sys/vm/fork_mode 2>/dev/null || echo refused
	cat /proc/sys/vm/fork_mode' > "$output" 2>/dev/null
check "fork_mode switched at run time passes the evidence in both modes, refuses nonsense" \
	test "$(tr '\n' ' ' < "$output")" = "9 9 refused cow "
