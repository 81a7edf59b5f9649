#!/bin/sh
# Debian's own dynamically linked programs (dash, busybox, coreutils), unpacked from
# their packages with the libraries they need (tools/debian-fetch.sh), run on calf
# under each fork mode and on Linux: the outputs must be identical. When the
# packages cannot be fetched the test is skipped with a message saying so.
. "$(dirname "$0")/lib.sh"

if ! lib_root=$("$ROOT/tools/debian-fetch.sh" dash busybox coreutils 2> "$OUT/dynamic-fetch.log"); then
	echo "ok - Debian's dynamic programs # SKIP the packages could not be fetched (see $OUT/dynamic-fetch.log)"
	exit 0
fi

programs="bin/dash bin/busybox bin/ls bin/cat bin/echo usr/bin/sort usr/bin/sha256sum
usr/bin/seq usr/bin/wc usr/bin/tr usr/bin/env usr/bin/expr usr/bin/od"
adds=
for program in $programs; do
	adds="$adds --add-program $lib_root/$program:/opt/debian/$program"
done

# Everything prints what Linux prints: no times, no kernel names, no pids.
# Busybox's sh runs its own applets before anything on PATH (it re-executes
# /proc/self/exe for them), so Debian's programs are named by their paths.
command=$(cat <<'EOF'
d=/opt/debian
$d/bin/dash -c "echo dash: \$((6 * 7)); for i in 3 1 2; do echo \$i; done | $d/usr/bin/sort -n | $d/usr/bin/tr '\n' ' '; echo"
$d/bin/busybox echo busybox: dynamic
$d/bin/busybox sh -c 'x=$(seq 1 5 | wc -l); echo subshell: $x'
$d/usr/bin/seq 1 1000 | $d/usr/bin/sort -r | $d/usr/bin/sha256sum
printf "%s\n" one two three | $d/usr/bin/wc
$d/usr/bin/wc /etc/hostname
$d/bin/ls -1 $d/bin | $d/usr/bin/sort
$d/bin/cat /etc/hostname
$d/usr/bin/env -i A=1 B=2 $d/usr/bin/env
$d/usr/bin/expr 6 \* 7
printf "calf" | $d/usr/bin/od -c
$d/bin/dash -c "exec $d/bin/ls $d/usr"
($d/bin/dash -c "exit 3"); echo status $?
$d/bin/ls /nonexistent 2>&1; echo status $?
$d/bin/echo the dynamic libc is mapped $($d/bin/cat /proc/self/maps | grep -c libc.so.6) times
EOF
)

for mode in cow copy sharedpt; do
	CALF_RUN_LOG=$OUT/dynamic-$mode.log "$ROOT/tools/calf-run" \
		--append "fork_mode=$mode sharedpt_min_resident=0 sharedpt_small=0 mm_audit" \
		--lib-root "$lib_root" $adds -- "$command" > "$OUT/dynamic-$mode.out" 2>/dev/null
	code=$?
	check "fork_mode=$mode: Debian's dynamic programs ran (status $code)" test $code -eq 0
	check "fork_mode=$mode: mm_audit found user memory intact after each exit" \
		grep -q '^calf: mm_audit at the end: clean' "$OUT/dynamic-$mode.log"
done

if ! "$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/dynamic-linux-fetch.log"; then
	echo "ok - Debian's dynamic programs on Linux # SKIP Debian's kernel could not be fetched"
	exit 0
fi
LINUX_RUN_LOG=$OUT/dynamic-linux.log "$ROOT/tools/linux-run" --lib-root "$lib_root" $adds \
	-- "$command" > "$OUT/dynamic-linux.out" 2>/dev/null
code=$?
check "Linux ran the same programs (status $code)" test $code -eq 0
# The same bytes, and not because both printed nothing.
same_as_linux() {
	cmp -s "$1" "$OUT/dynamic-linux.out" && grep -qx 'dash: 42' "$1"
}
for mode in cow copy sharedpt; do
	check "fork_mode=$mode: every line matches Linux" same_as_linux "$OUT/dynamic-$mode.out"
	cmp -s "$OUT/dynamic-$mode.out" "$OUT/dynamic-linux.out" ||
		diff "$OUT/dynamic-$mode.out" "$OUT/dynamic-linux.out" | head -20 | sed 's/^/# /'
done

# Shared library text is the page cache's frames, mapped by every process that runs
# it: eight more processes running Debian's sleep (libc's text alone is over a MiB)
# must cost calf far less than a copy of that text each.
sharing=$(cat <<'EOF'
d=/opt/debian
free_kb() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }
range=$($d/bin/cat /proc/self/maps | grep 'r-xp .*libc.so.6' | cut -d' ' -f1)
$d/bin/sleep 0
before=$(free_kb)
for i in 1 2 3 4 5 6 7 8; do $d/bin/sleep 3 & done
sleep 1
after=$(free_kb)
wait
echo "$(( (0x${range#*-} - 0x${range%-*}) / 1024 )) $((before - after))"
EOF
)
CALF_RUN_LOG=$OUT/dynamic-sharing.log "$ROOT/tools/calf-run" --lib-root "$lib_root" \
	--add-program "$lib_root/bin/sleep:/opt/debian/bin/sleep" $adds -- "$sharing" \
	> "$OUT/dynamic-sharing.out" 2>/dev/null
set -- $(cat "$OUT/dynamic-sharing.out")
echo "# libc's text is ${1:-?} kB; eight running copies of sleep took ${2:-?} kB in all"
check "eight processes share libc's text: each costs less than a quarter of it" \
	test -n "${2:-}" -a "$((${2:-0} * 4))" -lt "$((${1:-0} * 8))" -a "${2:-0}" -gt 0
