/*
 * proc/futex.c - futex(2) and robust futexes (interface in proc/futex.h).
 *
 * A waiter is a struct on the sleeping thread's kernel stack, in a bucket of a
 * small hash table chosen by its key. The kernel lock and a kernel that is not
 * preemptible make "read the word, compare, queue" atomic against other threads'
 * wakes: nothing else runs in the kernel until this thread sleeps, and interrupt
 * handlers never write user memory. Requeueing moves a waiter to another key
 * (and bucket) without waking it.
 *
 * Two cases need no kernel lock, for a private futex (its key needs no look at
 * the page tables): a wait whose word no longer holds the value (EAGAIN), and a
 * wake with nobody to wake. Each bucket counts its waiters, and a waiter counts
 * itself in before it reads its word (a locked instruction: a full barrier);
 * a wake without the lock reads the count after a full barrier that orders the
 * caller's store to the word before it. So either the wake sees the waiter
 * (and takes the kernel lock, behind which the waiter is queued or gone) or
 * the waiter reads the new word (and does not sleep): no wake-up is lost, as
 * with Linux's per-bucket waiter counts. Everything else takes the lock.
 */
#include "proc/internal.h"
#include "proc/futex.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/timer.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "kernel/kernel_lock.h"
#include "kernel/syscall.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY	0xffffffffu

/* The robust list ABI (Linux's uapi/linux/futex.h). */
#define FUTEX_WAITERS		0x80000000u
#define FUTEX_OWNER_DIED	0x40000000u
#define FUTEX_TID_MASK		0x3fffffffu
#define ROBUST_LIST_LIMIT	2048

struct robust_list_head_user {
	uint64_t next;		/* the first entry; the head's own address ends the list */
	int64_t futex_offset;	/* from an entry to its futex word */
	uint64_t op_pending;	/* an entry being locked or unlocked, or 0 */
};

/* A word's identity: (mm, address) for a private mapping, (SHARED_KEY, physical
 * address) for a shared one. An mm is never at address 1. */
#define SHARED_KEY 1ul
struct futex_key {
	uint64_t space;
	uint64_t address;
};

struct futex_waiter {
	struct list_node link;		/* in its bucket */
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	struct wait_queue queue;	/* the waiting thread alone */
};

#define BUCKETS 64
static struct list_node buckets[BUCKETS];
/* The waiters queued in each bucket, or about to read their word (above). */
static uint32_t bucket_waiters[BUCKETS];

static unsigned bucket_index(const struct futex_key *key)
{
	return ((key->space ^ key->address) * 0x9e3779b97f4a7c15ull) >> 58;
}

static struct list_node *bucket_of(const struct futex_key *key)
{
	if (!buckets[0].next)
		for (int i = 0; i < BUCKETS; i++)
			list_init(&buckets[i]);
	return &buckets[bucket_index(key)];
}

static void count_waiter(const struct futex_key *key, int change)
{
	__atomic_fetch_add(&bucket_waiters[bucket_index(key)], change, __ATOMIC_SEQ_CST);
}

/* A wake without the kernel lock: is there maybe a waiter on key to wake? */
static bool may_have_waiters(const struct futex_key *key)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the caller's store to the word first */
	return __atomic_load_n(&bucket_waiters[bucket_index(key)], __ATOMIC_RELAXED) != 0;
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->address == b->address;
}

/*
 * The key of the word at uaddr: -EINVAL if not 4-byte aligned, -EFAULT if outside
 * user space or (for a possibly shared futex) not mapped readable. A private
 * futex's word is only looked at when it is read, as in Linux.
 */
static int get_key(uint64_t uaddr, bool private, struct futex_key *key)
{
	struct mm *mm = current_proc()->task.mm;
	uint64_t phys;

	if (uaddr & 3)
		return -EINVAL;
	if (!user_range_ok(uaddr, sizeof(uint32_t)))
		return -EFAULT;
	*key = (struct futex_key){ (uint64_t)mm, uaddr };
	if (private)
		return 0;
	int shared = mm_shared_word(mm, uaddr, &phys);
	if (shared < 0)
		return shared;
	if (shared)
		*key = (struct futex_key){ SHARED_KEY, phys };
	return 0;
}

/* Wake up to count waiters (at least one, as Linux does for 0) whose key and bitset
 * match; how many were woken. */
static int wake_key(const struct futex_key *key, int count, uint32_t bitset)
{
	struct list_node *head = bucket_of(key), *node, *next;
	uint64_t flags = irq_save();
	int woken = 0;

	list_for_each_safe(node, next, head) {
		struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
		if (!same_key(&w->key, key) || !(w->bitset & bitset))
			continue;
		list_remove(&w->link);
		w->woken = true;
		wake_up(&w->queue);
		if (++woken >= count)
			break;
	}
	irq_restore(flags);
	return woken;
}

/* Move up to count waiters of from (after skipping none) to the key to. */
static int requeue_key(const struct futex_key *from, const struct futex_key *to, int count)
{
	struct list_node *head = bucket_of(from), *node, *next;
	uint64_t flags = irq_save();
	int moved = 0;

	list_for_each_safe(node, next, head) {
		struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
		if (moved >= count)
			break;
		if (!same_key(&w->key, from))
			continue;
		count_waiter(to, 1);	/* counted in its new bucket before it is there */
		list_remove(&w->link);
		count_waiter(&w->key, -1);
		w->key = *to;
		list_push_back(bucket_of(to), &w->link);
		moved++;
	}
	irq_restore(flags);
	return moved;
}

static int read_word(uint64_t uaddr, uint32_t *value)
{
	return copy_from_user(value, (const void *)uaddr, sizeof(*value)) ? -EFAULT : 0;
}

/*
 * FUTEX_WAIT and FUTEX_WAIT_BITSET: sleep while the word holds val, until woken (0),
 * the deadline (-ETIMEDOUT), or a signal: restarted after a handler with SA_RESTART
 * when there is no timeout, else EINTR (Linux restarts a timed wait only when no
 * handler ran, and so does -ERESTARTNOHAND).
 */
static long futex_wait(uint64_t uaddr, bool private, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset };
	uint32_t value;
	int result = 0;

	if (!bitset)
		return -EINVAL;
	int error = get_key(uaddr, private, &w.key);
	if (error)
		return error;
	if (!kernel_lock_held()) {	/* only a word that changed: it will not sleep */
		if ((error = read_word(uaddr, &value)))
			return error;
		return value != val ? -EAGAIN : -EKERNELLOCK;
	}
	count_waiter(&w.key, 1);	/* before the word is read: above */
	if ((error = read_word(uaddr, &value)) || value != val) {
		count_waiter(&w.key, -1);
		return error ? error : -EAGAIN;
	}
	wait_queue_init(&w.queue);
	uint64_t flags = irq_save();
	list_push_back(bucket_of(&w.key), &w.link);
	while (!w.woken && !result) {
		if (deadline == UINT64_MAX)
			result = wait_sleep_irqs_off(&w.queue);
		else
			result = wait_sleep_timeout_irqs_off(&w.queue, deadline);
	}
	if (!w.woken)
		list_remove(&w.link);
	count_waiter(&w.key, -1);	/* the key it was requeued to, if it was */
	irq_restore(flags);
	if (w.woken)
		return 0;
	if (result == -ETIMEDOUT)
		return -ETIMEDOUT;
	return deadline == UINT64_MAX ? -ERESTARTSYS : -ERESTARTNOHAND;
}

static long futex_wake(uint64_t uaddr, bool private, int count, uint32_t bitset)
{
	struct futex_key key;

	if (!bitset)
		return -EINVAL;
	int error = get_key(uaddr, private, &key);
	if (error)
		return error;
	if (!kernel_lock_held())
		return may_have_waiters(&key) ? -EKERNELLOCK : 0;
	return wake_key(&key, count, bitset);
}

/* FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (check: the first word must hold cmpval):
 * wake up to nr_wake, move up to nr_requeue to uaddr2; how many of both. */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake,
			  int nr_requeue, bool check, uint32_t cmpval)
{
	struct futex_key key1, key2;
	uint32_t value;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	int error = get_key(uaddr, private, &key1);
	if (!error)
		error = get_key(uaddr2, private, &key2);
	if (!error && check && !(error = read_word(uaddr, &value)) && value != cmpval)
		error = -EAGAIN;
	if (error)
		return error;
	int woken = nr_wake ? wake_key(&key1, nr_wake, FUTEX_BITSET_ANY) : 0;
	return woken + requeue_key(&key1, &key2, nr_requeue);
}

/* FUTEX_WAKE_OP's operation on the old value; -ENOSYS for an unknown one. */
static int apply_op(unsigned op, uint32_t old, uint32_t arg, uint32_t *out)
{
	switch (op) {
	case 0: *out = arg; return 0;		/* SET */
	case 1: *out = old + arg; return 0;	/* ADD */
	case 2: *out = old | arg; return 0;	/* OR */
	case 3: *out = old & ~arg; return 0;	/* ANDN */
	case 4: *out = old ^ arg; return 0;	/* XOR */
	default: return -ENOSYS;
	}
}

/* FUTEX_WAKE_OP's comparison of the old value (signed); -ENOSYS if unknown. */
static int compare(unsigned cmp, int32_t old, int32_t arg)
{
	switch (cmp) {
	case 0: return old == arg;
	case 1: return old != arg;
	case 2: return old < arg;
	case 3: return old <= arg;
	case 4: return old > arg;
	case 5: return old >= arg;
	default: return -ENOSYS;
	}
}

static int32_t sign_extend12(uint32_t value)
{
	return (int32_t)(value << 20) >> 20;
}

/*
 * FUTEX_WAKE_OP: apply the encoded operation to the word at uaddr2 (read, compute,
 * write: atomic here, see the top), wake up to nr_wake at uaddr, and if the old
 * value of uaddr2 passes the encoded comparison, up to nr_wake2 at uaddr2.
 */
static long futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake,
			  int nr_wake2, uint32_t encoded)
{
	struct futex_key key1, key2;
	unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	uint32_t arg = (uint32_t)sign_extend12(encoded >> 12), old, new_value;
	int32_t cmparg = sign_extend12(encoded);

	int error = get_key(uaddr, private, &key1);
	if (!error)
		error = get_key(uaddr2, private, &key2);
	if (error)
		return error;
	if (encoded & (8u << 28))		/* FUTEX_OP_OPARG_SHIFT */
		arg = 1u << (arg & 31);
	if ((error = read_word(uaddr2, &old)) || (error = apply_op(op, old, arg, &new_value)))
		return error;
	int pass = compare(cmp, (int32_t)old, cmparg);
	if (pass < 0)
		return pass;
	if (copy_to_user((void *)uaddr2, &new_value, sizeof(new_value)))
		return -EFAULT;
	int woken = wake_key(&key1, nr_wake, FUTEX_BITSET_ANY);
	if (pass)
		woken += wake_key(&key2, nr_wake2, FUTEX_BITSET_ANY);
	return woken;
}

struct timespec_user { int64_t sec, nsec; };

/*
 * The deadline on the monotonic clock: FUTEX_WAIT's timeout is relative, the
 * others' absolute on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) CLOCK_REALTIME.
 * UINT64_MAX: none. -EFAULT, -EINVAL for a bad timespec.
 */
static int futex_deadline(const struct timespec_user *user, int cmd, bool realtime,
			  uint64_t *deadline)
{
	const int64_t nsec = 1000000000;
	struct timespec_user ts;

	*deadline = UINT64_MAX;
	if (!user)
		return 0;
	if (copy_from_user(&ts, user, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= nsec)
		return -EINVAL;
	if (ts.sec >= INT64_MAX / nsec - 1)
		return 0;
	uint64_t ns = (uint64_t)(ts.sec * nsec + ts.nsec);
	uint64_t now = clock_monotonic_ns();
	if (cmd == FUTEX_WAIT)
		*deadline = now + ns;
	else if (realtime)
		*deadline = ns > clock_realtime_ns() - now ? ns - (clock_realtime_ns() - now) : 0;
	else
		*deadline = ns;
	return 0;
}

static bool has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET;
}

/* Linux's order: the timeout (EFAULT, EINVAL), FUTEX_CLOCK_REALTIME only with
 * FUTEX_WAIT_BITSET (ENOSYS), then the operation. */
SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val,
		const struct timespec_user *, timeout, uint64_t, uaddr2, uint32_t, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint32_t val2 = (uint32_t)(uint64_t)timeout;	/* REQUEUE, WAKE_OP: a count */
	uint64_t deadline = UINT64_MAX;

	if (has_timeout(cmd)) {
		int error = futex_deadline(timeout, cmd, realtime, &deadline);
		if (error)
			return error;
	}
	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	/* Without the kernel lock: waits and wakes of private futexes (above). */
	if (!kernel_lock_held() && !(private && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET ||
						  cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET)))
		return -EKERNELLOCK;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, private, val, deadline, FUTEX_BITSET_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, private, val, deadline, val3);
	case FUTEX_WAKE:
		return futex_wake(uaddr, private, (int)val, FUTEX_BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)val2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)val2, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val, (int)val2, val3);
	default:
		return -ENOSYS;
	}
}

SYSCALL_WITHOUT_KERNEL_LOCK(futex);

long futex_wake_word(uint64_t uaddr, int count)
{
	return futex_wake(uaddr, false, count, FUTEX_BITSET_ANY);
}

/* ---------------------------------------------------------------- robust futexes */

/*
 * The owner died holding the futex at uaddr (Linux's handle_futex_death): if the
 * word names tid, keep its waiters bit, set FUTEX_OWNER_DIED and wake one waiter.
 * An entry the owner was in the middle of unlocking (pending) whose word is 0 may
 * have a waiter nobody woke: wake one. PI futexes are not woken here.
 */
static void owner_died(uint64_t uaddr, int tid, bool pending, bool pi)
{
	uint32_t word;

	if ((uaddr & 3) || read_word(uaddr, &word))
		return;
	if (pending && !pi && word == 0) {
		futex_wake_word(uaddr, 1);
		return;
	}
	if ((word & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	uint32_t marked = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)uaddr, &marked, sizeof(marked)))
		return;
	if (!pi && (word & FUTEX_WAITERS))
		futex_wake_word(uaddr, 1);
}

/* An entry pointer: bit 0 marks a PI futex. */
static int read_entry(uint64_t at, uint64_t *entry, bool *pi)
{
	uint64_t raw;

	if (copy_from_user(&raw, (const void *)at, sizeof(raw)))
		return -EFAULT;
	*entry = raw & ~1ul;
	*pi = raw & 1;
	return 0;
}

/* Walk the robust list (at most ROBUST_LIST_LIMIT entries, so a loop in it cannot
 * hold the exit forever), then the pending entry. Bad pointers end the walk. */
static void exit_robust_list(struct proc *proc)
{
	uint64_t head = proc->robust_list, entry, pending;
	struct robust_list_head_user h;
	bool pi, pending_pi;

	if (!head || copy_from_user(&h, (const void *)head, sizeof(h)))
		return;
	if (read_entry(head, &entry, &pi) || read_entry(head + 16, &pending, &pending_pi))
		return;
	for (int limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
		uint64_t next;
		bool next_pi;
		if (read_entry(entry, &next, &next_pi))
			return;
		if (entry != pending)
			owner_died(entry + h.futex_offset, proc->pid, false, pi);
		entry = next;
		pi = next_pi;
	}
	if (pending)
		owner_died(pending + h.futex_offset, proc->pid, true, pending_pi);
}

void futex_exit(struct proc *proc)
{
	if (!proc->task.mm)
		return;
	exit_robust_list(proc);
	proc->robust_list = 0;
	/* As Linux: only when someone else uses the memory, who may be waiting. */
	if (proc->clear_child_tid && proc->task.mm->users > 1) {
		uint32_t zero = 0;
		if (!copy_to_user((void *)proc->clear_child_tid, &zero, sizeof(zero)))
			futex_wake_word(proc->clear_child_tid, 1);
	}
	proc->clear_child_tid = 0;
}

/* ---------------------------------------------------------------- the list's calls */

/* The clear_child_tid that futex_exit zeroes and wakes (CLONE_CHILD_CLEARTID's
 * word, set again by the thread itself). */
SYSCALL_DEFINE1(set_tid_address, int *, address)
{
	current_proc()->clear_child_tid = (uint64_t)address;
	return current_proc()->pid;
}

SYSCALL_DEFINE2(set_robust_list, uint64_t, head, size_t, length)
{
	if (length != sizeof(struct robust_list_head_user))
		return -EINVAL;
	current_proc()->robust_list = head;
	return 0;
}

/* Linux's order: the thread (ESRCH; permission is root's here), then the two
 * writes (EFAULT). */
SYSCALL_DEFINE3(get_robust_list, int, tid, uint64_t *, head, size_t *, length)
{
	struct proc *proc = tid ? proc_find(tid) : current_proc();
	size_t size = sizeof(struct robust_list_head_user);

	if (!proc || proc->task.state == TASK_ZOMBIE || proc->task.state == TASK_DEAD)
		return -ESRCH;
	if (put_user(size, length) || put_user(proc->robust_list, head))
		return -EFAULT;
	return 0;
}
