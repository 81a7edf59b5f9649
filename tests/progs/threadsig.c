/*
 * threadsig.c - signals and threads: tgkill and tkill reach one thread; kill
 * reaches the process and is taken by a thread that does not block it; masks,
 * pending sets and alternate stacks are per thread; a fatal signal to one thread
 * ends them all.
 */
#define _GNU_SOURCE
#include <signal.h>
#include "util.h"
#include "threadutil.h"

static volatile int handled_by, handled_count;

static void record(int sig)
{
	(void)sig;
	handled_by = sys_gettid();
	handled_count++;
}

/* A worker that sleeps on a futex word until told to stop, blocking `blocked`. */
struct worker {
	sigset_t blocked;
	volatile int tid;
	uint32_t stop;
	sigset_t pending_seen;
	volatile int looked;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	pthread_sigmask(SIG_SETMASK, &w->blocked, NULL);
	w->tid = sys_gettid();
	for (;;) {
		uint32_t order = __atomic_load_n(&w->stop, __ATOMIC_SEQ_CST);
		if (order == 1)
			break;
		if (order == 2) {	/* asked to report its pending set */
			sigpending(&w->pending_seen);
			w->stop = 0;
			w->looked = 1;
			continue;
		}
		sys_futex(&w->stop, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	}
	return NULL;
}

static pthread_t start_worker(struct worker *w, int blocked_sig)
{
	memset(w, 0, sizeof(*w));
	sigemptyset(&w->blocked);
	if (blocked_sig)
		sigaddset(&w->blocked, blocked_sig);
	pthread_t t = xthread(work, w);
	while (!w->tid)
		sleep_ms(1);
	if (!await_sleeping(getpid(), w->tid))
		bail("the worker never slept");
	return t;
}

static void stop_worker(struct worker *w, pthread_t t)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
	sys_futex(&w->stop, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	pthread_join(t, NULL);
}

static void wait_handled(int count)
{
	for (int i = 0; i < 5000 && handled_count < count; i++)
		sleep_ms(1);
}

static void block(int sig, int how)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(how, &set, NULL);
}

static void test_directed(void)
{
	struct worker w;
	pthread_t t = start_worker(&w, 0);

	handled_count = 0;
	ok(syscall(SYS_tgkill, getpid(), w.tid, SIGUSR1) == 0, "tgkill of the worker thread");
	wait_handled(1);
	ok(handled_by == w.tid, "... runs the handler in that thread");
	ok(syscall(SYS_tkill, w.tid, SIGUSR1) == 0, "tkill of the worker thread");
	wait_handled(2);
	ok(handled_by == w.tid, "... runs the handler in that thread");
	ok(syscall(SYS_tgkill, getpid(), sys_gettid(), SIGUSR1) == 0 && handled_count == 3 &&
	   handled_by == getpid(), "tgkill of ourselves runs the handler here, at once");
	ok_errno(syscall(SYS_tgkill, getppid(), w.tid, SIGUSR1), ESRCH,
		 "tgkill naming the thread with another process: ESRCH");
	ok(kill(w.tid, 0) == 0, "kill accepts a thread id (the process is signalled)");

	/* Process-directed, blocked here: the worker takes it. */
	block(SIGUSR1, SIG_BLOCK);
	ok(kill(getpid(), SIGUSR1) == 0, "kill of our process while this thread blocks the signal");
	wait_handled(4);
	ok(handled_count == 4 && handled_by == w.tid, "... is taken by the thread that does not block it");
	block(SIGUSR1, SIG_UNBLOCK);
	stop_worker(&w, t);
}

static void test_pending(void)
{
	struct worker w;
	pthread_t t = start_worker(&w, SIGUSR2);
	sigset_t here;

	block(SIGUSR2, SIG_BLOCK);
	handled_count = 0;
	syscall(SYS_tgkill, getpid(), w.tid, SIGUSR2);
	sigpending(&here);
	ok(!sigismember(&here, SIGUSR2), "a signal pending for another thread is not pending here");
	__atomic_store_n(&w.stop, 2, __ATOMIC_SEQ_CST);
	sys_futex(&w.stop, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	while (!w.looked)
		sleep_ms(1);
	ok(sigismember(&w.pending_seen, SIGUSR2), "... but in that thread's sigpending");

	kill(getpid(), SIGUSR2);
	sigpending(&here);
	ok(sigismember(&here, SIGUSR2), "a process-directed signal every thread blocks is pending here too");
	block(SIGUSR2, SIG_UNBLOCK);
	ok(handled_count == 1 && handled_by == getpid(),
	   "unblocking it here takes it here (the worker's own stays with it)");
	sigpending(&here);
	ok(!sigismember(&here, SIGUSR2), "... and it is no longer pending here");
	stop_worker(&w, t);
	ok(handled_count == 1, "the worker exited without taking its blocked signal");
}

static void *check_altstack(void *arg)
{
	stack_t ss;
	sigaltstack(NULL, &ss);
	*(int *)arg = ss.ss_flags;
	static char stack[16384];
	ss = (stack_t){ .ss_sp = stack, .ss_size = sizeof stack };
	sigaltstack(&ss, NULL);
	return NULL;
}

static void test_altstack(void)
{
	static char stack[16384];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof stack }, now;
	int flags = -1;

	sigaltstack(&ss, NULL);
	pthread_t t = xthread(check_altstack, &flags);
	pthread_join(t, NULL);
	ok(flags == SS_DISABLE, "a new thread has no alternate signal stack");
	sigaltstack(NULL, &now);
	ok(now.ss_sp == stack && now.ss_flags == 0, "another thread's sigaltstack leaves ours alone");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static void *sleep_forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void test_fatal(void)
{
	pid_t pid = xfork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		pthread_t t = xthread(sleep_forever, NULL);
		(void)t;
		for (;;)
			pause();
	}
	char path[64];
	/* Its second thread's tid: looked for in /proc, not assumed. */
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	int tid = 0;
	for (int i = 0; i < 5000 && !tid; i++) {
		for (int cand = pid + 1; cand < pid + 64 && !tid; cand++) {
			char task[96];
			snprintf(task, sizeof task, "%s/%d", path, cand);
			if (access(task, F_OK) == 0)
				tid = cand;
		}
		if (!tid)
			sleep_ms(1);
	}
	ok(tid > 0 && await_sleeping(pid, tid), "a child process with a second thread");
	syscall(SYS_tgkill, pid, tid, SIGTERM);
	ok_killed(wait_status(pid), SIGTERM, "SIGTERM (default action) to its second thread kills it all");

	pid = xfork();
	if (pid == 0) {
		xthread(sleep_forever, NULL);
		xthread(sleep_forever, NULL);
		for (;;)
			pause();
	}
	sleep_ms(20);
	kill(pid, SIGKILL);
	ok_killed(wait_status(pid), SIGKILL, "SIGKILL ends a process of three threads");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = record };

	plan(20);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	test_directed();
	test_pending();
	test_altstack();
	test_fatal();
	return done();
}
