/*
 * proc/sys_process.c - a process's small settings, most of them asked for by every
 * libc at start-up: arch_prctl (the TLS base), prctl (the name), CPU affinity (each
 * thread's mask of the online CPUs), sched_yield, getrusage (no accounting yet:
 * zeroes).
 */
#include "sched/sched.h"
#include "proc/proc.h"
#include "proc/cpumask.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "mm/uaccess.h"
#include "kernel/kernel_lock.h"
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

/*
 * The caller goes to the back of its CPU's queue if another task waits there
 * (as Linux's yield, which does not move tasks between CPUs either), else goes
 * on at once. Only giving way needs the kernel lock: programs that wait by
 * yielding in a loop, alone on their CPU, no longer queue for it at every turn.
 */
SYSCALL_DEFINE0(sched_yield)
{
	if (!sched_others_waiting())
		return 0;
	if (!kernel_lock_held())
		return -EKERNELLOCK;
	sched_give_way();
	return 0;
}
SYSCALL_WITHOUT_KERNEL_LOCK(sched_yield);

/* The thread pid names (0: the caller), or NULL. */
static struct proc *affinity_target(int pid)
{
	return pid ? proc_find(pid) : current_proc();
}

/*
 * The thread's mask, as far as the CPUs online go. Linux's order: a size too small
 * for the CPUs there can be or not a multiple of 8 (EINVAL; the size is an unsigned
 * int, and its check multiplies by 8, so it may wrap), the pid (ESRCH), then only
 * the mask's own bytes are written, whatever the size, and their count returned.
 */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned, size, uint64_t *, mask)
{
	if (size * 8u < cpumask_ids() || (size & 7))
		return -EINVAL;
	struct proc *proc = affinity_target(pid);
	if (!proc)
		return -ESRCH;
	uint64_t cpus = __atomic_load_n(&proc->task.cpus_allowed, __ATOMIC_RELAXED) &
			smp_online_mask();
	if (copy_to_user(mask, &cpus, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
}

/*
 * getcpu(2): the CPU the caller runs on (it may run elsewhere by the time it
 * looks, as on Linux) and its NUMA node, which is 0: calf has one. The third
 * argument has been unused since Linux 2.6.24. No kernel lock: a task runs on
 * one CPU until it gives it up, which a system call here never does.
 */
SYSCALL_DEFINE3(getcpu, unsigned *, cpu, unsigned *, node, void *, unused)
{
	unsigned id = this_cpu()->id, zero = 0;

	(void)unused;
	if (cpu && copy_to_user(cpu, &id, sizeof(id)))
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}
SYSCALL_WITHOUT_KERNEL_LOCK(getcpu);

/* Linux's check_same_owner, or CAP_SYS_NICE (root). */
static bool may_set_affinity(const struct proc *proc)
{
	const struct cred *me = &current_proc()->task.cred, *them = &proc->task.cred;

	return me->euid == 0 || me->euid == them->euid || me->euid == them->uid;
}

/*
 * Linux's order: the mask is read (its first 8 bytes at most; fewer are
 * zero-extended: EFAULT), the pid (ESRCH), the caller's right (EPERM), then a mask
 * without an online CPU is EINVAL. What is kept is the mask without the CPUs that
 * are not online; a child inherits it at fork and clone, exec keeps it.
 */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned, size, const uint64_t *, mask)
{
	uint64_t cpus = 0;

	if (copy_from_user(&cpus, mask, size < CPUMASK_BYTES ? size : CPUMASK_BYTES))
		return -EFAULT;
	struct proc *proc = affinity_target(pid);
	if (!proc)
		return -ESRCH;
	if (!may_set_affinity(proc))
		return -EPERM;
	cpus &= smp_online_mask();
	if (!cpus)
		return -EINVAL;
	/* A queued task moves at once, a running one at its next schedule. */
	sched_set_cpus_allowed(&proc->task, cpus);
	return 0;
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
