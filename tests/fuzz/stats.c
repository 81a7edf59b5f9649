/*
 * stats.c - what the fuzzer did, counted by every process of the run.
 *
 * The counters live in a file under FZ_ROOT mapped MAP_SHARED: a forked child
 * inherits the mapping, and a child that exec'd the fuzzer maps the file again, so
 * all of them count into the same place. Increments are atomic (lock add) because
 * any process may be preempted in the middle of one.
 *
 * The mapping sits at a fixed address far from everything else: next to the
 * fuzzer's own buffers, a legitimate write that straddles their end (after an
 * mprotect made the PROT_NONE page writable, say) would land in the counters. A
 * magic number at both ends tells whether anything wrote over them anyway.
 */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NR_SLOTS 512		/* syscall numbers counted one by one; the rest together */
#define ERRNO_SLOTS 134
#define STATS_PATH FZ_ROOT "/.stats"
#define STATS_ADDR 0x2b5a5a000000ull

#define MAGIC 0x66757a7a73746174ull	/* "fuzzstat" */

struct stats {
	uint64_t magic;
	uint64_t calls[NR_SLOTS + 1];
	uint64_t failed[NR_SLOTS + 1];
	uint64_t errnos[ERRNO_SLOTS + 1];
	uint64_t processes;
	uint64_t execs;
	uint64_t writers;	/* sibling writer threads started (ops_proc.c) */
	uint64_t writer_rounds;	/* their passes over their pages */
	uint64_t lost_writes;	/* values they read back that were not theirs */
	uint64_t magic_end;
};

static struct stats *stats;

static const char *const syscall_names[NR_SLOTS] = {
#define SYSCALL(number, name) [number] = #name,
#include "../../syscall/syscalls.def"
#undef SYSCALL
};

static int map_file(int flags)
{
	int fd = open(STATS_PATH, flags, 0666);

	if (fd < 0)
		return -1;
	if ((flags & O_CREAT) && ftruncate(fd, sizeof(struct stats)) < 0) {
		close(fd);
		return -1;
	}
	void *p = mmap((void *)STATS_ADDR, sizeof(struct stats), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	stats = p;
	return 0;
}

/* The coordinator: a fresh, zeroed file that every process can write. */
int stats_create(void)
{
	if (map_file(O_RDWR | O_CREAT | O_TRUNC) < 0)
		return -1;
	stats->magic = stats->magic_end = MAGIC;
	return chmod(STATS_PATH, 0666);
}

/* An exec'd child: the coordinator's file again (without it, counts are lost). */
int stats_attach(void)
{
	return map_file(O_RDWR);
}

static void add(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

void stats_count(long nr, long result)
{
	if (!stats)
		return;
	unsigned slot = nr >= 0 && nr < NR_SLOTS ? (unsigned)nr : NR_SLOTS;
	add(&stats->calls[slot]);
	if (result < 0 && result > -4096) {
		add(&stats->failed[slot]);
		add(&stats->errnos[-result < ERRNO_SLOTS ? -result : ERRNO_SLOTS]);
	}
}

/* Both ends still hold the magic number: no process wrote over the counters. */
int stats_intact(void)
{
	return stats && stats->magic == MAGIC && stats->magic_end == MAGIC;
}

void stats_note_process(void)
{
	if (stats)
		add(&stats->processes);
}

void stats_note_exec(void)
{
	if (stats)
		add(&stats->execs);
}

/* The writer threads' counters: they count without libc, straight into these. */
void stats_writer_counters(uint64_t **rounds, uint64_t **lost)
{
	static uint64_t nowhere[2];

	*rounds = stats ? &stats->writer_rounds : &nowhere[0];
	*lost = stats ? &stats->lost_writes : &nowhere[1];
	if (stats)
		add(&stats->writers);
}

void stats_writers(uint64_t *writers, uint64_t *rounds, uint64_t *lost)
{
	*writers = stats ? stats->writers : 0;
	*rounds = stats ? stats->writer_rounds : 0;
	*lost = stats ? stats->lost_writes : 0;
}

static const char *const errno_names[ERRNO_SLOTS] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
	[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
	[ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE", [EDOM] = "EDOM",
	[ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK", [ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
	[EOVERFLOW] = "EOVERFLOW", [EOPNOTSUPP] = "EOPNOTSUPP", [ENOTSOCK] = "ENOTSOCK",
	[ETIMEDOUT] = "ETIMEDOUT", [EMSGSIZE] = "EMSGSIZE", [EPROTOTYPE] = "EPROTOTYPE",
	[ENOPROTOOPT] = "ENOPROTOOPT", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT", [EAFNOSUPPORT] = "EAFNOSUPPORT",
	[EADDRINUSE] = "EADDRINUSE", [ECONNRESET] = "ECONNRESET", [ENOBUFS] = "ENOBUFS",
	[EISCONN] = "EISCONN", [ENOTCONN] = "ENOTCONN", [ECONNREFUSED] = "ECONNREFUSED",
};

static uint64_t total(const uint64_t *counters, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += counters[i];
	return sum;
}

/* Print the counters of slots, most frequent first, "name count" pairs. */
static void print_ranked(const char *title, const uint64_t *counters, size_t n,
			 const char *(*name)(size_t, char *))
{
	char done[NR_SLOTS + 1] = { 0 }, buf[32];
	int column = 0;

	printf("fuzz: %s:", title);
	for (;;) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && counters[i] && (best == n || counters[i] > counters[best]))
				best = i;
		if (best == n)
			break;
		done[best] = 1;
		if (column++ % 6 == 0)
			printf("\nfuzz:  ");
		printf(" %s %llu", name(best, buf), (unsigned long long)counters[best]);
	}
	printf("\n");
}

static const char *call_name(size_t slot, char *buf)
{
	if (slot < NR_SLOTS && syscall_names[slot])
		return syscall_names[slot];
	if (slot < NR_SLOTS)
		snprintf(buf, 32, "nr%zu", slot);
	else
		snprintf(buf, 32, "nr>=%d", NR_SLOTS);
	return buf;
}

static const char *errno_name(size_t slot, char *buf)
{
	if (slot < ERRNO_SLOTS && errno_names[slot])
		return errno_names[slot];
	snprintf(buf, 32, "errno%zu", slot);
	return buf;
}

void stats_print(void)
{
	if (!stats)
		return;
	printf("fuzz: %llu system calls, %llu failed; %llu processes, %llu of them the fuzzer "
	       "exec'd again\n",
	       (unsigned long long)total(stats->calls, NR_SLOTS + 1),
	       (unsigned long long)total(stats->failed, NR_SLOTS + 1),
	       (unsigned long long)stats->processes, (unsigned long long)stats->execs);
	print_ranked("calls", stats->calls, NR_SLOTS + 1, call_name);
	print_ranked("errors", stats->errnos, ERRNO_SLOTS + 1, errno_name);
}

/* The coordinator, before it removes the file: the mapping goes too. */
void stats_detach(void)
{
	if (stats)
		munmap(stats, sizeof(struct stats));
	stats = NULL;
}
