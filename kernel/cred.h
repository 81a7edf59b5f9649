/*
 * kernel/cred.h - credentials: who a task acts as.
 *
 * The ids Linux keeps per thread (libc keeps them equal across a process with
 * its own signals). Permission checks use the effective ids (fs/ reads them from
 * the current task, sched/task.h); proc/ and the setuid family change them. calf
 * has no fsuid/fsgid apart from the effective ids, and no supplementary groups.
 * A leaf: every layer may include it.
 */
#ifndef CALF_KERNEL_CRED_H
#define CALF_KERNEL_CRED_H

struct cred {
	unsigned uid, gid;		/* real */
	unsigned euid, egid;		/* effective: what permission checks use */
	unsigned suid, sgid;		/* saved set-user/group-id */
};

#endif
