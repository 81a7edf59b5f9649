/*
 * kernel/kernel_lock.h - the big kernel lock: one CPU at a time runs kernel code.
 *
 * calf's first step to running tasks on every CPU (docs/smp.md, step 3) is the
 * one Linux 2.0 and FreeBSD (Giant) took: user code runs on all CPUs at once, but
 * a CPU takes this lock whenever it enters the kernel from user mode, from an
 * interrupt, or from its idle loop, and gives it back when it returns to user
 * mode or halts. Everything the single CPU protected by turning interrupts off is
 * thereby protected from the other CPUs too, without reviewing each global at
 * once; finer locks can then be pushed below it one subsystem at a time.
 *
 * What runs without it: the entry and exit code, the idle halt, the IPI
 * handlers (TLB shootdown, remote calls), which touch only their own request
 * slots, the page faults a program's address space resolves under its own
 * lock (mm_fault_fast, mm/mm.h), and the system calls marked
 * SYSCALL_WITHOUT_KERNEL_LOCK (kernel/syscall.h; docs/smp.md lists them). A
 * CPU waiting for the lock does so with interrupts off and serves the IPIs
 * aimed at it meanwhile, so the holder's shootdowns are answered; after a
 * short spin it halts, and an NMI wakes it when its turn comes or a request is
 * aimed at it (arch/x86_64/ipi.h, ipi_halt_until).
 *
 * The lock is held by a CPU, not by a task, and is recursive: an interrupt taken
 * in kernel mode on the holding CPU nests. A task switch happens with it held, and
 * the task switched to continues holding it on this CPU, at the depth it had when
 * it switched out (schedule keeps that on the task's stack); so a sleeping task
 * holds nothing the other CPUs could wait for.
 *
 * Until kernel_lock_start (when the scheduler hands work to the other CPUs) the
 * lock is not taken at all: one CPU pays one test of a global per entry and exit.
 */
#ifndef CALF_KERNEL_KERNEL_LOCK_H
#define CALF_KERNEL_KERNEL_LOCK_H

#include <stdbool.h>

/* From now on every entry takes the lock (it is free when this returns). Called
 * once, by the boot CPU, with interrupts off, outside any interrupt handler, before
 * any other CPU enters the kernel. */
void kernel_lock_start(void);

extern bool kernel_lock_active;	/* set by kernel_lock_start */
void kernel_lock_take(void);
void kernel_lock_give(void);

/* Take it (or nest, when this CPU holds it). Interrupts must be off. Inline, so
 * that one CPU pays a test and a branch. */
static inline void kernel_lock_enter(void)
{
	if (kernel_lock_active)
		kernel_lock_take();
}

/* Undo one kernel_lock_enter; the outermost releases. Interrupts must be off. */
static inline void kernel_lock_exit(void)
{
	if (kernel_lock_active)
		kernel_lock_give();
}

/* The same, for trap_dispatch's hooks. */
void kernel_lock_enter_hook(void);
void kernel_lock_exit_hook(bool to_user);
/* Panic if this CPU holds it (where: for the message). */
void kernel_lock_assert_released(const char *where);

/* After a task switch (the CPU still holds it): the depth the task switched to
 * had when it switched out, or 1 for a new task. */
void kernel_lock_set_depth(unsigned depth);

/* Whether this CPU holds it (always true before kernel_lock_start). */
bool kernel_lock_held(void);
/* How many times this CPU has entered it (1 where a task may switch). */
unsigned kernel_lock_depth(void);

#endif
