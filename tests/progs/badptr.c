/*
 * badptr.c - system calls given bad pointers, bad lengths and overflowing ranges.
 *
 * Every pointer a program hands the kernel may be wrong: NULL, a kernel address, a
 * non-canonical one, an unmapped page, a read-only page where the kernel must
 * write, a buffer that starts mapped and runs into a hole. The kernel must answer
 * with Linux's errno (or Linux's partial count), never fault itself, and lose
 * nothing. The expected values are Linux's: this program runs on both kernels and
 * the differential test compares the outputs.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#include "util.h"

#define PAGE 4096

/* The bad addresses, by kind. */
static void *const kernel_address = (void *)0xffffffff80000000ul;
static void *const noncanonical_low = (void *)0x0000800000000000ul;
static void *const noncanonical_high = (void *)0x8000000000000000ul;
static char *unmapped;		/* a page that was mapped and unmapped */
static char *readonly;		/* a page mapped PROT_READ */
static char *straddle;		/* one mapped page, then a hole */

/* The raw system call: libc wrappers may check arguments themselves. */
static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

#define SYS3(nr, a, b, c) sys((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* The hole is made last, so that no later mapping fills it. */
static void setup(void)
{
	readonly = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (readonly == MAP_FAILED || p == MAP_FAILED)
		bail("mmap failed");
	unmapped = p + 2 * PAGE;
	straddle = p + PAGE;		/* p + PAGE mapped, p + 2 * PAGE not */
	munmap(unmapped, PAGE);
}

/* Each bad pointer as an output buffer of read(2) from /dev/zero: EFAULT. */
static void test_read_write(void)
{
	int zero = open("/dev/zero", O_RDONLY);
	struct { const char *name; void *ptr; } bad[] = {
		{ "NULL", NULL }, { "a kernel address", kernel_address },
		{ "a non-canonical address", noncanonical_low },
		{ "a high non-canonical address", noncanonical_high },
		{ "an unmapped page", unmapped }, { "a read-only page", readonly },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok_errno(SYS3(SYS_read, zero, bad[i].ptr, 16), EFAULT, "read into %s: EFAULT",
			 bad[i].name);
	/* The descriptor is checked before the buffer. */
	for (size_t i = 0; i < 5; i++)
		ok_errno(SYS3(SYS_write, zero, bad[i].ptr, 16), EBADF,
			 "write from %s to a read-only descriptor: EBADF", bad[i].name);

	int fds[2];
	xpipe(fds);
	for (size_t i = 0; i < 5; i++)
		ok_errno(SYS3(SYS_write, fds[1], bad[i].ptr, 16), EFAULT, "write from %s: EFAULT",
			 bad[i].name);
	ok(SYS3(SYS_write, fds[1], readonly, 16) == 16, "write from a read-only page works");
	char buf[16];
	read_full(fds[0], buf, 16);

	/* A buffer that runs from a mapped page into a hole: Linux copies what it can. */
	long n = SYS3(SYS_read, zero, straddle + PAGE - 8, 64);
	ok(n == 8, "read from /dev/zero into a buffer running into a hole: the 8 bytes that fit");
	if (n != 8)
		diag("  got %ld, errno %d", n, errno);
	memset(straddle, 'x', PAGE);
	/* Linux's pipe takes the bytes of a write a page at a time, all or nothing. */
	ok_errno(SYS3(SYS_write, fds[1], straddle + PAGE - 8, 64), EFAULT,
		 "write to a pipe from a buffer running into a hole: EFAULT");
	close(fds[0]);
	close(fds[1]);
	close(zero);
}

static void test_vectors(void)
{
	int null = open("/dev/null", O_WRONLY);
	struct iovec iov[2] = { { "ab", 2 }, { kernel_address, 4 } };

	ok_errno(SYS3(SYS_writev, null, NULL, 1), EFAULT, "writev with a NULL vector: EFAULT");
	ok_errno(SYS3(SYS_writev, null, unmapped, 1), EFAULT, "writev with an unmapped vector: EFAULT");
	ok_errno(SYS3(SYS_writev, null, iov, -1), EINVAL, "writev with a negative count: EINVAL");
	ok_errno(SYS3(SYS_writev, null, iov, 1025), EINVAL, "writev with 1025 entries: EINVAL");
	struct iovec huge[2] = { { "a", 0x7ffffffffffff000ul }, { "b", 0x7ffffffffffff000ul } };
	ok_errno(SYS3(SYS_writev, null, huge, 2), EFAULT, "writev with lengths past user space: EFAULT");
	struct iovec negative[1] = { { "a", 0x8000000000000000ul } };
	ok_errno(SYS3(SYS_writev, null, negative, 1), EINVAL, "writev with a negative length: EINVAL");
	int zero = open("/dev/zero", O_RDONLY);
	char buf[4];
	struct iovec into[2] = { { buf, 4 }, { kernel_address, 4 } };
	/* The whole vector is checked before anything is read. */
	ok_errno(SYS3(SYS_readv, zero, into, 2), EFAULT,
		 "readv into a good buffer then a kernel address: EFAULT");
	close(zero);
	close(null);
}

static void test_paths_and_structs(void)
{
	ok_errno(SYS3(SYS_open, NULL, O_RDONLY, 0), EFAULT, "open(NULL): EFAULT");
	ok_errno(SYS3(SYS_open, kernel_address, O_RDONLY, 0), EFAULT, "open(kernel address): EFAULT");
	ok_errno(SYS3(SYS_open, straddle + PAGE - 2, O_RDONLY, 0), EFAULT,
		 "open of a path running into a hole: EFAULT");
	ok_errno(SYS3(SYS_stat, "/", kernel_address, 0), EFAULT, "stat into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_stat, "/", readonly, 0), EFAULT, "stat into a read-only page: EFAULT");
	ok_errno(SYS3(SYS_fstat, 0, noncanonical_low, 0), EFAULT, "fstat into a non-canonical address: EFAULT");
	ok_errno(SYS3(SYS_uname, unmapped, 0, 0), EFAULT, "uname into an unmapped page: EFAULT");
	ok_errno(SYS3(SYS_getcwd, kernel_address, 4096, 0), EFAULT, "getcwd into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_pipe, readonly, 0, 0), EFAULT, "pipe into a read-only page: EFAULT");
	ok_errno(SYS3(SYS_clock_gettime, CLOCK_MONOTONIC, kernel_address, 0), EFAULT,
		 "clock_gettime into a kernel address: EFAULT");
	ok_errno(SYS3(SYS_gettimeofday, unmapped, NULL, 0), EFAULT, "gettimeofday into an unmapped page: EFAULT");
	ok_errno(SYS3(SYS_nanosleep, kernel_address, NULL, 0), EFAULT, "nanosleep from a kernel address: EFAULT");
	ok_errno(SYS3(SYS_sysinfo, readonly, 0, 0), EFAULT, "sysinfo into a read-only page: EFAULT");
	ok_errno(SYS3(SYS_getrlimit, RLIMIT_NOFILE, kernel_address, 0), EFAULT,
		 "getrlimit into a kernel address: EFAULT");
	ok_errno(sys(SYS_rt_sigaction, SIGUSR1, (long)kernel_address, 0, 8, 0, 0), EFAULT,
		 "rt_sigaction from a kernel address: EFAULT");
	ok_errno(sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)unmapped, 0, 8, 0, 0), EFAULT,
		 "rt_sigprocmask from an unmapped page: EFAULT");
	ok_errno(SYS3(SYS_poll, kernel_address, 1, 0), EFAULT, "poll on a kernel address: EFAULT");
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	ok_errno(SYS3(SYS_getdents64, dir, kernel_address, 4096), EFAULT,
		 "getdents64 into a kernel address: EFAULT");
	close(dir);
	ok_errno(SYS3(SYS_execve, kernel_address, NULL, NULL), EFAULT, "execve of a kernel address: EFAULT");
	ok_errno(SYS3(SYS_execve, "/bin/true", unmapped, NULL), EFAULT, "execve with an unmapped argv: EFAULT");
	char *argv[] = { "true", kernel_address, NULL };
	ok_errno(SYS3(SYS_execve, "/bin/true", argv, NULL), EFAULT,
		 "execve with a kernel address in argv: EFAULT");
}

static void test_wait_status(void)
{
	pid_t pid = xfork();
	if (pid == 0)
		_exit(3);
	sleep_ms(50);
	ok_errno(sys(SYS_wait4, pid, (long)kernel_address, 0, 0, 0, 0), EFAULT,
		 "wait4 with a kernel address for the status: EFAULT");
	int st;
	waitpid(pid, &st, 0);	/* reap it whichever way the kernel went */
}

static void test_ranges(void)
{
	ok(mmap((void *)0x10000, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	   MAP_FAILED, "mmap whose range overflows fails");
	ok_errno(SYS3(SYS_munmap, 0x10000, -4096, 0), EINVAL, "munmap whose range overflows: EINVAL");
	ok_errno(SYS3(SYS_munmap, kernel_address, PAGE, 0), EINVAL, "munmap of a kernel address: EINVAL");
	ok_errno(SYS3(SYS_mprotect, 0x10000, -4096, PROT_READ), ENOMEM,
		 "mprotect whose range overflows: ENOMEM");
	ok_errno(SYS3(SYS_mprotect, kernel_address, PAGE, PROT_READ), ENOMEM,
		 "mprotect of a kernel address: ENOMEM");
	ok_errno(SYS3(SYS_mprotect, unmapped, PAGE, PROT_READ), ENOMEM,
		 "mprotect of an unmapped page: ENOMEM");
	/* (Below the program: a range over it would discard the program's own pages.) */
	ok_errno(SYS3(SYS_madvise, 0x10000, 0x100000, MADV_DONTNEED), ENOMEM,
		 "madvise of an unmapped range: ENOMEM");
	ok_errno(SYS3(SYS_madvise, 0x10000, -4096, MADV_DONTNEED), EINVAL,
		 "madvise whose range overflows: EINVAL");
	long brk = SYS3(SYS_brk, 0, 0, 0);
	ok(SYS3(SYS_brk, kernel_address, 0, 0) == brk, "brk to a kernel address leaves the break");
	ok(SYS3(SYS_brk, noncanonical_low, 0, 0) == brk, "brk to a non-canonical address leaves the break");
}

int main(void)
{
	plan(58);
	setup();
	test_read_write();
	test_vectors();
	test_paths_and_structs();
	test_wait_status();
	test_ranges();
	return done();
}
