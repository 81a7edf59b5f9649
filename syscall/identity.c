/*
 * syscall/identity.c - who a process is: ids, process groups, sessions.
 *
 * Every process runs as root (uid 0) for now; the set*id calls accept what root may
 * do and record it.
 */
#include "syscall/syscall.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "lib/list.h"

SYSCALL_DEFINE0(getpid) { return current_proc()->pid; }
SYSCALL_DEFINE0(gettid) { return current_proc()->pid; }
SYSCALL_DEFINE0(getppid) { return current_proc()->pid == 1 ? 0 : current_proc()->parent->pid; }
SYSCALL_DEFINE0(getuid) { return current_proc()->uid; }
SYSCALL_DEFINE0(geteuid) { return current_proc()->euid; }
SYSCALL_DEFINE0(getgid) { return current_proc()->gid; }
SYSCALL_DEFINE0(getegid) { return current_proc()->egid; }

SYSCALL_DEFINE1(setuid, unsigned, uid)
{
	current_proc()->uid = current_proc()->euid = uid;
	return 0;
}

SYSCALL_DEFINE1(setgid, unsigned, gid)
{
	current_proc()->gid = current_proc()->egid = gid;
	return 0;
}

static int put_ids(unsigned real, unsigned effective, unsigned *r, unsigned *e, unsigned *s)
{
	if (put_user(real, r) || put_user(effective, e) || put_user(effective, s))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	return put_ids(current_proc()->uid, current_proc()->euid, r, e, s);
}

SYSCALL_DEFINE3(getresgid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	return put_ids(current_proc()->gid, current_proc()->egid, r, e, s);
}

SYSCALL_DEFINE2(getgroups, int, size, unsigned *, list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0;
}

SYSCALL_DEFINE2(setgroups, int, size, const unsigned *, list)
{
	(void)list;
	return size < 0 || size > 65536 ? -EINVAL : 0;
}

static struct proc *process_or_self(int pid)
{
	return pid == 0 ? current_proc() : proc_find(pid);
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct proc *proc = process_or_self(pid);

	return proc ? proc->pgid : -ESRCH;
}

SYSCALL_DEFINE0(getpgrp) { return current_proc()->pgid; }

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct proc *proc = process_or_self(pid);

	return proc ? proc->sid : -ESRCH;
}

/* Is some process in the session a member of group pgid? */
static bool group_in_session(int pgid, int sid)
{
	extern struct list_node all_procs;
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *p = list_entry(node, struct proc, all_link);
		if (p->pgid == pgid && p->sid == sid && p->state != PROC_ZOMBIE)
			return true;
	}
	return false;
}

/* Linux's rules: pid is the caller or its child, in the caller's session; a session
 * leader cannot move; the target group must exist in the session (or be the pid). */
SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct proc *self = current_proc();
	struct proc *target = process_or_self(pid);

	if (pgid < 0)
		return -EINVAL;
	if (!target || (target != self && target->parent != self))
		return -ESRCH;
	if (pgid == 0)
		pgid = target->pid;
	if (target->sid != self->sid)
		return -EPERM;
	if (target->sid == target->pid)
		return -EPERM;
	if (pgid != target->pid && !group_in_session(pgid, self->sid))
		return -EPERM;
	target->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE0(setsid)
{
	struct proc *self = current_proc();

	/* A process-group leader (or any member's pid naming a group) cannot. */
	if (self->pgid == self->pid || group_in_session(self->pid, self->sid))
		return -EPERM;
	self->sid = self->pgid = self->pid;
	return self->sid;
}
