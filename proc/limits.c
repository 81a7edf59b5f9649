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
#include "syscall/syscall.h"

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

/* Check a new limit the way Linux does for a privileged caller. */
static int check_limit(unsigned resource, const struct rlimit_k *value)
{
	if (value->current > value->maximum)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && value->maximum > NR_OPEN_MAX)
		return -EPERM;
	return 0;
}

/* Read and/or replace one limit of proc; new_limit and old_limit are user pointers. */
static long do_prlimit(struct proc *proc, unsigned resource,
		       const struct rlimit_k *new_limit, struct rlimit_k *old_limit)
{
	struct rlimit_k value;

	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (new_limit) {
		if (copy_from_user(&value, new_limit, sizeof(value)))
			return -EFAULT;
		int error = check_limit(resource, &value);
		if (error)
			return error;
	}
	if (old_limit && copy_to_user(old_limit, &proc->limits[resource], sizeof(value)))
		return -EFAULT;
	if (new_limit) {
		proc->limits[resource] = value;
		/* The stack grows on faults: the fault handler reads the limit there. */
		if (resource == RLIMIT_STACK && proc->mm)
			proc->mm->stack_limit = value.current;
	}
	return 0;
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource, const struct rlimit_k *, new_limit,
		struct rlimit_k *, old_limit)
{
	struct proc *proc = pid ? proc_find(pid) : current_proc();

	if (pid < 0)
		return -EINVAL;
	if (!proc || proc->state == PROC_ZOMBIE)
		return -ESRCH;
	return do_prlimit(proc, resource, new_limit, old_limit);
}

SYSCALL_DEFINE2(getrlimit, unsigned, resource, struct rlimit_k *, out)
{
	return do_prlimit(current_proc(), resource, NULL, out);
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, const struct rlimit_k *, in)
{
	return do_prlimit(current_proc(), resource, in, NULL);
}
