#!/bin/bash
# tools/bench.sh - `make bench`: calf against Linux, figure by figure.
#
# Boots each kernel once per clock (the same initramfs for all) and collects its
# "figure value ns" lines. Two parts, by the number of CPUs QEMU gives the kernels:
#
# -smp 1: bench/run-all.sh (system call, pipe, exec, faults, fork against resident
# memory) on
#   linux         Debian's Linux 6.1 cloud kernel as it ships (transparent huge
#                 pages on: big anonymous memory is mapped 2 MiB at a time)
#   linux-nothp   the same with transparent_hugepage=never, page by page like calf
#   calf-cow, calf-copy, calf-sharedpt   calf in each fork mode
# -smp N (N > 1; 4 by default): bench/run-smp.sh (fork while another thread writes,
# fork throughput with 1, 2 and 4 processes forking at once, clock_gettime from 1,
# 2 and 4 threads at once, a futex handoff between two threads, getppid beside a
# large fork) on
#   linux-smpN    Linux as shipped, N CPUs
#   calf-cow-smpN calf, fork_mode=cow, N CPUs
#   calf-sharedpt-smpN  calf, fork_mode=sharedpt, N CPUs
# Clocks: icount (-icount shift=0: one guest instruction is one nanosecond, the
# same figures on every run and machine; with several CPUs, the instructions of
# all of them) and wall (real time under TCG emulation, where CPUs run at once).
# docs/benchmarks.md says what each clock can and cannot show.
#
# Writes bench/results/{icount,wall}.csv, smpN-{icount,wall}.csv and
# fork-latency.{png,svg}, and prints a table per part and clock with the ratios
# calf/Linux. Nothing here passes or fails: speed is reported, not asserted.
#
# BENCH_SIZES="0 16 64 256 1024" picks the resident sizes (MiB) of the -smp 1 fork
# figure, BENCH_SMP_SIZES="0 256 1024" those of the -smp N one; BENCH_CLOCKS="icount
# wall" the clocks; BENCH_SMP="1 4" the parts (BENCH_SMP=4: only the -smp 4 one);
# BENCH_KERNELS="calf-cow-smp4 ..." boots only those kernels, and the tables take
# the others' figures from their last run (bench/results/raw/, which says so).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/bench/results
sizes=${BENCH_SIZES:-0 16 64 256 1024}
smp_sizes=${BENCH_SMP_SIZES:-0 256 1024}
clocks=${BENCH_CLOCKS:-icount wall}
parts=${BENCH_SMP:-1 4}
only=${BENCH_KERNELS:-}
# Room for 1 GiB resident plus fork_mode=copy's copy of it.
mem=3072
export CALF_RUN_TIMEOUT=${CALF_RUN_TIMEOUT:-900}

# kernels CPUS: the columns of the part with that many CPUs.
kernels() {
	if [ "$1" -eq 1 ]; then
		echo "linux linux-nothp calf-cow calf-copy calf-sharedpt"
	else
		echo "linux-smp$1 calf-cow-smp$1 calf-sharedpt-smp$1"
	fi
}

# csv_file CPUS CLOCK: where that part's figures go.
csv_file() {
	if [ "$1" -eq 1 ]; then echo "$results/$2.csv"; else echo "$results/smp$1-$2.csv"; fi
}

"$root/tools/deps.sh"
make -s -C "$root" build/calf.elf initramfs
mkdir -p "$results"
raw=$results/raw
mkdir -p "$raw"

# boot KERNEL CLOCK: the benchmark lines of one boot, into $raw/KERNEL.CLOCK.
boot() {
	local kernel=$1 clock=$2 options=(--mem "$mem") base=${1%-smp*} cpus=1 command
	case $kernel in *-smp*) cpus=${kernel##*-smp} ;; esac
	[ "$clock" = icount ] && options+=(--icount)
	if [ "$cpus" -gt 1 ]; then
		options+=(--smp "$cpus")
		command="/bench/run-smp.sh '$smp_sizes'"
	else
		command="/bench/run-all.sh '$sizes'"
	fi
	case $base in
	linux) runner=linux-run ;;
	linux-nothp) runner=linux-run; options+=(--append transparent_hugepage=never) ;;
	calf-*) runner=calf-run; options+=(--append "fork_mode=${base#calf-}") ;;
	esac
	echo "bench: $kernel, $clock clock" >&2
	"$root/tools/$runner" "${options[@]}" -- "$command" 2>/dev/null |
		grep -E '^[a-z_0-9A-Z]+ [0-9]+ ns$' > "$raw/$kernel.$clock" || true
	[ -s "$raw/$kernel.$clock" ] || echo "bench: $kernel ($clock) produced nothing" >&2
}

# csv CPUS CLOCK: one row per figure, one column per kernel of the part (empty
# where missing).
csv() {
	local kernels clock=$2
	kernels=$(kernels "$1")
	{
		echo "figure,$(echo $kernels | tr ' ' ',')"
		# Only this script's kernels' files: tools/redis-demo keeps its own here too.
		for kernel in $kernels; do cat "$raw/$kernel.$clock" 2>/dev/null || true; done |
			awk '{ print $1 }' | awk '!seen[$0]++' | while read -r figure; do
			row=$figure
			for kernel in $kernels; do
				value=$(awk -v f="$figure" '$1 == f { print $2 }' "$raw/$kernel.$clock" 2>/dev/null)
				row="$row,$value"
			done
			echo "$row"
		done
	} > "$(csv_file "$1" "$clock")"
}

# Times in readable units and ratios, for the tables' awk programs.
awk_units='
function human(ns) {
	if (ns == "") return "-"
	if (ns >= 1e6) return sprintf("%.2f ms", ns / 1e6)
	if (ns >= 1e3) return sprintf("%.1f us", ns / 1e3)
	return sprintf("%d ns", ns)
}
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
function rate(ns) { return (ns == "" || ns == 0) ? "-" : sprintf("%.0f/s", 1e9 / ns) }
'

# table CPUS CLOCK: the part's CSV for people, times in readable units, ratios
# against Linux.
table() {
	local clock=$2
	echo
	if [ "$1" -eq 1 ]; then
		echo "== $clock clock ($([ "$clock" = icount ] && echo '1 ns = 1 guest instruction' || echo 'real time under TCG'))"
		table1 "$(csv_file 1 "$clock")"
	else
		echo "== $clock clock, -smp $1 ($([ "$clock" = icount ] &&
			echo '1 ns = 1 guest instruction, all CPUs counted' || echo 'real time under TCG'))"
		table_smp "$(csv_file "$1" "$clock")"
	fi
}

table1() {
	awk -F, "$awk_units"'
	NR == 1 {
		printf "%-24s %10s %10s %10s %10s %10s  %8s %8s %8s\n", "figure", "linux", "linux-4k",
		       "calf-cow", "calf-copy", "sharedpt", "cow/lx", "copy/lx", "spt/lx"
		next
	}
	{
		printf "%-24s %10s %10s %10s %10s %10s  %8s %8s %8s\n", $1, human($2), human($3),
		       human($4), human($5), human($6), ratio($4, $2), ratio($5, $2), ratio($6, $2)
	}' "$1"
}

# The -smp N table: Linux, calf in the cow and sharedpt modes, their ratios to
# Linux, and for the throughput rows the same figures as forks (calls) per second.
table_smp() {
	awk -F, "$awk_units"'
	NR == 1 {
		printf "%-24s %11s %11s %11s  %7s %7s  %8s %8s %8s\n", "figure", "linux", "calf-cow",
		       "sharedpt", "cow/lx", "spt/lx", "lx rate", "cow rate", "spt rate"
		next
	}
	{
		printf "%-24s %11s %11s %11s  %7s %7s", $1, human($2), human($3), human($4),
		       ratio($3, $2), ratio($4, $2)
		if ($1 ~ /^(fork|call)_parallel_/)
			printf "  %8s %8s %8s", rate($2), rate($3), rate($4)
		printf "\n"
	}' "$1"
}

# plot: fork latency against resident size, from the icount figures.
plot() {
	local data=$results/fork-latency.dat
	awk -F, 'NR > 1 && $1 ~ /^fork_exit_wait_/ {
		size = $1; sub(/^fork_exit_wait_/, "", size); sub(/MiB$/, "", size)
		print size, $2 / 1e3, $3 / 1e3, $4 / 1e3, $5 / 1e3, $6 / 1e3
	}' "$results/icount.csv" > "$data"
	for terminal in "png size 900,600" "svg size 900,600"; do
		gnuplot <<-EOF
		set terminal $terminal
		set output "$results/fork-latency.${terminal%% *}"
		set title "fork + exit + wait against resident memory (-icount shift=0)"
		set xlabel "resident anonymous memory (MiB)"
		set ylabel "microseconds (log scale)"
		set logscale y
		set key top left
		set grid
		set xtics ("0" 1, "16" 16, "64" 64, "256" 256, "1024" 1024)
		set logscale x 2
		set xrange [0.5:2048]
		plot "$data" using (\$1 == 0 ? 1 : \$1):2 with linespoints title "Linux 6.1 (THP on)", \
		     "$data" using (\$1 == 0 ? 1 : \$1):3 with linespoints title "Linux 6.1 (THP off)", \
		     "$data" using (\$1 == 0 ? 1 : \$1):4 with linespoints title "calf cow", \
		     "$data" using (\$1 == 0 ? 1 : \$1):5 with linespoints title "calf copy", \
		     "$data" using (\$1 == 0 ? 1 : \$1):6 with linespoints title "calf sharedpt"
		EOF
	done
}

# selected KERNEL: whether BENCH_KERNELS (if set) names it.
selected() {
	[ -z "$only" ] || [[ " $only " == *" $1 "* ]]
}

for clock in $clocks; do
	for cpus in $parts; do
		for kernel in $(kernels "$cpus"); do
			if selected "$kernel"; then
				boot "$kernel" "$clock"
			elif [ -s "$raw/$kernel.$clock" ]; then
				echo "bench: $kernel not booted (BENCH_KERNELS); its $clock figures are" \
					"from $(date -r "$raw/$kernel.$clock" '+%F %R')" >&2
			fi
		done
		csv "$cpus" "$clock"
	done
done
# The plot is of the -smp 1 part's icount figures: only when they were measured.
[[ " $parts " == *" 1 "* && " $clocks " == *" icount "* ]] && plot
for cpus in $parts; do
	for clock in $clocks; do
		table "$cpus" "$clock"
	done
done
echo
echo "bench: results in ${results#"$root"/}/ (CSV per part and clock, fork-latency.png/.svg; 0 MiB plotted at 1)"
