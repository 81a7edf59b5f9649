#!/bin/sh
# What programs see of the CPUs, at -smp 1 and 4, on calf and on Linux: busybox
# nproc prints N, /proc/cpuinfo has N stanzas numbered 0 to N-1 with APIC ids 0 to
# N-1, and the busybox commands and test programs below (tests/progs/cpuinfo and
# affinity) print on calf what they print on Linux, byte for byte. diff.sh and
# programs.sh run the same programs at $SMP CPUs (default 1); this covers 4 in
# every `make test`. When Debian's kernel cannot be fetched, only the comparison
# is skipped.
. "$(dirname "$0")/lib.sh"

command='
echo "nproc $(nproc)"
grep -E "^(processor|apicid|initial apicid|physical id|siblings|core id|cpu cores)" /proc/cpuinfo
grep "^Cpus_allowed" /proc/self/status
echo "taskset 1 nproc: $(taskset 1 nproc)"
taskset -p 1
taskset 2 grep "^Cpus_allowed_list" /proc/self/status
for t in /tests/musl/cpuinfo /tests/glibc/cpuinfo /tests/musl/affinity /tests/glibc/affinity; do
	echo "=== $t"
	"$t" 2>&1
	echo "=== status $?"
done'

linux_ok=true
"$ROOT/tools/fetch-linux.sh" > /dev/null 2> "$OUT/cpus-fetch.log" || linux_ok=false

patterns=$OUT/cpus-allowed.re
grep -vE '^(#|$)' "$ROOT/tests/diff/allowed" > "$patterns"
[ -s "$patterns" ] || echo '^calf-never-matches-this-line$' > "$patterns"

# field NAME FILE: the values of one /proc/cpuinfo field, on one line.
field() {
	sed -n "s/^$1[[:space:]]*: //p" "$2" | tr '\n' ' ' | sed 's/ $//'
}

for n in 1 4; do
	calf=$OUT/cpus-$n-calf.out
	log=$OUT/cpus-$n-calf.log
	CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --smp $n -- "$command" > "$calf" 2>/dev/null
	code=$?
	ids=$(seq -s ' ' 0 $((n - 1)))
	check "-smp $n: calf ran the commands (status $code)" test $code -eq 0
	check "-smp $n: busybox nproc prints $n" grep -qx "nproc $n" "$calf"
	check "-smp $n: /proc/cpuinfo's stanzas are processors $ids" test "$(field processor "$calf")" = "$ids"
	check "-smp $n: their APIC ids are $ids" test "$(field apicid "$calf")" = "$ids"
	check "-smp $n: the test programs pass on calf" \
		sh -c "grep -q '^=== status' '$calf' && ! grep -qE '^not ok|^=== status [^0]' '$calf'"
	if ! $linux_ok; then
		echo "ok - -smp $n: the same output as Linux # SKIP Debian's kernel could not be fetched (see $OUT/cpus-fetch.log)"
		continue
	fi
	linux=$OUT/cpus-$n-linux.out
	log=$OUT/cpus-$n-linux.log
	LINUX_RUN_LOG=$log "$ROOT/tools/linux-run" --smp $n -- "$command" > "$linux" 2>/dev/null
	check "-smp $n: Linux ran the commands" grep -q '^=== status' "$linux"
	grep -vE -f "$patterns" "$linux" > "$linux.cmp"
	grep -vE -f "$patterns" "$calf" > "$calf.cmp"
	log=
	check "-smp $n: the same output as Linux, byte for byte" cmp -s "$linux.cmp" "$calf.cmp"
	cmp -s "$linux.cmp" "$calf.cmp" || diff "$linux.cmp" "$calf.cmp" | head -8 | sed 's/^/# /'
done
