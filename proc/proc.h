/*
 * proc/proc.h - processes.
 *
 * A struct proc is one thread: a struct task (what the scheduler runs) and what
 * makes it part of a process. A process is a thread group
 * (struct thread_group): one or more threads sharing a tgid, with the state Linux
 * keeps per process. Which struct owns what:
 *
 *   per thread (struct proc): its struct task (sched/task.h: scheduling state,
 *     kernel stack, FPU state, TLS base, address space pointer, CPU time), tid
 *     (`pid`), user registers, blocked mask, thread-directed pending signals,
 *     alternate signal stack, clear_child_tid, the robust futex list; credentials
 *     (task.cred, kept equal across the group by libc, as on Linux);
 *   per process (struct thread_group, one per tgid): the thread list, process-
 *     directed pending signals, group exit status, the de_thread hand-over;
 *     and, held by the leader's struct proc, which lives until the whole group is
 *     reaped: the place in the process tree (parent, children, wait's queue), wait
 *     status, interval timers, job-control stop state;
 *   shared by reference count, per CLONE_ flag: the address space (struct mm,
 *     CLONE_VM), open files (struct fdtable, CLONE_FILES), cwd and umask (struct
 *     fs_info, CLONE_FS), signal dispositions (struct sighand, CLONE_SIGHAND).
 *
 * Only group leaders are in the tree: a child made by any thread hangs on the
 * leader's children list and has the leader as parent, so getppid is the parent's
 * tgid and any thread may wait for it. PID 1 is init; orphans are re-parented to it.
 * A leader that exits stays a zombie (never reported) until its last thread is gone;
 * then the group's wait status goes to the parent. A non-leader thread that exits is
 * TASK_DEAD and freed by the next thread to run (it cannot free the stack it is on).
 *
 * proc_table_lock guards the table of all processes (all_procs, proc_count), the
 * pids (allocation, and de_thread's exchange) and the tree's links (parent,
 * children, sibling): every change to them takes it (proc.c, fork's
 * link_into_tree, exit's reparenting, proc_free, de_thread). Readers (wait,
 * getppid, kill, setpgid, /proc) do not take it yet: they hold the kernel lock
 * (kernel/kernel_lock.h), as every writer does, so nothing changes the table or
 * the tree while they look, and an interrupt handler that reads them (the
 * terminal signalling a group) runs under the kernel lock too. Readers must take
 * it once the process tree leaves the kernel lock. A process's state is not under
 * this lock: the scheduler and the wait queues change it under the kernel lock,
 * with interrupts off. The page-fault fast path (mm/mm.h) reads only the running
 * task's own address space.
 */
#ifndef CALF_PROC_PROC_H
#define CALF_PROC_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "fs/fs_info.h"
#include "proc/signal.h"
#include "proc/limits.h"

#define PROC_NAME_MAX	16	/* like Linux's comm, including the NUL */
#define PROC_MAX	4096	/* system-wide limit on processes */

struct mm;
struct fdtable;
struct inode;
struct trap_frame;
struct file;
struct futex_waiter;

struct sigaction_k {
	uint64_t handler;	/* SIG_DFL (0), SIG_IGN (1) or a user address */
	uint64_t flags;		/* SA_* */
	uint64_t restorer;
	uint64_t mask;
};

/*
 * Signal dispositions, shared by CLONE_SIGHAND (all the threads of a group), and
 * the current directory and umask (struct fs_info, fs/fs_info.h), shared by
 * CLONE_FS. A process's own are kept
 * inside its struct thread_group (home), which their references keep alive: no
 * heap slab of their own that a burst of processes would leave cached. Others
 * (a thread without CLONE_FS, an execve unsharing) come from the heap (home NULL).
 */
struct thread_group;

struct sighand {
	int refs;
	struct sigaction_k *actions;	/* NSIG of them */
	struct thread_group *home;
};

/*
 * A process: its threads and what they share that is not shared by reference count
 * (see above). Lives as long as one of its struct procs does (refs counts them).
 */
struct thread_group {
	int refs;			/* struct procs pointing here, and own_* in use */
	int tgid;
	struct proc *leader;		/* holds the tree, wait status, itimers */
	struct list_node threads;	/* struct proc, by thread_link */
	int live;			/* threads that have not exited */
	/* Process-directed signals, taken by whichever thread does not block them. */
	uint64_t shared_pending;
	struct ksiginfo shared_info[NSIG];
	/* exit_group or a fatal signal: every thread exits with this status. */
	bool exiting;
	int exit_status;
	bool stopped;			/* by a stop signal, until SIGCONT (jobctl.c) */
	struct proc *execer;		/* an execve waiting for the others to go */
	struct wait_queue threads_gone;	/* the execer sleeps here */
	/* Room for the process's own dispositions and fs_info (see above). */
	struct sighand own_sighand;
	struct sigaction_k own_actions[NSIG];
	struct fs_info own_fs;
};

struct proc {
	struct task task;		/* what the scheduler runs; first, see current_proc */
	int pid;			/* the thread id; the leader's is the tgid */
	int tgid;
	struct thread_group *group;
	struct list_node thread_link;	/* in group->threads */
	char name[PROC_NAME_MAX];

	/* The tree; changed under proc_table_lock. */
	struct proc *parent;
	struct list_node children;
	struct list_node sibling;	/* in parent->children */
	struct list_node all_link;	/* in the table of all processes */
	struct wait_queue child_event;	/* wait4 sleeps here: a child exited, stopped... */
	int exit_status;		/* wait status, Linux encoding, once a zombie */

	struct trap_frame *frame;	/* user registers, at the top of task.kstack */

	/* Resources (and task.files, task.fs). */
	struct rlimit_k limits[RLIMIT_NLIMITS];

	/* Sessions and job control. */
	int pgid, sid;

	/* Signals. */
	uint64_t signal_pending;	/* thread-directed; bit sig-1 */
	uint64_t signal_blocked;
	struct ksiginfo signal_info[NSIG];	/* for each pending signal, its siginfo */
	uint64_t awaited;		/* blocked, but unblocked for rt_sigtimedwait */
	struct sighand *sighand;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;

	/* Job control (jobctl.c): what stopped it, and what wait has yet to report. */
	int stop_signal;
	bool stop_unreported, continue_unreported;

	/* Interval timers (itimer.c), the leader's for the whole group: ITIMER_REAL's
	 * deadline on the monotonic clock, the CPU-time timers' time left; 0 when
	 * disarmed. */
	uint64_t itimer_value_ns[3], itimer_interval_ns[3];
	struct list_node itimer_link;	/* in itimer.c's list while ITIMER_REAL is armed */

	/* Threads ABI pieces glibc and musl use even without threads. */
	uint64_t clear_child_tid;	/* user address zeroed and futex-woken at exit */
	uint64_t robust_list;		/* set_robust_list: the user's list head */
	uint64_t robust_list_len;
	struct futex_waiter *futex;	/* while in FUTEX_WAIT */

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
};

/* The running process (NULL before the first one starts). Every task is a
 * process's, the idle task too, and sits at the start of it: no NULL check. */
static inline struct proc *current_proc(void)
{
	_Static_assert(__builtin_offsetof(struct proc, task) == 0, "task first in proc");
	return (struct proc *)current_task();
}

/* The process whose task this is. */
static inline struct proc *task_proc(struct task *task)
{
	return (struct proc *)task;
}

/* Find a live or zombie process by pid; NULL if none. Caller holds proc_table_lock
 * or runs in process context on the one CPU (see above). */
struct proc *proc_find(int pid);

/* How many entries the process table has, threads included (sysinfo's procs,
 * which Linux counts as threads). */
unsigned proc_table_size(void);

/* Is id some process's pid, process group or session (Linux: its struct pid exists)?
 * For F_SETOWN (through fs/jobctl.h) and choosing a free pid. */
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

/* End the current process (every thread of it) with a Linux wait status: exit_group,
 * a fatal signal. Never returns. */
void __attribute__((noreturn)) proc_exit(int wait_status);

/* Has the way back to user mode work for signal delivery (a signal pending that
 * is not blocked, a group stop, a mask to restore)? Read without the kernel lock,
 * for system calls that run without it (syscall/dispatch.c says why that is
 * enough); with interrupts off. */
bool signal_work_pending(void);

/* End the current thread alone (exit); the last one out ends the process with
 * wait_status. Never returns. */
void __attribute__((noreturn)) thread_exit(int wait_status);

/* Is proc a process's leader (its pid the tgid), the one in the process tree? */
static inline bool proc_is_leader(const struct proc *proc)
{
	return proc->group && proc->group->leader == proc;
}

/* The process-directed view: the thread group's leader (for the tree, itimers). */
static inline struct proc *proc_leader(const struct proc *proc)
{
	return proc->group->leader;
}

#endif
