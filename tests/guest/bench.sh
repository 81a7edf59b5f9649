#!/bin/sh
# The benchmarks still run: bench/run-all.sh on calf in each fork mode, with small
# sizes, must print every figure, well formed and nonzero. No figure is compared
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
