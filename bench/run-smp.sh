#!/bin/sh
# bench/run-smp.sh - the benchmarks of the -smp part, inside calf or Linux booted
# with several CPUs. Installed as /bench/run-smp.sh; tools/bench.sh boots each
# kernel of that part with it (docs/benchmarks.md, "Several CPUs").
# $1: the resident sizes (MiB) for forkwriter and forkneighbour; $2: the numbers
# of forkers, and of threads calling clock_gettime at once.
cd /bench || exit 1
./forkwriter ${1:-0 256 1024} && ./forkparallel ${2:-1 2 4} && ./callparallel ${2:-1 2 4} && ./futexhandoff && ./forkneighbour ${1:-0 256 1024}
