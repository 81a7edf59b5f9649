/*
 * kernel/kernel_lock.c - the big kernel lock (kernel_lock.h says what it is for).
 *
 * A ticket lock: each CPU that wants it draws the next number and waits until that
 * number is served, so CPUs get it in the order they asked. Fairness matters here
 * as it does not for the short spinlocks: CPUs forking and exiting in a loop are
 * in the kernel nearly all the time, and with test-and-set a thread on another
 * CPU that takes a page fault could wait for ever (it did, under QEMU's -icount,
 * which runs the CPUs in turn). The holder and the depth are only ever written by
 * the holder.
 */
#include <stddef.h>
#include "kernel/kernel_lock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"

bool kernel_lock_active;
static uint32_t next_ticket, now_serving;
static struct cpu *holder;
static unsigned depth;

void kernel_lock_start(void)
{
	__atomic_store_n(&kernel_lock_active, true, __ATOMIC_RELEASE);
}

/*
 * A waiter spins a little (most holds are short), then halts until its ticket
 * comes up (ipi_halt_until): under TCG a spinning CPU keeps a host core, and on a
 * host with fewer cores than CPUs the holder may be waiting for that core. The
 * releaser kicks the CPU whose ticket it serves, if that one is halted; each
 * waiter's ticket is in waiting_ticket, written before it halts.
 */
#define SPINS_BEFORE_HALT 256
static uint32_t waiting_ticket[SMP_MAX_CPUS];

static void __attribute__((noinline)) wait_for_turn(uint32_t ticket)
{
	__atomic_store_n(&waiting_ticket[this_cpu()->id], ticket, __ATOMIC_RELAXED);
	for (unsigned spins = 0; __atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) != ticket;) {
		/* The holder may be waiting for this CPU to flush its TLB. */
		ipi_serve_pending();
		if (++spins < SPINS_BEFORE_HALT) {
			cpu_relax();
			continue;
		}
		ipi_halt_until(&now_serving, ticket);
		spins = 0;
	}
}

static void kick_next(uint32_t ticket)
{
	uint64_t halted = ipi_halted();

	for (unsigned id = 0; id < SMP_MAX_CPUS && halted >> id; id++) {
		if (((halted >> id) & 1) &&
		    __atomic_load_n(&waiting_ticket[id], __ATOMIC_RELAXED) == ticket) {
			ipi_kick_halted(1ul << id);
			return;
		}
	}
}

void kernel_lock_take(void)
{
	struct cpu *self = this_cpu();

	if (__atomic_load_n(&holder, __ATOMIC_RELAXED) == self) {
		depth++;
		return;
	}
	uint32_t ticket = __atomic_fetch_add(&next_ticket, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&now_serving, __ATOMIC_ACQUIRE) != ticket)
		wait_for_turn(ticket);
	__atomic_store_n(&holder, self, __ATOMIC_RELAXED);
	depth = 1;
}

void kernel_lock_give(void)
{
	if (holder != this_cpu() || depth == 0)
		panic("kernel lock: released on CPU %u, which does not hold it",
		      this_cpu()->id);
	if (--depth == 0) {
		uint32_t next = now_serving + 1;
		__atomic_store_n(&holder, NULL, __ATOMIC_RELAXED);
		__atomic_store_n(&now_serving, next, __ATOMIC_RELEASE);
		kick_next(next);
	}
}

void kernel_lock_set_depth(unsigned new_depth)
{
	if (kernel_lock_active)
		depth = new_depth;
}

bool kernel_lock_held(void)
{
	return !kernel_lock_active || __atomic_load_n(&holder, __ATOMIC_RELAXED) == this_cpu();
}

unsigned kernel_lock_depth(void)
{
	return __atomic_load_n(&holder, __ATOMIC_RELAXED) == this_cpu() ? depth : 0;
}

void kernel_lock_enter_hook(void)
{
	kernel_lock_enter();
}

void kernel_lock_exit_hook(bool to_user)
{
	kernel_lock_exit();
	if (to_user)
		kernel_lock_assert_released("a return to user mode from a trap");
}

void kernel_lock_assert_released(const char *where)
{
	if (kernel_lock_active && __atomic_load_n(&holder, __ATOMIC_RELAXED) == this_cpu())
		panic("kernel lock: still held (depth %u) at %s on CPU %u", depth, where,
		      this_cpu()->id);
}
