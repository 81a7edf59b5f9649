/*
 * affinity - sched_getaffinity and sched_setaffinity: the online CPUs, Linux's
 * size and error rules, a mask per thread, inherited across fork, clone and exec,
 * and /proc/<pid>/status's Cpus_allowed lines.
 *
 * Linux's rules, for a machine of up to 64 CPUs: a mask is 8 bytes (cpumask_size);
 * getaffinity wants a size that is a multiple of 8 and holds a bit per CPU
 * (EINVAL), computed in unsigned int, so a huge size wraps; it writes 8 bytes
 * and returns 8. setaffinity reads at most 8 bytes (a shorter mask is
 * zero-extended), keeps the online CPUs of it and refuses a mask with none
 * (EINVAL). The ok-lines name the CPU count, so the outputs compare at any -smp.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"
#include "threadutil.h"

#include <sched.h>
#include <stdint.h>

static int cpus;		/* online, from sysconf */
static uint64_t all;		/* their mask */
static const char *self;	/* this program, to exec */

static long get_raw(int pid, unsigned size, void *mask)
{
	return syscall(SYS_sched_getaffinity, pid, size, mask);
}

static long set_raw(int pid, unsigned size, const void *mask)
{
	return syscall(SYS_sched_setaffinity, pid, size, mask);
}

static uint64_t mask_of(int pid)
{
	uint64_t mask = 0;

	return get_raw(pid, sizeof mask, &mask) == 8 ? mask : 0;
}

static void test_get(void)
{
	uint64_t raw[4];

	ok(mask_of(0) == all, "getaffinity: the %d online CPUs", cpus);
	memset(raw, 0xaa, sizeof raw);
	ok(get_raw(0, sizeof raw, raw) == 8 && raw[0] == all && raw[1] == 0xaaaaaaaaaaaaaaaaull,
	   "a 32-byte buffer: 8 bytes written, 8 returned");
	ok(get_raw(0, 0x20000008u, raw) == 8, "size 0x20000008 (times 8, wraps to 64): 8");
	ok_errno(get_raw(0, 0, raw), EINVAL, "size 0: EINVAL");
	ok_errno(get_raw(0, 4, raw), EINVAL, "size 4, not a multiple of 8: EINVAL");
	ok_errno(get_raw(0, 12, raw), EINVAL, "size 12: EINVAL");
	ok_errno(get_raw(0, 0x20000000u, raw), EINVAL, "size 0x20000000 (times 8, wraps to 0): EINVAL");
	ok_errno(get_raw(0, 8, NULL), EFAULT, "to NULL: EFAULT");
	ok_errno(get_raw(-1, 8, raw), ESRCH, "pid -1: ESRCH");
	ok_errno(get_raw(0, 4, NULL), EINVAL, "size 4 to NULL: EINVAL before EFAULT");
}

static pid_t dead_pid(void)
{
	pid_t pid = xfork();

	if (pid == 0)
		_exit(0);
	wait_status(pid);
	return pid;
}

static void test_set_errors(void)
{
	uint64_t cpu0 = 1, none = 0, past = 1ull << 63;
	pid_t dead = dead_pid();

	ok_errno(set_raw(0, 8, &none), EINVAL, "setaffinity to no CPU: EINVAL");
	ok_errno(set_raw(0, 0, &cpu0), EINVAL, "size 0 (an empty mask): EINVAL");
	if (cpus < 64)
		ok_errno(set_raw(0, 8, &past), EINVAL, "to CPU 63 alone, which is not online: EINVAL");
	else
		ok(1, "to CPU 63 alone, which is not online: EINVAL # SKIP 64 CPUs");
	ok_errno(set_raw(0, 8, NULL), EFAULT, "from NULL: EFAULT");
	ok_errno(set_raw(dead, 8, NULL), EFAULT, "from NULL for a dead pid: EFAULT before ESRCH");
	ok_errno(set_raw(dead, 8, &cpu0), ESRCH, "a dead pid: ESRCH");
	ok(mask_of(0) == all, "failed calls change nothing: still all %d CPUs", cpus);
}

static void test_set(void)
{
	uint64_t with_offline = 1 | (cpus < 64 ? 1ull << 63 : 0);
	uint8_t short_mask = 1;
	cpu_set_t big;

	ok(set_raw(0, 8, &with_offline) == 0 && mask_of(0) == 1,
	   "CPU 0 and CPU 63: kept as CPU 0 alone");
	ok(set_raw(0, 8, &all) == 0 && mask_of(0) == all, "back to all %d CPUs", cpus);
	ok(set_raw(0, 1, &short_mask) == 0 && mask_of(0) == 1,
	   "a 1-byte mask, zero-extended: CPU 0");
	CPU_ZERO(&big);
	CPU_SET(cpus - 1, &big);
	CPU_SET(CPU_SETSIZE - 1, &big);
	ok(sched_setaffinity(0, sizeof big, &big) == 0 && mask_of(0) == 1ull << (cpus - 1),
	   "CPU %d and CPU %d of a %zu-byte set: the bytes past 8 are not read", cpus - 1,
	   CPU_SETSIZE - 1, sizeof big);
}

/* The status file's two lines for pid, in one string. */
static void status_lines(pid_t pid, char *out, size_t size)
{
	char path[64], buf[4096], *line;
	size_t used = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	out[0] = '\0';
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "Cpus_allowed", 12) && used < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " / " : "", line);
}

static void test_status(void)
{
	char lines[256];

	set_raw(0, 8, &all);
	status_lines(getpid(), lines, sizeof lines);
	ok(lines[0] != '\0', "status with all CPUs: %s", lines);
	set_raw(0, 8, &(uint64_t){ 1 });
	status_lines(getpid(), lines, sizeof lines);
	ok(!strcmp(lines, "Cpus_allowed:\t1 / Cpus_allowed_list:\t0"), "status with CPU 0: %s", lines);
	set_raw(0, 8, &all);
}

static int child_reports(void *expected)
{
	return mask_of(0) == *(uint64_t *)expected ? 0 : 1;
}

static void *thread_reports(void *expected)
{
	return (void *)(intptr_t)(mask_of(0) == *(uint64_t *)expected);
}

static void test_inheritance(void)
{
	uint64_t last = 1ull << (cpus - 1);
	char arg[32];

	set_raw(0, 8, &last);
	ok_exit(run_child(child_reports, &last), 0, "a forked child inherits CPU %d alone", cpus - 1);
	pthread_t thread;
	void *same = NULL;
	ok(pthread_create(&thread, NULL, thread_reports, &last) == 0 &&
	   pthread_join(thread, &same) == 0 && same, "a new thread inherits it too");

	pid_t pid = xfork();
	if (pid == 0) {
		snprintf(arg, sizeof arg, "%llu", (unsigned long long)last);
		execl(self, self, "--expect", arg, (char *)NULL);
		_exit(3);
	}
	ok_exit(wait_status(pid), 0, "exec keeps it");
}

/* A thread that narrows its own mask to CPU 0, says so, and waits to be let go. */
struct narrowing {
	int ready[2], go[2];
	int tid;
};

static void *narrow_self(void *arg)
{
	struct narrowing *n = arg;
	uint64_t cpu0 = 1;
	char byte = set_raw(0, 8, &cpu0) == 0;

	n->tid = sys_gettid();
	if (write(n->ready[1], &byte, 1) != 1 || read(n->go[0], &byte, 1) != 1)
		return NULL;
	return arg;
}

static void test_per_thread(void)
{
	struct narrowing n;
	pthread_t thread;
	char narrowed = 0;
	uint64_t last = 1ull << (cpus - 1);
	void *result = NULL;

	set_raw(0, 8, &all);
	xpipe(n.ready);
	xpipe(n.go);
	if (pthread_create(&thread, NULL, narrow_self, &n) != 0)
		bail("pthread_create failed");
	read_full(n.ready[0], &narrowed, 1);
	ok(narrowed && mask_of(n.tid) == 1 && mask_of(0) == all,
	   "a thread that narrows its own mask leaves the other threads' alone");
	ok(set_raw(n.tid, 8, &last) == 0 && mask_of(n.tid) == last && mask_of(0) == all,
	   "setaffinity by tid changes that thread alone");
	if (write(n.go[1], "", 1) != 1 || pthread_join(thread, &result) != 0)
		bail("could not end the thread");
	close(n.ready[0]);
	close(n.ready[1]);
	close(n.go[0]);
	close(n.go[1]);
}

static int as_nobody(void *parent)
{
	uint64_t cpu0 = 1;

	if (setuid(65534) != 0)
		return 10;
	if (set_raw(*(pid_t *)parent, 8, &cpu0) != -1 || errno != EPERM)
		return 11;
	if (get_raw(*(pid_t *)parent, 8, &cpu0) != 8)
		return 12;
	return set_raw(0, 8, &cpu0) == 0 ? 0 : 13;
}

static void test_permission(void)
{
	pid_t parent = getpid();

	if (geteuid() != 0) {
		ok(1, "another user's process: EPERM # SKIP not root");
		return;
	}
	ok_exit(run_child(as_nobody, &parent), 0,
	   "another user's process: getaffinity yes, setaffinity EPERM; its own: yes");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--expect"))
		return mask_of(0) == strtoull(argv[2], NULL, 10) ? 0 : 1;
	self = self_path(argv[0]);
	cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1 || cpus > 64)
		bail("sysconf says %d CPUs", cpus);
	all = cpus == 64 ? ~0ull : (1ull << cpus) - 1;
	plan(10 + 7 + 4 + 2 + 3 + 2 + 1);
	test_get();
	test_set_errors();
	test_set();
	test_status();
	test_inheritance();
	test_per_thread();
	test_permission();
	return done();
}
