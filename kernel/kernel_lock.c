/*
 * kernel/kernel_lock.c - the big kernel lock (kernel_lock.h says what it is for).
 *
 * The lock word is the holding CPU's struct cpu, as for spinlocks; the depth is
 * only ever touched by the holder, so it needs no atomics.
 */
#include <stddef.h>
#include "kernel/kernel_lock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/percpu.h"

bool kernel_lock_active;
static struct cpu *holder;
static unsigned depth;

void kernel_lock_start(void)
{
	__atomic_store_n(&kernel_lock_active, true, __ATOMIC_RELEASE);
}

static void __attribute__((noinline)) wait_and_take(struct cpu *self)
{
	struct cpu *expected;

	do {
		/* The holder may be waiting for this CPU to flush its TLB. */
		while (__atomic_load_n(&holder, __ATOMIC_RELAXED)) {
			ipi_serve_pending();
			cpu_relax();
		}
		expected = NULL;
	} while (!__atomic_compare_exchange_n(&holder, &expected, self, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
}

void kernel_lock_take(void)
{
	struct cpu *self = this_cpu(), *expected = NULL;

	if (holder == self) {
		depth++;
		return;
	}
	if (!__atomic_compare_exchange_n(&holder, &expected, self, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		wait_and_take(self);
	depth = 1;
}

void kernel_lock_give(void)
{
	if (holder != this_cpu() || depth == 0)
		panic("kernel lock: released on CPU %u, which does not hold it",
		      this_cpu()->id);
	if (--depth == 0)
		__atomic_store_n(&holder, NULL, __ATOMIC_RELEASE);
}

void kernel_lock_set_depth(unsigned new_depth)
{
	if (kernel_lock_active)
		depth = new_depth;
}

bool kernel_lock_held(void)
{
	return !kernel_lock_active || holder == this_cpu();
}

unsigned kernel_lock_depth(void)
{
	return holder == this_cpu() ? depth : 0;
}

void kernel_lock_enter_hook(void)
{
	kernel_lock_enter();
}

void kernel_lock_exit_hook(void)
{
	kernel_lock_exit();
}
