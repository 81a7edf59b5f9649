/*
 * robust.c - robust mutexes: when the owner dies holding one, the kernel walks
 * its robust list and marks the futex FUTEX_OWNER_DIED, waking a waiter; the
 * next locker gets EOWNERDEAD. A thread that exits, a waiter already asleep, and
 * a process-shared mutex whose owner process dies; and the robust-list calls.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "util.h"
#include "threadutil.h"

static pthread_mutex_t *make_robust(void *where, int shared)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t *m = where;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	if (shared)
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return m;
}

static pthread_mutex_t private_mutex;
static volatile int locked, main_tid;

static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(arg);
	locked = 1;
	if (main_tid && !await_sleeping(getpid(), main_tid))
		diag("the main thread did not block on the mutex");
	pthread_exit(NULL);
}

static void test_thread_death(void)
{
	pthread_mutex_t *m = make_robust(&private_mutex, 0);
	pthread_t t = xthread(lock_and_die, m);

	pthread_join(t, NULL);
	ok(pthread_mutex_lock(m) == EOWNERDEAD, "locking a mutex whose owner thread exited: EOWNERDEAD");
	ok(pthread_mutex_consistent(m) == 0, "... pthread_mutex_consistent");
	ok(pthread_mutex_unlock(m) == 0 && pthread_mutex_lock(m) == 0,
	   "... then it unlocks and locks normally");
	pthread_mutex_unlock(m);

	/* This time the main thread is asleep on the mutex when the owner dies. */
	locked = 0;
	main_tid = sys_gettid();
	t = xthread(lock_and_die, m);
	while (!locked)
		sleep_ms(1);
	ok(pthread_mutex_lock(m) == EOWNERDEAD, "a waiter asleep when the owner exits wakes with EOWNERDEAD");
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);
	pthread_join(t, NULL);
	main_tid = 0;
}

static void test_process_death(void)
{
	void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		bail("mmap failed");
	pthread_mutex_t *m = make_robust(shared, 1);
	pid_t pid = xfork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);	/* holding it */
	}
	ok_exit(wait_status(pid), 0, "a child process locks a process-shared robust mutex and exits");
	ok(pthread_mutex_lock(m) == EOWNERDEAD, "... the parent's lock: EOWNERDEAD");
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);
	munmap(shared, 4096);
}

static void test_calls(void)
{
	void *head = NULL;
	size_t length = 0;

	ok(syscall(SYS_get_robust_list, 0, &head, &length) == 0 && head && length == 24,
	   "get_robust_list: libc registered a 24-byte head");
	ok_errno(syscall(SYS_set_robust_list, head, 23), EINVAL, "set_robust_list of 23 bytes: EINVAL");
	ok_errno(syscall(SYS_get_robust_list, 0, NULL, &length), EFAULT,
		 "get_robust_list into NULL: EFAULT");
	ok_errno(syscall(SYS_get_robust_list, 0x3ffffff0, &head, &length), ESRCH,
		 "get_robust_list of no thread: ESRCH");
}

int main(void)
{
	plan(10);
	test_thread_death();
	test_process_death();
	test_calls();
	return done();
}
