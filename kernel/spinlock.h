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
	unsigned level;		/* its place in the lock order (below) */
};

/*
 * The lock order. A CPU may take a lock only while every lock it holds has a lower
 * level; two locks of one level are never held together. Today no code nests two
 * of these but printk (anything may print); a new nesting gets its levels here,
 * and a debug build (make KDEBUG=1, below) checks every acquisition against them.
 * The kernel lock (kernel_lock.h) comes before all of them.
 */
enum spinlock_level {
	LOCK_LEVEL_MM = 1,	/* an address space's (struct mm's lock, mm/mm.h) */
	LOCK_LEVEL_PAGES,	/* a file's page cache (struct inode's pages_lock, fs/vfs.h) */
	LOCK_LEVEL_PLAIN,	/* proc_table, tty, random, frame, heap, crash */
	LOCK_LEVEL_PRINTK,	/* printk: taken with any other held */
};

#define SPINLOCK_INIT(lockname) { NULL, lockname, 0, LOCK_LEVEL_PLAIN }
#define SPINLOCK_INIT_LEVEL(lockname, lock_level) { NULL, lockname, 0, lock_level }

void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
/* Whether some CPU holds it. */
bool spin_is_held(const struct spinlock *lock);

/*
 * The same lock taken without touching the interrupt state, for a lock that no
 * interrupt handler takes and whose holder may need another CPU's TLB flushed
 * (the address space's lock, mm/mm.h): interrupts stay on in the kernel-lock
 * holder that takes it, and a CPU that waits for it serves TLB and call requests
 * meanwhile (arch/x86_64/ipi.h), since the holder may be waiting for one of those.
 * The try variant takes it only if it is free, for callers that have a way
 * round (the page-fault fast path, mm/fault.c). Never mix these with
 * spin_lock/spin_unlock on one lock.
 */
void spin_lock_keep_irqs(struct spinlock *lock);
bool spin_trylock_keep_irqs(struct spinlock *lock);
void spin_unlock_keep_irqs(struct spinlock *lock);

/*
 * The lock checker, in kernels built with CALF_DEBUG (make KDEBUG=1; the suite
 * boots one in tests/guest/smp.sh): each CPU keeps the locks it holds, and
 * spin_lock panics, naming both, when the order above is broken;
 * spin_assert_none_held panics when this CPU holds a spinlock where it must hold
 * none: at a task switch, a sleep, the return to user mode and the idle halt. In
 * other builds it costs nothing.
 */
#ifdef CALF_DEBUG
void spin_assert_none_held(const char *where);
#else
static inline void spin_assert_none_held(const char *where) { (void)where; }
#endif

#endif
