/*
 * kernel/spinlock.c - spinlocks with interrupts disabled while held.
 *
 * Test-and-test-and-set on the holder itself: the lock word is the holding CPU's
 * struct cpu, NULL when free. Taking a free lock is one compare-and-exchange that
 * records the holder in the same instruction, so one CPU pays what the old
 * exchange cost; a failed exchange returns the holder, which is how a CPU that
 * takes a lock it holds is caught, exactly and only on the slow path. Waiters spin
 * on plain loads with `pause` (no bus locking while the lock is held) and retry
 * the exchange when it looks free. Not fair (no queue): fine for a few CPUs and
 * short sections; a ticket or queued lock is the next step if contention shows.
 */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/ipi.h"

#ifdef CALF_DEBUG
#include "arch/x86_64/smp.h"

#define HELD_MAX 4
struct held_locks {
	unsigned count;
	const struct spinlock *locks[HELD_MAX];
};
static struct held_locks held[SMP_MAX_CPUS];

/* With interrupts off: the order is checked before waiting, so a deadlock
 * the order would cause is reported instead of hanging. */
static void check_order(const struct spinlock *lock)
{
	struct held_locks *mine = &held[this_cpu()->id];

	for (unsigned i = 0; i < mine->count; i++)
		if (mine->locks[i]->level >= lock->level && mine->locks[i] != lock)
			panic("lock order: %s (level %u) taken while holding %s (level %u)",
			      lock->name, lock->level, mine->locks[i]->name,
			      mine->locks[i]->level);
	if (mine->count == HELD_MAX)
		panic("lock checker: more than %d spinlocks held at once", HELD_MAX);
}

/* With interrupts off: the keep-irqs locks are taken with them on, and an
 * interrupt handler taking a lock between the two stores would lose an entry. */
static void note_taken(const struct spinlock *lock)
{
	uint64_t flags = irq_save();
	struct held_locks *mine = &held[this_cpu()->id];

	mine->locks[mine->count++] = lock;
	irq_restore(flags);
}

static void note_released(const struct spinlock *lock)
{
	uint64_t flags = irq_save();
	struct held_locks *mine = &held[this_cpu()->id];

	for (unsigned i = mine->count; i-- > 0;)
		if (mine->locks[i] == lock) {
			mine->locks[i] = mine->locks[--mine->count];
			break;
		}
	irq_restore(flags);
}

void spin_assert_none_held(const char *where)
{
	struct held_locks *mine = &held[this_cpu()->id];

	if (mine->count)
		panic("lock checker: %s held at %s on CPU %u", mine->locks[0]->name, where,
		      this_cpu()->id);
}
#else
static inline void check_order(const struct spinlock *lock) { (void)lock; }
static inline void note_taken(const struct spinlock *lock) { (void)lock; }
static inline void note_released(const struct spinlock *lock) { (void)lock; }
#endif

static bool try_take(struct spinlock *lock, const void *self, const void **holder)
{
	*holder = NULL;
	return __atomic_compare_exchange_n(&lock->holder, holder, self, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Spin until this CPU takes the lock; serve_requests: answer TLB and call
 * requests meanwhile (the holder may be waiting for this CPU's flush). */
static void __attribute__((noinline, cold)) wait_free(struct spinlock *lock, const void *self,
						      const void *holder, bool serve_requests)
{
	do {
		if (holder == self)
			panic("spinlock %s: acquired twice on CPU %u", lock->name,
			      this_cpu()->id);
		while (__atomic_load_n(&lock->holder, __ATOMIC_RELAXED)) {
			if (serve_requests)
				ipi_serve_pending();
			cpu_relax();
		}
	} while (!try_take(lock, self, &holder));
}

void spin_lock(struct spinlock *lock)
{
	uint64_t flags = irq_save();
	const void *self = this_cpu(), *holder;

	check_order(lock);
	if (__builtin_expect(!try_take(lock, self, &holder), 0))
		wait_free(lock, self, holder, false);
	lock->saved_flags = flags;
	note_taken(lock);
}

void spin_unlock(struct spinlock *lock)
{
	uint64_t flags = lock->saved_flags;

	if (lock->holder != this_cpu())
		panic("spinlock %s: released while not held by this CPU", lock->name);
	note_released(lock);
	__atomic_store_n(&lock->holder, NULL, __ATOMIC_RELEASE);
	irq_restore(flags);
}

bool spin_is_held(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->holder, __ATOMIC_RELAXED) != NULL;
}

void spin_lock_keep_irqs(struct spinlock *lock)
{
	const void *self = this_cpu(), *holder;

	check_order(lock);
	if (!try_take(lock, self, &holder))
		wait_free(lock, self, holder, true);
	note_taken(lock);
}

bool spin_trylock_keep_irqs(struct spinlock *lock)
{
	const void *holder;

	check_order(lock);
	if (!try_take(lock, this_cpu(), &holder))
		return false;
	note_taken(lock);
	return true;
}

void spin_unlock_keep_irqs(struct spinlock *lock)
{
	if (lock->holder != this_cpu())
		panic("spinlock %s: released while not held by this CPU", lock->name);
	note_released(lock);
	__atomic_store_n(&lock->holder, NULL, __ATOMIC_RELEASE);
}
