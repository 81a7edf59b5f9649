/*
 * kernel/backtrace.h - walking the frame-pointer chain.
 *
 * The kernel is built with frame pointers, so each frame starts with the caller's
 * %rbp followed by the return address. The walk stops at a zero %rbp (boot.S and
 * new kernel stacks end the chain that way), or at anything that does not look like
 * a kernel stack address, so a corrupt chain cannot fault during a panic.
 */
#ifndef CALF_KERNEL_BACKTRACE_H
#define CALF_KERNEL_BACKTRACE_H

#include <stdint.h>

#define BACKTRACE_MAX_FRAMES 32

/* Print "#n address function+offset" lines, starting with rip, then the callers. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* The same from a trap frame: rsp lets it recover the caller when rip is not code. */
void backtrace_print_trap(uint64_t rip, uint64_t rsp, uint64_t rbp);

/* Fill at most max return addresses (the first is rip); returns how many. */
unsigned backtrace_collect(uint64_t rip, uint64_t rbp, uint64_t *addresses, unsigned max);

#endif
