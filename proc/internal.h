/*
 * proc/internal.h - what the files of proc/ share among themselves.
 */
#ifndef CALF_PROC_INTERNAL_H
#define CALF_PROC_INTERNAL_H

#include "proc/proc.h"
#include "lib/spinlock.h"

struct trap_frame;

extern struct spinlock proc_table_lock;
extern struct list_node all_procs;
extern unsigned proc_count;

/* proc.c */
struct proc *proc_alloc(void);		/* a fresh pid, kernel stack and FPU area */
void proc_free(struct proc *proc);	/* the last step of reaping a zombie */
struct proc *proc_init_process(void);	/* PID 1, or NULL before it exists */

/* sched.c */
void sched_init(void);
void sched_make_runnable(struct proc *proc);
void schedule(void);			/* with interrupts off */
void sched_return_to_user(struct trap_frame *frame);

/* signal.c */
void signal_deliver_pending(struct trap_frame *frame);
void signal_force(struct proc *proc, int sig);	/* a fault: cannot be ignored or blocked */
void signal_reset_for_exec(struct proc *proc);
int signal_sleep_wakeable(struct proc *proc);	/* wake a sleeper because of a signal */

/* exit.c */
int wait_status_exited(int code);
int wait_status_signaled(int sig);

/* exec.c */
int exec_first_program(struct proc *proc, const char *path, const char *const argv[],
		       const char *const envp[]);

#endif
