/*
 * proc/limits.c - per-process resource limits and their system calls.
 */
#include "proc/limits.h"
#include "proc/proc.h"
#include "proc/internal.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/syscall.h"

/* Linux's fs.nr_open: RLIMIT_NOFILE can never go above it. */
#define NR_OPEN_MAX 1048576

/* Linux's defaults for a root shell (NPROC is set from memory, as Linux does). */
static const struct rlimit_k default_limits[RLIMIT_NLIMITS] = {
	[RLIMIT_CPU]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK]		= { 8ull << 20, RLIM_INFINITY },
	[RLIMIT_CORE]		= { 0, RLIM_INFINITY },
	[RLIMIT_RSS]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC]		= { PROC_MAX, PROC_MAX },
	[RLIMIT_NOFILE]		= { 1024, 1048576 },
	[RLIMIT_MEMLOCK]	= { 8ull << 20, 8ull << 20 },
	[RLIMIT_AS]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS]		= { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING]	= { 3000, 3000 },
	[RLIMIT_MSGQUEUE]	= { 819200, 819200 },
	[RLIMIT_NICE]		= { 0, 0 },
	[RLIMIT_RTPRIO]		= { 0, 0 },
	[RLIMIT_RTTIME]		= { RLIM_INFINITY, RLIM_INFINITY },
};

void rlimits_set_defaults(struct rlimit_k limits[RLIMIT_NLIMITS])
{
	memcpy(limits, default_limits, sizeof(default_limits));
	/* Linux gives init half the system-wide limit. */
	limits[RLIMIT_NPROC].current = limits[RLIMIT_NPROC].maximum = proc_max() / 2;
}

uint64_t rlimit_current(unsigned resource)
{
	struct proc *proc = current_proc();

	if (resource >= RLIMIT_NLIMITS)
		return RLIM_INFINITY;
	return proc ? proc->limits[resource].current : default_limits[resource].current;
}

/* Check a new limit the way Linux does: only root may raise a hard limit. */
static int check_limit(const struct proc *proc, unsigned resource, const struct rlimit_k *value)
{
	if (value->current > value->maximum)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && value->maximum > NR_OPEN_MAX)
		return -EPERM;
	if (value->maximum > proc->limits[resource].maximum && current_proc()->task.cred.euid != 0)
		return -EPERM;
	return 0;
}

/* Read and/or replace one limit of proc (Linux's do_prlimit): 0, -EINVAL, -EPERM. */
static long do_prlimit(struct proc *proc, unsigned resource, const struct rlimit_k *new_limit,
		       struct rlimit_k *old_limit)
{
	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (new_limit) {
		int error = check_limit(proc, resource, new_limit);
		if (error)
			return error;
	}
	if (old_limit)
		*old_limit = proc->limits[resource];
	if (new_limit) {
		proc->limits[resource] = *new_limit;
		/* The stack grows on faults: the fault handler reads the limit there. */
		if (resource == RLIMIT_STACK && proc->task.mm)
			proc->task.mm->stack_limit = new_limit->current;
	}
	return 0;
}

/* Linux's check_prlimit_permission: another process's limits are root's business,
 * or that of a caller whose ids all match the target's. */
static bool may_prlimit(const struct proc *self, const struct proc *target)
{
	const struct cred *me = &self->task.cred, *them = &target->task.cred;

	return self == target || me->euid == 0 ||
	       (me->uid == them->euid && me->uid == them->suid && me->uid == them->uid &&
		me->gid == them->egid && me->gid == them->sgid && me->gid == them->gid);
}

/*
 * Linux's order: the new limit is read (EFAULT), the process found (ESRCH: a zombie
 * still has its limits), the caller checked (EPERM), then the limit itself; the old
 * limit is written last, so a bad pointer for it fails after the change is made.
 */
SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource, const struct rlimit_k *, new_user,
		struct rlimit_k *, old_user)
{
	struct rlimit_k new_limit, old_limit;

	if (new_user && copy_from_user(&new_limit, new_user, sizeof(new_limit)))
		return -EFAULT;
	struct proc *proc = pid ? proc_find(pid) : current_proc();
	if (!proc)
		return -ESRCH;
	if (!may_prlimit(current_proc(), proc))
		return -EPERM;
	long error = do_prlimit(proc, resource, new_user ? &new_limit : NULL,
				old_user ? &old_limit : NULL);
	if (!error && old_user && copy_to_user(old_user, &old_limit, sizeof(old_limit)))
		error = -EFAULT;
	return error;
}

SYSCALL_DEFINE2(getrlimit, unsigned, resource, struct rlimit_k *, out)
{
	struct rlimit_k value;
	long error = do_prlimit(current_proc(), resource, NULL, &value);

	if (!error && copy_to_user(out, &value, sizeof(value)))
		error = -EFAULT;
	return error;
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, const struct rlimit_k *, in)
{
	struct rlimit_k value;

	if (copy_from_user(&value, in, sizeof(value)))
		return -EFAULT;
	return do_prlimit(current_proc(), resource, &value, NULL);
}
