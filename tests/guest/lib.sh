# tests/guest/lib.sh - shared by the guest test scripts (sourced, not run).
#
# Each guest test script boots calf in QEMU one or more times and prints TAP lines
# ("ok - what" / "not ok - what"); tools/run-tests.sh counts them.

ROOT=${CALF_TEST_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
KERNEL=${KERNEL:-$ROOT/build/calf.elf}
OUT=${OUT:-$ROOT/build/test-output}
mkdir -p "$OUT"

# boot NAME APPEND [TIMEOUT_SECONDS]
# Boots with the command line APPEND (and $SMP CPUs, default 1; $QEMU_EXTRA adds
# QEMU options), serial console on stdin/stdout, and leaves the
# console output in $OUT/NAME.log. Sets $status to calf's exit status (what the
# kernel passed to machine_exit: 0 success, 1 failure, 127 panic), or to "timeout",
# or "qemu-N" when QEMU ended some other way.
boot() {
	name=$1 append=$2 limit=${3:-60}
	log=$OUT/$name.log
	timeout --foreground -k 5 "$limit" qemu-system-x86_64 -machine pc -cpu max -m 256 \
		-smp "${SMP:-1}" ${QEMU_EXTRA:-} -display none -no-reboot -monitor none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$KERNEL" -append "$append" > "$log" 2>&1
	code=$?
	tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
	if [ $code -eq 124 ] || [ $code -eq 137 ]; then
		status=timeout
	elif [ $((code % 2)) -eq 1 ]; then
		status=$(((code - 1) / 2))
	else
		status=qemu-$code
	fi
}

# check DESCRIPTION COMMAND... : one TAP line from a command's success.
check() {
	description=$1
	shift
	if "$@"; then
		echo "ok - $description"
	else
		echo "not ok - $description"
		[ -n "$log" ] && echo "# see $log"
	fi
}

# log_has TEXT : the last boot's console output contains TEXT (fixed string).
log_has() {
	grep -qF -- "$1" "$log"
}

# log_has_re REGEX : the same, for an extended regular expression.
log_has_re() {
	grep -qE -- "$1" "$log"
}

# relay_program_tap LABEL FILE : the TAP of guest programs run between "=== begin
# PATH" and "=== end PATH STATUS" lines in FILE, each line prefixed with LABEL and
# the program; a program that printed fewer tests than its plan, or exited non-zero,
# adds a failure. Used by programs.sh and tools/test-program.sh.
relay_program_tap() {
	awk -v label="$1" '
	/^=== begin / { program = label $3; sub("/tests/", "/", program); plan = 0; seen = 0; next }
	/^=== end / {
		status = $4
		if (plan == 0 || seen != plan)
			print "not ok - " program ": reported " seen " of " plan " planned tests"
		else if (status != 0)
			print "not ok - " program ": exited with status " status
		program = ""
		next
	}
	program != "" && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; next }
	program != "" && /^(not )?ok [0-9]+/ {
		seen++
		line = $0
		sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		print (/^not ok/ ? "not ok - " : "ok - ") program ": " line
		next
	}
	program != "" && /^# / { print "# " program ": " substr($0, 3) }
	' "$2"
}
