#!/bin/sh
# bench/run-all.sh - every benchmark, in a fixed order, inside calf or Linux.
# Installed as /bench/run-all.sh; tools/bench.sh boots each kernel with it.
# $1: the resident sizes (MiB) for the fork figure.
cd /bench || exit 1
./ipc && ./exec && ./fault && ./fork ${1:-0 16 64 256 1024}
