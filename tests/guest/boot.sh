#!/bin/sh
# A plain boot as `make run` does it: the banner with memory size and free frames, the
# timer ticking once a second for three seconds at the right rate, and the serial
# monitor answering typed commands (which exercises interrupt-driven input).
. "$(dirname "$0")/lib.sh"

name=boot
log=$OUT/$name.log
started=$(date +%s.%N)
{ sleep 2; printf 'uptime\r'; sleep 1; printf 'mem\rpoweroff\r'; } |
	timeout -k 5 60 qemu-system-x86_64 -machine pc -cpu max -m 256 -display none \
		-no-reboot -monitor none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$KERNEL" > "$log" 2>&1
code=$?
elapsed_ms=$(echo "$started" | awk -v now="$(date +%s.%N)" '{ printf "%d", (now - $1) * 1000 }')
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

check "boot banner shows memory size and free frames" \
	log_has_re '^calf: (25[0-5]) MiB of memory, [0-9]+ frames free'
check "uptime lines for 1, 2 and 3 seconds" \
	sh -c "grep -q '^uptime 1 s' '$log' && grep -q '^uptime 2 s' '$log' && grep -q '^uptime 3 s' '$log'"

# At 100 Hz the third line is printed at tick 300, and the clock reads ~3000 ms.
ticks=$(sed -n 's/^uptime 3 s: \([0-9]*\) timer ticks, clock \([0-9]*\) ms$/\1/p' "$log")
clock=$(sed -n 's/^uptime 3 s: \([0-9]*\) timer ticks, clock \([0-9]*\) ms$/\2/p' "$log")
check "timer: 300 ticks after 3 s (saw ${ticks:-none})" test "${ticks:-0}" -eq 300
check "clock agrees with ticks: 2990..3010 ms (saw ${clock:-none})" \
	test "${clock:-0}" -ge 2990 -a "${clock:-0}" -le 3010
# A timer running too fast would finish the three seconds early in real time.
check "three guest seconds took at least three host seconds (${elapsed_ms} ms)" \
	test "$elapsed_ms" -ge 3000
check "monitor answers typed 'uptime'" log_has_re '^uptime [0-9]+\.[0-9]{6} s, [0-9]+ ticks at 100 Hz'
check "monitor answers typed 'mem'" log_has_re '^frames: [0-9]+ managed, [0-9]+ free'
check "'poweroff' ends QEMU with success (exit $code)" test "$code" -eq 1
