/*
 * nolock.c - the system calls calf serves without its kernel lock (the clocks,
 * the caller's own ids, getcpu, sched_yield with no one to yield to, private
 * futex waits that need not sleep and wakes with no one to wake:
 * kernel/syscall.h, SYSCALL_WITHOUT_KERNEL_LOCK),
 * called the way programs call them: from several threads at once, into memory
 * that faults, with bad pointers, and by threads that signals must still reach.
 * A program cannot tell which calls take a lock, so all of this holds on Linux
 * too; the calls go through syscall(2), not the C library's vDSO shortcut, so
 * that both kernels serve every one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include "util.h"
#include "threadutil.h"

#define THREADS 4
#define CALLS 20000

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

struct caller {
	pid_t tid;		/* gettid, from the thread itself */
	int backwards;		/* CLOCK_MONOTONIC readings older than the one before */
	int wrong_ids;		/* getpid/gettid/getuid answers that changed */
};

/* Many calls in a row: the monotonic clock never goes back within a thread,
 * and the ids never change. */
static void *call_many(void *arg)
{
	struct caller *c = arg;
	struct timespec then = { 0, 0 }, now;
	pid_t pid = getpid();
	uid_t uid = getuid();

	c->tid = syscall(SYS_gettid);
	for (int i = 0; i < CALLS; i++) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
		c->backwards += ns_of(&now) < ns_of(&then);
		then = now;
		c->wrong_ids += syscall(SYS_getpid) != pid || syscall(SYS_gettid) != c->tid ||
				syscall(SYS_getuid) != (long)uid;
	}
	return NULL;
}

static void test_threads_at_once(void)
{
	struct caller callers[THREADS] = { 0 };
	pthread_t threads[THREADS];
	int backwards = 0, wrong_ids = 0, distinct = 1;

	for (int t = 0; t < THREADS; t++)
		threads[t] = xthread(call_many, &callers[t]);
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		backwards += callers[t].backwards;
		wrong_ids += callers[t].wrong_ids;
		for (int u = 0; u < t; u++)
			distinct &= callers[u].tid != callers[t].tid;
		distinct &= callers[t].tid != getpid();
	}
	ok(backwards == 0, "four threads reading CLOCK_MONOTONIC at once: never backwards in one");
	ok(wrong_ids == 0, "getpid, gettid and getuid answer the same all along");
	ok(distinct, "each thread has its own tid, none the process's pid");
}

/* The results land in memory that faults on the way: fresh, copy-on-write after
 * a fork, a private file page; and a bad pointer is EFAULT, nothing more. */
static void test_faulting_results(void)
{
	char *fresh = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	if (fresh == MAP_FAILED)
		bail("mmap failed: %s", strerror(errno));
	ok(syscall(SYS_clock_gettime, CLOCK_REALTIME, (struct timespec *)fresh) == 0 &&
	   ((struct timespec *)fresh)->tv_sec > 1000000000,
	   "clock_gettime into a page not yet touched fills it");

	fresh[4096] = 1;
	pid_t child = xfork();
	if (child == 0) {
		struct timeval *tv = (struct timeval *)(fresh + 4096);
		_exit(syscall(SYS_gettimeofday, tv, NULL) == 0 && tv->tv_sec > 1000000000 ? 0 : 1);
	}
	int status = wait_status(child);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && fresh[4096] == 1,
	   "gettimeofday into a copy-on-write page writes the child's copy");

	long t = 0;
	ok(syscall(SYS_time, (long *)(fresh + 2 * 4096)) == *(long *)(fresh + 2 * 4096) &&
	   syscall(SYS_time, &t) == t && t > 1000000000,
	   "time returns the seconds it stores");
	munmap(fresh, 3 * 4096);

	errno = 0;
	ok(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8) == -1 && errno == EFAULT,
	   "clock_gettime to a bad pointer: EFAULT");
	errno = 0;
	ok(syscall(SYS_gettimeofday, (void *)8, NULL) == -1 && errno == EFAULT,
	   "gettimeofday to a bad pointer: EFAULT");
	errno = 0;
	ok(syscall(SYS_time, (void *)8) == -1 && errno == EFAULT, "time to a bad pointer: EFAULT");
	struct timespec ts;
	errno = 0;
	ok(syscall(SYS_clock_gettime, 99, &ts) == -1 && errno == EINVAL,
	   "clock_gettime of a clock that does not exist: EINVAL");
	errno = 0;
	ok(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0,
	   "clock_getres with no place for the answer: 0");
}

/* getcpu names the CPU the caller runs on: pinned to each CPU it may use in
 * turn, that one; the node is 0 (one memory node); a bad pointer is EFAULT. */
static void test_getcpu(void)
{
	cpu_set_t allowed, one;
	int right = 1, tried = 0;
	unsigned cpu, node = 7;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		bail("sched_getaffinity failed: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &allowed))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			bail("sched_setaffinity to CPU %d failed: %s", c, strerror(errno));
		right &= syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu == (unsigned)c &&
			 node == 0;
		tried++;
	}
	sched_setaffinity(0, sizeof(allowed), &allowed);
	ok(right && tried > 0, "getcpu names each CPU the caller is pinned to, node 0");
	ok(syscall(SYS_getcpu, NULL, NULL, NULL) == 0, "getcpu with nowhere to put the answer: 0");
	errno = 0;
	ok(syscall(SYS_getcpu, (void *)8, NULL, NULL) == -1 && errno == EFAULT,
	   "getcpu to a bad pointer: EFAULT");
}

/* sched_yield with nothing else to run: 0 (calf serves it without the kernel
 * lock; that it gives way when a thread waits is tests/calf/yield.c's, since
 * how soon Linux's CFS lets a new thread run after a yield depends on timing). */
static void test_yield(void)
{
	ok(syscall(SYS_sched_yield) == 0, "sched_yield: 0");
}

/*
 * Private futexes: a wait whose word has changed and a wake with nobody waiting
 * are served without the kernel lock, so they race with waiters that are just
 * going to sleep under it. Two threads hand a turn back and forth 20000 times
 * through one word, each waking the other after its store and waiting while
 * the word says it is the other's turn: a wake-up lost in that race would
 * leave both asleep for ever. Four threads then count to 4 * 20000 under a
 * pthread mutex, which sleeps and wakes through futexes when contended.
 */
#define TURNS 20000
static uint32_t turn;		/* 0: the first thread's, 1: the second's */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *take_turns(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;

	for (int i = 0; i < TURNS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			sys_futex(&turn, FUTEX_WAIT_PRIVATE, 1 - me, NULL, NULL, 0);
		__atomic_store_n(&turn, 1 - me, __ATOMIC_RELEASE);
		sys_futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < TURNS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void test_futexes(void)
{
	pthread_t threads[THREADS];

	threads[0] = xthread(take_turns, (void *)0);
	threads[1] = xthread(take_turns, (void *)1);
	pthread_join(threads[0], NULL);
	pthread_join(threads[1], NULL);
	ok(turn == 0, "two threads hand a turn back and forth 20000 times through a futex");
	uint32_t word = 5;
	errno = 0;
	ok(sys_futex(&word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0) == -1 && errno == EAGAIN &&
	   sys_futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
	   "a wait on a changed word is EAGAIN, a wake with no waiter 0");

	for (int t = 0; t < THREADS; t++)
		threads[t] = xthread(count_up, NULL);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	ok(counter == (long)THREADS * TURNS, "four threads count to 80000 under one mutex");
}

/* A thread that does nothing but these calls still gets its signals: the way
 * back to user mode delivers them without the kernel lock's path. */
static volatile sig_atomic_t signalled;
static volatile int looping;

static void on_usr1(int sig)
{
	(void)sig;
	signalled = 1;
}

static void *loop_until_signalled(void *arg)
{
	struct timespec ts;

	(void)arg;
	looping = 1;
	while (!signalled)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return NULL;
}

static void *loop_for_ever(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_getpid);
	return NULL;
}

static void test_signals_reach_callers(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	pthread_t looper = xthread(loop_until_signalled, NULL);
	while (!looping)
		sched_yield();
	pthread_kill(looper, SIGUSR1);
	pthread_join(looper, NULL);
	ok(signalled, "a thread calling clock_gettime in a loop gets the signal sent to it");

	/* Threads calling getpid for ever end with their process. */
	pid_t child = xfork();
	if (child == 0) {
		for (int t = 0; t < THREADS - 1; t++)
			xthread(loop_for_ever, NULL);
		sleep_ms(20);
		_exit(3);
	}
	int status = wait_status(child);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	   "exit_group ends threads that call getpid for ever");
	child = xfork();
	if (child == 0) {
		for (int t = 0; t < THREADS - 1; t++)
			xthread(loop_for_ever, NULL);
		loop_for_ever(NULL);
	}
	sleep_ms(20);
	kill(child, SIGKILL);
	status = wait_status(child);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	   "SIGKILL ends a process whose every thread calls getpid for ever");
}

int main(void)
{
	plan(21);
	test_threads_at_once();
	test_faulting_results();
	test_getcpu();
	test_yield();
	test_futexes();
	test_signals_reach_callers();
	return done();
}
