#!/bin/sh
# Pressure (tests/calf/pressure.c): a root fork bomb, copy-on-write exhaustion by
# many processes, a map/unmap loop. Afterwards the shell must still work, mm_audit
# must find user memory intact, and no process may be left but the shell's own.
. "$(dirname "$0")/lib.sh"

output=$OUT/pressure.out
log=$OUT/pressure.log
CALF_RUN_LOG=$log "$ROOT/tools/calf-run" -- '
	/tests/calf/pressure > /tmp/pressure; cat /tmp/pressure
	echo "=== after"
	echo "shell $((6 * 7))"
	cat /proc/sys/vm/mm_audit
	ls /proc | grep -c "^[0-9]"' > "$output" 2>/dev/null
code=$?
sed -n '1,/^=== after$/p' "$output" | sed '$d' | awk '
	/^(not )?ok [0-9]+/ { line = $0; sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		print (/^not ok/ ? "not ok - " : "ok - ") "pressure: " line; next }
	/^# / { print "# pressure: " substr($0, 3) }'
after=$(sed -n '/^=== after$/,$p' "$output")
after_has() { echo "$after" | grep -q "$1"; }
check "calf survived the pressure (status $code)" test $code -eq 0
check "the shell still works afterwards" after_has "^shell 42$"
check "mm_audit afterwards: clean" after_has "^clean:"
# init, the shell running the script, ls and grep: nothing else lives on.
check "no process is left over" test "$(echo "$after" | tail -1)" = 4
