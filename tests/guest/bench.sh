#!/bin/sh
# The benchmarks still run: bench/run-all.sh on calf in each fork mode, with small
# sizes, and bench/run-smp.sh on four CPUs, must print every figure, well formed
# and nonzero. No figure is compared
# with anything: speed is reported by `make bench`, never asserted by a test.
. "$(dirname "$0")/lib.sh"

figures="null_syscall pipe_round_trip fork_exec_wait vfork_exec_wait demand_zero_fault
cow_fault fork_exit_wait_0MiB fork_exit_wait_16MiB fork_parent_writes_16MiB"

for mode in cow copy sharedpt; do
	output=$OUT/bench-$mode.out
	CALF_RUN_LOG=$OUT/bench-$mode.log "$ROOT/tools/calf-run" --icount \
		--append "fork_mode=$mode" -- "/bench/run-all.sh '0 16'" > "$output" 2>/dev/null
	code=$?
	check "fork_mode=$mode: the benchmarks ran (status $code)" test $code -eq 0
	for figure in $figures; do
		check "fork_mode=$mode: $figure is reported" \
			grep -Eq "^$figure [1-9][0-9]* ns\$" "$output"
	done
done

# The -smp part (bench/run-smp.sh) on four CPUs, with the smallest sizes: fork
# while a thread writes, one and four processes forking at once, one and four
# threads calling clock_gettime at once, two threads handing a futex turn back
# and forth, and a neighbour calling getppid beside a forking process.
smp_figures="fork_exit_wait_0MiB fork_writer_0MiB fork_parallel_1 fork_parallel_4
call_parallel_1 call_parallel_4 futex_handoff fork_neighbour_0MiB"
output=$OUT/bench-smp4.out
CALF_RUN_LOG=$OUT/bench-smp4.log "$ROOT/tools/calf-run" --icount --smp 4 \
	-- "/bench/run-smp.sh 0 '1 4'" > "$output" 2>/dev/null
code=$?
check "-smp 4: the benchmarks ran (status $code)" test $code -eq 0
for figure in $smp_figures; do
	check "-smp 4: $figure is reported" grep -Eq "^$figure [1-9][0-9]* ns\$" "$output"
done
