/*
 * proc/proc.h - processes.
 *
 * A process has a pid, a place in the process tree (parent, children), a state, an
 * address space (struct mm), open files (struct fdtable), a current directory, signal
 * state and credentials. PID 1 is init; orphans are re-parented to it. A process that
 * exits becomes a zombie holding its wait status until its parent reaps it.
 *
 * proc_table_lock guards the tree (parent/children links), pids and states. The
 * kernel is not preemptible and calf runs on one CPU, so the lock is there to say
 * what is shared, for the SMP work to come.
 */
#ifndef CALF_PROC_PROC_H
#define CALF_PROC_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"
#include "proc/wait.h"
#include "proc/signal.h"
#include "proc/limits.h"
#include "arch/x86_64/percpu.h"

#define PROC_NAME_MAX	16	/* like Linux's comm, including the NUL */
#define KSTACK_SIZE	(16 * 1024)
#define PROC_MAX	4096	/* system-wide limit on processes */

enum proc_state {
	PROC_RUNNABLE,		/* on the run queue, or running */
	PROC_SLEEPING,		/* on a wait queue, a signal wakes it */
	PROC_SLEEPING_UNINTERRUPTIBLE,
	PROC_STOPPED,		/* by a stop signal, until SIGCONT or SIGKILL */
	PROC_ZOMBIE,		/* exited; parent has not waited yet */
};

struct mm;
struct fdtable;
struct inode;
struct trap_frame;
struct file;

struct sigaction_k {
	uint64_t handler;	/* SIG_DFL (0), SIG_IGN (1) or a user address */
	uint64_t flags;		/* SA_* */
	uint64_t restorer;
	uint64_t mask;
};

struct proc {
	int pid;
	enum proc_state state;
	char name[PROC_NAME_MAX];

	/* The tree; guarded by proc_table_lock. */
	struct proc *parent;
	struct list_node children;
	struct list_node sibling;	/* in parent->children */
	struct list_node all_link;	/* in the table of all processes */
	struct wait_queue child_event;	/* wait4 sleeps here: a child exited, stopped... */
	int exit_status;		/* wait status, Linux encoding, once a zombie */

	/* Scheduling. */
	struct list_node run_link;	/* run queue */
	struct list_node wait_link;	/* a wait queue's sleepers */
	struct wait_queue *sleeping_on;
	struct list_node timer_link;	/* timed sleepers, while sleeping with a deadline */
	uint64_t wake_deadline_ns;
	uint64_t kernel_rsp;		/* saved by the context switch */
	void *kstack;			/* KSTACK_SIZE bytes, the trap frame at the top */
	struct trap_frame *frame;	/* user registers, at the top of kstack */
	uint8_t *fpu_state;		/* 512-byte FXSAVE area, 16-byte aligned */
	uint64_t fs_base;		/* TLS pointer (arch_prctl ARCH_SET_FS) */

	/* Resources. */
	struct mm *mm;
	struct fdtable *files;
	struct inode *cwd;
	unsigned umask;
	struct rlimit_k limits[RLIMIT_NLIMITS];

	/* Sessions and job control. */
	int pgid, sid;
	unsigned uid, gid, euid, egid;
	unsigned suid, sgid;		/* saved set-user/group-id */

	/* Signals. */
	uint64_t signal_pending;	/* bit sig-1 */
	uint64_t signal_blocked;
	struct ksiginfo signal_info[NSIG];	/* for each pending signal, its siginfo */
	uint64_t awaited;		/* blocked, but unblocked for rt_sigtimedwait */
	struct sigaction_k actions[NSIG];
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;

	/* Job control (jobctl.c): what stopped it, and what wait has yet to report. */
	int stop_signal;
	bool stop_unreported, continue_unreported;

	/* Interval timers (itimer.c): ITIMER_REAL's deadline on the monotonic clock,
	 * the CPU-time timers' time left; 0 when disarmed. */
	uint64_t itimer_value_ns[3], itimer_interval_ns[3];
	struct list_node itimer_link;	/* in itimer.c's list while ITIMER_REAL is armed */

	/* Threads ABI pieces glibc and musl use even without threads. */
	uint64_t clear_child_tid;	/* user address zeroed and futex-woken at exit */

	/* The program it runs, denying writes to it (ETXTBSY); NULL for the idle
	 * process. */
	struct file *exe;

	/* vfork: the parent sleeps until the child execs or exits. The flag is the
	 * parent's: the child may be reaped (by init, when the parent ignores
	 * SIGCHLD) before the parent wakes to look at it. */
	struct proc *vfork_parent;	/* set in the child until it lets go */
	bool vfork_released;		/* set in the parent when its child let go */
	bool did_exec;			/* has called execve since fork (setpgid's EACCES) */

	uint64_t syscall_nr;		/* the system call being served, for restarts */
	uint64_t saved_blocked;		/* rt_sigsuspend's mask to restore after delivery */
	bool restore_blocked;
	uint64_t set_child_tid;		/* CLONE_CHILD_SETTID: written at first run */

	uint64_t start_ns;
	uint64_t ticks_user, ticks_system;
};

/* The running process (NULL before the first one starts). */
static inline struct proc *current_proc(void)
{
	return (struct proc *)this_cpu()->current;
}

/* Find a live or zombie process by pid; NULL if none. Caller holds proc_table_lock
 * or runs with interrupts off. */
struct proc *proc_find(int pid);

/* Is id some process's pid, process group or session (Linux: its struct pid exists)?
 * For F_SETOWN. */
bool proc_id_in_use(int id);

/* Has process group pgid a member (zombies included) in session sid? For TIOCSPGRP. */
bool proc_group_in_session(int pgid, int sid);

/* Create PID 1 running the program at path with argv, and start scheduling: the
 * caller becomes the idle process. Never returns. */
void __attribute__((noreturn)) proc_start_init(const char *path, const char *const argv[]);

/* Run mm_audit over every address space after each exit (`mm_audit` on the
 * command line); a violation panics with its report. */
extern bool mm_audit_on_exit;

/* The current process needed a frame and there was none: it dies by SIGKILL (on
 * its way back to user mode), counted in oom_kill. calf's whole OOM policy. */
void proc_out_of_memory(void);

/* End the current process with a Linux wait status. Never returns. */
void __attribute__((noreturn)) proc_exit(int wait_status);

#endif
