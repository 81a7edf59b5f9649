/*
 * proc/sys_identity.c - who a process is: ids, process groups, sessions.
 *
 * Processes start as root (uid 0); the set*id calls follow Linux's rules, with root
 * the only privileged identity (there are no finer capabilities).
 */
#include "kernel/syscall.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "proc/internal.h"
#include "mm/uaccess.h"
#include "lib/list.h"

/* The caller's own ids need no kernel lock: each is one word, and only the
 * caller's own calls (or an exec that ends it) change them. */
SYSCALL_DEFINE0(getpid) { return current_proc()->tgid; }
SYSCALL_WITHOUT_KERNEL_LOCK(getpid);
SYSCALL_DEFINE0(gettid) { return current_proc()->pid; }
SYSCALL_WITHOUT_KERNEL_LOCK(gettid);

SYSCALL_DEFINE0(getppid)
{
	struct proc *leader = proc_leader(current_proc());

	return leader->pid == 1 ? 0 : leader->parent->pid;
}
SYSCALL_DEFINE0(getuid) { return current_proc()->task.cred.uid; }
SYSCALL_WITHOUT_KERNEL_LOCK(getuid);
SYSCALL_DEFINE0(geteuid) { return current_proc()->task.cred.euid; }
SYSCALL_WITHOUT_KERNEL_LOCK(geteuid);
SYSCALL_DEFINE0(getgid) { return current_proc()->task.cred.gid; }
SYSCALL_WITHOUT_KERNEL_LOCK(getgid);
SYSCALL_DEFINE0(getegid) { return current_proc()->task.cred.egid; }
SYSCALL_WITHOUT_KERNEL_LOCK(getegid);

/*
 * Credentials follow Linux's rules for a kernel without capabilities beyond root's:
 * root (effective uid 0) may become anyone; anyone else may only move among the
 * ids it already has (real, effective, saved). -1 leaves an id unchanged.
 */
#define KEEP ((unsigned)-1)

static bool may_take(const struct proc *p, unsigned id, unsigned real, unsigned effective,
		     unsigned saved)
{
	return p->task.cred.euid == 0 || id == KEEP || id == real || id == effective || id == saved;
}

static long set_res(unsigned *real, unsigned *effective, unsigned *saved,
		    unsigned r, unsigned e, unsigned s)
{
	struct proc *p = current_proc();

	if (!may_take(p, r, *real, *effective, *saved) || !may_take(p, e, *real, *effective, *saved) ||
	    !may_take(p, s, *real, *effective, *saved))
		return -EPERM;
	if (r != KEEP)
		*real = r;
	if (e != KEEP)
		*effective = e;
	if (s != KEEP)
		*saved = s;
	return 0;
}

SYSCALL_DEFINE3(setresuid, unsigned, r, unsigned, e, unsigned, s)
{
	struct proc *p = current_proc();
	return set_res(&p->task.cred.uid, &p->task.cred.euid, &p->task.cred.suid, r, e, s);
}

SYSCALL_DEFINE3(setresgid, unsigned, r, unsigned, e, unsigned, s)
{
	struct proc *p = current_proc();
	return set_res(&p->task.cred.gid, &p->task.cred.egid, &p->task.cred.sgid, r, e, s);
}

/* setuid: root sets all three; others only the effective id, to the real or saved. */
SYSCALL_DEFINE1(setuid, unsigned, uid)
{
	struct proc *p = current_proc();

	if (p->task.cred.euid == 0)
		return set_res(&p->task.cred.uid, &p->task.cred.euid, &p->task.cred.suid,
			       uid, uid, uid);
	if (uid != p->task.cred.uid && uid != p->task.cred.suid)
		return -EPERM;
	p->task.cred.euid = uid;
	return 0;
}

SYSCALL_DEFINE1(setgid, unsigned, gid)
{
	struct proc *p = current_proc();

	if (p->task.cred.euid == 0)
		return set_res(&p->task.cred.gid, &p->task.cred.egid, &p->task.cred.sgid,
			       gid, gid, gid);
	if (gid != p->task.cred.gid && gid != p->task.cred.sgid)
		return -EPERM;
	p->task.cred.egid = gid;
	return 0;
}

/* setreuid/setregid: the saved id follows the new effective one when the real id
 * is set or the effective id moves away from the old real one (Linux's rule). */
static long set_re(unsigned *real, unsigned *effective, unsigned *saved, unsigned r, unsigned e)
{
	bool root = current_proc()->task.cred.euid == 0;
	unsigned old_real = *real;

	if (r != KEEP && !root && r != *real && r != *effective)
		return -EPERM;
	if (e != KEEP && !root && e != *real && e != *effective && e != *saved)
		return -EPERM;
	if (r != KEEP)
		*real = r;
	if (e != KEEP)
		*effective = e;
	if (r != KEEP || (e != KEEP && e != old_real))
		*saved = *effective;
	return 0;
}

SYSCALL_DEFINE2(setreuid, unsigned, r, unsigned, e)
{
	struct proc *p = current_proc();
	return set_re(&p->task.cred.uid, &p->task.cred.euid, &p->task.cred.suid, r, e);
}

SYSCALL_DEFINE2(setregid, unsigned, r, unsigned, e)
{
	struct proc *p = current_proc();
	return set_re(&p->task.cred.gid, &p->task.cred.egid, &p->task.cred.sgid, r, e);
}

static int put_ids(unsigned real, unsigned effective, unsigned saved, unsigned *r,
		   unsigned *e, unsigned *s)
{
	if (put_user(real, r) || put_user(effective, e) || put_user(saved, s))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	struct proc *p = current_proc();
	return put_ids(p->task.cred.uid, p->task.cred.euid, p->task.cred.suid, r, e, s);
}

SYSCALL_DEFINE3(getresgid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	struct proc *p = current_proc();
	return put_ids(p->task.cred.gid, p->task.cred.egid, p->task.cred.sgid, r, e, s);
}

SYSCALL_DEFINE2(getgroups, int, size, unsigned *, list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0;
}

#define NGROUPS_MAX 65536

/* Only root may set the supplementary groups. calf keeps none (getgroups reports
 * an empty list), but the list is read as Linux reads it, so a bad one fails. */
SYSCALL_DEFINE2(setgroups, int, size, const unsigned *, list)
{
	unsigned chunk[256];

	if (current_proc()->task.cred.euid != 0)
		return -EPERM;
	if ((unsigned)size > NGROUPS_MAX)
		return -EINVAL;
	for (size_t done = 0; done < (size_t)size; done += sizeof(chunk) / sizeof(chunk[0])) {
		size_t n = (size_t)size - done;
		if (n > sizeof(chunk) / sizeof(chunk[0]))
			n = sizeof(chunk) / sizeof(chunk[0]);
		if (copy_from_user(chunk, list + done, n * sizeof(chunk[0])))
			return -EFAULT;
	}
	return 0;
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

/* Is some live process in the session a member of group pgid? (fs/jobctl.h's
 * proc_group_in_session counts zombies too, as the terminal's checks want.) */
static bool group_in_session(int pgid, int sid)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *p = list_entry(node, struct proc, all_link);
		if (proc_is_leader(p) && p->pgid == pgid && p->sid == sid && thread_count(p))
			return true;
	}
	return false;
}

/* Linux's rules, in its order: pgid 0 means pid (itself 0 for the caller); pid is
 * the caller or a child of it in the caller's session that has not called execve
 * (EACCES); a session leader cannot move; the target group must exist in the
 * session (or be the pid). */
SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct proc *self = proc_leader(current_proc());

	if (pid == 0)
		pid = self->pid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	struct proc *target = proc_find(pid);
	if (!target)
		return -ESRCH;
	if (!proc_is_leader(target))
		return -EINVAL;	/* a thread's id is not a process's (Linux) */
	if (target->parent == self && target != self) {
		if (target->sid != self->sid)
			return -EPERM;
		if (target->did_exec)
			return -EACCES;
	} else if (target != self) {
		return -ESRCH;
	}
	if (target->sid == target->pid)
		return -EPERM;
	if (pgid != target->pid && !group_in_session(pgid, self->sid))
		return -EPERM;
	thread_group_set_ids(target, pgid, target->sid);
	return 0;
}

SYSCALL_DEFINE0(setsid)
{
	struct proc *self = proc_leader(current_proc());

	/* A process-group leader (or any member's pid naming a group) cannot. */
	if (self->pgid == self->pid || group_in_session(self->pid, self->sid))
		return -EPERM;
	thread_group_set_ids(self, self->pid, self->pid);
	return self->sid;
}
