/*
 * kernel/spinlock.c - spinlocks with interrupts disabled while held.
 */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"

void spin_lock(struct spinlock *lock)
{
	uint64_t flags = irq_save();

	/*
	 * With one CPU and interrupts off, a lock that is already held can never be
	 * released: it is a recursive acquisition, a kernel bug. (With SMP this becomes
	 * a real wait, checked against the holder's CPU.)
	 */
	if (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		panic("spinlock %s: acquired twice", lock->name);
	lock->saved_flags = flags;
}

void spin_unlock(struct spinlock *lock)
{
	uint64_t flags = lock->saved_flags;

	if (!lock->locked)
		panic("spinlock %s: released while not held", lock->name);
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

bool spin_is_held(const struct spinlock *lock)
{
	return lock->locked;
}
