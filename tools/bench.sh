#!/bin/bash
# tools/bench.sh - `make bench`: calf against Linux, figure by figure.
#
# Boots each kernel once per clock with bench/run-all.sh (the same initramfs for
# both) and collects its "figure value ns" lines:
#   linux         Debian's Linux 6.1 cloud kernel as it ships (transparent huge
#                 pages on: big anonymous memory is mapped 2 MiB at a time)
#   linux-nothp   the same with transparent_hugepage=never, page by page like calf
#   calf-cow, calf-copy, calf-sharedpt   calf in each fork mode
# Clocks: icount (-icount shift=0: one guest instruction is one nanosecond, the
# same figures on every run and machine) and wall (real time under TCG emulation).
#
# Writes bench/results/{icount,wall}.csv and fork-latency.{png,svg}, and prints a
# table of each clock with the ratios calf/Linux. Nothing here passes or fails:
# speed is reported, not asserted.
#
# BENCH_SIZES="0 16 64 256 1024" picks the resident sizes (MiB) for the fork figure;
# BENCH_CLOCKS="icount wall" the clocks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/bench/results
sizes=${BENCH_SIZES:-0 16 64 256 1024}
clocks=${BENCH_CLOCKS:-icount wall}
kernels="linux linux-nothp calf-cow calf-copy calf-sharedpt"
# Room for 1 GiB resident plus fork_mode=copy's copy of it.
mem=3072
export CALF_RUN_TIMEOUT=${CALF_RUN_TIMEOUT:-900}

"$root/tools/deps.sh"
make -s -C "$root" build/calf.elf initramfs
mkdir -p "$results"
raw=$results/raw
mkdir -p "$raw"

# boot KERNEL CLOCK: the benchmark lines of one boot, into $raw/KERNEL.CLOCK.
boot() {
	local kernel=$1 clock=$2 options=(--mem "$mem")
	[ "$clock" = icount ] && options+=(--icount)
	case $kernel in
	linux) runner=linux-run ;;
	linux-nothp) runner=linux-run; options+=(--append transparent_hugepage=never) ;;
	calf-*) runner=calf-run; options+=(--append "fork_mode=${kernel#calf-}") ;;
	esac
	echo "bench: $kernel, $clock clock" >&2
	"$root/tools/$runner" "${options[@]}" -- "/bench/run-all.sh '$sizes'" 2>/dev/null |
		grep -E '^[a-z_0-9A-Z]+ [0-9]+ ns$' > "$raw/$kernel.$clock" || true
	[ -s "$raw/$kernel.$clock" ] || echo "bench: $kernel ($clock) produced nothing" >&2
}

# csv CLOCK: one row per figure, one column per kernel (empty where missing).
csv() {
	local clock=$1
	{
		echo "figure,$(echo $kernels | tr ' ' ',')"
		# Only this script's kernels' files: tools/redis-demo keeps its own here too.
		for kernel in $kernels; do cat "$raw/$kernel.$clock" 2>/dev/null; done |
			awk '{ print $1 }' | awk '!seen[$0]++' | while read -r figure; do
			row=$figure
			for kernel in $kernels; do
				value=$(awk -v f="$figure" '$1 == f { print $2 }' "$raw/$kernel.$clock" 2>/dev/null)
				row="$row,$value"
			done
			echo "$row"
		done
	} > "$results/$clock.csv"
}

# table CLOCK: the CSV for people, times in readable units, ratios against Linux.
table() {
	echo
	echo "== $1 clock ($([ "$1" = icount ] && echo '1 ns = 1 guest instruction' || echo 'real time under TCG'))"
	awk -F, '
	function human(ns) {
		if (ns == "") return "-"
		if (ns >= 1e6) return sprintf("%.2f ms", ns / 1e6)
		if (ns >= 1e3) return sprintf("%.1f us", ns / 1e3)
		return sprintf("%d ns", ns)
	}
	function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
	NR == 1 {
		printf "%-24s %10s %10s %10s %10s %10s  %8s %8s %8s\n", "figure", "linux", "linux-4k",
		       "calf-cow", "calf-copy", "sharedpt", "cow/lx", "copy/lx", "spt/lx"
		next
	}
	{
		printf "%-24s %10s %10s %10s %10s %10s  %8s %8s %8s\n", $1, human($2), human($3),
		       human($4), human($5), human($6), ratio($4, $2), ratio($5, $2), ratio($6, $2)
	}' "$results/$1.csv"
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

for clock in $clocks; do
	for kernel in $kernels; do
		boot "$kernel" "$clock"
	done
	csv "$clock"
done
[ -f "$results/icount.csv" ] && plot
for clock in $clocks; do
	table "$clock"
done
echo
echo "bench: results in ${results#"$root"/}/ (CSV per clock, fork-latency.png/.svg; 0 MiB plotted at 1)"
