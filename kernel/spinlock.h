/*
 * kernel/spinlock.h - spinlocks that also keep interrupts off while held.
 *
 * calf runs on one CPU today, so the spin never actually waits; the locks are here so
 * that every shared structure already says which lock guards it, and SMP can come
 * without a rewrite. Taking a lock saves and disables interrupts (an interrupt
 * handler may take the same lock); releasing restores the saved state.
 *
 * Host unit tests (CALF_HOST) get the same API with no interrupt handling.
 */
#ifndef CALF_KERNEL_SPINLOCK_H
#define CALF_KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;	/* shown when a lock is found held twice */
	uint64_t saved_flags;	/* interrupt state of the holder before it locked */
};

#define SPINLOCK_INIT(lockname) { 0, lockname, 0 }

void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
bool spin_is_held(const struct spinlock *lock);

#endif
