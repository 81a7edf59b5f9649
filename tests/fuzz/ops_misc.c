/*
 * ops_misc.c - everything else: identity, time, system information, prctl,
 * arch_prctl, getrandom, the mm_audit file, and system calls by random number,
 * implemented or not, with random arguments.
 *
 * Random numbers skip the calls that could reach beyond the worker's process
 * group (kill and its kin, prlimit64 of another pid, setsid, setpgid), bring down
 * the machine (reboot, mount, umount2, the clock) or break the fuzzer's own
 * bookkeeping (fork, vfork, clone: children are made by ops_proc.c). A root process
 * gives them no writable memory except a zeroed page: a random string there could
 * name a real file.
 */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

static int forbidden(long nr)
{
	switch (nr) {
	case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo: case SYS_prlimit64: case SYS_setsid: case SYS_setpgid:
	case SYS_reboot: case SYS_mount: case SYS_umount2: case SYS_settimeofday:
	case SYS_clock_settime: case SYS_adjtimex: case SYS_clock_adjtime:
	case SYS_fork: case SYS_vfork: case SYS_clone: case 435 /* clone3 */:
	case SYS_mlockall: case SYS_swapon: case SYS_swapoff: case SYS_kexec_load:
	case SYS_kexec_file_load: case SYS_pivot_root: case SYS_chroot:
	case 424 /* pidfd_send_signal */: case SYS_ptrace: case SYS_process_vm_writev:
		return 1;
	default:
		return 0;
	}
}

/* What a worker does not do to itself by random number: ops_mem.c and
 * ops_proc.c do these with care, so that the worker lives through its budget. */
static int self_destructive(long nr)
{
	switch (nr) {
	case SYS_munmap: case SYS_mprotect: case SYS_mmap: case SYS_mremap: case SYS_madvise:
	case SYS_brk: case SYS_rt_sigreturn: case SYS_rt_sigaction: case SYS_rt_sigprocmask:
	case SYS_arch_prctl: case SYS_exit: case SYS_exit_group: case SYS_setitimer:
	case SYS_alarm: case SYS_setrlimit: case SYS_sigaltstack: case SYS_shmdt:
		return 1;
	default:
		return 0;
	}
}

/* What root does not do by random number: any small number is a descriptor, and
 * 0-2 (/dev/null) or one open on a system file would lose its mode, owner or
 * times (a ten-minute run once made /bin/busybox unrunnable); fchdir to one open
 * on / would make the sandbox's relative names land there. */
static int changes_files_by_fd(long nr)
{
	switch (nr) {
	case SYS_fchmod: case SYS_fchown: case SYS_fchmodat: case SYS_fchownat:
	case SYS_utimensat: case SYS_futimesat: case SYS_fsetxattr: case SYS_fremovexattr:
	case SYS_fallocate: case SYS_ftruncate: case 452 /* fchmodat2 */: case SYS_fchdir:
		return 1;
	default:
		return 0;
	}
}

static long raw_number(struct fz *f)
{
	switch (rng_below(&f->rng, 16)) {
	case 0: return (long)rng_below(&f->rng, 1024);
	case 1: return -1 - (long)rng_below(&f->rng, 4);
	case 2: return 0x40000000l + (long)rng_below(&f->rng, 550);	/* x32 */
	case 3: return (long)rng_next(&f->rng);
	default: return (long)rng_below(&f->rng, 460);
	}
}

static long raw_arg(struct fz *f)
{
	static const long bad[] = { 0, 1, -1, 0x1000, 0x0000800000000000l,
				    (long)0xffff800000000000ull, (long)0xffffffff80000000ull };

	switch (rng_below(&f->rng, 6)) {
	case 0: return arg_int(f);
	case 1: return arg_fd(f);
	case 2: return (long)arg_len(f);
	case 3: return f->privileged ? (long)f->zero : (long)arg_user_addr(f);
	case 4: return f->privileged ? bad[rng_below(&f->rng, sizeof bad / sizeof *bad)]
				     : (long)arg_addr(f);
	default: return (long)rng_next(&f->rng);
	}
}

static void op_raw(struct fz *f)
{
	long nr = raw_number(f);

	if (forbidden(nr) || forbidden(nr & ~0x40000000l) ||
	    (f->level == 0 && (self_destructive(nr) || self_destructive(nr & ~0x40000000l))) ||
	    (f->privileged && (changes_files_by_fd(nr) || changes_files_by_fd(nr & ~0x40000000l))))
		return;
	if (f->privileged)
		memset(f->zero, 0, 4096);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = raw_arg(f);
	fz_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void op_info(struct fz *f)
{
	uint64_t p = arg_user_addr(f);

	switch (rng_below(&f->rng, 13)) {
	case 0: FZ1(SYS_uname, p); break;
	case 1: FZ1(SYS_sysinfo, p); break;
	case 2: FZ3(SYS_getrandom, p, arg_len(f), arg_bits(f, 1 | 2 | 4)); break;
	case 3: FZ2(SYS_clock_gettime, rng_below(&f->rng, 12), p); break;
	case 4: FZ2(SYS_gettimeofday, p, rng_one_in(&f->rng, 2) ? arg_user_addr(f) : 0); break;
	case 5: FZ2(SYS_getrusage, (long)rng_below(&f->rng, 4) - 2, p); break;
	case 6: FZ1(SYS_times, p); break;
	case 7: FZ2(SYS_getcwd, p, arg_len(f)); break;
	case 8: FZ2(SYS_getrlimit, rng_below(&f->rng, 18), p); break;
	case 9: {	/* children lower their own limits (raising is root's business) */
		if (f->level == 0)
			break;
		uint64_t *lim = (uint64_t *)(f->scratch + 1024);
		long resource = (long)rng_below(&f->rng, 18);
		if (FZ2(SYS_getrlimit, resource, lim) == 0) {
			lim[0] = rng_below(&f->rng, lim[0] / 2 + 2);
			FZ2(SYS_setrlimit, resource, rng_below(&f->rng, 8) ? (uint64_t)lim : p);
		}
		break;
	}
	case 10: FZ3(SYS_sched_getaffinity, 0, arg_len(f), p); break;
	case 11: FZ3(SYS_getcpu, p, rng_one_in(&f->rng, 2) ? arg_user_addr(f) : 0, 0); break;
	default: FZ2(SYS_nanosleep, p, rng_one_in(&f->rng, 2) ? arg_user_addr(f) : 0); break;
	}
}

static void op_ids(struct fz *f)
{
	static const long ids[] = { 0, 1, 65534, 1000, -1, 0x7fffffff };
	long id = ids[rng_below(&f->rng, sizeof ids / sizeof *ids)];

	switch (rng_below(&f->rng, 8)) {
	case 0: FZ0(SYS_getpid); break;
	case 1: FZ0(SYS_getppid); break;
	case 2: FZ1(SYS_getpgid, rng_one_in(&f->rng, 2) ? 0 : arg_int(f)); break;
	case 3: FZ1(SYS_getsid, arg_int(f)); break;
	case 4: FZ1(SYS_umask, arg_int(f)); break;
	case 5: FZ2(SYS_getgroups, arg_int(f), arg_user_addr(f)); break;
	case 6:		/* only children change identity: the worker stays root */
		if (f->level > 0 && rng_one_in(&f->rng, 2))
			FZ1(SYS_setuid, id);
		else if (f->level > 0)
			FZ3(SYS_setresuid, id, id, id);
		break;
	default: FZ3(SYS_getresuid, arg_user_addr(f), arg_user_addr(f), arg_user_addr(f)); break;
	}
}

static void op_prctl(struct fz *f)
{
	static const long codes[] = { 0x1001 /* SET_GS */, 0x1002 /* SET_FS */,
				      0x1003 /* GET_FS */, 0x1004 /* GET_GS */, 0x3001, 0, -1 };

	if (rng_one_in(&f->rng, 2)) {
		FZ5(SYS_prctl, rng_below(&f->rng, 60), arg_user_addr(f), arg_int(f), 0, 0);
		return;
	}
	long code = codes[rng_below(&f->rng, sizeof codes / sizeof *codes)];
	/* A new fs base breaks libc's thread pointer: only children try it. */
	if (code == 0x1002 && f->level == 0)
		return;
	FZ2(SYS_arch_prctl, code, rng_below(&f->rng, 2) ? arg_addr(f) : arg_user_addr(f));
}

/* Read a /proc file: maps and status of processes that may be exiting, and
 * mm_audit, which checks every address space at this moment. */
static void op_proc_files(struct fz *f)
{
	static const char *const files[] = { "maps", "status", "stat", "cmdline", "statm",
					     "fd", "environ" };
	char path[64];
	long pid = f->nkids && rng_below(&f->rng, 2) ? f->kids[rng_below(&f->rng, f->nkids)]
						     : FZ0(SYS_getpid);

	if (rng_one_in(&f->rng, 16))
		snprintf(path, sizeof path, "/proc/sys/vm/mm_audit");
	else
		snprintf(path, sizeof path, "/proc/%ld/%s", pid,
			 files[rng_below(&f->rng, sizeof files / sizeof *files)]);
	long fd = FZ2(SYS_open, path, 0);
	if (fd < 0)
		return;
	uint64_t addr, len = 1 + rng_below(&f->rng, 8192);
	addr = rng_below(&f->rng, 8) ? (uint64_t)f->scratch : arg_addr(f);
	while (FZ3(SYS_read, fd, addr, len) > 0 && rng_below(&f->rng, 4))
		;
	FZ1(SYS_close, fd);
}

const struct fz_op fz_misc_ops[] = {
	{ "raw", 10, op_raw },
	{ "info", 4, op_info },
	{ "ids", 2, op_ids },
	{ "prctl", 1, op_prctl },
	{ "proc", 3, op_proc_files },
	{ 0 },
};
