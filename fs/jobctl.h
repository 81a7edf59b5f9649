/*
 * fs/jobctl.h - what fs/ and net/ need to know of processes: the current task's
 * ids, whether an id names a process group or session, and how many descriptors
 * the process may have open.
 *
 * The terminal's job control (TIOCSCTTY, TIOCSPGRP, the background read check)
 * and F_SETOWN ask, and so do the credentials a socket passes (SCM_CREDENTIALS).
 * proc/ owns processes and registers these upcalls at boot (fs_jobctl_register);
 * until then there are no processes. Signals to a group go through
 * sched/signal.h.
 */
#ifndef CALF_FS_JOBCTL_H
#define CALF_FS_JOBCTL_H

#include <stdbool.h>
#include <stdint.h>

struct job_ids {
	int pid;	/* the thread id */
	int pgid;	/* its process group */
	int sid;	/* its session */
};

struct fs_jobctl_ops {
	/* The running task's ids. */
	struct job_ids (*current_ids)(void);
	/* Is id some process's pid, process group or session (Linux: its struct pid
	 * exists)? For F_SETOWN and TIOCSPGRP. */
	bool (*id_in_use)(int id);
	/* Has process group pgid a member (zombies included) in session sid? */
	bool (*group_in_session)(int pgid, int sid);
	/* The running process's RLIMIT_NOFILE soft limit (proc/limits.c): the
	 * descriptor table's bound, and poll's bound on nfds. */
	uint64_t (*nofile_limit)(void);
};

extern struct fs_jobctl_ops fs_jobctl;	/* by value, as sched/signal.h's */

/* proc/ sets its own at boot (copied). */
void fs_jobctl_register(const struct fs_jobctl_ops *ops);

static inline struct job_ids fs_current_ids(void)
{
	return fs_jobctl.current_ids();
}

#endif
