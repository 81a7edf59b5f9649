#!/bin/sh
# Multiprocessor boot (docs/smp.md): with -smp 1, 2 and 4 calf says that many CPUs
# are online, with their APIC ids, takes the ISA interrupts through the I/O APIC
# (noapic: the 8259), and still reaches init and runs a command; every
# in-kernel self-test (IPIs and TLB shootdown among them) passes at -smp 4; without
# ACPI tables it stays on one CPU. sched_yield gives way at -smp 1 and 4. Tasks
# run on every CPU (step 3): the lock checker
# of a debug kernel finds nothing under load at -smp 4, and threadfork passes there
# in every fork mode.
. "$(dirname "$0")/lib.sh"

for n in 1 2 4; do
	log=$OUT/smp-$n.log
	output=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --smp $n -- 'echo init ran' 2>/dev/null)
	code=$?
	ids=$(seq -s ' ' 0 $((n - 1)))
	cpus=CPUs
	[ $n -eq 1 ] && cpus=CPU
	check "-smp $n: 'smp: $n $cpus online (APIC ids $ids)'" \
		log_has "smp: $n $cpus online (APIC ids $ids)"
	check "-smp $n: no CPU left out" sh -c "! grep -q 'left out' '$log'"
	check "-smp $n: init runs a command (status $code)" \
		test "$output" = "init ran" -a "$code" -eq 0
	check "-smp $n: the ISA interrupts come through the I/O APIC" \
		log_has "irq: the ISA interrupts come through the I/O APIC (the PIT's on GSI 2), the 8259 masked"
done

# sched_yield gives way to a thread waiting for the caller's CPU, on one CPU and
# on four (tests/calf/yield.c: calf's own bound, which Linux's CFS does not keep).
for n in 1 4; do
	CALF_RUN_LOG=$OUT/smp-yield-$n.log "$ROOT/tools/calf-run" --smp $n -- /tests/calf/yield \
		> "$OUT/smp-yield-$n.out" 2>/dev/null
	sed -n "s/^\(not ok\|ok\) [0-9]* - /\1 - -smp $n: /p" "$OUT/smp-yield-$n.out"
	check "-smp $n: yield ran to its end" grep -Eq '^(not )?ok 2 ' "$OUT/smp-yield-$n.out"
done

# noapic keeps the 8259: the tick and the clock still run (sleep), at -smp 2 too.
log=$OUT/smp-noapic.log
output=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --smp 2 --append noapic -- \
	'a=$(date +%s); sleep 1; b=$(date +%s); [ $((b - a)) -ge 1 ] && echo slept' 2>/dev/null)
code=$?
check "noapic: the ISA interrupts stay on the 8259" log_has "irq: noapic: the ISA interrupts stay on the 8259"
check "noapic: sleep 1 wakes (status $code)" test "$output" = slept

# Every self-test, not only the smp ones (IPIs, shootdown, LINT0): nothing else may
# notice three APs idling with interrupts on.
SMP=4 boot smp-selftest "selftest" 120
sed -n 's/^\(not ok\|ok\) [0-9]* - /\1 - kernel at -smp 4: /p' "$log"
check "-smp 4: self-tests pass (status $status)" test "$status" = 0

SMP=2 QEMU_EXTRA="-machine acpi=off" boot smp-noacpi "selftest=smp" 120
check "no ACPI: falls back to one CPU and says why" \
	log_has "smp: no ACPI RSDP found; running on one CPU"
check "no ACPI: 1 CPU online" log_has "smp: 1 CPU online"
check "no ACPI: smp self-tests pass (status $status)" test "$status" = 0

# The lock checker (a kernel built with make debug-kernel): it catches a broken lock
# order by name, and finds nothing wrong while four CPUs fork, exec, write shared
# pages from threads and wake each other.
make -s -C "$ROOT" debug-kernel >/dev/null 2>&1
KERNEL=$ROOT/build/debug/calf.elf boot smp-lock-order "crash=lock-order" 60
check "debug kernel: crash=lock-order panics ($status)" test "$status" = 127
check "debug kernel: the checker names both locks" \
	log_has "lock order: crash_second (level 3) taken while holding crash_first (level 3)"

log=$OUT/smp-debug-stress.log
output=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --kdebug --smp 4 -- '
	for i in 1 2 3 4; do (n=0; while [ $n -lt 200 ]; do n=$((n+1)); /bin/true; done) & done
	/tests/musl/threadfork > /tmp/tf.out; echo threadfork $?
	wait
	grep -c "^cpu[0-9]" /proc/stat' 2>/dev/null)
code=$?
check "debug kernel at -smp 4: forks, execs and threads run (status $code)" \
	test "$code" -eq 0
has_line() {
	printf '%s\n' "$output" | grep -qx "$1"
}
check "debug kernel at -smp 4: threadfork passes" has_line 'threadfork 0'
check "debug kernel at -smp 4: /proc/stat has 4 cpuN lines" has_line 4
check "debug kernel at -smp 4: no panic, no lock report" sh -c "! grep -q 'panic\|lock order\|lock checker' '$log'"

# Tasks run on every CPU: four busy shells at -smp 4 leave user time on each CPU's
# /proc/stat line, and fork from a process whose threads write on other CPUs keeps
# parent and child apart in every fork mode (tests/progs/threadfork.c).
log=$OUT/smp-parallel.log
output=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --smp 4 -- '
	for i in 1 2 3 4; do (n=0; while [ $n -lt 4000 ]; do n=$((n+1)); done) & done
	wait
	grep "^cpu[0-9]" /proc/stat' 2>/dev/null)
busy=$(echo "$output" | awk '$2 > 0 { n++ } END { print n + 0 }')
check "-smp 4: every CPU ran user code ($busy of 4)" test "$busy" = 4
# output_passed: the last run printed "status 0" and no "not ok".
output_passed() {
	has_line 'status 0' && ! printf '%s\n' "$output" | grep -q '^not ok'
}
for mode in cow copy sharedpt; do
	log=$OUT/smp-threadfork-$mode.log
	output=$(CALF_RUN_LOG=$log "$ROOT/tools/calf-run" --smp 4 \
		--append "fork_mode=$mode" -- '/tests/musl/threadfork; echo status $?' 2>/dev/null)
	check "-smp 4, fork_mode=$mode: threadfork passes" output_passed
done
