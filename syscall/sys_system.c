/*
 * syscall/sys_system.c - the system as a whole: uname, sysinfo, reboot. They belong
 * to no one layer: sysinfo reads the clock, the frame allocator and the process
 * table; reboot checks the caller's identity and powers the machine off.
 */
#include "kernel/syscall.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/timer.h"
#include "mm/frame.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "kernel/printk.h"
#include "kernel/version.h"
#include "lib/string.h"

struct utsname_user {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* kernel/version.h says what, and why sysname is "Linux". */
SYSCALL_DEFINE1(uname, struct utsname_user *, out)
{
	struct utsname_user u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, CALF_UNAME_SYSNAME, sizeof(u.sysname));
	strlcpy(u.nodename, CALF_UNAME_NODENAME, sizeof(u.nodename));
	strlcpy(u.release, CALF_UNAME_RELEASE, sizeof(u.release));
	strlcpy(u.version, CALF_UNAME_VERSION, sizeof(u.version));
	strlcpy(u.machine, CALF_UNAME_MACHINE, sizeof(u.machine));
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
	struct sysinfo_user info;

	memset(&info, 0, sizeof(info));
	info.uptime = clock_monotonic_ns() / 1000000000ull;
	info.totalram = frames_managed() * PAGE_SIZE;
	info.freeram = frames_free() * PAGE_SIZE;
	info.procs = proc_table_size();
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
	if (current_proc()->task.cred.euid != 0)
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
