/*
 * syscall/system.c - the system as a whole, and the small calls every libc makes at
 * start-up: uname, sysinfo, reboot, getrandom, arch_prctl, set_tid_address,
 * resource limits, sched_yield, affinity, prctl.
 */
#include "kernel/syscall.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/timer.h"
#include "fs/fs.h"
#include "mm/frame.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "kernel/printk.h"
#include "lib/string.h"

struct utsname_user {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* Programs parse sysname to pick Linux behaviour; calf speaks the Linux ABI. */
SYSCALL_DEFINE1(uname, struct utsname_user *, out)
{
	struct utsname_user u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));
	strlcpy(u.nodename, "calf", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-calf", sizeof(u.release));
	strlcpy(u.version, "#1 calf", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(out, &u, sizeof(u));
}

struct sysinfo_user {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

SYSCALL_DEFINE1(sysinfo, struct sysinfo_user *, out)
{
	extern unsigned proc_count;
	struct sysinfo_user info;

	memset(&info, 0, sizeof(info));
	info.uptime = clock_monotonic_ns() / 1000000000ull;
	info.totalram = frames_managed() * PAGE_SIZE;
	info.freeram = frames_free() * PAGE_SIZE;
	info.procs = proc_count;
	info.mem_unit = 1;
	return copy_to_user(out, &info, sizeof(info));
}

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_MAGIC2A 85072278
#define REBOOT_MAGIC2B 369367448
#define REBOOT_MAGIC2C 537993216
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xcdef0123
#define REBOOT_CMD_POWER_OFF 0x4321fedc
#define REBOOT_CMD_CAD_ON 0x89abcdef
#define REBOOT_CMD_CAD_OFF 0x00000000

/* Linux's order: only root (EPERM), then the magic numbers (any of the four
 * second ones), then the command. */
SYSCALL_DEFINE4(reboot, unsigned, magic1, unsigned, magic2, unsigned, command, void *, arg)
{
	(void)arg;
	if (current_proc()->euid != 0)
		return -EPERM;
	if (magic1 != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A && magic2 != REBOOT_MAGIC2B &&
	     magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (command) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_POWER_OFF:
	case REBOOT_CMD_HALT:
	case REBOOT_CMD_RESTART:
		printk("calf: %s requested by %s (pid %d)\n",
		       command == REBOOT_CMD_RESTART ? "restart (as power-off)" : "power-off",
		       current_proc()->name, current_proc()->pid);
		machine_exit(EXIT_STATUS_SUCCESS);
	default:
		return -EINVAL;
	}
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define MAX_RW_COUNT 0x7ffff000ul

/*
 * Linux's getrandom: the flags (INSECURE and RANDOM exclude each other), at most
 * MAX_RW_COUNT bytes, which must all lie in user space (EFAULT); then the bytes go
 * out until the first that cannot be written: their count, or EFAULT if none. The
 * copy goes page by page of the destination, so the count is exact. Like Linux, a
 * signal ends a long request at a page boundary.
 */
SYSCALL_DEFINE3(getrandom, uint8_t *, buffer, size_t, length, unsigned, flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (length > MAX_RW_COUNT)
		length = MAX_RW_COUNT;
	if (!user_range_ok((uint64_t)buffer, length))
		return -EFAULT;
	if (length == 0)
		return 0;
	while (done < length) {
		size_t room = PAGE_SIZE - (((uint64_t)buffer + done) & (PAGE_SIZE - 1));
		size_t n = length - done;
		if (n > room)
			n = room;
		if (n > sizeof(chunk))
			n = sizeof(chunk);
		random_bytes(chunk, n);
		if (copy_to_user(buffer + done, chunk, n))
			break;
		done += n;
		if (((uint64_t)buffer + done) % PAGE_SIZE == 0 && signal_pending())
			break;
	}
	return done ? (long)done : -EFAULT;
}

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
		proc->fs_base = address;
		context_set_fs_base(address);
		return 0;
	case ARCH_GET_FS:
		return put_user(proc->fs_base, (uint64_t *)address);
	case ARCH_GET_GS:
		return put_user((uint64_t)0, (uint64_t *)address);	/* never set: 0 */
	case ARCH_SET_GS:
		return -EINVAL;	/* calf keeps GS for the kernel; not supported yet */
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE1(set_tid_address, int *, address)
{
	current_proc()->clear_child_tid = (uint64_t)address;
	return current_proc()->pid;
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
