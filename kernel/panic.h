/*
 * kernel/panic.h - stopping the kernel when one of its own invariants is broken.
 *
 * panic prints the reason, the registers of the caller, a symbolized backtrace, and
 * stops QEMU with a failure status. It is only for kernel bugs: anything a user
 * program can cause gets an error code instead.
 */
#ifndef CALF_KERNEL_PANIC_H
#define CALF_KERNEL_PANIC_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* The same, for a fault taken in the kernel: prints the trap frame's registers and
 * a backtrace from the faulting instruction. */
struct trap_frame;
__attribute__((noreturn, format(printf, 2, 3)))
void panic_trap(const struct trap_frame *frame, const char *fmt, ...);

/* Make arch/'s fatal traps and boot errors (arch_fatal) panics. Called first thing
 * at boot, once printk has somewhere to write. */
void panic_init(void);

/* Called once, when a panic has been reported, just before the machine stops; lets
 * the self-test runner say which test panicked. */
void panic_set_hook(void (*hook)(void));

#define BUG_ON(cond) \
	do { \
		if (__builtin_expect(!!(cond), 0)) \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
