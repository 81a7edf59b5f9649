/*
 * sched/task.h - the task: what the scheduler runs.
 *
 * A task is one thread of control as the layers below proc/ see it: its state,
 * its links on the run queue, a wait queue and the timed sleepers, its kernel
 * stack and the CPU state a context switch saves and loads (FPU area, TLS base,
 * address space), the CPU time it used, and what the layers between sched/ and
 * proc/ need of the running thread: its credentials, its current directory and
 * umask, its open files (pointers only: sched/ never looks at them).
 *
 * proc/ embeds a struct task as the first member of each struct proc and adds
 * what makes it a process: ids, the tree, thread groups, signals. The scheduler
 * and the wait queues never need more than the task, so they live below fs/,
 * which sleeps on wait queues.
 */
#ifndef CALF_SCHED_TASK_H
#define CALF_SCHED_TASK_H

#include <stdint.h>
#include "lib/list.h"
#include "kernel/cred.h"
#include "arch/x86_64/percpu.h"

#define KSTACK_SIZE	(16 * 1024)

enum task_state {
	TASK_RUNNABLE,		/* on the run queue, or running */
	TASK_SLEEPING,		/* on a wait queue, a signal wakes it */
	TASK_SLEEPING_UNINTERRUPTIBLE,
	TASK_STOPPED,		/* by a stop signal, until SIGCONT or SIGKILL */
	TASK_ZOMBIE,		/* exited; parent has not waited yet */
	TASK_DEAD,		/* a non-leader thread that exited, to be freed */
};

struct mm;
struct wait_queue;
struct fs_info;
struct fdtable;

struct task {
	enum task_state state;
	struct list_node run_link;	/* run queue (or proc/'s list of dead threads) */
	struct list_node wait_link;	/* a wait queue's sleepers */
	struct wait_queue *sleeping_on;
	struct list_node timer_link;	/* timed sleepers, while sleeping with a deadline */
	uint64_t wake_deadline_ns;

	/* What a context switch saves and loads. */
	uint64_t kernel_rsp;		/* saved by the context switch */
	void *kstack;			/* KSTACK_SIZE bytes, the trap frame at the top */
	uint8_t *fpu_state;		/* 512-byte FXSAVE area, 16-byte aligned */
	uint64_t fs_base;		/* TLS pointer (arch_prctl ARCH_SET_FS) */
	struct mm *mm;			/* NULL: the kernel's page tables alone */

	uint64_t ticks_user, ticks_system;	/* timer ticks it was running at */
	/* CPUs it may run on (sched_setaffinity); the scheduler honours it. */
	uint64_t cpus_allowed;

	/* What the layers between sched/ and proc/ need of the running thread;
	 * proc/ sets and changes them. */
	struct cred cred;		/* who it acts as (setuid and friends change it) */
	struct fs_info *fs;		/* cwd and umask (fs/fs_info.h), CLONE_FS */
	struct fdtable *files;		/* open descriptors (fs/fdtable.h), CLONE_FILES */
};

/* The running task (NULL before the scheduler starts). */
static inline struct task *current_task(void)
{
	return (struct task *)this_cpu()->current;
}

#endif
