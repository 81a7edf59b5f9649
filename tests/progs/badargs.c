/*
 * badargs.c - hostile arguments to every implemented system call, beyond badptr.c:
 * a bad pointer for each call that takes one, bad descriptors (-1, 1000000, one just
 * closed), pids that name nobody, flags nobody defined, lengths that overflow, and
 * the order in which Linux checks them when several are wrong at once. Buffers that
 * run from a mapped page into a hole give Linux's partial counts. What the kernel
 * does before failing (a new action set, a limit changed) is checked too.
 *
 * The expected values are Linux's (Debian's 6.1, run by tools/linux-run): this
 * program runs on both kernels and the differential test compares the outputs.
 * Nothing here may hurt the program itself: ranges given to munmap, madvise and
 * mprotect lie in its own scratch mappings or far below it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <ucontext.h>

#include "util.h"

#define PAGE 4096
#define USER_TOP 0x00007ffffffff000ul

/* Flags some C libraries do not define. */
#define XO_TMPFILE		020200000
#define XCLONE_SIGHAND		0x00000800
#define XCLONE_THREAD		0x00010000
#define XCLONE_PARENT_SETTID	0x00100000
#define XSS_AUTODISARM		(1u << 31)
#define XSA_UNSUPPORTED		0x00000400
#define XSA_RESTORER		0x04000000
#define XP_PIDFD		3
#define XMAP_FIXED_NOREPLACE	0x100000
#define XF_OFD_GETLK		36
#define XF_OFD_SETLK		37
#define XF_SETPIPE_SZ		1031
#define XF_GETPIPE_SZ		1032
#define XPROT_SEM		0x08
#define XPROT_GROWSDOWN		0x01000000
#define XPROT_GROWSUP		0x02000000
#define XCLOCK_TAI		11
#define XCLOCK_MONOTONIC_RAW	4
#define XCLOCK_MONOTONIC_COARSE	6
#define XGRND_RANDOM		2
#define XGRND_INSECURE		4
#define XAT_STATX_DONT_SYNC	0x4000
#define XCLOSE_RANGE_UNSHARE	2
#define XLOCK_MAND		32
#define XFIGETBSZ		2
#define XMS_NOUSER		(1ul << 31)
#define XARCH_GET_FS		0x1003
#define XARCH_GET_GS		0x1004
#define REBOOT_MAGIC1		0xfee1dead
#define REBOOT_MAGIC2A		85072278
#define REBOOT_CMD_CAD_ON	0x89abcdef
#define REBOOT_CMD_CAD_OFF	0

/* The bad addresses, by kind (as in badptr.c). */
static void *const kernel_address = (void *)0xffffffff80000000ul;
static void *const noncanonical_low = (void *)0x0000800000000000ul;
static void *const noncanonical_high = (void *)0x8000000000000000ul;
static char *unmapped;		/* a page that was mapped and unmapped */
static char *readonly;		/* a page mapped PROT_READ */
static char *straddle;		/* one mapped page, then a hole */
static char *scratch;		/* two more mapped pages before straddle */
static int closed_fd;		/* a descriptor number just closed */

/* Descriptors to play with. */
static int zero_fd, null_fd, file_fd, rdonly_fd, dir_fd, path_fd, pipe_rd, pipe_wr;

#define DIR_PATH "/tmp/badargs.d"
#define FILE_PATH DIR_PATH "/f"
#define LINK_PATH DIR_PATH "/l"

/* The raw system call, arguments as longs: libc wrappers may check them first. */
static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

#define L(x) ((long)(x))
#define SYS1(nr, a) sys((nr), L(a), 0, 0, 0, 0, 0)
#define SYS2(nr, a, b) sys((nr), L(a), L(b), 0, 0, 0, 0)
#define SYS3(nr, a, b, c) sys((nr), L(a), L(b), L(c), 0, 0, 0)
#define SYS4(nr, a, b, c, d) sys((nr), L(a), L(b), L(c), L(d), 0, 0)
#define SYS5(nr, a, b, c, d, e) sys((nr), L(a), L(b), L(c), L(d), L(e), 0)
#define SYS6(nr, a, b, c, d, e, f) sys((nr), L(a), L(b), L(c), L(d), L(e), L(f))

/* ok() on a value, with the value in a diagnostic when it is not the one wanted. */
#define ok_value(got, want, ...) do { \
	long got__ = (long)(got), want__ = (long)(want); \
	int errno__ = errno; \
	if (!ok(got__ == want__, __VA_ARGS__)) \
		diag("  got %ld (errno %d), want %ld", got__, errno__, want__); \
} while (0)

static void setup(void)
{
	readonly = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (readonly == MAP_FAILED || p == MAP_FAILED)
		bail("mmap failed");
	scratch = p;
	straddle = p + 2 * PAGE;
	unmapped = p + 3 * PAGE;
	munmap(unmapped, PAGE);

	mkdir(DIR_PATH, 0755);
	if (write_file(FILE_PATH, "0123456789abcdefghijklmnopqrstuvwxyz"
		       "0123456789abcdefghijklmnopqrstuvwxyz", 0644))
		bail("cannot write " FILE_PATH);
	unlink(LINK_PATH);
	if (symlink("f", LINK_PATH))
		bail("cannot make " LINK_PATH);
	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	file_fd = open(FILE_PATH, O_RDWR);
	rdonly_fd = open(FILE_PATH, O_RDONLY);
	dir_fd = open(DIR_PATH, O_RDONLY | O_DIRECTORY);
	path_fd = open(FILE_PATH, O_PATH);
	int fds[2];
	xpipe(fds);
	pipe_rd = fds[0];
	pipe_wr = fds[1];
	if (zero_fd < 0 || null_fd < 0 || file_fd < 0 || rdonly_fd < 0 || dir_fd < 0 || path_fd < 0)
		bail("cannot open the test files");
	closed_fd = dup(0);
	close(closed_fd);
}

/* ------------------------------------------------------------ descriptors */

/*
 * select looks no further than the table of descriptors, which starts with room for
 * 64 and grows to hold the highest one ever used. Run first, before this program
 * uses a descriptor above 63.
 */
static void test_select_table(void)
{
	uint64_t set[2] = { 0, 1ull << 6 };	/* descriptor 70 */
	struct timeval tv = { 0, 0 };

	ok_value(SYS5(SYS_select, 100, set, NULL, NULL, &tv), 0,
		 "select of descriptor 70 in a table of 64: not looked at");
	dup2(0, 100);
	close(100);
	set[1] = 1ull << 6;
	ok_errno(SYS5(SYS_select, 100, set, NULL, NULL, &tv), EBADF,
		 "once descriptor 100 was used, it is: EBADF");
}

/* Every call that takes a descriptor, with a bad one: EBADF. */
static long with_fd(int which, int fd)
{
	static char buf[512];	/* room for any struct the calls might write */
	struct iovec iov = { buf, 4 };
	int64_t off = 0;

	switch (which) {
	case 0: return SYS3(SYS_read, fd, buf, 4);
	case 1: return SYS3(SYS_write, fd, buf, 4);
	case 2: return SYS4(SYS_pread64, fd, buf, 4, 0);
	case 3: return SYS4(SYS_pwrite64, fd, buf, 4, 0);
	case 4: return SYS3(SYS_readv, fd, &iov, 1);
	case 5: return SYS3(SYS_writev, fd, &iov, 1);
	case 6: return SYS4(SYS_preadv, fd, &iov, 1, 0);
	case 7: return SYS4(SYS_pwritev, fd, &iov, 1, 0);
	case 8: return SYS3(SYS_lseek, fd, 0, SEEK_SET);
	case 9: return SYS2(SYS_fstat, fd, buf);
	case 10: return SYS2(SYS_fstatfs, fd, buf);
	case 11: return SYS1(SYS_close, fd);
	case 12: return SYS1(SYS_dup, fd);
	case 13: return SYS2(SYS_dup2, fd, 50);
	case 14: return SYS3(SYS_dup3, fd, 50, 0);
	case 15: return SYS3(SYS_fcntl, fd, F_GETFD, 0);
	case 16: return SYS3(SYS_ioctl, fd, FIONREAD, buf);
	case 17: return SYS3(SYS_getdents64, fd, buf, sizeof(buf));
	case 18: return SYS3(SYS_getdents, fd, buf, sizeof(buf));
	case 19: return SYS1(SYS_fchdir, fd);
	case 20: return SYS2(SYS_fchmod, fd, 0644);
	case 21: return SYS3(SYS_fchown, fd, -1, -1);
	case 22: return SYS2(SYS_ftruncate, fd, 0);
	case 23: return SYS1(SYS_fsync, fd);
	case 24: return SYS1(SYS_fdatasync, fd);
	case 25: return SYS1(SYS_syncfs, fd);
	case 26: return SYS2(SYS_flock, fd, LOCK_SH);
	case 27: return SYS4(SYS_fadvise64, fd, 0, 0, 0);
	case 28: return SYS4(SYS_sendfile, null_fd, fd, &off, 4);
	case 29: return SYS4(SYS_sendfile, fd, file_fd, &off, 4);
	case 30: return SYS6(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	case 31: return SYS4(SYS_openat, fd, "f", O_RDONLY, 0);
	case 32: return SYS3(SYS_faccessat, fd, "f", F_OK);
	case 33: return SYS3(SYS_fchmodat, fd, "f", 0644);
	case 34: return SYS5(SYS_fchownat, fd, "f", -1, -1, 0);
	case 35: return SYS4(SYS_newfstatat, fd, "f", buf, 0);
	case 36: return SYS5(SYS_statx, fd, "f", 0, 0x7ff, buf);
	case 37: return SYS3(SYS_mkdirat, fd, "d", 0755);
	case 38: return SYS4(SYS_mknodat, fd, "n", S_IFIFO | 0600, 0);
	case 39: return SYS3(SYS_unlinkat, fd, "f", 0);
	case 40: return SYS4(SYS_renameat, fd, "f", AT_FDCWD, DIR_PATH "/g");
	case 41: return SYS5(SYS_linkat, fd, "f", AT_FDCWD, DIR_PATH "/g", 0);
	case 42: return SYS3(SYS_symlinkat, "f", fd, "s");
	case 43: return SYS4(SYS_readlinkat, fd, "l", buf, sizeof(buf));
	case 44: return SYS4(SYS_utimensat, fd, NULL, NULL, 0);
	case 45: return SYS3(SYS_futimesat, fd, NULL, NULL);
	case 46: return SYS4(SYS_faccessat2, fd, "f", F_OK, 0);
	}
	return 0;
}

static const char *const fd_call_names[] = {
	"read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev",
	"lseek", "fstat", "fstatfs", "close", "dup", "dup2", "dup3", "fcntl(F_GETFD)",
	"ioctl(FIONREAD)", "getdents64", "getdents", "fchdir", "fchmod", "fchown",
	"ftruncate", "fsync", "fdatasync", "syncfs", "flock", "fadvise64",
	"sendfile from it", "sendfile to it", "mmap", "openat", "faccessat", "fchmodat",
	"fchownat", "newfstatat", "statx", "mkdirat", "mknodat", "unlinkat", "renameat",
	"linkat", "symlinkat", "readlinkat", "utimensat(NULL path)", "futimesat(NULL path)",
	"faccessat2",
};
#define FD_CALLS (int)(sizeof(fd_call_names) / sizeof(fd_call_names[0]))

static void test_bad_descriptors(void)
{
	const struct { const char *name; int fd; } bad[] = {
		{ "-1", -1 }, { "1000000", 1000000 }, { "a closed descriptor", closed_fd },
	};

	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
		for (int call = 0; call < FD_CALLS; call++)
			ok_errno(with_fd(call, bad[b].fd), EBADF, "%s on %s: EBADF",
				 fd_call_names[call], bad[b].name);

	/* An O_PATH descriptor only names a file: most calls do not find it. */
	static char buf[512];
	ok_errno(SYS3(SYS_read, path_fd, buf, 1), EBADF, "read of an O_PATH descriptor: EBADF");
	ok_errno(SYS4(SYS_pread64, path_fd, buf, 1, 0), EBADF, "pread64 of an O_PATH descriptor: EBADF");
	ok_errno(SYS1(SYS_fsync, path_fd), EBADF, "fsync of an O_PATH descriptor: EBADF");
	ok_errno(SYS1(SYS_syncfs, path_fd), EBADF, "syncfs of an O_PATH descriptor: EBADF");
	ok_errno(SYS2(SYS_flock, path_fd, LOCK_SH), EBADF, "flock of an O_PATH descriptor: EBADF");
	ok_errno(SYS4(SYS_fadvise64, path_fd, 0, 0, 0), EBADF, "fadvise64 of an O_PATH descriptor: EBADF");
	ok_errno(SYS3(SYS_fcntl, path_fd, F_GETLK, kernel_address), EBADF,
		 "fcntl(F_GETLK) of an O_PATH descriptor, before its pointer: EBADF");
	ok_errno(SYS3(SYS_fcntl, path_fd, 9999, 0), EBADF,
		 "an unknown fcntl command on an O_PATH descriptor: EBADF");
	ok(SYS3(SYS_fcntl, path_fd, F_GETFL, 0) >= 0, "fcntl(F_GETFL) of an O_PATH descriptor works");
	ok_value(SYS2(SYS_fstat, path_fd, buf), 0, "fstat of an O_PATH descriptor works");

	/* The descriptor comes before the rest. */
	ok_errno(SYS3(SYS_fcntl, -1, 9999, 0), EBADF, "fcntl(-1) with an unknown command: EBADF");
	ok_errno(SYS3(SYS_fcntl, -1, F_DUPFD, 1000000), EBADF, "fcntl(-1, F_DUPFD, 1000000): EBADF");
	ok_errno(SYS3(SYS_write, rdonly_fd, kernel_address, 4), EBADF,
		 "write to a read-only descriptor from a kernel address: EBADF");
	ok_errno(SYS2(SYS_dup2, 0, -1), EBADF, "dup2 to -1: EBADF");
	ok_errno(SYS2(SYS_dup2, 0, 1000000), EBADF, "dup2 to 1000000: EBADF");
	ok_errno(SYS2(SYS_dup2, closed_fd, closed_fd), EBADF, "dup2 of a closed descriptor onto itself: EBADF");
	ok_errno(SYS3(SYS_dup3, 0, 1000000, 0), EBADF, "dup3 to 1000000: EBADF");
	/* ... but not always. */
	ok_errno(SYS2(SYS_ftruncate, -1, -1), EINVAL, "ftruncate(-1) to a negative length: EINVAL");
	ok_errno(SYS4(SYS_pread64, -1, buf, 1, -1), EINVAL, "pread64(-1) at a negative offset: EINVAL");
	struct iovec iov = { buf, 1 };
	ok_errno(SYS4(SYS_preadv, -1, &iov, 1, -1), EINVAL, "preadv(-1) at a negative offset: EINVAL");
	ok_errno(SYS2(SYS_flock, -1, 0), EINVAL, "flock(-1) with no operation: EINVAL");
	ok_errno(SYS3(SYS_dup3, -1, -1, 0), EINVAL, "dup3(-1, -1): EINVAL");
	ok_errno(SYS4(SYS_sendfile, -1, -1, kernel_address, 1), EFAULT,
		 "sendfile(-1, -1) with a kernel address for the offset: EFAULT");
	ok_errno(SYS3(SYS_writev, rdonly_fd, NULL, 1), EFAULT,
		 "writev to a read-only descriptor with a NULL vector: EFAULT");
	struct iovec kiov = { kernel_address, 4 };
	ok_errno(SYS3(SYS_writev, rdonly_fd, &kiov, 1), EFAULT,
		 "writev to a read-only descriptor from a kernel address: EFAULT");
	ok_errno(SYS3(SYS_readv, null_fd, NULL, 0), EBADF,
		 "readv of a write-only descriptor with no vector: EBADF");
	ok_value(SYS3(SYS_readv, zero_fd, kernel_address, 0), 0, "readv of nothing ignores the vector pointer");

	/* Descriptors without positions, and positions that would overflow. */
	ok_errno(SYS4(SYS_pread64, pipe_wr, buf, 1, 0), ESPIPE,
		 "pread64 of a pipe's write end: ESPIPE, before its access mode");
	ok_errno(SYS4(SYS_pwrite64, pipe_rd, buf, 1, 0), ESPIPE,
		 "pwrite64 to a pipe's read end: ESPIPE, before its access mode");
	ok_errno(SYS4(SYS_preadv, pipe_rd, &iov, 1, 0), ESPIPE, "preadv of a pipe: ESPIPE");
	ok_value(SYS4(SYS_pread64, zero_fd, buf, 1, 0), 1, "pread64 of /dev/zero works");
	ok_errno(SYS4(SYS_pread64, file_fd, buf, 16, INT64_MAX - 4), EINVAL,
		 "pread64 whose range passes the largest offset: EINVAL");
	ok_errno(SYS4(SYS_pwrite64, file_fd, buf, 16, INT64_MAX - 4), EINVAL,
		 "pwrite64 whose range passes the largest offset: EINVAL");
	ok_errno(SYS4(SYS_pread64, zero_fd, buf, 16, INT64_MAX - 4), EINVAL,
		 "pread64 of /dev/zero whose range passes the largest offset: EINVAL");
	ok_errno(SYS4(SYS_preadv, file_fd, &iov, 1, INT64_MAX), EINVAL,
		 "preadv whose range passes the largest offset: EINVAL");
	int fd = open(FILE_PATH, O_RDWR);
	ok_value(SYS3(SYS_lseek, fd, INT64_MAX - 4, SEEK_SET), INT64_MAX - 4,
		 "lseek to 4 bytes before the largest offset");
	ok_errno(SYS3(SYS_read, fd, buf, 16), EINVAL, "read of 16 bytes there: EINVAL");
	ok_errno(SYS3(SYS_write, fd, buf, 16), EINVAL, "write of 16 bytes there: EINVAL");
	close(fd);
	ok_errno(SYS3(SYS_lseek, file_fd, 0, 99), EINVAL, "lseek with whence 99: EINVAL");
	ok_errno(SYS3(SYS_lseek, pipe_rd, 0, 99), EINVAL, "lseek of a pipe with whence 99: EINVAL");
	ok_errno(SYS3(SYS_lseek, null_fd, 0, 99), EINVAL, "lseek of /dev/null with whence 99: EINVAL");
	ok_errno(SYS3(SYS_lseek, pipe_rd, 0, SEEK_SET), ESPIPE, "lseek of a pipe: ESPIPE");
}

/* Run out of descriptors: what needs a new one fails with EMFILE, before its path. */
static void test_no_descriptor_left(void)
{
	struct rlimit old, few = { 16, 16 };
	int fds[32], n = 0;

	getrlimit(RLIMIT_NOFILE, &old);
	setrlimit(RLIMIT_NOFILE, &few);
	while (n < 32 && (fds[n] = dup(0)) >= 0)
		n++;
	ok_errno(SYS3(SYS_open, "/nonexistent", O_RDONLY, 0), EMFILE,
		 "open of a missing file with no descriptor left: EMFILE");
	ok_errno(SYS3(SYS_open, DIR_PATH, O_CREAT | O_EXCL | O_RDONLY, 0600), EMFILE,
		 "open(O_CREAT|O_EXCL) of an existing name with no descriptor left: EMFILE");
	ok_errno(SYS3(SYS_open, kernel_address, O_RDONLY, 0), EFAULT,
		 "open of a kernel address with no descriptor left: EFAULT (the path first)");
	ok_errno(SYS1(SYS_pipe, kernel_address), EMFILE,
		 "pipe into a kernel address with no descriptor left: EMFILE");
	ok_errno(SYS3(SYS_fcntl, 0, F_DUPFD, 100), EINVAL, "fcntl(F_DUPFD) past the limit: EINVAL");
	ok_errno(SYS3(SYS_poll, NULL, 17, 0), EINVAL, "poll of more descriptors than the limit: EINVAL");
	for (int i = 0; i < n; i++)
		close(fds[i]);
	setrlimit(RLIMIT_NOFILE, &old);

	struct rlimit more = { 4096, 4096 };
	setrlimit(RLIMIT_NOFILE, &more);
	struct pollfd *many = calloc(2000, sizeof(*many));
	for (int i = 0; many && i < 2000; i++)
		many[i].fd = -1;
	ok_value(SYS3(SYS_poll, many, 2000, 0), 0, "poll of 2000 entries under a limit of 4096");
	free(many);
	setrlimit(RLIMIT_NOFILE, &old);
}

/* ------------------------------------------------------------ pids */

static void test_bad_pids(void)
{
	const int nobody = INT32_MAX;	/* never a pid */
	int info[32] = { 0 };
	char buf[512];

	info[2] = SI_QUEUE;
	ok_errno(SYS1(SYS_getpgid, nobody), ESRCH, "getpgid of no process: ESRCH");
	ok_errno(SYS1(SYS_getpgid, -1), ESRCH, "getpgid(-1): ESRCH");
	ok_errno(SYS1(SYS_getsid, nobody), ESRCH, "getsid of no process: ESRCH");
	ok_errno(SYS1(SYS_getsid, -5), ESRCH, "getsid(-5): ESRCH");
	ok_errno(SYS2(SYS_setpgid, nobody, 0), ESRCH, "setpgid of no process: ESRCH");
	ok_errno(SYS2(SYS_setpgid, -5, 0), EINVAL, "setpgid(-5, 0): the group is -5: EINVAL");
	ok_errno(SYS2(SYS_setpgid, 0, -1), EINVAL, "setpgid to group -1: EINVAL");
	ok_errno(SYS2(SYS_setpgid, 1, 0), ESRCH, "setpgid of a process not our child: ESRCH");
	ok_errno(SYS2(SYS_kill, nobody, 0), ESRCH, "kill of no process: ESRCH");
	ok_errno(SYS2(SYS_kill, nobody, 1000), ESRCH, "kill of no process with signal 1000: ESRCH first");
	ok_errno(SYS2(SYS_kill, -nobody, 0), ESRCH, "kill of no process group: ESRCH");
	ok_errno(SYS2(SYS_kill, INT32_MIN, 1000), ESRCH, "kill(INT_MIN) with signal 1000: ESRCH");
	ok_errno(SYS2(SYS_kill, getpid(), 1000), EINVAL, "kill of ourselves with signal 1000: EINVAL");
	ok_errno(SYS2(SYS_kill, getpid(), 65), EINVAL, "kill of ourselves with signal 65: EINVAL");
	ok_errno(SYS2(SYS_kill, getpid(), -1), EINVAL, "kill of ourselves with signal -1: EINVAL");
	ok_errno(SYS2(SYS_kill, 0, 1000), EINVAL, "kill of our group with signal 1000: EINVAL");
	ok_errno(SYS2(SYS_tkill, nobody, 1000), ESRCH, "tkill of no thread with signal 1000: ESRCH");
	ok_errno(SYS2(SYS_tkill, 0, 0), EINVAL, "tkill(0): EINVAL");
	ok_errno(SYS2(SYS_tkill, -1, 0), EINVAL, "tkill(-1): EINVAL");
	ok_errno(SYS3(SYS_tgkill, getpid(), nobody, 0), ESRCH, "tgkill of no thread: ESRCH");
	ok_errno(SYS3(SYS_tgkill, nobody, nobody, 1000), ESRCH,
		 "tgkill of no thread with signal 1000: ESRCH first");
	ok_errno(SYS3(SYS_tgkill, 0, 1, 0), EINVAL, "tgkill with thread group 0: EINVAL");
	ok_errno(SYS3(SYS_tgkill, getpid(), getpid(), 1000), EINVAL,
		 "tgkill of ourselves with signal 1000: EINVAL");
	ok_errno(SYS3(SYS_tgkill, 1, getpid(), 0), ESRCH, "tgkill with the wrong thread group: ESRCH");
	ok_errno(SYS3(SYS_rt_sigqueueinfo, nobody, SIGUSR1, info), ESRCH,
		 "rt_sigqueueinfo to no process: ESRCH");
	ok_errno(SYS3(SYS_rt_sigqueueinfo, nobody, 1000, info), ESRCH,
		 "rt_sigqueueinfo to no process with signal 1000: ESRCH first");
	ok_errno(SYS3(SYS_rt_sigqueueinfo, 0, SIGUSR1, info), ESRCH,
		 "rt_sigqueueinfo to pid 0: ESRCH");
	ok_errno(SYS3(SYS_rt_sigqueueinfo, getpid(), 1000, info), EINVAL,
		 "rt_sigqueueinfo to ourselves with signal 1000: EINVAL");
	ok_errno(SYS4(SYS_rt_tgsigqueueinfo, nobody, nobody, SIGUSR1, info), ESRCH,
		 "rt_tgsigqueueinfo to no thread: ESRCH");
	ok_errno(SYS4(SYS_rt_tgsigqueueinfo, 0, 0, SIGUSR1, info), EINVAL,
		 "rt_tgsigqueueinfo to thread 0: EINVAL");
	ok_errno(SYS4(SYS_prlimit64, nobody, RLIMIT_CORE, NULL, buf), ESRCH,
		 "prlimit64 of no process: ESRCH");
	ok_errno(SYS4(SYS_prlimit64, -1, RLIMIT_CORE, NULL, buf), ESRCH, "prlimit64(-1): ESRCH");
	ok_errno(SYS4(SYS_prlimit64, -1, 99, NULL, buf), ESRCH,
		 "prlimit64(-1) of resource 99: ESRCH first");
	ok_errno(SYS3(SYS_sched_getaffinity, nobody, 8, buf), ESRCH,
		 "sched_getaffinity of no process: ESRCH");
	ok_errno(SYS3(SYS_sched_getaffinity, -1, 8, buf), ESRCH, "sched_getaffinity(-1): ESRCH");
	ok_errno(SYS3(SYS_sched_getaffinity, nobody, 4, buf), EINVAL,
		 "sched_getaffinity of no process into 4 bytes: EINVAL first");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETOWN, nobody), ESRCH, "F_SETOWN to no process: ESRCH");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETOWN, -nobody), ESRCH, "F_SETOWN to no group: ESRCH");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETOWN, INT32_MIN), EINVAL, "F_SETOWN to INT_MIN: EINVAL");
	ok_value(SYS3(SYS_fcntl, file_fd, F_SETOWN, getpid()), 0, "F_SETOWN to ourselves");
	ok_value(SYS3(SYS_fcntl, file_fd, F_GETOWN, 0), getpid(), "F_GETOWN gives it back");
	SYS3(SYS_fcntl, file_fd, F_SETOWN, 0);

	/* Waiting with no child. */
	ok_errno(SYS4(SYS_wait4, -1, NULL, 0, NULL), ECHILD, "wait4 with no child: ECHILD");
	ok_errno(SYS4(SYS_wait4, nobody, NULL, 0, NULL), ECHILD, "wait4 for no process: ECHILD");
	ok_errno(SYS4(SYS_wait4, 0, NULL, WNOHANG, NULL), ECHILD, "wait4 for our group, no child: ECHILD");
	ok_errno(SYS4(SYS_wait4, INT32_MIN, NULL, 0, NULL), ESRCH, "wait4(INT_MIN): ESRCH");
	ok_errno(SYS4(SYS_wait4, -1, kernel_address, 0, NULL), ECHILD,
		 "wait4 with no child and a kernel address for the status: ECHILD");
	siginfo_t si;
	memset(&si, 0x55, sizeof(si));
	ok_errno(SYS5(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL), ECHILD, "waitid with no child: ECHILD");
	ok(si.si_signo == 0 && si.si_pid == 0, "... and it cleared the siginfo all the same");
	ok_errno(SYS5(SYS_waitid, P_PID, nobody, &si, WEXITED, NULL), ECHILD,
		 "waitid for no process: ECHILD");
	ok_errno(SYS5(SYS_waitid, P_PGID, nobody, &si, WEXITED, NULL), ECHILD,
		 "waitid for no process group: ECHILD");
	ok_errno(SYS5(SYS_waitid, XP_PIDFD, 1000000, &si, WEXITED, NULL), EBADF,
		 "waitid for pidfd 1000000: EBADF");
	ok_errno(SYS5(SYS_waitid, XP_PIDFD, 0, &si, WEXITED, NULL), EBADF,
		 "waitid for a descriptor that is no pidfd: EBADF");
	ok_errno(SYS5(SYS_waitid, XP_PIDFD, -1, &si, WEXITED, NULL), EINVAL, "waitid for pidfd -1: EINVAL");
	ok_errno(SYS5(SYS_waitid, P_PID, 0, &si, WEXITED, NULL), EINVAL, "waitid for pid 0: EINVAL");
	ok_errno(SYS5(SYS_waitid, P_PGID, -1, &si, WEXITED, NULL), EINVAL, "waitid for group -1: EINVAL");
	ok_errno(SYS5(SYS_waitid, 99, 0, &si, WEXITED, NULL), EINVAL, "waitid of type 99: EINVAL");
	ok_errno(SYS5(SYS_waitid, P_ALL, 0, NULL, 0, NULL), EINVAL, "waitid without WEXITED etc.: EINVAL");
	ok_errno(SYS4(SYS_wait4, -1, NULL, 0x1000000, NULL), EINVAL, "wait4 with an unknown option: EINVAL");
	/* waitid writes its siginfo whatever happened: a bad one turns errors into EFAULT. */
	ok_errno(SYS5(SYS_waitid, P_ALL, 0, kernel_address, WEXITED, NULL), EFAULT,
		 "waitid with no child into a kernel address: EFAULT");
	ok_errno(SYS5(SYS_waitid, P_ALL, 0, kernel_address, 0, NULL), EFAULT,
		 "waitid with no options into a kernel address: EFAULT");
	ok_errno(SYS5(SYS_waitid, P_ALL, 0, (void *)(USER_TOP - 64), WEXITED, NULL), EFAULT,
		 "waitid into a siginfo running past the end of user space: EFAULT");
}

/*
 * Wait until pid runs the program called comm: the end of file on a close-on-exec
 * pipe says its execve has begun, not that it has finished (on several CPUs
 * Linux's parent may run before the child's exec is done), while the name is
 * set once the process counts as having exec'd, in Linux and in calf.
 */
static void wait_until_running(pid_t pid, const char *comm)
{
	char path[64], name[32];

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	for (int tries = 0; tries < 5000; tries++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, name, sizeof name - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			name[n] = '\0';
			if (strncmp(name, comm, strlen(comm)) == 0 && name[strlen(comm)] == '\n')
				return;
		}
		sleep_ms(1);
	}
}

/* A child that called execve may not be moved to another group (EACCES); a zombie,
 * which did not, may; a reaped child is gone (ESRCH). Its limits outlive it. */
static void test_child_pids(void)
{
	int fds[2];
	char byte;

	if (pipe2(fds, O_CLOEXEC) < 0)
		bail("pipe2 failed");
	pid_t child = xfork();
	if (child == 0) {
		close(fds[0]);
		execl("/bin/sleep", "sleep", "10", (char *)NULL);
		_exit(9);
	}
	close(fds[1]);
	read(fds[0], &byte, 1);		/* EOF: the child's execve has begun */
	close(fds[0]);
	wait_until_running(child, "sleep");
	ok_errno(SYS2(SYS_setpgid, child, child), EACCES, "setpgid of a child that called execve: EACCES");
	ok_errno(SYS2(SYS_setpgid, child, 0), EACCES, "setpgid(child, 0) after its execve: EACCES");
	kill(child, SIGKILL);
	wait_status(child);
	ok_errno(SYS1(SYS_getpgid, child), ESRCH, "getpgid of a reaped child: ESRCH");
	ok_errno(SYS2(SYS_setpgid, child, 0), ESRCH, "setpgid of a reaped child: ESRCH");

	child = xfork();
	if (child == 0)
		_exit(0);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	waitid(P_PID, child, &si, WEXITED | WNOWAIT);	/* a zombie now */
	struct rlimit rl;
	ok_value(SYS4(SYS_prlimit64, child, RLIMIT_CORE, NULL, &rl), 0, "prlimit64 of a zombie child works");
	ok_value(SYS1(SYS_getpgid, child), getpgrp(), "getpgid of a zombie child: our group");
	ok_value(SYS2(SYS_kill, child, 0), 0, "kill(zombie, 0) works");
	ok_value(SYS2(SYS_setpgid, child, 0), 0, "setpgid of a zombie that never called execve works");
	wait_status(child);
}

/* ------------------------------------------------------------ memory */

static void test_memory(void)
{
	char *page = scratch;	/* three mapped pages, then the hole */

	ok_errno(SYS2(SYS_munmap, 0x10000, -1), EINVAL, "munmap of length -1: EINVAL");
	ok_errno(SYS2(SYS_munmap, 0x10000, -4097), EINVAL, "munmap of length -4097: EINVAL");
	ok_errno(SYS2(SYS_munmap, 0x10000, 0), EINVAL, "munmap of length 0: EINVAL");
	ok_errno(SYS2(SYS_munmap, noncanonical_high, PAGE), EINVAL, "munmap of a non-canonical address: EINVAL");

	ok_errno(SYS3(SYS_mprotect, 0x10000, -4096, 0xff), ENOMEM,
		 "mprotect whose range overflows, with bad bits too: ENOMEM first");
	ok_value(SYS3(SYS_mprotect, page, 0, 0xff), 0, "mprotect of length 0 with bad bits: done");
	ok_value(SYS3(SYS_mprotect, page, PAGE, PROT_READ | PROT_WRITE | XPROT_SEM), 0,
		 "mprotect with PROT_SEM works");
	ok_errno(SYS3(SYS_mprotect, page, PAGE, PROT_READ | XPROT_GROWSDOWN | XPROT_GROWSUP), EINVAL,
		 "mprotect with both PROT_GROWSDOWN and PROT_GROWSUP: EINVAL");
	ok_errno(SYS3(SYS_mprotect, page, PAGE, PROT_READ | PROT_WRITE | XPROT_GROWSDOWN), EINVAL,
		 "mprotect(PROT_GROWSDOWN) of a region that does not grow: EINVAL");
	ok_errno(SYS3(SYS_mprotect, page, PAGE, PROT_READ | 0x100), EINVAL,
		 "mprotect with an unknown bit: EINVAL");
	ok_errno(SYS3(SYS_mprotect, unmapped, PAGE, 0xff), EINVAL,
		 "mprotect of an unmapped page with bad bits: EINVAL, the bits first");
	ok_errno(SYS3(SYS_mprotect, straddle, 2 * PAGE, PROT_READ), ENOMEM,
		 "mprotect of a mapped page and a hole: ENOMEM");
	pid_t child = xfork();
	if (child == 0) {
		straddle[0] = 1;	/* read-only now, as on Linux: the mapped part changed */
		_exit(0);
	}
	ok_killed(wait_status(child), SIGSEGV, "... which made the mapped page read-only all the same");
	SYS3(SYS_mprotect, straddle, PAGE, PROT_READ | PROT_WRITE);

	ok_errno(SYS3(SYS_madvise, unmapped, PAGE, MADV_NORMAL), ENOMEM, "madvise(MADV_NORMAL) of a hole: ENOMEM");
	ok_errno(SYS3(SYS_madvise, unmapped, PAGE, MADV_WILLNEED), ENOMEM,
		 "madvise(MADV_WILLNEED) of a hole: ENOMEM");
	ok_errno(SYS3(SYS_madvise, straddle, 2 * PAGE, MADV_NORMAL), ENOMEM,
		 "madvise of a mapped page and a hole: ENOMEM");
	ok_errno(SYS3(SYS_madvise, kernel_address, PAGE, MADV_NORMAL), ENOMEM,
		 "madvise of a kernel address: ENOMEM");
	ok_errno(SYS3(SYS_madvise, unmapped + 1, PAGE, 999), EINVAL, "madvise with advice 999: EINVAL");
	ok_errno(SYS3(SYS_madvise, 0x10000, -1, MADV_NORMAL), EINVAL,
		 "madvise of a length that rounds up to 0: EINVAL");
	ok_value(SYS3(SYS_madvise, kernel_address, 0, MADV_NORMAL), 0, "madvise of length 0: done");
	ok_value(SYS3(SYS_madvise, page, 0, MADV_DONTNEED), 0, "madvise(MADV_DONTNEED) of length 0: done");

	ok_errno(SYS3(SYS_msync, unmapped, PAGE, MS_SYNC), ENOMEM, "msync of a hole: ENOMEM");
	ok_errno(SYS3(SYS_msync, straddle, 2 * PAGE, MS_ASYNC), ENOMEM,
		 "msync of a mapped page and a hole: ENOMEM");
	ok_errno(SYS3(SYS_msync, kernel_address, PAGE, MS_SYNC), ENOMEM, "msync of a kernel address: ENOMEM");
	ok_errno(SYS3(SYS_msync, 0x10000, -8192, MS_SYNC), ENOMEM, "msync whose range overflows: ENOMEM");
	ok_errno(SYS3(SYS_msync, page, PAGE, MS_SYNC | MS_ASYNC), EINVAL, "msync(MS_SYNC|MS_ASYNC): EINVAL");
	ok_errno(SYS3(SYS_msync, page, PAGE, 8), EINVAL, "msync with flag 8: EINVAL");
	ok_errno(SYS3(SYS_msync, page + 1, PAGE, MS_SYNC), EINVAL, "msync of an unaligned address: EINVAL");
	ok_value(SYS3(SYS_msync, unmapped, 0, MS_SYNC), 0, "msync of length 0: done");
	ok_value(SYS3(SYS_msync, page, 2 * PAGE, MS_SYNC), 0, "msync of mapped memory works");

	ok_errno(SYS2(SYS_mlock, unmapped, PAGE), ENOMEM, "mlock of a hole: ENOMEM");
	ok_errno(SYS2(SYS_munlock, unmapped, PAGE), ENOMEM, "munlock of a hole: ENOMEM");
	ok_errno(SYS2(SYS_mlock, straddle, 2 * PAGE), ENOMEM, "mlock of a mapped page and a hole: ENOMEM");
	ok_errno(SYS2(SYS_mlock, kernel_address, PAGE), ENOMEM, "mlock of a kernel address: ENOMEM");
	ok_errno(SYS2(SYS_mlock, 0x10000, -8192), EINVAL, "mlock whose range overflows: EINVAL");
	ok_errno(SYS2(SYS_munlock, 0x10000, -8192), EINVAL, "munlock whose range overflows: EINVAL");
	ok_value(SYS2(SYS_mlock, page, -1), 0, "mlock of a length that rounds up to 0: done");
	ok_value(SYS2(SYS_mlock, page + 1, PAGE), 0, "mlock of an unaligned mapped range works");
	ok_value(SYS2(SYS_munlock, page + 1, PAGE), 0, "munlock of it works");

	ok_errno(SYS6(SYS_mmap, 0xffffffff80000001ul, PAGE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM,
		 "mmap(MAP_FIXED) at an unaligned kernel address: ENOMEM first");
	ok_errno(SYS6(SYS_mmap, 0x10001, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		 EINVAL, "mmap(MAP_FIXED) at an unaligned address: EINVAL");
	ok_errno(SYS6(SYS_mmap, 0, -1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
		 "mmap of length -1: ENOMEM");
	ok_errno(SYS6(SYS_mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,
		 "mmap with neither MAP_PRIVATE nor MAP_SHARED: EINVAL");
	ok_errno(SYS6(SYS_mmap, page, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | XMAP_FIXED_NOREPLACE, -1, 0),
		 EEXIST, "mmap(MAP_FIXED_NOREPLACE) over a mapping: EEXIST");
	ok_errno(SYS6(SYS_mmap, page, PAGE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | XMAP_FIXED_NOREPLACE, -1, 0),
		 EEXIST, "mmap(MAP_FIXED|MAP_FIXED_NOREPLACE) over a mapping: EEXIST");
	/* From 64 GiB to the mappings below the stack: 2^35 pages, checked at once. */
	ok_errno(SYS6(SYS_mmap, 1ul << 36, 0x7ffff7fff000ul - (1ul << 36), PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | XMAP_FIXED_NOREPLACE, -1, 0),
		 EEXIST, "mmap(MAP_FIXED_NOREPLACE) of most of user space: EEXIST");
	ok_errno(SYS6(SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, file_fd, 0), EOPNOTSUPP,
		 "mmap(MAP_SHARED_VALIDATE) with an unknown flag: EOPNOTSUPP");
	long low = SYS6(SYS_mmap, 0x1000, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ok_value(low, 0x1000, "mmap(MAP_FIXED) below vm.mmap_min_addr works for root");
	if (low == 0x1000)
		munmap((void *)low, PAGE);
	long none = SYS6(SYS_mmap, 0, PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ok(none > 0, "mmap of shared anonymous PROT_NONE memory works");
	if (none > 0)
		munmap((void *)none, PAGE);
	none = SYS6(SYS_mmap, 0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ok(none > 0, "mmap(MAP_POPULATE) of PROT_NONE memory works");
	if (none > 0)
		munmap((void *)none, PAGE);

	long brk = SYS1(SYS_brk, 0);
	ok_value(SYS1(SYS_brk, -1), brk, "brk(-1) leaves the break (and the program)");
	ok_value(SYS1(SYS_brk, -4095), brk, "brk(-4095) leaves the break");
	ok_value(SYS1(SYS_brk, 1ul << 47), brk, "brk to the end of user space leaves the break");
}

/* ------------------------------------------------------------ partial copies */

static void test_partial_copies(void)
{
	char *edge = straddle + PAGE - 8;	/* 8 bytes, then the hole */
	struct iovec iov = { edge, 64 };

	ok_value(SYS4(SYS_pread64, file_fd, edge, 64, 0), 8,
		 "pread64 into a buffer running into a hole: the 8 bytes that fit");
	ok_value(SYS4(SYS_preadv, file_fd, &iov, 1, 0), 8, "preadv into it: 8");
	memcpy(edge, "ABCDEFGH", 8);
	ok_value(SYS4(SYS_pwrite64, file_fd, edge, 64, 0), 8,
		 "pwrite64 from a buffer running into a hole: the 8 bytes before it");
	ok_value(SYS4(SYS_pwrite64, file_fd, edge, 64, 4090), 8,
		 "... also when the file's page boundary comes first");
	char back[8];
	pread(file_fd, back, 8, 0);
	ok(memcmp(back, "ABCDEFGH", 8) == 0, "... and they are in the file");
	ok_value(SYS3(SYS_getrandom, edge, 64, 0), 8, "getrandom into a buffer running into a hole: 8");
	ok_value(SYS3(SYS_getrandom, straddle + PAGE - 100, 1000, 0), 100, "getrandom of 1000 with 100 mapped: 100");
	ok_errno(SYS3(SYS_getrandom, unmapped, 16, 0), EFAULT, "getrandom into a hole: EFAULT");
	ok_value(SYS3(SYS_sched_getaffinity, 0, 1 << 20, edge), 8,
		 "sched_getaffinity writes its 8 bytes, whatever the size");
	ok_value(SYS3(SYS_sched_getaffinity, 0, 0x7ffffffffffffff8ul, edge), 8,
		 "... even a size past user space");

	/* getdents: records go out one by one; the first that does not fit is the end. */
	int dir = open(DIR_PATH, O_RDONLY | O_DIRECTORY);
	ok_value(SYS3(SYS_getdents64, dir, straddle + PAGE - 40, 4096), 24,
		 "getdents64 into 40 bytes before a hole: the one record that fits");
	char buf[4096];
	long n = SYS3(SYS_getdents64, dir, buf, sizeof(buf));
	struct dirent64 *d = (struct dirent64 *)buf;
	ok(n > 0 && strcmp(d->d_name, "..") == 0, "the next call goes on after it");
	ok_value(SYS3(SYS_getdents64, dir, buf, sizeof(buf)), 0, "then the end");
	ok_value(SYS3(SYS_getdents64, dir, kernel_address, 4096), 0,
		 "getdents64 at the end ignores the buffer");
	lseek(dir, 0, SEEK_SET);
	ok_errno(SYS3(SYS_getdents64, dir, kernel_address, 0), EINVAL,
		 "getdents64 into a kernel address with count 0: EINVAL (nothing fits)");
	ok_errno(SYS3(SYS_getdents64, dir, buf, 1), EINVAL, "getdents64 with count 1: EINVAL");
	ok_errno(SYS3(SYS_getdents64, dir, buf, 0x80000000u), EINVAL,
		 "getdents64 with a count of 2 GiB (a negative int): EINVAL");
	ok_errno(SYS3(SYS_getdents64, dir, kernel_address, 4096), EFAULT, "getdents64 into a kernel address: EFAULT");
	ok_value(SYS3(SYS_getdents, dir, straddle + PAGE - 40, 4096), 24,
		 "getdents (old format) into 40 bytes before a hole: one record");
	ok_errno(SYS3(SYS_getdents, dir, unmapped, 4096), EFAULT, "getdents into a hole: EFAULT");
	ok_errno(SYS3(SYS_getdents64, file_fd, buf, 4096), ENOTDIR, "getdents64 of a file: ENOTDIR");
	close(dir);

	mkdir(DIR_PATH "/gone", 0755);
	dir = open(DIR_PATH "/gone", O_RDONLY | O_DIRECTORY);
	rmdir(DIR_PATH "/gone");
	ok_errno(SYS3(SYS_getdents64, dir, kernel_address, 4096), ENOENT,
		 "getdents64 of a removed directory: ENOENT");
	fchdir(dir);
	ok_errno(SYS2(SYS_getcwd, kernel_address, 4096), ENOENT,
		 "getcwd in a removed directory: ENOENT, before the buffer");
	chdir("/");
	close(dir);
}

/* ------------------------------------------------------------ files */

static void test_file_calls(void)
{
	static char buf[512];
	struct stat st;

	/* Paths. */
	ok_errno(SYS4(SYS_openat, AT_FDCWD, kernel_address, O_RDONLY, 0), EFAULT, "openat of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_creat, noncanonical_low, 0644), EFAULT, "creat of a non-canonical address: EFAULT");
	ok_errno(SYS2(SYS_lstat, kernel_address, &st), EFAULT, "lstat of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_stat, "/", straddle + PAGE - 8), EFAULT, "stat into a buffer running into a hole: EFAULT");
	ok_errno(SYS2(SYS_stat, "/", (void *)(USER_TOP - 8)), EFAULT,
		 "stat into a buffer running past the end of user space: EFAULT");
	ok_errno(SYS4(SYS_newfstatat, AT_FDCWD, kernel_address, &st, 0), EFAULT, "newfstatat of a kernel address: EFAULT");
	ok_errno(SYS4(SYS_newfstatat, AT_FDCWD, "/", readonly, 0), EFAULT, "newfstatat into a read-only page: EFAULT");
	ok_errno(SYS5(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, kernel_address), EFAULT, "statx into a kernel address: EFAULT");
	ok_errno(SYS5(SYS_statx, AT_FDCWD, unmapped, 0, 0x7ff, buf), EFAULT, "statx of an unmapped path: EFAULT");
	ok_errno(SYS2(SYS_statfs, kernel_address, buf), EFAULT, "statfs of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_statfs, "/", kernel_address), EFAULT, "statfs into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_fstatfs, file_fd, unmapped), EFAULT, "fstatfs into a hole: EFAULT");
	ok_errno(SYS2(SYS_access, kernel_address, F_OK), EFAULT, "access of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_faccessat, AT_FDCWD, unmapped, F_OK), EFAULT, "faccessat of a hole: EFAULT");
	ok_errno(SYS4(SYS_faccessat2, AT_FDCWD, noncanonical_high, F_OK, 0), EFAULT,
		 "faccessat2 of a non-canonical address: EFAULT");
	ok_errno(SYS2(SYS_chmod, kernel_address, 0644), EFAULT, "chmod of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_fchmodat, AT_FDCWD, unmapped, 0644), EFAULT, "fchmodat of a hole: EFAULT");
	ok_errno(SYS3(SYS_chown, kernel_address, -1, -1), EFAULT, "chown of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_lchown, unmapped, -1, -1), EFAULT, "lchown of a hole: EFAULT");
	ok_errno(SYS5(SYS_fchownat, AT_FDCWD, kernel_address, -1, -1, 0), EFAULT, "fchownat of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_truncate, kernel_address, 0), EFAULT, "truncate of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_truncate, kernel_address, -1), EINVAL, "truncate of a kernel address to -1: EINVAL first");
	ok_errno(SYS2(SYS_mkdir, kernel_address, 0755), EFAULT, "mkdir of a kernel address: EFAULT");
	memcpy(straddle + PAGE - 2, "ab", 2);
	ok_errno(SYS3(SYS_mkdirat, AT_FDCWD, straddle + PAGE - 2, 0755), EFAULT,
		 "mkdirat of a path running into a hole: EFAULT");
	ok_errno(SYS3(SYS_mknod, kernel_address, S_IFIFO | 0600, 0), EFAULT, "mknod of a kernel address: EFAULT");
	ok_errno(SYS4(SYS_mknodat, AT_FDCWD, unmapped, S_IFIFO | 0600, 0), EFAULT, "mknodat of a hole: EFAULT");
	ok_errno(SYS3(SYS_mknod, kernel_address, 0170000 | 0600, 0), EINVAL,
		 "mknod of an unknown type at a kernel address: EINVAL first");
	ok_errno(SYS3(SYS_mknod, kernel_address, S_IFDIR | 0600, 0), EPERM,
		 "mknod of a directory at a kernel address: EPERM first");
	ok_errno(SYS1(SYS_rmdir, kernel_address), EFAULT, "rmdir of a kernel address: EFAULT");
	ok_errno(SYS1(SYS_unlink, unmapped), EFAULT, "unlink of a hole: EFAULT");
	ok_errno(SYS3(SYS_unlinkat, AT_FDCWD, kernel_address, 0), EFAULT, "unlinkat of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_unlinkat, AT_FDCWD, kernel_address, 1), EINVAL,
		 "unlinkat of a kernel address with flag 1: EINVAL first");
	ok_errno(SYS2(SYS_rename, kernel_address, DIR_PATH "/x"), EFAULT, "rename from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_rename, FILE_PATH, kernel_address), EFAULT, "rename to a kernel address: EFAULT");
	ok_errno(SYS2(SYS_rename, "/nonexistent/a", kernel_address), ENOENT,
		 "rename from a missing directory to a kernel address: ENOENT first");
	ok_errno(SYS4(SYS_renameat, AT_FDCWD, unmapped, AT_FDCWD, DIR_PATH "/x"), EFAULT, "renameat from a hole: EFAULT");
	ok_errno(SYS5(SYS_renameat2, AT_FDCWD, kernel_address, AT_FDCWD, kernel_address, 0x100), EINVAL,
		 "renameat2 of kernel addresses with an unknown flag: EINVAL first");
	ok_errno(SYS5(SYS_renameat2, AT_FDCWD, FILE_PATH, AT_FDCWD, LINK_PATH, 3), EINVAL,
		 "renameat2(RENAME_NOREPLACE|RENAME_EXCHANGE): EINVAL");
	ok_errno(SYS2(SYS_link, kernel_address, DIR_PATH "/x"), EFAULT, "link from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_link, FILE_PATH, unmapped), EFAULT, "link to a hole: EFAULT");
	ok_errno(SYS5(SYS_linkat, AT_FDCWD, kernel_address, AT_FDCWD, kernel_address, 1), EINVAL,
		 "linkat of kernel addresses with flag 1: EINVAL first");
	ok_errno(SYS2(SYS_symlink, kernel_address, DIR_PATH "/x"), EFAULT, "symlink to a kernel address: EFAULT");
	ok_errno(SYS2(SYS_symlink, "x", kernel_address), EFAULT, "symlink at a kernel address: EFAULT");
	ok_errno(SYS3(SYS_symlinkat, unmapped, AT_FDCWD, DIR_PATH "/x"), EFAULT, "symlinkat to a hole: EFAULT");
	ok_errno(SYS3(SYS_readlink, kernel_address, buf, 10), EFAULT, "readlink of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_readlink, LINK_PATH, kernel_address, 10), EFAULT, "readlink into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_readlink, LINK_PATH, readonly, 10), EFAULT, "readlink into a read-only page: EFAULT");
	ok_errno(SYS3(SYS_readlink, LINK_PATH, unmapped, 10), EFAULT, "readlink into a hole: EFAULT");
	ok_errno(SYS3(SYS_readlink, kernel_address, buf, 0), EINVAL,
		 "readlink of a kernel address into 0 bytes: EINVAL first");
	ok_errno(SYS3(SYS_readlink, "", buf, 10), ENOENT, "readlink of an empty path: ENOENT");
	ok_errno(SYS4(SYS_readlinkat, dir_fd, "", buf, 10), ENOENT,
		 "readlinkat of a directory descriptor, empty path: ENOENT");
	ok_errno(SYS3(SYS_readlink, "/", buf, 10), EINVAL, "readlink of a directory: EINVAL");
	ok_errno(SYS1(SYS_chdir, kernel_address), EFAULT, "chdir to a kernel address: EFAULT");
	ok_errno(SYS1(SYS_fchdir, file_fd), ENOTDIR, "fchdir to a file: ENOTDIR");
	ok_errno(SYS2(SYS_getcwd, kernel_address, 1), ERANGE, "getcwd into 1 byte at a kernel address: ERANGE");
	ok_errno(SYS2(SYS_getcwd, NULL, 0), ERANGE, "getcwd into nothing: ERANGE");
	ok_errno(SYS2(SYS_getcwd, readonly, 4096), EFAULT, "getcwd into a read-only page: EFAULT");

	/* utimensat, utimes. */
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	struct timespec bad_ns[2] = { { 0, 1000000000 }, { 0, 0 } };
	ok_value(SYS4(SYS_utimensat, AT_FDCWD, kernel_address, omit, 0), 0,
		 "utimensat of a kernel address with both times UTIME_OMIT: done, nothing looked at");
	ok_value(SYS4(SYS_utimensat, AT_FDCWD, kernel_address, omit, 0x8000), 0,
		 "... even with an unknown flag");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, FILE_PATH, kernel_address, 0), EFAULT,
		 "utimensat with a kernel address for the times: EFAULT");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, FILE_PATH, kernel_address, 0x8000), EFAULT,
		 "... also with an unknown flag: EFAULT first");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, FILE_PATH, straddle + PAGE - 16, 0), EFAULT,
		 "utimensat with times running into a hole: EFAULT");
	ok_errno(SYS4(SYS_utimensat, file_fd, NULL, NULL, AT_SYMLINK_NOFOLLOW), EINVAL,
		 "futimens with a flag: EINVAL");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), EFAULT, "utimensat(AT_FDCWD, NULL): EFAULT");
	ok_errno(SYS4(SYS_utimensat, path_fd, NULL, NULL, 0), EBADF, "futimens of an O_PATH descriptor: EBADF");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, "/nonexistent", bad_ns, 0), ENOENT,
		 "utimensat of a missing file with bad nanoseconds: ENOENT first");
	ok_errno(SYS4(SYS_utimensat, AT_FDCWD, FILE_PATH, bad_ns, 0), EINVAL,
		 "utimensat with bad nanoseconds: EINVAL");
	ok_value(SYS3(SYS_futimesat, file_fd, NULL, NULL), 0, "futimesat of a descriptor with a NULL path works");
	ok_errno(SYS3(SYS_futimesat, AT_FDCWD, NULL, NULL), EFAULT, "futimesat(AT_FDCWD, NULL): EFAULT");
	struct timeval bad_us[2] = { { 0, -1 }, { 0, 0 } };
	ok_errno(SYS2(SYS_utimes, kernel_address, bad_us), EINVAL,
		 "utimes of a kernel address with bad microseconds: EINVAL first");
	ok_errno(SYS2(SYS_utimes, FILE_PATH, kernel_address), EFAULT, "utimes with a kernel address for the times: EFAULT");

	/* Opening. */
	ok_errno(SYS3(SYS_open, kernel_address, XO_TMPFILE | O_RDONLY, 0), EINVAL,
		 "open(O_TMPFILE|O_RDONLY) of a kernel address: EINVAL before the path");
	ok_errno(SYS3(SYS_open, "/tmp", (XO_TMPFILE & ~O_DIRECTORY) | O_RDWR, 0), EINVAL,
		 "open with O_TMPFILE's bit but not O_DIRECTORY: EINVAL");
	ok_errno(SYS3(SYS_open, kernel_address, O_DIRECTORY | O_CREAT | O_RDONLY, 0600), EINVAL,
		 "open(O_DIRECTORY|O_CREAT) of a kernel address: EINVAL before the path");
	long fd = SYS3(SYS_open, FILE_PATH, 3, 0);	/* (musl's O_ACCMODE has O_PATH in it) */
	ok(fd >= 0, "open with access mode 3 (neither read nor write) works");
	ok_errno(SYS3(SYS_read, fd, buf, 1), EBADF, "... it cannot read: EBADF");
	ok_errno(SYS3(SYS_write, fd, buf, 1), EBADF, "... nor write: EBADF");
	ok_value(fcntl(fd, F_GETFL) & 3, 3, "... and F_GETFL shows mode 3");
	close(fd);
	ok_errno(SYS3(SYS_open, "/tmp", 3, 0), EISDIR, "open of a directory with access mode 3: EISDIR");
	fd = SYS3(SYS_open, FILE_PATH, O_PATH | O_CREAT | O_TRUNC, 0);
	ok(fd >= 0 && fstat(file_fd, &st) == 0 && st.st_size > 0,
	   "open(O_PATH) ignores O_CREAT and O_TRUNC");
	if (fd >= 0)
		close(fd);
	ok_errno(SYS4(SYS_openat, file_fd, "f", O_RDONLY, 0), ENOTDIR, "openat relative to a file: ENOTDIR");
	fd = SYS4(SYS_openat, -1, "/dev/null", O_RDONLY, 0);
	ok(fd >= 0, "openat(-1) of an absolute path ignores the descriptor");
	if (fd >= 0)
		close(fd);

	/* Flags. */
	ok_errno(SYS2(SYS_access, "/", 8), EINVAL, "access with mode 8: EINVAL");
	ok_errno(SYS2(SYS_access, kernel_address, 8), EINVAL, "access of a kernel address with mode 8: EINVAL first");
	ok_errno(SYS4(SYS_faccessat2, AT_FDCWD, "/", F_OK, 0x8000), EINVAL, "faccessat2 with flag 0x8000: EINVAL");
	ok_errno(SYS5(SYS_fchownat, AT_FDCWD, kernel_address, -1, -1, 1), EINVAL,
		 "fchownat of a kernel address with flag 1: EINVAL first");
	ok_value(SYS4(SYS_newfstatat, AT_FDCWD, "/", &st, XAT_STATX_DONT_SYNC), 0,
		 "newfstatat with AT_STATX_DONT_SYNC works");
	ok_errno(SYS4(SYS_newfstatat, AT_FDCWD, "/", &st, 1), EINVAL, "newfstatat with flag 1: EINVAL");
	ok_errno(SYS5(SYS_statx, AT_FDCWD, kernel_address, 0, 0x80000000u, buf), EINVAL,
		 "statx of a kernel address with a reserved mask bit: EINVAL first");
	ok_errno(SYS5(SYS_statx, AT_FDCWD, "/", 0x6000, 0x7ff, buf), EINVAL,
		 "statx with both sync flags: EINVAL");
	ok_errno(SYS5(SYS_statx, AT_FDCWD, "/", 1, 0x7ff, buf), EINVAL, "statx with flag 1: EINVAL");
	ok_errno(SYS3(SYS_dup3, 0, 50, 1), EINVAL, "dup3 with flag 1: EINVAL");
	ok_errno(SYS3(SYS_dup3, 0, 0, 0), EINVAL, "dup3 onto itself: EINVAL");
	ok_errno(SYS2(SYS_pipe2, buf, 1), EINVAL, "pipe2 with flag 1: EINVAL");
	ok_errno(SYS2(SYS_pipe2, kernel_address, O_EXCL), ENOPKG,
		 "pipe2(O_NOTIFICATION_PIPE) without watch queues: ENOPKG");
	ok_errno(SYS3(SYS_close_range, 3, 2, 0), EINVAL, "close_range from 3 to 2: EINVAL");
	ok_errno(SYS3(SYS_close_range, 1000, 2000, 8), EINVAL, "close_range with flag 8: EINVAL");
	ok_value(SYS3(SYS_close_range, 1000, 2000, XCLOSE_RANGE_UNSHARE), 0, "close_range(CLOSE_RANGE_UNSHARE) works");
	ok_errno(SYS2(SYS_flock, file_fd, 0), EINVAL, "flock with no operation: EINVAL");
	ok_errno(SYS2(SYS_flock, file_fd, LOCK_SH | LOCK_EX), EINVAL, "flock(LOCK_SH|LOCK_EX): EINVAL");
	ok_value(SYS2(SYS_flock, file_fd, XLOCK_MAND | 3), 0, "flock(LOCK_MAND...) is ignored");
	ok_value(SYS2(SYS_flock, file_fd, LOCK_SH | LOCK_NB), 0, "flock(LOCK_SH|LOCK_NB) works");
	ok_value(SYS2(SYS_flock, file_fd, LOCK_UN), 0, "flock(LOCK_UN) works");
	ok_errno(SYS4(SYS_fadvise64, pipe_rd, 0, 0, 99), ESPIPE, "fadvise64 of a pipe with advice 99: ESPIPE first");
	ok_errno(SYS4(SYS_fadvise64, file_fd, 0, -1, 0), EINVAL, "fadvise64 of a negative length: EINVAL");
	ok_errno(SYS4(SYS_fadvise64, file_fd, 0, 0, 99), EINVAL, "fadvise64 with advice 99: EINVAL");
	ok_errno(SYS1(SYS_fsync, pipe_rd), EINVAL, "fsync of a pipe: EINVAL");
	ok_errno(SYS1(SYS_fsync, null_fd), EINVAL, "fsync of /dev/null: EINVAL");
	ok_errno(SYS1(SYS_fdatasync, null_fd), EINVAL, "fdatasync of /dev/null: EINVAL");
	ok_value(SYS1(SYS_fsync, file_fd), 0, "fsync of a file works");
	ok_value(SYS1(SYS_fsync, dir_fd), 0, "fsync of a directory works");
	ok_value(SYS1(SYS_syncfs, pipe_rd), 0, "syncfs of a pipe works");
	ok_errno(SYS4(SYS_sync_file_range, 999, -1, 0, 99), EBADF, "sync_file_range of a bad fd, bad args: EBADF first");
	ok_errno(SYS4(SYS_sync_file_range, pipe_rd, 0, 0, 99), EINVAL, "sync_file_range of a pipe with flags 99: EINVAL first");
	ok_errno(SYS4(SYS_sync_file_range, pipe_rd, 0, 0, 2), ESPIPE, "sync_file_range of a pipe: ESPIPE");
	ok_errno(SYS4(SYS_sync_file_range, file_fd, -1, 0, 2), EINVAL, "sync_file_range at a negative offset: EINVAL");
	ok_errno(SYS4(SYS_sync_file_range, file_fd, 10, -5, 2), EINVAL, "sync_file_range of a negative length: EINVAL");
	ok_errno(SYS4(SYS_sync_file_range, file_fd, 0x7fffffffffffffffl, 2, 2), EINVAL, "sync_file_range past the largest offset: EINVAL");
	ok_value(SYS4(SYS_sync_file_range, file_fd, 0, 4096, 7), 0, "sync_file_range of a file works");
	ok_value(SYS4(SYS_sync_file_range, dir_fd, 0, 0, 0), 0, "sync_file_range of a directory works");
	ok_errno(SYS2(SYS_ftruncate, rdonly_fd, 0), EINVAL, "ftruncate of a read-only descriptor: EINVAL");
	ok_errno(SYS2(SYS_unlinkat, AT_FDCWD, 1), EFAULT, "unlinkat of address 1: EFAULT");
}

static void test_fcntl(void)
{
	struct flock lock;

	ok_errno(SYS3(SYS_fcntl, file_fd, 9999, 0), EINVAL, "an unknown fcntl command: EINVAL");
	long fd = SYS3(SYS_fcntl, file_fd, F_DUPFD, 0x100000000ul | 70);
	ok_value(fd, 70, "fcntl(F_DUPFD) reads its argument as an unsigned int");
	if (fd >= 0)
		close(fd);
	ok_errno(SYS3(SYS_fcntl, file_fd, F_DUPFD, 1000000), EINVAL, "fcntl(F_DUPFD, 1000000): EINVAL");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_DUPFD, -1), EINVAL, "fcntl(F_DUPFD, -1): EINVAL");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETFL, O_DIRECT), EINVAL, "F_SETFL(O_DIRECT) on a memory file: EINVAL");
	ok_value(SYS3(SYS_fcntl, pipe_wr, F_SETFL, O_DIRECT), 0, "F_SETFL(O_DIRECT) on a pipe works");
	SYS3(SYS_fcntl, pipe_wr, F_SETFL, 0);

	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, kernel_address), EFAULT, "F_SETLK from a kernel address: EFAULT");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLKW, unmapped), EFAULT, "F_SETLKW from a hole: EFAULT");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_GETLK, kernel_address), EFAULT, "F_GETLK at a kernel address: EFAULT");
	ok_errno(SYS3(SYS_fcntl, file_fd, XF_OFD_SETLK, noncanonical_low), EFAULT,
		 "F_OFD_SETLK from a non-canonical address: EFAULT");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, straddle + PAGE - 8), EFAULT,
		 "F_SETLK from a struct running into a hole: EFAULT");
	ok_errno(SYS3(SYS_fcntl, file_fd, F_GETLK, readonly), EFAULT,
		 "F_GETLK of a struct in a read-only page (it is written back): EFAULT");
	lock = (struct flock){ .l_type = 99, .l_whence = SEEK_SET };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), EINVAL, "F_SETLK of type 99: EINVAL");
	lock = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_GETLK, &lock), EINVAL, "F_GETLK of type F_UNLCK: EINVAL");
	lock = (struct flock){ .l_type = F_RDLCK, .l_whence = 99 };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), EINVAL, "F_SETLK with whence 99: EINVAL");
	lock = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -1 };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), EINVAL, "F_SETLK starting at -1: EINVAL");
	lock = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = -20 };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), EINVAL, "F_SETLK reaching back before 0: EINVAL");
	lock = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = INT64_MAX, .l_len = 10 };
	ok_errno(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), EOVERFLOW,
		 "F_SETLK past the largest offset: EOVERFLOW");
	lock = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	ok_errno(SYS3(SYS_fcntl, rdonly_fd, F_SETLK, &lock), EBADF,
		 "F_SETLK(F_WRLCK) on a read-only descriptor: EBADF");
	lock = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET };
	ok_errno(SYS3(SYS_fcntl, null_fd, F_SETLK, &lock), EBADF,
		 "F_SETLK(F_RDLCK) on a write-only descriptor: EBADF");
	ok_value(SYS3(SYS_fcntl, file_fd, F_SETLK, &lock), 0, "F_SETLK(F_RDLCK) works");
	lock.l_pid = 5;
	ok_errno(SYS3(SYS_fcntl, file_fd, XF_OFD_SETLK, &lock), EINVAL, "F_OFD_SETLK with a pid: EINVAL");
	ok_errno(SYS3(SYS_fcntl, file_fd, XF_OFD_GETLK, &lock), EINVAL, "F_OFD_GETLK with a pid: EINVAL");
	lock = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 3,
			       .l_pid = 77 };
	ok_value(SYS3(SYS_fcntl, file_fd, F_GETLK, &lock), 0, "F_GETLK works");
	ok(lock.l_type == F_UNLCK && lock.l_start == 5 && lock.l_len == 3 && lock.l_pid == 77,
	   "... and reports no conflicting lock, changing nothing else");

	ok_errno(SYS3(SYS_fcntl, file_fd, F_GETPIPE_SZ, 0), EBADF, "F_GETPIPE_SZ of a file: EBADF");
	ok_errno(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 0x80000001ul), EINVAL, "F_SETPIPE_SZ above 2 GiB: EINVAL");
	ok_value(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 1), 4096, "F_SETPIPE_SZ(1) gives a page");
	ok_value(SYS3(SYS_fcntl, pipe_wr, XF_GETPIPE_SZ, 0), 4096, "F_GETPIPE_SZ says so");
	fcntl(pipe_wr, F_SETFL, O_NONBLOCK);
	static char big[8192];
	ok_value(SYS3(SYS_write, pipe_wr, big, 5000), 4096, "a pipe of a page takes 4096 bytes of 5000");
	ok_errno(SYS3(SYS_write, pipe_wr, big, 1), EAGAIN, "... then nothing");
	ok_value(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 100), 4096,
		 "F_SETPIPE_SZ(100) rounds up to a page: the same size");
	ok_value(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 8192), 8192, "F_SETPIPE_SZ(8192) keeps the data");
	ok_value(SYS3(SYS_read, pipe_rd, big, sizeof(big)), 4096, "... all 4096 bytes of it");
	ok_value(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 1 << 20), 1 << 20, "F_SETPIPE_SZ(1 MiB) works");
	char *lots = calloc(1, 200000);
	ok_value(SYS3(SYS_write, pipe_wr, lots, 200000), 200000, "the pipe now takes 200000 bytes");
	ok_errno(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 65536), EBUSY,
		 "F_SETPIPE_SZ below what it holds: EBUSY");
	read_full(pipe_rd, lots, 200000);
	free(lots);
	ok_value(SYS3(SYS_fcntl, pipe_rd, XF_SETPIPE_SZ, 65536), 65536, "once empty, back to 64 KiB");
	fcntl(pipe_wr, F_SETFL, 0);

	/* ioctl's generic commands. */
	ok_errno(SYS3(SYS_ioctl, file_fd, FIONBIO, kernel_address), EFAULT, "ioctl(FIONBIO) from a kernel address: EFAULT");
	ok_errno(SYS3(SYS_ioctl, file_fd, FIOASYNC, kernel_address), EFAULT,
		 "ioctl(FIOASYNC) from a kernel address: EFAULT");
	ok_errno(SYS3(SYS_ioctl, file_fd, FIOASYNC, &(int){ 1 }), ENOTTY, "ioctl(FIOASYNC) on a memory file: ENOTTY");
	ok_value(SYS3(SYS_ioctl, pipe_rd, FIOASYNC, &(int){ 0 }), 0, "ioctl(FIOASYNC, 0) on a pipe works");
	ok_errno(SYS3(SYS_ioctl, file_fd, FIONREAD, kernel_address), EFAULT,
		 "ioctl(FIONREAD) into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_ioctl, pipe_rd, FIONREAD, readonly), EFAULT, "ioctl(FIONREAD) of a pipe into a read-only page: EFAULT");
	ok_errno(SYS3(SYS_ioctl, file_fd, XFIGETBSZ, kernel_address), EFAULT, "ioctl(FIGETBSZ) into a kernel address: EFAULT");
	int size = 0;
	ok_value(SYS3(SYS_ioctl, file_fd, XFIGETBSZ, &size), 0, "ioctl(FIGETBSZ) works");
	ok_value(size, 4096, "... a block is a page");
	ok_errno(SYS3(SYS_ioctl, file_fd, TCGETS, unmapped), ENOTTY, "ioctl(TCGETS) of a file: ENOTTY, whatever the pointer");
	ok_errno(SYS3(SYS_ioctl, file_fd, 0x12345678, 0), ENOTTY, "an unknown ioctl: ENOTTY");
	ok_errno(SYS3(SYS_ioctl, path_fd, FIOCLEX, 0), EBADF, "ioctl of an O_PATH descriptor: EBADF");
}

static void test_io_vectors(void)
{
	static char buf[64];
	int64_t off, neg = -1;

	struct iovec bad_then_negative[2] = { { kernel_address, 4 }, { buf, (size_t)-1 } };
	ok_errno(SYS3(SYS_writev, null_fd, bad_then_negative, 2), EINVAL,
		 "writev of a kernel address then a negative length: EINVAL first");
	struct iovec one = { buf, 4 };
	ok_value(SYS3(SYS_readv, zero_fd, &one, 0x100000001ul), 4, "readv reads its count as an unsigned int");
	ok_errno(SYS3(SYS_readv, zero_fd, &one, 1025), EINVAL, "readv of 1025 entries: EINVAL");
	ok_errno(SYS4(SYS_preadv, file_fd, unmapped, 1, 0), EFAULT, "preadv of an unmapped vector: EFAULT");
	struct iovec into_kernel = { kernel_address, 4 };
	ok_errno(SYS4(SYS_pwritev, file_fd, &into_kernel, 1, 0), EFAULT, "pwritev from a kernel address: EFAULT");
	ok_errno(SYS4(SYS_pwritev, pipe_wr, &into_kernel, 1, 0), ESPIPE, "pwritev to a pipe: ESPIPE first");

	ok_errno(SYS4(SYS_sendfile, null_fd, pipe_rd, &(int64_t){ 0 }, 1), ESPIPE,
		 "sendfile from a pipe at an offset: ESPIPE");
	ok_errno(SYS4(SYS_sendfile, null_fd, pipe_rd, NULL, 1), EINVAL, "sendfile from a pipe: EINVAL");
	ok_errno(SYS4(SYS_sendfile, -1, file_fd, &neg, 1), EINVAL,
		 "sendfile(-1) from a negative offset: EINVAL, the input first");
	ok_errno(SYS4(SYS_sendfile, null_fd, file_fd, NULL, (size_t)-1), EINVAL, "sendfile of SIZE_MAX bytes: EINVAL");
	off = INT64_MAX - 2;
	ok_errno(SYS4(SYS_sendfile, null_fd, file_fd, &off, 16), EINVAL,
		 "sendfile past the largest offset: EINVAL");
	ok_errno(SYS4(SYS_sendfile, rdonly_fd, file_fd, NULL, 1), EBADF, "sendfile to a read-only descriptor: EBADF");
	ok_errno(SYS4(SYS_sendfile, null_fd, null_fd, NULL, 1), EBADF, "sendfile from a write-only descriptor: EBADF");
	ok_errno(SYS4(SYS_sendfile, -1, file_fd, readonly, 1), EFAULT,
		 "sendfile(-1) with a read-only offset: EFAULT (written back whatever happened)");
	int app = open(FILE_PATH, O_WRONLY | O_APPEND);
	ok_errno(SYS4(SYS_sendfile, app, file_fd, NULL, 1), EINVAL, "sendfile to an O_APPEND file: EINVAL");
	close(app);
	off = 0;
	ok_value(SYS4(SYS_sendfile, null_fd, file_fd, &off, 10), 10, "sendfile at an offset works");
	ok_value(off, 10, "... and moves the offset");
}

static void test_poll_select(void)
{
	struct pollfd fds[1] = { { 0, POLLIN, 0 } };
	struct timespec zero = { 0, 0 }, bad = { 0, -1 };
	struct timeval tv = { 0, 0 };
	uint64_t set[16] = { 0 };
	char buf[512];

	ok_errno(SYS3(SYS_poll, unmapped, 1, 0), EFAULT, "poll on a hole: EFAULT");
	ok_errno(SYS3(SYS_poll, readonly, 1, 0), EFAULT, "poll on a read-only page: EFAULT");
	struct pollfd gone = { 1000000, POLLIN, 0 };
	ok_value(SYS3(SYS_poll, &gone, 1, 0), 1, "poll of descriptor 1000000: one entry ready");
	ok_value(gone.revents, POLLNVAL, "... with POLLNVAL");
	struct pollfd negative = { -1, POLLIN, 0 };
	ok_value(SYS3(SYS_poll, &negative, 1, 0), 0, "poll of descriptor -1: ignored");
	ok_errno(SYS5(SYS_ppoll, fds, 1, kernel_address, NULL, 8), EFAULT, "ppoll with a kernel timeout: EFAULT");
	ok_errno(SYS5(SYS_ppoll, fds, 1, &bad, NULL, 8), EINVAL, "ppoll with a bad timeout: EINVAL");
	ok_errno(SYS5(SYS_ppoll, fds, 1, &zero, buf, 4), EINVAL, "ppoll with a 4-byte mask: EINVAL");
	ok_errno(SYS5(SYS_ppoll, fds, 1, &zero, kernel_address, 8), EFAULT, "ppoll with a kernel mask: EFAULT");
	ok_errno(SYS5(SYS_ppoll, kernel_address, 1, &zero, NULL, 8), EFAULT, "ppoll of a kernel array: EFAULT");

	ok_value(SYS5(SYS_select, 1 << 20, NULL, NULL, NULL, &tv), 0,
		 "select of 2^20 descriptors: cut down to the table, not refused");
	ok_errno(SYS5(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL, "select of -1 descriptors: EINVAL");
	ok_errno(SYS5(SYS_select, 1, kernel_address, NULL, NULL, &tv), EFAULT, "select of a kernel set: EFAULT");
	ok_errno(SYS5(SYS_select, 1, NULL, unmapped, NULL, &tv), EFAULT, "select of a set in a hole: EFAULT");
	ok_errno(SYS5(SYS_select, 1, NULL, NULL, NULL, kernel_address), EFAULT, "select with a kernel timeout: EFAULT");
	set[0] = 1ull << 50;
	ok_errno(SYS5(SYS_select, 51, set, NULL, NULL, &tv), EBADF, "select of a closed descriptor: EBADF");
	struct timeval overflow = { INT64_MAX, 1000000 };
	ok_errno(SYS5(SYS_select, 0, NULL, NULL, NULL, &overflow), EINVAL,
		 "select with a timeout whose seconds overflow: EINVAL");
	struct timeval negative_us = { 1, -1 };
	ok_errno(SYS5(SYS_select, 0, NULL, NULL, NULL, &negative_us), EINVAL,
		 "select with negative microseconds: EINVAL");
	struct timeval minus_one_second = { 1, -1000000 };
	ok_value(SYS5(SYS_select, 0, NULL, NULL, NULL, &minus_one_second), 0,
		 "select with {1 s, -10^6 us}: that is zero, no error");
	ok_errno(SYS6(SYS_pselect6, 0, NULL, NULL, NULL, &zero, kernel_address), EFAULT,
		 "pselect6 with a kernel mask argument: EFAULT");
	void *pack[2] = { kernel_address, (void *)8 };
	ok_errno(SYS6(SYS_pselect6, 0, NULL, NULL, NULL, &zero, pack), EFAULT, "pselect6 with a kernel mask: EFAULT");
	void *small[2] = { buf, (void *)4 };
	ok_errno(SYS6(SYS_pselect6, 0, NULL, NULL, NULL, &zero, small), EINVAL, "pselect6 with a 4-byte mask: EINVAL");
	ok_errno(SYS6(SYS_pselect6, 0, NULL, NULL, NULL, &bad, kernel_address), EFAULT,
		 "pselect6 with a bad timeout and a kernel mask argument: EFAULT first");
	ok_value(SYS6(SYS_pselect6, 1 << 20, NULL, NULL, NULL, &zero, NULL), 0,
		 "pselect6 of 2^20 descriptors: cut down, not refused");
}

/* ------------------------------------------------------------ signals */

static void on_signal(int sig)
{
	(void)sig;
}

static stack_t stack_in_handler;
static void look_at_altstack(int sig)
{
	(void)sig;
	sigaltstack(NULL, &stack_in_handler);
}

struct kernel_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static void test_signals(void)
{
	struct kernel_sigaction act = { SIG_IGN, XSA_RESTORER | XSA_UNSUPPORTED, NULL, 0 }, old;
	uint64_t set = 1ull << (SIGUSR2 - 1), mask;
	struct timespec zero = { 0, 0 }, bad = { 0, -1 };
	char buf[512];

	ok_errno(SYS4(SYS_rt_sigaction, 999, kernel_address, NULL, 8), EFAULT,
		 "rt_sigaction of signal 999 from a kernel address: EFAULT first");
	ok_errno(SYS4(SYS_rt_sigaction, SIGKILL, kernel_address, NULL, 8), EFAULT,
		 "rt_sigaction of SIGKILL from a kernel address: EFAULT first");
	ok_errno(SYS4(SYS_rt_sigaction, SIGKILL, &act, NULL, 8), EINVAL, "rt_sigaction of SIGKILL: EINVAL");
	ok_errno(SYS4(SYS_rt_sigaction, 0, NULL, &old, 8), EINVAL, "rt_sigaction of signal 0: EINVAL");
	ok_errno(SYS4(SYS_rt_sigaction, SIGUSR2, NULL, NULL, 7), EINVAL, "rt_sigaction with a 7-byte set: EINVAL");
	ok_errno(SYS4(SYS_rt_sigaction, SIGUSR2, &act, kernel_address, 8), EFAULT,
		 "rt_sigaction with a kernel address for the old action: EFAULT");
	memset(&old, 0, sizeof(old));
	SYS4(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
	ok(old.handler == SIG_IGN, "... after the new action was set");
	ok_value(old.flags, XSA_RESTORER, "an unknown sa_flags bit (SA_UNSUPPORTED) is dropped");
	signal(SIGUSR2, SIG_DFL);

	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &(uint64_t){ 0 }, NULL, 8);
	ok_errno(SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &set, kernel_address, 8), EFAULT,
		 "rt_sigprocmask with a kernel address for the old mask: EFAULT");
	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8);
	ok(mask & set, "... after the new mask was set");
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &(uint64_t){ 0 }, NULL, 8);
	ok_errno(SYS4(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL, "rt_sigprocmask with how 99: EINVAL");
	ok_errno(SYS4(SYS_rt_sigprocmask, 99, kernel_address, NULL, 8), EFAULT,
		 "rt_sigprocmask with how 99 from a kernel address: EFAULT first");
	ok_value(SYS4(SYS_rt_sigprocmask, 99, NULL, &mask, 8), 0, "rt_sigprocmask with how 99 and no set works");
	ok_errno(SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), EINVAL, "rt_sigprocmask with a 16-byte set: EINVAL");

	ok_value(SYS2(SYS_rt_sigpending, kernel_address, 0), 0, "rt_sigpending of 0 bytes writes nothing");
	ok_value(SYS2(SYS_rt_sigpending, buf, 4), 0, "rt_sigpending of 4 bytes works");
	ok_errno(SYS2(SYS_rt_sigpending, buf, 9), EINVAL, "rt_sigpending of 9 bytes: EINVAL");
	ok_errno(SYS2(SYS_rt_sigpending, kernel_address, 8), EFAULT, "rt_sigpending into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_rt_sigpending, straddle + PAGE - 4, 8), EFAULT,
		 "rt_sigpending into a buffer running into a hole: EFAULT");
	ok_errno(SYS2(SYS_rt_sigsuspend, kernel_address, 8), EFAULT, "rt_sigsuspend from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_rt_sigsuspend, &set, 4), EINVAL, "rt_sigsuspend with a 4-byte set: EINVAL");
	ok_errno(SYS4(SYS_rt_sigtimedwait, kernel_address, NULL, &zero, 8), EFAULT,
		 "rt_sigtimedwait of a kernel set: EFAULT");
	ok_errno(SYS4(SYS_rt_sigtimedwait, &set, NULL, kernel_address, 8), EFAULT,
		 "rt_sigtimedwait with a kernel timeout: EFAULT");
	ok_errno(SYS4(SYS_rt_sigtimedwait, &set, NULL, &bad, 8), EINVAL, "rt_sigtimedwait with a bad timeout: EINVAL");
	ok_errno(SYS4(SYS_rt_sigtimedwait, &set, NULL, &zero, 4), EINVAL, "rt_sigtimedwait with a 4-byte set: EINVAL");
	ok_errno(SYS4(SYS_rt_sigtimedwait, &set, kernel_address, &zero, 8), EAGAIN,
		 "rt_sigtimedwait with nothing pending: EAGAIN, the siginfo untouched");

	/* sigqueue's siginfo: the kernel's part is read whole; unknown codes must
	 * leave the rest zero. */
	int info[32] = { 0 };
	info[2] = SI_QUEUE;
	ok_errno(SYS3(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, kernel_address), EFAULT,
		 "rt_sigqueueinfo from a kernel address: EFAULT");
	memcpy(straddle + PAGE - 32, info, 32);
	ok_errno(SYS3(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, straddle + PAGE - 32), EFAULT,
		 "rt_sigqueueinfo of a siginfo with 32 bytes before a hole: EFAULT");
	ok_errno(SYS4(SYS_rt_tgsigqueueinfo, 0, 0, SIGUSR1, kernel_address), EFAULT,
		 "rt_tgsigqueueinfo(0, 0) from a kernel address: EFAULT first");
	info[2] = -100;
	info[20] = 1;
	ok_errno(SYS3(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, info), E2BIG,
		 "rt_sigqueueinfo with code -100 and bytes beyond the kernel's part: E2BIG");
	ok_errno(SYS3(SYS_rt_sigqueueinfo, INT32_MAX, SIGUSR1, info), E2BIG,
		 "... before the pid is looked at");
	info[2] = SI_USER;
	info[20] = 0;
	ok_errno(SYS3(SYS_rt_sigqueueinfo, 1, SIGUSR1, info), EPERM,
		 "rt_sigqueueinfo posing as kill() to another process: EPERM");

	/* The alternate stack. */
	static char alt[16384];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = SS_ONSTACK }, now;
	ok_errno(SYS2(SYS_sigaltstack, kernel_address, NULL), EFAULT, "sigaltstack from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_sigaltstack, NULL, kernel_address), EFAULT, "sigaltstack into a kernel address: EFAULT");
	ok_value(SYS2(SYS_sigaltstack, &ss, NULL), 0, "sigaltstack with SS_ONSTACK works");
	ss.ss_flags = SS_ONSTACK | SS_DISABLE;
	ok_errno(SYS2(SYS_sigaltstack, &ss, NULL), EINVAL, "sigaltstack(SS_ONSTACK|SS_DISABLE): EINVAL");
	ss.ss_flags = 0;
	ss.ss_size = 100;
	ok_errno(SYS2(SYS_sigaltstack, &ss, NULL), ENOMEM, "sigaltstack of 100 bytes: ENOMEM");
	ss.ss_size = sizeof(alt);
	ss.ss_flags = XSS_AUTODISARM;
	ok_errno(SYS2(SYS_sigaltstack, &ss, kernel_address), EFAULT,
		 "sigaltstack(SS_AUTODISARM) with a kernel address for the old one: EFAULT");
	SYS2(SYS_sigaltstack, NULL, &now);
	ok(now.ss_size == sizeof(alt) && (unsigned)now.ss_flags == XSS_AUTODISARM,
	   "... after the new one was set, SS_AUTODISARM shown");
	struct sigaction sa = { .sa_handler = look_at_altstack, .sa_flags = SA_ONSTACK };
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	ok(stack_in_handler.ss_flags == SS_DISABLE && stack_in_handler.ss_size == 0,
	   "SS_AUTODISARM: the handler runs with no alternate stack");
	SYS2(SYS_sigaltstack, NULL, &now);
	ok(now.ss_size == sizeof(alt) && (unsigned)now.ss_flags == XSS_AUTODISARM,
	   "... and it comes back when the handler returns");
	ss.ss_flags = SS_DISABLE;
	SYS2(SYS_sigaltstack, &ss, NULL);
	signal(SIGUSR2, SIG_DFL);
}

/* The frame rt_sigreturn reads: an FPU state it cannot read kills with SIGSEGV. */
static void bad_fpstate(int sig, siginfo_t *info, void *context)
{
	(void)sig, (void)info;
	((ucontext_t *)context)->uc_mcontext.fpregs = kernel_address;
}

static void test_sigreturn(void)
{
	pid_t child = xfork();
	if (child == 0) {
		struct sigaction sa = { .sa_sigaction = bad_fpstate, .sa_flags = SA_SIGINFO };
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		_exit(3);
	}
	ok_killed(wait_status(child), SIGSEGV, "rt_sigreturn of a frame whose FPU state is at a kernel address: SIGSEGV");
	child = xfork();
	if (child == 0) {
		syscall(SYS_rt_sigreturn);
		_exit(3);
	}
	ok_killed(wait_status(child), SIGSEGV, "rt_sigreturn with no frame: SIGSEGV");
}

/* ------------------------------------------------------------ processes, time */

static void test_process_calls(void)
{
	char buf[512];
	unsigned ids[3];

	ok_errno(SYS3(SYS_getresuid, kernel_address, &ids[1], &ids[2]), EFAULT, "getresuid into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_getresgid, &ids[0], readonly, &ids[2]), EFAULT, "getresgid into a read-only page: EFAULT");
	ok_errno(SYS2(SYS_getgroups, -1, NULL), EINVAL, "getgroups(-1): EINVAL");
	ok_errno(SYS2(SYS_setgroups, 1, kernel_address), EFAULT, "setgroups from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_setgroups, 2, straddle + PAGE - 4), EFAULT, "setgroups from a list running into a hole: EFAULT");
	ok_errno(SYS2(SYS_setgroups, -1, NULL), EINVAL, "setgroups(-1): EINVAL");
	ok_errno(SYS2(SYS_setgroups, 65537, buf), EINVAL, "setgroups of 65537 groups: EINVAL");
	ok_value(SYS2(SYS_setgroups, 0, kernel_address), 0, "setgroups of no group ignores the pointer");

	struct rlimit rl = { 0, 0 }, now;
	ok_errno(SYS4(SYS_prlimit64, 0, RLIMIT_CORE, kernel_address, NULL), EFAULT,
		 "prlimit64 from a kernel address: EFAULT");
	ok_errno(SYS4(SYS_prlimit64, 0, 99, kernel_address, NULL), EFAULT,
		 "prlimit64 of resource 99 from a kernel address: EFAULT first");
	ok_errno(SYS4(SYS_prlimit64, INT32_MAX, RLIMIT_CORE, kernel_address, NULL), EFAULT,
		 "prlimit64 of no process from a kernel address: EFAULT first");
	ok_errno(SYS4(SYS_prlimit64, 0, 99, NULL, buf), EINVAL, "prlimit64 of resource 99: EINVAL");
	getrlimit(RLIMIT_CORE, &now);
	ok_errno(SYS4(SYS_prlimit64, 0, RLIMIT_CORE, &rl, kernel_address), EFAULT,
		 "prlimit64 with a kernel address for the old limit: EFAULT");
	getrlimit(RLIMIT_CORE, &now);
	ok(now.rlim_cur == 0 && now.rlim_max == 0, "... after the new limit was set");
	ok_errno(SYS2(SYS_setrlimit, 99, kernel_address), EFAULT, "setrlimit of resource 99 from a kernel address: EFAULT first");
	ok_errno(SYS2(SYS_setrlimit, RLIMIT_CORE, unmapped), EFAULT, "setrlimit from a hole: EFAULT");
	ok_errno(SYS2(SYS_getrlimit, 99, kernel_address), EINVAL, "getrlimit of resource 99 into a kernel address: EINVAL first");
	struct rlimit inverted = { 10, 5 };
	ok_errno(SYS2(SYS_setrlimit, RLIMIT_CORE, &inverted), EINVAL, "setrlimit with soft above hard: EINVAL");

	ok_errno(SYS2(SYS_getrusage, 99, buf), EINVAL, "getrusage(99): EINVAL");
	ok_errno(SYS2(SYS_getrusage, RUSAGE_SELF, kernel_address), EFAULT, "getrusage into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_getrusage, RUSAGE_CHILDREN, unmapped), EFAULT, "getrusage into a hole: EFAULT");
	ok_errno(SYS3(SYS_sched_getaffinity, 0, 4, buf), EINVAL, "sched_getaffinity into 4 bytes: EINVAL");
	ok_errno(SYS3(SYS_sched_getaffinity, 0, 0, buf), EINVAL, "sched_getaffinity into 0 bytes: EINVAL");
	ok_errno(SYS3(SYS_sched_getaffinity, 0, 1ul << 61, buf), EINVAL,
		 "sched_getaffinity of 2^61 bytes (times 8 is 0): EINVAL");
	ok_errno(SYS3(SYS_sched_getaffinity, 0, 8, kernel_address), EFAULT, "sched_getaffinity into a kernel address: EFAULT");

	memcpy(straddle + PAGE - 15, "abcdefghijklmno", 15);
	ok_value(SYS2(SYS_prctl, PR_SET_NAME, straddle + PAGE - 15), 0,
		 "PR_SET_NAME of 15 bytes just before a hole: read no further");
	ok_value(SYS2(SYS_prctl, PR_GET_NAME, buf), 0, "PR_GET_NAME works");
	ok(strcmp(buf, "abcdefghijklmno") == 0, "... and gives those 15 bytes");
	ok_errno(SYS2(SYS_prctl, PR_SET_NAME, kernel_address), EFAULT, "PR_SET_NAME from a kernel address: EFAULT");
	ok_errno(SYS2(SYS_prctl, PR_GET_NAME, straddle + PAGE - 8), EFAULT,
		 "PR_GET_NAME into 8 bytes before a hole: EFAULT");
	ok_errno(SYS2(SYS_prctl, 9999, 0), EINVAL, "prctl option 9999: EINVAL");
	prctl(PR_SET_NAME, "badargs");

	ok_errno(SYS2(SYS_arch_prctl, XARCH_GET_FS, kernel_address), EFAULT, "ARCH_GET_FS into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_arch_prctl, XARCH_GET_GS, kernel_address), EFAULT, "ARCH_GET_GS into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_arch_prctl, 0x9999, 0), EINVAL, "arch_prctl code 0x9999: EINVAL");
	ok_errno(SYS2(SYS_set_robust_list, buf, 23), EINVAL, "set_robust_list of 23 bytes: EINVAL");

	ok_errno(SYS3(SYS_getrandom, kernel_address, 16, 0), EFAULT, "getrandom into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_getrandom, buf, 16, 0x100), EINVAL, "getrandom with flag 0x100: EINVAL");
	ok_errno(SYS3(SYS_getrandom, buf, 16, XGRND_RANDOM | XGRND_INSECURE), EINVAL,
		 "getrandom(GRND_RANDOM|GRND_INSECURE): EINVAL");
	ok_value(SYS3(SYS_getrandom, NULL, 0, 0), 0, "getrandom of 0 bytes at NULL: 0");
	ok_errno(SYS3(SYS_getrandom, kernel_address, 0, 0), EFAULT, "getrandom of 0 bytes at a kernel address: EFAULT");

	ok_errno(SYS4(SYS_reboot, 0, 0, 0, NULL), EINVAL, "reboot with bad magic: EINVAL");
	ok_value(SYS4(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2A, REBOOT_CMD_CAD_OFF, NULL), 0,
		 "reboot takes its other second magic numbers");
	SYS4(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2A, REBOOT_CMD_CAD_ON, NULL);

	char *name = straddle + PAGE - 6;
	memcpy(name, "/tmp/x", 6);	/* no NUL before the hole */
	ok_errno(SYS5(SYS_mount, "none", name, "tmpfs", 0, NULL), EFAULT,
		 "mount on a path running into a hole: EFAULT");
	ok_errno(SYS5(SYS_mount, kernel_address, DIR_PATH, "tmpfs", 0, NULL), EFAULT,
		 "mount of a source at a kernel address: EFAULT");
	ok_errno(SYS5(SYS_mount, "none", DIR_PATH, kernel_address, 0, NULL), EFAULT,
		 "mount of a type at a kernel address: EFAULT");
	ok_errno(SYS5(SYS_mount, "none", DIR_PATH, "tmpfs", 0, kernel_address), EFAULT,
		 "mount with data at a kernel address: EFAULT");
	ok_errno(SYS5(SYS_mount, "none", DIR_PATH, "tmpfs", XMS_NOUSER, NULL), EINVAL, "mount(MS_NOUSER): EINVAL");
	ok_errno(SYS5(SYS_mount, "none", "/nonexistent", kernel_address, 0, NULL), EFAULT,
		 "mount of a kernel type on a missing path: EFAULT first");
	ok_errno(SYS2(SYS_umount2, kernel_address, 0), EFAULT, "umount2 of a kernel address: EFAULT");
	ok_errno(SYS2(SYS_umount2, kernel_address, 0x100), EINVAL, "umount2 of a kernel address with flag 0x100: EINVAL first");
	ok_errno(SYS2(SYS_umount2, DIR_PATH, 0), EINVAL, "umount2 of a directory that is no mount: EINVAL");

	/* clone: a bad parent_tid does not stop the child; only the low 32 bits of
	 * the flags count. */
	long child = SYS5(SYS_clone, SIGCHLD | XCLONE_PARENT_SETTID, 0, kernel_address, NULL, 0);
	if (child == 0)
		_exit(7);
	ok(child > 0, "clone(CLONE_PARENT_SETTID) to a kernel address makes the child");
	if (child > 0)
		ok_exit(wait_status(child), 7, "... which runs");
	else
		ok(0, "... which runs");
	child = SYS5(SYS_clone, SIGCHLD | (1ul << 40), 0, NULL, NULL, 0);
	if (child == 0)
		_exit(7);
	ok(child > 0, "clone ignores the high 32 bits of its flags");
	if (child > 0)
		wait_status(child);
	ok_errno(SYS5(SYS_clone, SIGCHLD | XCLONE_SIGHAND, 0, NULL, NULL, 0), EINVAL,
		 "clone(CLONE_SIGHAND) without CLONE_VM: EINVAL");
	ok_errno(SYS5(SYS_clone, SIGCHLD | XCLONE_THREAD, 0, NULL, NULL, 0), EINVAL,
		 "clone(CLONE_THREAD) without CLONE_SIGHAND: EINVAL");
}

static void test_time_calls(void)
{
	struct timespec ts = { 0, 1 }, bad = { 0, -1 };
	long itv[4] = { 0, 0, 0, 1000000 };	/* interval, value: 10^6 microseconds */

	ok_errno(SYS2(SYS_clock_gettime, 999, kernel_address), EINVAL, "clock_gettime of clock 999: EINVAL first");
	ok_value(SYS2(SYS_clock_gettime, XCLOCK_TAI, &ts), 0, "clock_gettime(CLOCK_TAI) works");
	ok_errno(SYS2(SYS_clock_getres, CLOCK_MONOTONIC, kernel_address), EFAULT,
		 "clock_getres into a kernel address: EFAULT");
	ok_errno(SYS2(SYS_clock_getres, 999, kernel_address), EINVAL, "clock_getres of clock 999: EINVAL first");
	ok_value(SYS2(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0, "clock_getres with no result pointer works");
	ts = (struct timespec){ 0, 1 };
	ok_errno(SYS4(SYS_clock_nanosleep, XCLOCK_MONOTONIC_RAW, 0, &ts, NULL), EOPNOTSUPP,
		 "clock_nanosleep on CLOCK_MONOTONIC_RAW: EOPNOTSUPP");
	ok_errno(SYS4(SYS_clock_nanosleep, XCLOCK_MONOTONIC_COARSE, 0, kernel_address, NULL), EOPNOTSUPP,
		 "clock_nanosleep on CLOCK_MONOTONIC_COARSE from a kernel address: EOPNOTSUPP first");
	ok_errno(SYS4(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), EOPNOTSUPP,
		 "clock_nanosleep on the thread's CPU clock: EOPNOTSUPP");
	ok_errno(SYS4(SYS_clock_nanosleep, 999, 0, &ts, NULL), EINVAL, "clock_nanosleep on clock 999: EINVAL");
	ok_errno(SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, kernel_address, NULL), EFAULT,
		 "clock_nanosleep from a kernel address: EFAULT");
	ok_errno(SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL,
		 "clock_nanosleep of negative nanoseconds: EINVAL");
	ok_value(SYS4(SYS_clock_nanosleep, XCLOCK_TAI, 0, &ts, NULL), 0, "clock_nanosleep on CLOCK_TAI works");
	ok_errno(SYS2(SYS_nanosleep, &bad, NULL), EINVAL, "nanosleep of negative nanoseconds: EINVAL");
	ok_errno(SYS2(SYS_nanosleep, straddle + PAGE - 8, NULL), EFAULT,
		 "nanosleep of a timespec running into a hole: EFAULT");
	ok_errno(SYS1(SYS_time, kernel_address), EFAULT, "time into a kernel address: EFAULT");
	ok_errno(SYS1(SYS_times, unmapped), EFAULT, "times into a hole: EFAULT");
	ok_errno(SYS2(SYS_gettimeofday, NULL, kernel_address), EFAULT, "gettimeofday with a kernel timezone: EFAULT");

	ok_errno(SYS2(SYS_getitimer, 99, kernel_address), EINVAL, "getitimer of timer 99: EINVAL first");
	ok_errno(SYS2(SYS_getitimer, ITIMER_REAL, kernel_address), EFAULT, "getitimer into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_setitimer, 99, kernel_address, NULL), EFAULT,
		 "setitimer of timer 99 from a kernel address: EFAULT first");
	ok_errno(SYS3(SYS_setitimer, 99, itv, NULL), EINVAL, "setitimer of timer 99 with bad microseconds: EINVAL");
	ok_errno(SYS3(SYS_setitimer, ITIMER_REAL, itv, NULL), EINVAL, "setitimer with 10^6 microseconds: EINVAL");
	ok_errno(SYS3(SYS_setitimer, 99, NULL, NULL), EINVAL, "setitimer of timer 99: EINVAL");
	long off[4] = { 0, 0, 0, 0 };
	ok_errno(SYS3(SYS_setitimer, ITIMER_REAL, off, kernel_address), EFAULT,
		 "setitimer with a kernel address for the old value: EFAULT");

	/* Times too far away to reach are forever: only a signal ends the sleep. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGALRM, &sa, NULL);
	long soon[4] = { 0, 0, 0, 50000 };
	struct timespec forever = { INT64_MAX, 0 };
	SYS3(SYS_setitimer, ITIMER_REAL, soon, NULL);
	ok_errno(SYS2(SYS_nanosleep, &forever, NULL), EINTR, "nanosleep of INT64_MAX seconds sleeps until a signal");
	SYS3(SYS_setitimer, ITIMER_REAL, soon, NULL);
	forever.tv_sec = INT64_MAX / 1000000000 + 5;
	ok_errno(SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &forever, NULL), EINTR,
		 "clock_nanosleep of more nanoseconds than 64 bits hold sleeps until a signal");
	SYS3(SYS_setitimer, ITIMER_REAL, soon, NULL);
	forever.tv_sec = INT64_MAX;
	ok_errno(SYS4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &forever, NULL), EINTR,
		 "clock_nanosleep until the end of time sleeps until a signal");
	SYS3(SYS_setitimer, ITIMER_REAL, off, NULL);
	signal(SIGALRM, SIG_DFL);
}

/* ------------------------------------------------------------ as an ordinary user */

/* Results of calls made by a child as nobody: return value and errno, in order. */
struct result {
	long ret;
	int err;
};

#define NOBODY_CALLS 20

static void nobody_calls(struct result *r, pid_t parent)
{
	static char buf[64];
	struct rlimit raise_core = { 0, RLIM_INFINITY }, zero = { 0, 0 };
	int n = 0;
	int fds[2];

#define RECORD(call) do { errno = 0; r[n].ret = (call); r[n].err = errno; n++; } while (0)
	RECORD(SYS3(SYS_mknod, kernel_address, S_IFCHR | 0600, 0x103));
	RECORD(SYS3(SYS_mknod, DIR_PATH, S_IFCHR | 0600, 0x103));
	RECORD(SYS5(SYS_mount, "none", kernel_address, "tmpfs", 0, NULL));
	RECORD(SYS5(SYS_mount, "none", "/nonexistent", "tmpfs", 0, NULL));
	RECORD(SYS5(SYS_mount, "none", DIR_PATH, "tmpfs", 0, NULL));
	RECORD(SYS2(SYS_umount2, kernel_address, 0));
	RECORD(SYS2(SYS_umount2, "/nonexistent", 0));
	RECORD(SYS2(SYS_setrlimit, RLIMIT_CORE, &raise_core));
	RECORD(SYS4(SYS_prlimit64, parent, RLIMIT_CORE, NULL, buf));
	RECORD(SYS4(SYS_reboot, 0, 0, 0, NULL));
	RECORD(SYS2(SYS_setgroups, 1, kernel_address));
	RECORD(SYS5(SYS_linkat, AT_FDCWD, kernel_address, AT_FDCWD, "/tmp/x", AT_EMPTY_PATH));
	RECORD(SYS2(SYS_kill, 1, 0));
	RECORD(SYS2(SYS_kill, 1, 1000));
	RECORD(SYS6(SYS_mmap, 0x1000, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	pipe(fds);
	RECORD(SYS3(SYS_fcntl, fds[0], XF_SETPIPE_SZ, 2 << 20));
	RECORD(SYS2(SYS_mlock, scratch, 16 << 20));
	RECORD(SYS2(SYS_mlock, scratch, PAGE));
	setrlimit(RLIMIT_MEMLOCK, &zero);
	RECORD(SYS2(SYS_mlock, scratch, PAGE));
	RECORD(SYS2(SYS_mlock, kernel_address, PAGE));
#undef RECORD
	if (n != NOBODY_CALLS)
		_exit(2);
}

static void test_as_nobody(void)
{
	static const struct { const char *what; int err; } want[NOBODY_CALLS] = {
		{ "mknod of a device at a kernel address: EFAULT (the name before the privilege)", EFAULT },
		{ "mknod of a device over an existing name: EEXIST", EEXIST },
		{ "mount on a kernel address: EFAULT (before the privilege)", EFAULT },
		{ "mount on a missing path: ENOENT", ENOENT },
		{ "mount: EPERM", EPERM },
		{ "umount2 of a kernel address: EFAULT", EFAULT },
		{ "umount2 of a missing path: ENOENT", ENOENT },
		{ "setrlimit raising a hard limit: EPERM", EPERM },
		{ "prlimit64 of root's process: EPERM", EPERM },
		{ "reboot: EPERM, before the magic", EPERM },
		{ "setgroups from a kernel address: EPERM first", EPERM },
		{ "linkat(AT_EMPTY_PATH) of a kernel address: ENOENT first", ENOENT },
		{ "kill(1, 0): EPERM", EPERM },
		{ "kill(1, 1000): EINVAL before EPERM", EINVAL },
		{ "mmap(MAP_FIXED) below vm.mmap_min_addr: EPERM", EPERM },
		{ "F_SETPIPE_SZ above fs.pipe-max-size: EPERM", EPERM },
		{ "mlock of more than RLIMIT_MEMLOCK: ENOMEM", ENOMEM },
		{ "mlock of a page works", 0 },
		{ "mlock with RLIMIT_MEMLOCK 0: EPERM", EPERM },
		{ "mlock of a kernel address with RLIMIT_MEMLOCK 0: EPERM first", EPERM },
	};
	struct result r[NOBODY_CALLS];
	int fds[2];

	xpipe(fds);
	pid_t parent = getpid();
	pid_t child = xfork();
	if (child == 0) {
		close(fds[0]);
		if (setgid(65534) || setuid(65534))
			_exit(1);
		memset(r, 0, sizeof(r));
		nobody_calls(r, parent);
		write(fds[1], r, sizeof(r));
		_exit(0);
	}
	close(fds[1]);
	size_t got = read_full(fds[0], r, sizeof(r));
	close(fds[0]);
	int st = wait_status(child);
	if (got != sizeof(r) || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		diag_status(st);
		memset(r, 0, sizeof(r));
		for (int i = 0; i < NOBODY_CALLS; i++)
			r[i].ret = -2;
	}
	for (int i = 0; i < NOBODY_CALLS; i++) {
		if (want[i].err)
			ok_errno((errno = r[i].err, r[i].ret), want[i].err, "as nobody, %s", want[i].what);
		else
			ok_value(r[i].ret, 0, "as nobody, %s", want[i].what);
	}
}

int main(void)
{
	plan(696);
	setup();
	test_select_table();
	test_bad_descriptors();
	test_no_descriptor_left();
	test_bad_pids();
	test_child_pids();
	test_memory();
	test_partial_copies();
	test_file_calls();
	test_fcntl();
	test_io_vectors();
	test_poll_select();
	test_signals();
	test_sigreturn();
	test_process_calls();
	test_time_calls();
	test_as_nobody();
	return done();
}
