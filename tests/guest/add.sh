#!/bin/sh
# tools/calf-run --add (issue 15): a file added at a path the initramfs already holds
# replaces it as Linux's initramfs does, so `--add HOST:/bin/true` replaces busybox's
# applet link, not busybox, and the command runs; Linux prints the same. A command
# that never starts, and an initramfs that does not unpack completely, fail loudly.
. "$(dirname "$0")/lib.sh"

work=$OUT/add
rm -rf "$work"
mkdir -p "$work/etc"
printf '#include <stdio.h>\nint main(void) { puts("the added program ran"); return 0; }\n' \
	> "$work/true.c"
musl-gcc -static -O2 "$work/true.c" -o "$work/true"
echo "an added line" > "$work/etc/added"

# run NAME RUNNER ARG...: tools/RUNNER's output, stderr and status in $work/NAME.*.
run() {
	name=$1 runner=$2
	shift 2
	log=$work/$name.log
	CALF_RUN_LOG=$log LINUX_RUN_LOG=$log "$ROOT/tools/$runner" "$@" \
		> "$work/$name.out" 2> "$work/$name.err"
	echo $? > "$work/$name.status"
}

# output_is NAME TEXT and status_is NAME N: what the run printed, and its status.
output_is() {
	printf '%s\n' "$2" | cmp -s - "$work/$1.out"
}
status_is() {
	test "$(cat "$work/$1.status")" -eq "$2"
}

# /bin/true is an applet link to busybox: the added program replaces the link, and
# /bin/sh (busybox) still runs the command. /etc merges into the /etc there.
command='/bin/true; echo b; cat /etc/added /etc/hostname; readlink /bin/sh'
expected='the added program ran
b
an added line
calf
busybox'
run calf calf-run --add "$work/true:/bin/true" --add "$work/etc:/etc" -- "$command"
check "calf-run --add HOST:/bin/true runs the added program and the command" \
	output_is calf "$expected"
check "calf-run --add HOST:/bin/true exits 0 (got $(cat "$work/calf.status"))" status_is calf 0

# The shell replaced by a program that is not one: the command never runs.
run nosh calf-run --add "$work/true:/bin/sh" -- 'echo b'
check "calf-run fails with 127 when the command never starts (got $(cat "$work/nosh.status"))" \
	status_is nosh 127
check "calf-run says on stderr that the command never started" \
	grep -q 'the command never started' "$work/nosh.err"

# A file over the non-empty /bin: Linux skips the entry without a word; calf does
# too, and boots, but the run fails and says why.
run nobin calf-run --add "$work/true:/bin" -- 'echo b'
check "calf-run fails when the initramfs does not unpack completely (got $(cat "$work/nobin.status"))" \
	status_is nobin 1
check "calf-run names the entry that did not unpack" \
	grep -q '^calf: initramfs: cannot unpack bin (error -39)' "$work/nobin.err"
check "the boot went on with what was unpacked" output_is nobin b

if ! "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/add-fetch.log"; then
	echo "ok - the same on Linux # SKIP Debian's linux-image package could not be fetched (see $OUT/add-fetch.log)"
	exit 0
fi
run linux linux-run --add "$work/true:/bin/true" --add "$work/etc:/etc" -- "$command"
check "linux-run --add HOST:/bin/true prints what calf-run prints" \
	cmp -s "$work/calf.out" "$work/linux.out"
check "linux-run --add HOST:/bin/true exits 0 (got $(cat "$work/linux.status"))" \
	status_is linux 0
run linux-nosh linux-run --add "$work/true:/bin/sh" -- 'echo b'
check "linux-run fails with 127 too when the command never starts" status_is linux-nosh 127
