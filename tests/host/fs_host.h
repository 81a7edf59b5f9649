/*
 * tests/host/fs_host.h - the host fakes behind fs/internal.h (CALF_HOST).
 *
 * The fs/ sources compile unchanged into host test programs, on top of the mm/
 * host machine (tests/host/mm_host.h). This file stands in for the kernel around
 * them:
 *   - a "current task" the test owns (fs_host_task), with its fd table, cwd,
 *     umask and credentials, and its pid, process group and session
 *     (fs_host_ids, what fs/jobctl.h's fake upcalls answer);
 *   - sleeping never happens: FS_WAIT_EVENT with a false condition and
 *     fs_sleep_irqs_off count a "would block" and fail with -EINTR, except that a
 *     sleep with a deadline advances the fake clock to it and times out;
 *   - signals sent are recorded (fs_host_last_signal...), none is ever pending,
 *     and the blocked mask is fs_host_signal_blocked (sched/signal.h's upcalls);
 *   - COM1 output is captured (fs_host_output), and the input hook is kept so the
 *     test can type (fs_host_type);
 *   - user memory is host memory: copy_*_user are memcpy, and pointers below
 *     FS_HOST_BAD_LIMIT fault with -EFAULT.
 */
#ifndef CALF_TESTS_HOST_FS_HOST_H
#define CALF_TESTS_HOST_FS_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tests/host/mm_host.h"

struct task;
struct wait_queue;
struct job_ids;

#define FS_HOST_BAD_LIMIT 4096ul	/* "user" pointers below this fault */

extern struct task fs_host_task;
extern struct job_ids fs_host_ids;
extern uint64_t fs_host_clock_ns;	/* clock_monotonic_ns */
extern unsigned fs_host_blocks;		/* sleeps that would have blocked */
extern unsigned fs_host_wakeups;	/* wake_up calls */
extern uint64_t fs_host_signal_blocked;	/* the current thread's blocked mask */

static inline struct task *fs_current(void)
{
	return &fs_host_task;
}

static inline uint64_t fs_irq_save(void)
{
	return 0;
}

static inline void fs_irq_restore(uint64_t flags)
{
	(void)flags;
}

int fs_host_sleep(struct wait_queue *queue, uint64_t deadline_ns);

static inline int fs_sleep_irqs_off(struct wait_queue *queue, uint64_t deadline_ns)
{
	return fs_host_sleep(queue, deadline_ns);
}

#define FS_WAIT_EVENT(queue, cond) ((cond) ? 0 : fs_host_sleep((queue), 0))

static inline uint64_t fs_unix_time_ns(void)
{
	return 1700000000ull * 1000000000ull + fs_host_clock_ns;
}

uint64_t fs_entropy(void);

/* Signals recorded by the fake upcalls: to the current thread, to a group. */
int fs_host_last_signal(void);		/* to the current task; 0 if none */
int fs_host_last_group_signal(int *pgid);	/* to a group; 0 if none */
void fs_host_clear_signals(void);

/* The COM1 output captured since the last call (NUL-terminated; reset after). */
const char *fs_host_output(void);
/* Type bytes on COM1: queue them and run the input hook as the interrupt would. */
void fs_host_type(const char *bytes);

/* Reset fs_host_task (root, umask 022), fs_host_ids (pid 1, session and group 1),
 * the clock and the counters. The fd table and cwd are the test's. */
void fs_host_reset_proc(void);

#endif

/* ---- shared by the fs host tests ---- */

/* Boot the simulated machine (64 MiB) and fs_init(NULL, 0) once per program, with
 * fs_host_task holding a fresh fd table and the root as cwd. */
void fs_host_boot(void);

/* Per test: a fresh fd table and cwd "/", a tmpfs mounted on /t (made here), and
 * the free-frame baseline; fs_host_end undoes it all and checks that every frame
 * came back. */
void fs_host_begin(void);
void fs_host_end(void);

/* Call a system call implemented in fs/ with up to six arguments. */
struct syscall_args;
long fs_host_syscall(long (*fn)(const struct syscall_args *), uint64_t a0, uint64_t a1,
		     uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
#define U(x) ((uint64_t)(uintptr_t)(x))
#define SYS_ARGS(a, b, c, d, e, f, ...) U(a), U(b), U(c), U(d), U(e), U(f)
#define SYS(name, ...) fs_host_syscall(sys_##name, SYS_ARGS(__VA_ARGS__, 0, 0, 0, 0, 0, 0))

/* Every system call as a weak reference: those fs/ defines are linked in. */
#define SYSCALL(number, name) \
	extern long sys_##name(const struct syscall_args *) __attribute__((weak));
#include "syscall/syscalls.def"
#undef SYSCALL
