/*
 * proc/internal.h - what the files of proc/ share among themselves.
 */
#ifndef CALF_PROC_INTERNAL_H
#define CALF_PROC_INTERNAL_H

#include "proc/proc.h"
#include "kernel/spinlock.h"
#include "sched/sched.h"
#include "sched/signal.h"
#include "fs/jobctl.h"

struct trap_frame;

extern struct spinlock proc_table_lock;
extern struct list_node all_procs;
extern unsigned proc_count;
extern uint64_t procs_created;
int proc_last_pid(void);		/* the pid given most recently */
unsigned proc_max(void);		/* the system-wide limit on processes */

/* fork.c: a vfork child execs or exits: its parent may go on. */
void vfork_release(struct proc *child);

/* release.c: give back what a thread holds, in the one order release.c explains.
 * The kinds differ in what the thread keeps. */
enum proc_release {
	PROC_RELEASE_EXIT,	/* the thread ends */
	PROC_RELEASE_UNDO,	/* a clone failed: the child, which never ran, goes */
	PROC_RELEASE_EXEC,	/* the old program goes: close-on-exec, the thread
				 * keeps its table, cwd and dispositions */
};
/* For an exec, next is the new program's address space: the thread takes it in
 * place of the old one (the CPU goes straight from one to the other). */
void proc_release_resources(struct proc *proc, enum proc_release why, struct mm *next);

/* proc.c */
struct proc *proc_alloc(void);		/* a fresh pid, kernel stack and FPU area */
/* Out of the table and the tree, and freed: a reaped zombie, a dead thread, a
 * child whose clone failed. */
void proc_free(struct proc *proc);
struct proc *proc_init_process(void);	/* PID 1, or NULL before it exists */
extern const struct fs_jobctl_ops proc_jobctl_ops;	/* for fs/jobctl.h */

/* audit.c: mm_audit over every process; panics on a violation. Fills report
 * with the summary and returns its length. */
long proc_mm_audit(char *report, size_t size, const char *when);
void proc_audit_init(void);		/* at boot: the workspace, if auditing exits */

/* signal.c */
void signal_deliver_pending(struct trap_frame *frame);
/* A fault: cannot be ignored or blocked. signal_force says SI_KERNEL. */
void signal_force_info(struct proc *proc, const struct ksiginfo *info);
void signal_force(struct proc *proc, int sig);
void signal_reset_for_exec(struct proc *proc);
void signal_kill_thread(struct proc *t);	/* SIGKILL for one thread: group exit, execve */
extern const struct task_signal_ops signal_task_ops;	/* for sched/signal.h */

/* jobctl.c */
bool jobctl_is_stop_signal(int sig);
void jobctl_signal_sent(struct proc *proc, int sig);	/* SIGCONT continues, ... */
void jobctl_stop(int sig);	/* a stop signal's default action, for the current process */
void jobctl_stop_self(void);	/* the current thread stops with its group */
/* SIGCHLD (unless SA_NOCLDSTOP says otherwise) and a wake-up for the parent. */
void jobctl_notify_parent(struct proc *child, int code, int status);
/* At exit, before the children go to init: hang up groups this orphans. */
void jobctl_exit(struct proc *dying);

/* itimer.c */
void itimer_tick(struct proc *running, bool from_user);	/* every CPU's tick */
void itimer_expire_real(void);					/* the clock's tick */
void itimer_exit(struct proc *proc);
void itimer_transfer(struct proc *to, struct proc *from);	/* execve's de_thread */

/* exit.c */
int wait_status_exited(int code);
int wait_status_signaled(int sig);

/* exec.c */
int exec_first_program(struct proc *proc, const char *path, const char *const argv[],
		       const char *const envp[]);

#endif
