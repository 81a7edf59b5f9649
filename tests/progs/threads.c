/*
 * threads.c - POSIX threads and the thread-group system calls under them:
 * create, join, detach, mutex and condition-variable contention, getpid against
 * gettid, /proc/self/task, exit against exit_group from a thread, a leader that
 * exits before its threads, clone's and clone3's flag and size rules, affinity.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include "util.h"
#include "threadutil.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long counter;

static void *count_up(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	return arg;
}

static void test_mutex(void)
{
	pthread_t t[4];

	for (long i = 0; i < 4; i++)
		t[i] = xthread(count_up, (void *)i);
	int joined = 1;
	for (long i = 0; i < 4; i++) {
		void *value;
		joined &= pthread_join(t[i], &value) == 0 && value == (void *)i;
	}
	ok(joined, "four threads joined, each returning its value");
	ok(counter == 80000, "a mutex kept 80000 increments from four threads whole");
}

/* A bounded queue: one producer, three consumers. */
#define QUEUE 4
#define ITEMS 3000
static int queue[QUEUE], head, tail, produced_all;
static long consumed_sum, consumed_count;

static void *consume(void *arg)
{
	pthread_mutex_lock(&lock);
	for (;;) {
		while (head == tail && !produced_all)
			pthread_cond_wait(&changed, &lock);
		if (head == tail)
			break;
		consumed_sum += queue[head++ % QUEUE];
		consumed_count++;
		pthread_cond_broadcast(&changed);
	}
	pthread_mutex_unlock(&lock);
	return arg;
}

static void test_condvar(void)
{
	pthread_t t[3];

	for (int i = 0; i < 3; i++)
		t[i] = xthread(consume, NULL);
	for (int item = 1; item <= ITEMS; item++) {
		pthread_mutex_lock(&lock);
		while (tail - head == QUEUE)
			pthread_cond_wait(&changed, &lock);
		queue[tail++ % QUEUE] = item;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	produced_all = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	ok(consumed_count == ITEMS && consumed_sum == (long)ITEMS * (ITEMS + 1) / 2,
	   "a condition variable passed 3000 items through a queue of 4 to three consumers");
}

static int detached_ran;

static void *detached(void *arg)
{
	pthread_mutex_lock(&lock);
	detached_ran = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	return arg;
}

static void test_detach(void)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ok(pthread_create(&t, &attr, detached, NULL) == 0, "a detached thread is created");
	pthread_mutex_lock(&lock);
	while (!detached_ran)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	ok(detached_ran, "... and runs");
	pthread_t u = xthread(detached, NULL);
	ok(pthread_detach(u) == 0, "pthread_detach of a running thread");
}

/* Threads that report who they are, then wait until released. */
static volatile int ids_tid[3], ids_pid[3], ids_ppid[3];
static uint32_t release_word;

static void *report_ids(void *arg)
{
	long i = (long)arg;

	ids_pid[i] = getpid();
	ids_ppid[i] = getppid();
	ids_tid[i] = sys_gettid();
	while (!__atomic_load_n(&release_word, __ATOMIC_SEQ_CST))
		sys_futex(&release_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static int count_task_entries(int *has_all)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *entry;
	int count = 0, found = 0;

	if (!dir)
		return -1;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		int tid = atoi(entry->d_name);
		count++;
		found += tid == getpid() || tid == ids_tid[0] || tid == ids_tid[1] ||
			 tid == ids_tid[2];
	}
	closedir(dir);
	*has_all = found == count;
	return count;
}

/* "Name:\tvalue" of a status file, as an int (-1 when absent). */
static int status_field(const char *path, const char *name)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read_full(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	char *at = strstr(buf, name);
	return at ? atoi(at + strlen(name)) : -1;
}

static void test_ids_and_proc(void)
{
	pthread_t t[3];
	char path[96], comm[32] = "";

	/* test_detach's threads may still be on their way out on another CPU. */
	for (int waited = 0; status_field("/proc/self/status", "\nThreads:\t") != 1 &&
			     waited < 2000; waited++)
		sleep_ms(1);
	for (long i = 0; i < 3; i++)
		t[i] = xthread(report_ids, (void *)i);
	for (int i = 0; i < 3; i++)
		while (!ids_tid[i])
			sleep_ms(1);
	int same_pid = 1, distinct = 1;
	for (int i = 0; i < 3; i++) {
		same_pid &= ids_pid[i] == getpid() && ids_ppid[i] == getppid();
		distinct &= ids_tid[i] != getpid() && ids_tid[i] != ids_tid[(i + 1) % 3];
	}
	ok(sys_gettid() == getpid(), "the main thread's tid is the pid");
	ok(same_pid, "every thread's getpid and getppid are the process's");
	ok(distinct, "every other thread has a tid of its own");

	int has_all = 0;
	ok(count_task_entries(&has_all) == 4 && has_all, "/proc/self/task lists the four tids");
	ok(status_field("/proc/self/status", "\nThreads:\t") == 4, "/proc/self/status: Threads: 4");
	snprintf(path, sizeof path, "/proc/self/task/%d/status", ids_tid[1]);
	ok(status_field(path, "\nPid:\t") == ids_tid[1] && status_field(path, "\nTgid:\t") == getpid(),
	   "/proc/self/task/TID/status: Pid is the tid, Tgid the pid");
	snprintf(path, sizeof path, "/proc/%d/stat", ids_tid[2]);
	ok(access(path, R_OK) == 0, "/proc/TID of a thread can be opened, though not listed");

	ok(pthread_setname_np(t[0], "worker-zero") == 0, "pthread_setname_np of another thread");
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", ids_tid[0]);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, comm, sizeof comm - 1) : -1;
	if (fd >= 0)
		close(fd);
	ok(n == 12 && strcmp(comm, "worker-zero\n") == 0, "... shows in its task's comm");

	__atomic_store_n(&release_word, 1, __ATOMIC_SEQ_CST);
	sys_futex(&release_word, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	int tries = 0;
	while (status_field("/proc/self/status", "\nThreads:\t") != 1 && tries++ < 1000)
		sleep_ms(1);
	ok(status_field("/proc/self/status", "\nThreads:\t") == 1, "joined threads are gone: Threads: 1");
}

/* ---- exit and exit_group from threads, in child processes ---- */

static void *exit_group_7(void *arg)
{
	syscall(SYS_exit_group, 7);
	return arg;
}

static void *exit_thread_only(void *arg)
{
	syscall(SYS_exit, 99);
	return arg;
}

static int pipe_go[2], pipe_ready[2];

/* The last thread of a process whose leader has exited. */
static void *outlive_leader(void *arg)
{
	char c = 'r';
	while (thread_state(getpid(), getpid()) != 'Z')
		sleep_ms(1);
	write(pipe_ready[1], &c, 1);
	read(pipe_go[0], &c, 1);
	syscall(SYS_exit, 4);	/* the last one, by exit alone */
	return arg;
}

static void test_exits(void)
{
	pid_t pid = xfork();
	if (pid == 0) {
		xthread(exit_group_7, NULL);
		for (;;)
			pause();
	}
	ok_exit(wait_status(pid), 7, "exit_group(7) from a thread ends the process with 7");

	pid = xfork();
	if (pid == 0) {
		pthread_t t = xthread(exit_thread_only, NULL);
		(void)t;
		while (status_field("/proc/self/status", "\nThreads:\t") != 1)
			sleep_ms(1);
		_exit(3);
	}
	ok_exit(wait_status(pid), 3, "exit from a thread ends only that thread");

	xpipe(pipe_go);
	xpipe(pipe_ready);
	pid = xfork();
	if (pid == 0) {
		xthread(outlive_leader, NULL);
		syscall(SYS_exit, 5);	/* the leader alone */
	}
	char c;
	ok(read(pipe_ready[0], &c, 1) == 1, "a thread outlives its leader's exit");
	int st;
	ok(waitpid(pid, &st, WNOHANG) == 0, "... and wait does not report the process yet");
	ok(kill(pid, 0) == 0, "... which can still be signalled");
	write(pipe_go[1], &c, 1);
	ok_exit(wait_status(pid), 4, "once the last thread exits, wait reports its status (Linux 6.1)");
}

/* ---- clone and clone3 rules ---- */

struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static long sys_clone3(void *args, size_t size)
{
	return syscall(435, args, size);
}

static void test_clone_rules(void)
{
	ok_errno(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, NULL, NULL, 0), EINVAL,
		 "clone: CLONE_THREAD without CLONE_SIGHAND: EINVAL");
	ok_errno(syscall(SYS_clone, CLONE_SIGHAND, 0, NULL, NULL, 0), EINVAL,
		 "clone: CLONE_SIGHAND without CLONE_VM: EINVAL");
	ok_errno(syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, 0, NULL, NULL, 0), EINVAL,
		 "clone: CLONE_THREAD|CLONE_SIGHAND without CLONE_VM: EINVAL");

	unsigned char big[200];
	struct clone_args_v2 args;
	memset(big, 0, sizeof big);
	memset(&args, 0, sizeof args);
	ok_errno(sys_clone3(&args, 63), EINVAL, "clone3 of 63 bytes: EINVAL");
	ok_errno(sys_clone3(big, 4097), E2BIG, "clone3 of more than a page: E2BIG");
	big[150] = 1;
	ok_errno(sys_clone3(big, sizeof big), E2BIG, "clone3 with unknown non-zero bytes: E2BIG");
	big[150] = 0;
	memcpy(big, &(uint64_t){ CLONE_THREAD }, 8);
	ok_errno(sys_clone3(big, sizeof big), EINVAL,
		 "clone3 bigger than known, tail zero, is read: CLONE_THREAD alone is EINVAL");
	args.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	args.exit_signal = SIGCHLD;
	ok_errno(sys_clone3(&args, sizeof args), EINVAL, "clone3: a thread with an exit signal: EINVAL");
	args = (struct clone_args_v2){ .stack = 4096 };
	ok_errno(sys_clone3(&args, sizeof args), EINVAL, "clone3: a stack without a size: EINVAL");
	args = (struct clone_args_v2){ .flags = SIGCHLD };
	ok_errno(sys_clone3(&args, sizeof args), EINVAL, "clone3: a signal in the flags: EINVAL");
	args = (struct clone_args_v2){ .flags = CLONE_SIGHAND | CLONE_VM | CLONE_CLEAR_SIGHAND };
	ok_errno(sys_clone3(&args, sizeof args), EINVAL,
		 "clone3: CLONE_SIGHAND with CLONE_CLEAR_SIGHAND: EINVAL");

	args = (struct clone_args_v2){ .exit_signal = SIGCHLD };
	long pid = sys_clone3(&args, 64);
	if (pid == 0)
		syscall(SYS_exit_group, 3);
	ok(pid > 0, "clone3 of the first version's 64 bytes forks");
	ok_exit(wait_status((pid_t)pid), 3, "... a child that exits with 3");
}

static void test_affinity(void)
{
	cpu_set_t set;
	unsigned long raw[16];

	/* At any -smp (tests/progs/affinity.c has the details). */
	CPU_ZERO(&set);
	ok(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set) &&
	   CPU_COUNT(&set) == sysconf(_SC_NPROCESSORS_ONLN),
	   "sched_getaffinity: every online CPU, CPU 0 among them");
	ok(syscall(SYS_sched_getaffinity, sys_gettid(), sizeof raw, raw) == 8 && (raw[0] & 1),
	   "raw sched_getaffinity of the thread: an 8-byte mask");
	ok(sched_setaffinity(0, sizeof set, &set) == 0, "sched_setaffinity to the same CPUs");
	CPU_ZERO(&set);
	CPU_SET(63, &set);
	ok_errno(sysconf(_SC_NPROCESSORS_ONLN) < 64 ? sched_setaffinity(0, sizeof set, &set) :
		 (errno = EINVAL, -1), EINVAL,
		 "sched_setaffinity to a CPU that is not there: EINVAL");
	ok_errno(syscall(SYS_sched_setaffinity, 0, 8, NULL), EFAULT,
		 "sched_setaffinity from NULL: EFAULT");
}

int main(void)
{
	plan(40);
	test_mutex();
	test_condvar();
	test_detach();
	test_ids_and_proc();
	test_exits();
	test_clone_rules();
	test_affinity();
	return done();
}
