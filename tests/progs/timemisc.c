/*
 * timemisc - clocks and sleeping, plus the small system-information calls:
 * uname, getrandom, sysinfo, resource limits, TLS, thread id.
 *
 * calf and Linux differ on purpose in uname's strings and in clock
 * resolution, so those are checked for shape, not value.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <sched.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void test_clocks(void)
{
	struct timespec a, b, res;
	struct timeval tv;

	ok(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000L,
	   "clock_gettime CLOCK_MONOTONIC succeeds, tv_nsec in range");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ok(ts_ns(&b) >= ts_ns(&a), "CLOCK_MONOTONIC does not go backwards");

	struct timespec ten_ms = { 0, 10000000L };
	clock_gettime(CLOCK_MONOTONIC, &a);
	ok(nanosleep(&ten_ms, NULL) == 0, "nanosleep 10 ms returns 0");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ok(ts_ns(&b) - ts_ns(&a) >= 10000000LL, "CLOCK_MONOTONIC advances at least 10 ms across it");

	ok(clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000L,
	   "clock_gettime CLOCK_REALTIME succeeds");
	ok(gettimeofday(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
	   "gettimeofday succeeds, tv_usec in range");
	ok(tv.tv_sec - a.tv_sec >= 0 && tv.tv_sec - a.tv_sec <= 2,
	   "gettimeofday agrees with CLOCK_REALTIME");
	time_t t = time(NULL);
	ok(t - tv.tv_sec >= 0 && t - tv.tv_sec <= 2, "time agrees with gettimeofday");

	ok(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ts_ns(&res) > 0 && res.tv_sec == 0,
	   "clock_getres CLOCK_MONOTONIC is positive, under a second");
	ok(clock_gettime(CLOCK_BOOTTIME, &a) == 0, "clock_gettime CLOCK_BOOTTIME succeeds");
	ok(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0,
	   "clock_gettime CLOCK_PROCESS_CPUTIME_ID succeeds");

	/* Raw calls: the vDSO path in libc would not show the kernel's errors. */
	ok_errno(syscall(SYS_clock_gettime, 12345, &a), EINVAL,
		 "clock_gettime of an unknown clock: EINVAL");
	ok_errno(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1), EFAULT,
		 "clock_gettime into a bad pointer: EFAULT");

	struct timespec bad = { 0, 1000000000L };
	ok_errno(nanosleep(&bad, NULL), EINVAL, "nanosleep with tv_nsec 1e9: EINVAL");
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	ok_errno(nanosleep(&bad, NULL), EINVAL, "nanosleep with a negative time: EINVAL");
}

static int nul_terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

static void test_uname(void)
{
	struct utsname u;
	ok(uname(&u) == 0, "uname succeeds");
	ok(nul_terminated(u.sysname, sizeof u.sysname) && nul_terminated(u.nodename, sizeof u.nodename) &&
	   nul_terminated(u.release, sizeof u.release) && nul_terminated(u.version, sizeof u.version) &&
	   nul_terminated(u.machine, sizeof u.machine), "uname fields are NUL-terminated");
	ok(u.sysname[0] != '\0' && u.release[0] != '\0', "uname sysname and release are not empty");
	ok(strcmp(u.machine, "x86_64") == 0, "uname machine is x86_64");
	ok_errno(syscall(SYS_uname, (void *)1), EFAULT, "uname into a bad pointer: EFAULT");

	/* /proc/version: "<sysname> version <release> (...) (...) <version>\n". */
	char line[512], prefix[200];
	int fd = open("/proc/version", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, line, sizeof line - 1) : -1;
	if (fd >= 0)
		close(fd);
	line[n > 0 ? n : 0] = '\0';
	snprintf(prefix, sizeof prefix, "%s version %s (", u.sysname, u.release);
	size_t vlen = strlen(u.version);
	ok(n > 0 && strncmp(line, prefix, strlen(prefix)) == 0,
	   "/proc/version begins with uname's system name and release");
	ok(n > 0 && (size_t)n > vlen + 1 && line[n - 1] == '\n' &&
	   line[n - vlen - 2] == ' ' && strncmp(line + n - vlen - 1, u.version, vlen) == 0,
	   "/proc/version ends with uname's version and a newline");
}

static void test_random(void)
{
	unsigned char a[64], b[64];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	ok(getrandom(a, sizeof a, 0) == (ssize_t)sizeof a, "getrandom fills 64 bytes");
	getrandom(b, sizeof b, GRND_NONBLOCK);
	int zeros = 0;
	for (size_t i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	ok(zeros < 16 && memcmp(a, b, sizeof a) != 0, "the bytes look random and differ per call");
	ok_errno(getrandom(a, sizeof a, 0x80 /* no such flag */), EINVAL,
		 "getrandom with an unknown flag: EINVAL");
}

static void test_info(void)
{
	struct sysinfo si;
	struct rlimit rl, old;

	ok(sysinfo(&si) == 0, "sysinfo succeeds");
	ok(si.totalram > 0 && si.mem_unit >= 1 && si.freeram <= si.totalram,
	   "sysinfo reports total and free memory");
	ok(si.procs >= 1, "sysinfo counts at least one process");

	ok(getrlimit(RLIMIT_STACK, &rl) == 0 && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur <= rl.rlim_max),
	   "getrlimit RLIMIT_STACK succeeds, soft <= hard");
	ok(syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &old) == 0 &&
	   old.rlim_cur == rl.rlim_cur && old.rlim_max == rl.rlim_max,
	   "prlimit64 RLIMIT_STACK agrees with getrlimit");
	ok_errno(syscall(SYS_prlimit64, 0, 9999, NULL, &old), EINVAL,
		 "prlimit64 of an unknown resource: EINVAL");

	/* A soft fd limit of 10 caps fd numbers at 9: dup runs out, F_DUPFD 10 is invalid. */
	getrlimit(RLIMIT_NOFILE, &old);
	rl.rlim_cur = 10;
	rl.rlim_max = old.rlim_max;
	ok(setrlimit(RLIMIT_NOFILE, &rl) == 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 10,
	   "setrlimit RLIMIT_NOFILE lowers the soft limit");
	ok_errno(fcntl(1, F_DUPFD, 10), EINVAL, "F_DUPFD at the limit: EINVAL");
	int fds[10], n = 0, r;
	while ((r = dup(1)) >= 0 && n < 10)
		fds[n++] = r;
	ok_errno(r, EMFILE, "dup with every fd below the limit in use: EMFILE");
	while (n > 0)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, &old);

	struct rusage ru;
	ok(getrusage(RUSAGE_SELF, &ru) == 0, "getrusage RUSAGE_SELF succeeds");
}

static __thread int tls_data = 42;
static __thread int tls_bss;

static void test_thread_bits(void)
{
	ok(tls_data == 42 && tls_bss == 0, "TLS variables start with their initial values");
	tls_bss = 7;
	ok(tls_bss == 7, "TLS variables can be written");
	unsigned long fs = 0;
	ok(syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs) == 0 && fs != 0,
	   "arch_prctl ARCH_GET_FS returns the TLS base libc set");
	ok(syscall(SYS_gettid) == getpid(), "gettid equals getpid in a single-threaded process");
	ok(sched_yield() == 0, "sched_yield returns 0");
}

int main(void)
{
	plan(40);
	test_clocks();
	test_uname();
	test_random();
	test_info();
	test_thread_bits();
	return done();
}
