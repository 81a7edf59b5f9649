/*
 * futex.c - the futex system call, raw: each operation, errors, timeouts,
 * bitsets, requeueing, WAKE_OP, signals, and a shared futex across fork.
 *
 * A waiter is always seen asleep in the kernel (its /proc state 'S') before it is
 * woken, so the counts printed do not depend on the scheduler.
 */
#include <signal.h>
#include <sys/mman.h>
#include "util.h"
#include "threadutil.h"

static uint32_t word1, word2;

struct waiter {
	uint32_t *word;
	uint32_t expect;
	int op;
	uint32_t bitset;
	volatile int tid;
	long result;
	int error;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->tid = sys_gettid();
	w->result = sys_futex(w->word, w->op, w->expect, NULL, NULL, w->bitset);
	w->error = errno;
	return NULL;
}

/* Start a waiter on word (for value expect) and see it asleep. */
static pthread_t start_waiter(struct waiter *w, uint32_t *word, int op, uint32_t bitset)
{
	*w = (struct waiter){ .word = word, .expect = *word, .op = op, .bitset = bitset };
	pthread_t t = xthread(wait_thread, w);
	while (!w->tid)
		sleep_ms(1);
	if (!await_sleeping(getpid(), w->tid))
		bail("a futex waiter never went to sleep");
	return t;
}

static void test_errors(void)
{
	struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 };
	uint32_t odd[2] = { 0, 0 };

	word1 = 1;
	ok_errno(sys_futex(&word1, FUTEX_WAIT, 2, NULL, NULL, 0), EAGAIN,
		 "FUTEX_WAIT when the word differs: EAGAIN");
	ok_errno(sys_futex(&word1, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN,
		 "FUTEX_WAIT_PRIVATE when the word differs: EAGAIN");
	ok_errno(sys_futex(&word1, FUTEX_WAIT, 1, &zero, NULL, 0), ETIMEDOUT,
		 "FUTEX_WAIT with a zero timeout: ETIMEDOUT");
	ok_errno(sys_futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT,
		 "FUTEX_WAIT on NULL: EFAULT");
	ok_errno(sys_futex((char *)odd + 1, FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL,
		 "FUTEX_WAIT on a misaligned word: EINVAL");
	ok_errno(sys_futex(&word1, FUTEX_WAIT, 1, (void *)8, NULL, 0), EFAULT,
		 "FUTEX_WAIT with a bad timeout pointer: EFAULT");
	ok_errno(sys_futex(&word1, FUTEX_WAIT, 1, &bad, NULL, 0), EINVAL,
		 "FUTEX_WAIT with tv_nsec of a billion: EINVAL");
	ok_errno(sys_futex(&word1, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &zero, NULL, 0), ENOSYS,
		 "FUTEX_WAIT with FUTEX_CLOCK_REALTIME: ENOSYS");
	ok_errno(sys_futex(&word1, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0), EINVAL,
		 "FUTEX_WAIT_BITSET with bitset 0: EINVAL");
	ok_errno(sys_futex(&word1, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL,
		 "FUTEX_WAKE_BITSET with bitset 0: EINVAL");
	ok_errno(sys_futex(&word1, 99, 1, NULL, NULL, 0), ENOSYS, "an unknown operation: ENOSYS");
	ok(sys_futex(&word1, FUTEX_WAKE, 1, NULL, NULL, 0) == 0, "FUTEX_WAKE with no waiter: 0");
	ok_errno(sys_futex(&word1, FUTEX_CMP_REQUEUE, 1, (void *)1, &word2, 7), EAGAIN,
		 "FUTEX_CMP_REQUEUE when the word is not the expected value: EAGAIN");
	ok_errno(sys_futex(&word1, FUTEX_REQUEUE, 1, (void *)-1L, &word2, 0), EINVAL,
		 "FUTEX_REQUEUE of a negative count: EINVAL");
	ok_errno(sys_futex(&word1, FUTEX_WAKE_OP, 1, (void *)1, NULL, 0), EFAULT,
		 "FUTEX_WAKE_OP with a NULL second word: EFAULT");
}

static void test_timeouts(void)
{
	struct timespec ten_ms = { 0, 10000000 }, abs;
	long long start = mono_ns();

	word1 = 0;
	ok_errno(sys_futex(&word1, FUTEX_WAIT, 0, &ten_ms, NULL, 0), ETIMEDOUT,
		 "FUTEX_WAIT for 10 ms: ETIMEDOUT");
	ok(mono_ns() - start >= 10000000, "... after at least 10 ms");

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	ok_errno(sys_futex(&word1, FUTEX_WAIT_BITSET, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY),
		 ETIMEDOUT, "FUTEX_WAIT_BITSET until 10 ms from now (monotonic): ETIMEDOUT");
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ok(now.tv_sec > abs.tv_sec || (now.tv_sec == abs.tv_sec && now.tv_nsec >= abs.tv_nsec),
	   "... not before the deadline");

	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 1;
	ok_errno(sys_futex(&word1, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &abs, NULL,
			   FUTEX_BITSET_MATCH_ANY), ETIMEDOUT,
		 "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME until a second ago: ETIMEDOUT");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	start = mono_ns();
	ok_errno(sys_futex(&word1, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL,
			   FUTEX_BITSET_MATCH_ANY), ETIMEDOUT,
		 "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME until 10 ms from now: ETIMEDOUT");
	ok(mono_ns() - start >= 5000000, "... after waiting");
}

static void test_wake(void)
{
	struct waiter w;

	word1 = 5;
	pthread_t t = start_waiter(&w, &word1, FUTEX_WAIT, 0);
	ok(sys_futex(&word1, FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "FUTEX_WAKE wakes the waiter: 1");
	pthread_join(t, NULL);
	ok(w.result == 0, "... whose FUTEX_WAIT returns 0");

	pthread_t t2 = start_waiter(&w, &word1, FUTEX_WAIT_PRIVATE, 0);
	ok(sys_futex(&word1, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0) == 1,
	   "FUTEX_WAKE_PRIVATE of 0 waiters wakes one all the same (as Linux)");
	pthread_join(t2, NULL);
	ok(w.result == 0, "... whose FUTEX_WAIT_PRIVATE returns 0");
}

static void test_bitset(void)
{
	struct waiter a, b;

	word1 = 0;
	pthread_t ta = start_waiter(&a, &word1, FUTEX_WAIT_BITSET, 1);
	pthread_t tb = start_waiter(&b, &word1, FUTEX_WAIT_BITSET, 2);
	ok(sys_futex(&word1, FUTEX_WAKE_BITSET, 10, NULL, NULL, 4) == 0,
	   "FUTEX_WAKE_BITSET of bit 2: nobody waits for it");
	ok(sys_futex(&word1, FUTEX_WAKE_BITSET, 10, NULL, NULL, 2) == 1,
	   "FUTEX_WAKE_BITSET of bit 1 wakes only the waiter with that bit");
	pthread_join(tb, NULL);
	ok(thread_state(getpid(), a.tid) == 'S', "... the other one still sleeps");
	ok(sys_futex(&word1, FUTEX_WAKE, 10, NULL, NULL, 0) == 1,
	   "FUTEX_WAKE (all bits) wakes the other");
	pthread_join(ta, NULL);
	ok(a.result == 0 && b.result == 0, "... both waits returned 0");
}

static void test_requeue(void)
{
	struct waiter w[3];
	pthread_t t[3];

	word1 = 3;
	word2 = 0;
	for (int i = 0; i < 3; i++)
		t[i] = start_waiter(&w[i], &word1, FUTEX_WAIT_PRIVATE, 0);
	ok(sys_futex(&word1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)10, &word2, 3) == 3,
	   "FUTEX_CMP_REQUEUE: one woken, two moved: 3");
	ok(sys_futex(&word1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0) == 0,
	   "... nobody waits on the first word any more");
	ok(sys_futex(&word2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0) == 2,
	   "... the two moved wake from the second word");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	for (int i = 0; i < 2; i++)
		t[i] = start_waiter(&w[i], &word1, FUTEX_WAIT, 0);
	ok(sys_futex(&word1, FUTEX_REQUEUE, 0, (void *)1, &word2, 0) == 1,
	   "FUTEX_REQUEUE of none woken and one moved: 1");
	ok(sys_futex(&word2, FUTEX_WAKE, 10, NULL, NULL, 0) == 1, "... which wakes from the second word");
	ok(sys_futex(&word1, FUTEX_WAKE, 10, NULL, NULL, 0) == 1, "... the other from the first");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

static void test_wake_op(void)
{
	struct waiter a, b;

	word1 = 0;
	word2 = 5;
	pthread_t ta = start_waiter(&a, &word1, FUTEX_WAIT, 0);
	pthread_t tb = start_waiter(&b, &word2, FUTEX_WAIT, 0);
	/* word2 += 1; wake one on word1; and one on word2 if word2 was 5. */
	uint32_t op = FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 5);
	ok(sys_futex(&word1, FUTEX_WAKE_OP, 1, (void *)1, &word2, op) == 2,
	   "FUTEX_WAKE_OP whose comparison holds wakes both: 2");
	ok(word2 == 6, "... and added 1 to the second word");
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);

	ta = start_waiter(&a, &word2, FUTEX_WAIT, 0);
	op = FUTEX_OP(FUTEX_OP_OR, 4, FUTEX_OP_CMP_GT, 100) | (FUTEX_OP_OPARG_SHIFT << 28);
	ok(sys_futex(&word1, FUTEX_WAKE_OP, 1, (void *)1, &word2, op) == 0,
	   "FUTEX_WAKE_OP whose comparison fails wakes nobody on the second word");
	ok(word2 == (6 | 16), "... and ORed in 1 << 4 (FUTEX_OP_OPARG_SHIFT)");
	ok(sys_futex(&word2, FUTEX_WAKE, 1, NULL, NULL, 0) == 1, "... whose waiter is still there");
	pthread_join(ta, NULL);
	ok_errno(sys_futex(&word1, FUTEX_WAKE_OP, 1, (void *)1, &word2, 7u << 28), ENOSYS,
		 "FUTEX_WAKE_OP with an unknown operation: ENOSYS");
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void test_signal(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct waiter w;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	word1 = 0;
	pthread_t t = start_waiter(&w, &word1, FUTEX_WAIT, 0);
	syscall(SYS_tgkill, getpid(), w.tid, SIGUSR1);
	pthread_join(t, NULL);
	ok(w.result == -1 && w.error == EINTR, "a handled signal ends FUTEX_WAIT with EINTR");
}

/* A child process waits on a word of MAP_SHARED memory; the parent wakes it. */
static void test_shared(void)
{
	uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		bail("mmap failed");
	*shared = 0;
	pid_t pid = xfork();
	if (pid == 0)
		_exit(sys_futex(shared, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
	int asleep = await_sleeping(pid, pid);
	ok(asleep, "a child waits on a shared futex");
	ok(sys_futex(shared, FUTEX_WAKE, 1, NULL, NULL, 0) == 1,
	   "the parent's FUTEX_WAKE on the shared word wakes it: 1");
	ok_exit(wait_status(pid), 0, "... and its FUTEX_WAIT returned 0");
	munmap(shared, 4096);
}

int main(void)
{
	plan(47);
	test_errors();
	test_timeouts();
	test_wake();
	test_bitset();
	test_requeue();
	test_wake_op();
	test_signal();
	test_shared();
	return done();
}
