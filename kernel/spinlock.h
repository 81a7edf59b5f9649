/*
 * kernel/spinlock.h - spinlocks that also keep interrupts off while held.
 *
 * Taking a lock saves and disables interrupts (an interrupt handler may take the
 * same lock), then spins, with `pause`, until it can swap its CPU into the free
 * lock (test-and-test-and-set: kernel/spinlock.c says why not tickets). Releasing
 * clears it and restores the saved interrupt state. The holder's CPU is the lock
 * word itself, so taking a lock this CPU already holds (it would wait forever)
 * panics with the lock's name, as does releasing a lock this CPU does not hold.
 * A lock is never held across a sleep or a task switch (docs/smp.md: lock rules).
 *
 * Host unit tests (CALF_HOST) get the same API with no interrupt handling.
 */
#ifndef CALF_KERNEL_SPINLOCK_H
#define CALF_KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spinlock {
	const void *holder;	/* the holder's struct cpu, NULL when free */
	const char *name;	/* shown when a lock is misused */
	uint64_t saved_flags;	/* interrupt state of the holder before it locked */
};

#define SPINLOCK_INIT(lockname) { NULL, lockname, 0 }

void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
/* Whether some CPU holds it. */
bool spin_is_held(const struct spinlock *lock);

#endif
