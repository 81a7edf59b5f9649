/*
 * proc/sys_process.c - a process's small settings, most of them asked for by every
 * libc at start-up: arch_prctl (the TLS base), prctl (the name), CPU affinity and
 * sched_yield (one CPU), getrusage (no accounting yet: zeroes).
 */
#include "proc/proc.h"
#include "arch/x86_64/context.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"
#include "lib/string.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, address)
{
	struct proc *proc = current_proc();

	switch (code) {
	case ARCH_SET_FS:
		if (address >= USER_TOP)
			return -EPERM;
		proc->task.fs_base = address;
		context_set_fs_base(address);
		return 0;
	case ARCH_GET_FS:
		return put_user(proc->task.fs_base, (uint64_t *)address);
	case ARCH_GET_GS:
		return put_user((uint64_t)0, (uint64_t *)address);	/* never set: 0 */
	case ARCH_SET_GS:
		return -EINVAL;	/* calf keeps GS for the kernel; not supported yet */
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(getrusage, int, who, void *, out)
{
	if (who != 0 && who != -1 && who != 1)
		return -EINVAL;
	return clear_user(out, 144);
}

SYSCALL_DEFINE0(sched_yield)
{
	return 0;	/* the return to user mode reschedules if the slice is over */
}

/*
 * One CPU: its mask is 8 bytes. Linux's order: a size too small for the CPUs or not
 * a multiple of 8 (EINVAL; the size is an unsigned int, and its check multiplies by
 * 8, so it may wrap), the pid (ESRCH), then only the mask's own 8 bytes are
 * written, whatever the size.
 */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned, size, uint64_t *, mask)
{
	uint64_t one_cpu = 1;

	if (size * 8u < 1 || (size & 7))
		return -EINVAL;
	if (pid && !proc_find(pid))
		return -ESRCH;
	if (copy_to_user(mask, &one_cpu, sizeof(one_cpu)))
		return -EFAULT;
	return sizeof(one_cpu);
}

/*
 * Linux's order: the mask is read (the first 8 bytes, the only ones the one CPU
 * needs; fewer are zero-extended: EFAULT), the pid (ESRCH), then a mask without
 * CPU 0 names no CPU there is: EINVAL.
 */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned, size, const uint64_t *, mask)
{
	uint64_t cpus = 0;

	if (copy_from_user(&cpus, mask, size < sizeof(cpus) ? size : sizeof(cpus)))
		return -EFAULT;
	if (pid && !proc_find(pid))
		return -ESRCH;
	return cpus & 1 ? 0 : -EINVAL;
}

#define PR_SET_NAME 15
#define PR_GET_NAME 16

SYSCALL_DEFINE2(prctl, int, option, uint64_t, arg)
{
	struct proc *proc = current_proc();
	char name[PROC_NAME_MAX] = { 0 };

	switch (option) {
	case PR_SET_NAME: {
		/* Linux reads at most 15 bytes, stopping at a NUL: never beyond. */
		long length = strncpy_from_user(name, (const char *)arg, sizeof(name) - 1);
		if (length == -EFAULT)
			return -EFAULT;
		name[length < 0 ? sizeof(name) - 1 : (size_t)length] = '\0';
		memcpy(proc->name, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user((void *)arg, proc->name, sizeof(proc->name));
	default:
		return -EINVAL;
	}
}
