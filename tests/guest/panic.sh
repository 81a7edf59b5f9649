#!/bin/sh
# A deliberately broken kernel must produce a readable panic: the reason, the faulting
# address where there is one, registers, and a backtrace naming the functions that
# led there; and QEMU must stop with the panic status. One boot per kind of crash.
. "$(dirname "$0")/lib.sh"

# crash_case KIND REASON-REGEX FUNCTION
crash_case() {
	kind=$1 reason=$2 function=$3
	boot "panic-$kind" "crash=$kind" 60
	check "crash=$kind: panic status ($status)" test "$status" = 127
	check "crash=$kind: reason '$reason'" log_has_re "^\*\*\* kernel panic: .*$reason"
	check "crash=$kind: registers" log_has_re '^RIP: 0010:ffffffff8[0-9a-f]{7} '
	check "crash=$kind: backtrace names $function and kernel_main" \
		sh -c "grep -qE '^  #[0-9 ]+ ffffffff8[0-9a-f]+ $function\+0x' '$log' &&
		       grep -qE '^  #[0-9 ]+ ffffffff8[0-9a-f]+ kernel_main\+0x' '$log'"
}

crash_case null 'page fault at address 0000000000000000: read of a non-present page in kernel mode \(null pointer dereference\)' crash_null_pointer
crash_case write-text 'page fault at address ffffffff8[0-9a-f]+: write violating protection in kernel mode' crash_write_text
crash_case exec-data 'page fault at address ffffffff8[0-9a-f]+: instruction fetch violating protection' crash_exec_data
crash_case ud 'invalid opcode \(vector 6' crash_invalid_opcode
crash_case div0 'divide error \(vector 0' crash_divide_by_zero
crash_case panic 'crash: explicit panic requested' crash_explicit_panic
crash_case spinlock 'spinlock crash_lock: acquired twice on CPU 0' crash_recursive_lock
# mm_poison (mm/frame.h) catches a write after free when the memory is handed out again.
crash_case object-write-after-free 'mm_poison: the free 64-byte object 0xffff8[0-9a-f]+ was written after kfree: byte 20 is 0x1$' slab_alloc
crash_case frame-write-after-free 'mm_poison: frame 0x[0-9a-f]+ was written after it was freed: byte 0x64 is 0x1 \(its 8-byte word: 0x6b6b6b016b6b6b6b\)' frame_alloc_run
