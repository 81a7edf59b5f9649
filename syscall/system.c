/*
 * syscall/system.c - the system as a whole, and the small calls every libc makes at
 * start-up: uname, sysinfo, reboot, getrandom, arch_prctl, set_tid_address,
 * set_robust_list, resource limits, sched_yield, prctl.
 */
#include "syscall/syscall.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/timer.h"
#include "fs/fs.h"
#include "mm/frame.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "lib/printk.h"
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
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xcdef0123
#define REBOOT_CMD_POWER_OFF 0x4321fedc
#define REBOOT_CMD_CAD_ON 0x89abcdef
#define REBOOT_CMD_CAD_OFF 0x00000000

SYSCALL_DEFINE4(reboot, unsigned, magic1, unsigned, magic2, unsigned, command, void *, arg)
{
	(void)arg;
	if (magic1 != REBOOT_MAGIC1 || magic2 != REBOOT_MAGIC2)
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

SYSCALL_DEFINE3(getrandom, uint8_t *, buffer, size_t, length, unsigned, flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (length > 33554431)
		length = 33554431;	/* Linux caps one call at 32 MiB - 1 */
	while (done < length) {
		size_t n = length - done < sizeof(chunk) ? length - done : sizeof(chunk);
		random_bytes(chunk, n);
		if (copy_to_user(buffer + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
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
	case ARCH_SET_GS:
	case ARCH_GET_GS:
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

SYSCALL_DEFINE2(set_robust_list, void *, head, size_t, length)
{
	(void)head;
	return length == 24 ? 0 : -EINVAL;	/* sizeof(struct robust_list_head) */
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

SYSCALL_DEFINE3(sched_getaffinity, int, pid, size_t, size, uint64_t *, mask)
{
	uint64_t one_cpu = 1;

	if (pid && !proc_find(pid))
		return -ESRCH;
	if (size < sizeof(one_cpu) || (size & 7))
		return -EINVAL;
	if (clear_user(mask, size) || copy_to_user(mask, &one_cpu, sizeof(one_cpu)))
		return -EFAULT;
	return sizeof(one_cpu);
}

#define PR_SET_NAME 15
#define PR_GET_NAME 16

SYSCALL_DEFINE2(prctl, int, option, uint64_t, arg)
{
	struct proc *proc = current_proc();
	char name[PROC_NAME_MAX];

	switch (option) {
	case PR_SET_NAME: {
		long length = strncpy_from_user(name, (const char *)arg, sizeof(name));
		if (length == -EFAULT)
			return -EFAULT;
		if (length < 0) {	/* longer than 15: Linux keeps the first 15 */
			if (copy_from_user(name, (const char *)arg, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = '\0';
		}
		memcpy(proc->name, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user((void *)arg, proc->name, sizeof(proc->name));
	default:
		return -EINVAL;
	}
}
