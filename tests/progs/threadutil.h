/*
 * threadutil.h - helpers for the guest programs that test threads: raw futex and
 * gettid calls, and waiting until a thread is asleep in the kernel (so that what
 * a test wakes is known, whatever the scheduler did). Include util.h first.
 */
#ifndef CALF_PROGS_THREADUTIL_H
#define CALF_PROGS_THREADUTIL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

/* Linux's uapi/linux/futex.h (musl's headers do not have it). */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY	0xffffffffu
#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define FUTEX_WAITERS		0x80000000u
#define FUTEX_OWNER_DIED	0x40000000u

static inline long sys_futex(void *uaddr, int op, uint32_t val, const void *timeout,
			     void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static inline int sys_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

/* The state letter in /proc/<pid>/task/<tid>/stat ('?' if unreadable). */
static inline char thread_state(int pid, int tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* Wait (up to 5 s) until thread tid of pid sleeps ('S'); 1 if it does. */
static inline int await_sleeping(int pid, int tid)
{
	for (int i = 0; i < 5000; i++) {
		if (thread_state(pid, tid) == 'S')
			return 1;
		sleep_ms(1);
	}
	return 0;
}

/* Create a thread or give up on the whole program. */
static inline pthread_t xthread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	int error = pthread_create(&t, NULL, fn, arg);
	if (error)
		bail("pthread_create failed: %d", error);
	return t;
}

#endif
