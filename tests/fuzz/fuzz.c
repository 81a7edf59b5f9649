/*
 * fuzz.c - calf's system-call fuzzer: the coordinator.
 *
 *     fuzz run SEED SECONDS [WORKERS]
 *
 * keeps WORKERS (default 8) workers alive for SECONDS, each in its own process
 * group with its own generator (from SEED and the worker's number) and its own
 * sandbox under /tmp/fuzz; a worker that ends is reaped, its group killed, its
 * sandbox removed and a new worker started. At the end every process is killed and
 * reaped, /tmp/fuzz removed, and the result checked and printed as TAP:
 *
 *   - no process of the run is left: none outside the process groups of this
 *     process and its ancestors (workers and all they make are in groups of their own);
 *   - mm_audit is clean (reading /proc/sys/vm/mm_audit runs it; a violation
 *     panics the kernel, so a clean answer is the only answer);
 *   - the page cache, anonymous memory and page tables are exactly as before the
 *     run, and MemFree is back within SLACK_PAGES (kernel heap slabs that stay
 *     partly used; the figure is printed).
 *
 * `fuzz --exec ...` is a child that exec'd the fuzzer (worker.c); any other
 * arguments (the fuzzer run as a script interpreter, say) make it exit at once.
 */
#include "fuzz.h"
#include "../../user/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS	32
#define WORKER_BUDGET	1500	/* operations of one worker */
#define WORKER_KILL_MS	10000	/* a worker still alive after this is killed */
#define SLACK_PAGES	16	/* see above */

struct slot {
	pid_t pid;
	int number;
	uint64_t started_ms;
};

static struct slot slots[MAX_WORKERS];
static int started, timed_out, exited_ok, exited_other, signalled;
static int signals_seen[65];

long fz_call(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long r = syscall(nr, a1, a2, a3, a4, a5, a6);

	if (r == -1 && errno > 0 && errno < 4096)
		r = -errno;
	stats_count(nr, r);
	return r;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ memory figures */

/* System-wide figures from /proc/meminfo, and this process's own share, in pages. */
struct memfig {
	long free, cached, anon, tables, slab;
	long out_pages;
};

static char text[8192];

static long field(const char *name)
{
	size_t len = strlen(name);

	for (char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, name, len) == 0 && line[len] == ':')
			return strtol(line + len + 1, NULL, 10) / 4;	/* kB to pages */
	}
	return -1;
}

static long read_file(const char *path)
{
	return read_small_file(path, text, sizeof text);
}

/* Pages of page cache our own output holds, when it goes to a regular file. */
static long output_pages(void)
{
	struct stat st;

	fflush(stdout);
	if (fstat(1, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return (st.st_size + 4095) / 4096;
}

static void memfig(struct memfig *m)
{
	m->out_pages = output_pages();
	read_file("/proc/meminfo");
	m->free = field("MemFree");
	m->cached = field("Cached");
	m->anon = field("AnonPages");
	m->tables = field("PageTables");
	m->slab = field("Slab");
}

/* ------------------------------------------------------------ removing files */

static void remove_contents(int fd, int depth);

/* Remove name in directory fd, a directory with all it holds; 1 if it went. */
static int remove_entry(int fd, const char *name, int depth)
{
	if (unlinkat(fd, name, 0) == 0)
		return 1;
	int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (sub < 0)
		return 0;
	remove_contents(sub, depth + 1);
	close(sub);
	return unlinkat(fd, name, AT_REMOVEDIR) == 0;
}

/* Remove everything in directory fd (then the caller removes the directory).
 * Passes over the listing until one removes nothing: what is left then cannot go. */
static void remove_contents(int fd, int depth)
{
	char buf[2048];
	long n;
	int removed = 1;

	if (depth > 32)
		return;
	while (removed) {
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
			for (long at = 0; at < n;) {
				struct dirent *d = (struct dirent *)(buf + at);
				at += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
					continue;
				removed += remove_entry(fd, d->d_name, depth);
			}
	}
}

static void remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

	if (fd >= 0) {
		remove_contents(fd, 0);
		close(fd);
	}
	rmdir(path);
}

/* ------------------------------------------------------------ processes */

/* Field 4 (parent) or 5 (process group) of /proc/pid/stat, or -1. */
static long stat_field(long pid, int which)
{
	char path[64];
	long ppid = -1, pgid = -1;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (read_file(path) <= 0)
		return -1;
	char *close_paren = strrchr(text, ')');
	if (close_paren)
		sscanf(close_paren + 1, " %*c %ld %ld", &ppid, &pgid);
	return which == 4 ? ppid : pgid;
}

/* The process groups of this process and its ancestors: no worker is in one. */
static long groups[16];
static int ngroups;

static void find_own_groups(void)
{
	for (long pid = getpid(); pid > 0 && ngroups < 16; pid = stat_field(pid, 4))
		groups[ngroups++] = stat_field(pid, 5);
}

/* The processes in /proc that are in none of those groups: the run's leftovers.
 * With kill_them, SIGKILL each. */
static int strays(int kill_them, long *first)
{
	char buf[2048];
	long n;
	int count = 0;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
		for (long at = 0; at < n;) {
			struct dirent *d = (struct dirent *)(buf + at);
			at += d->d_reclen;
			long pid = strtol(d->d_name, NULL, 10), pgid = pid > 0 ? stat_field(pid, 5) : -1;
			int known = pgid < 0;
			for (int i = 0; i < ngroups && !known; i++)
				known = groups[i] == pgid;
			if (known)
				continue;
			if (count++ == 0 && first)
				*first = pid;
			if (kill_them)
				kill((pid_t)pid, SIGKILL);
		}
	close(fd);
	return count;
}

static void start_worker(struct slot *s, uint64_t seed)
{
	int number = started++;
	pid_t pid = fork();

	if (pid == 0)
		worker_main(number, rng_mix(seed ^ ((uint64_t)number * 0x9e3779b97f4a7c15ull)),
			    WORKER_BUDGET);
	if (pid < 0) {
		started--;
		return;
	}
	stats_note_process();
	setpgid(pid, pid);
	s->pid = pid;
	s->number = number;
	s->started_ms = now_ms();
}

static void note_end(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		exited_ok++;
	else if (WIFEXITED(status))
		exited_other++;
	else if (WIFSIGNALED(status)) {
		signalled++;
		signals_seen[WTERMSIG(status) & 63]++;
	}
}

/* A worker ended: end its group, remove its sandbox, free its slot. */
static void worker_ended(pid_t pid, int status, int workers)
{
	char dir[64];

	for (int i = 0; i < workers; i++) {
		if (slots[i].pid != pid)
			continue;
		kill(-pid, SIGKILL);
		note_end(status);
		snprintf(dir, sizeof dir, "%s/w%d", FZ_ROOT, slots[i].number);
		remove_tree(dir);
		slots[i].pid = 0;
		return;
	}
}

static void reap(int workers, int block)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, block ? __WALL : WNOHANG | __WALL)) > 0)
		worker_ended(pid, status, workers);
}

static void run(uint64_t seed, int seconds, int workers)
{
	uint64_t end = now_ms() + (uint64_t)seconds * 1000;

	while (now_ms() < end) {
		for (int i = 0; i < workers; i++)
			if (!slots[i].pid)
				start_worker(&slots[i], seed);
		reap(workers, 0);
		for (int i = 0; i < workers; i++)
			if (slots[i].pid && now_ms() - slots[i].started_ms > WORKER_KILL_MS) {
				kill(-slots[i].pid, SIGKILL);
				kill(slots[i].pid, SIGKILL);
				timed_out++;
				slots[i].started_ms = now_ms();	/* once */
			}
		sleep_ms(10);
	}
	for (int i = 0; i < workers; i++)
		if (slots[i].pid) {
			kill(-slots[i].pid, SIGKILL);
			kill(slots[i].pid, SIGKILL);
		}
	for (int i = 0; i < workers; i++)
		while (slots[i].pid)
			reap(workers, 1);
}

/* ------------------------------------------------------------ the checks */

static int tests;

static void check(int ok, const char *what)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++tests, what);
}

static int audit_clean(void)
{
	if (read_file("/proc/sys/vm/mm_audit") <= 0)
		return 0;
	printf("# mm_audit: %s", text);
	return strncmp(text, "clean:", 6) == 0;
}

/*
 * Orphans of killed workers are init's to reap: give them a moment. A worker's
 * descendant may have left the worker's process group (setpgid, setsid) and
 * sleep for good where Linux would sleep too (pause, accept on a socket nobody
 * connects to): those get SIGKILL. What must hold is the kernel's part: every
 * process of the run, killed, is gone and reaped. Returns how many are not.
 */
static int wait_for_strays(void)
{
	long first = 0;
	int left = 0;

	for (int tries = 0; tries < 100; tries++) {
		left = strays(0, &first);
		if (left <= 0)
			return left < 0 ? 1 : 0;
		sleep_ms(20);
	}
	printf("# %d processes outlived their workers in groups of their own, the first pid %ld;"
	       " killing them\n", left, first);
	strays(1, NULL);
	for (int tries = 0; tries < 500; tries++) {
		left = strays(0, &first);
		if (left == 0)
			return 0;
		sleep_ms(20);
	}
	printf("# %d processes still there after SIGKILL, the first pid %ld\n", left, first);
	return left;
}

/*
 * Everything the run made must be gone. This process's own memory was all touched
 * before the first figures (warm_up), so it has not grown; its output, if that
 * goes to a regular file, has, and is accounted for exactly. Only the kernel heap
 * may keep a few partly used slabs.
 */
static void report(const struct memfig *b, const struct memfig *a)
{
	long output = a->out_pages - b->out_pages;

	printf("# pages before and after: MemFree %ld %ld (%+ld), Cached %ld %ld, AnonPages %ld "
	       "%ld, PageTables %ld %ld, Slab %ld %ld; our output file grew by %ld\n",
	       b->free, a->free, a->free - b->free, b->cached, a->cached, b->anon, a->anon,
	       b->tables, a->tables, b->slab, a->slab, output);
	check(a->cached - b->cached == output, "the page cache is back to its size before the run");
	check(a->anon == b->anon, "anonymous memory is back to its size before the run");
	check(a->tables == b->tables, "page tables are back to their number before the run");
	check(a->free >= b->free - output - SLACK_PAGES,
	      "MemFree is back to its level before the run, within 16 pages");
}

/* Touch the stack the run will use, deeper than it will go. */
static void __attribute__((noinline)) warm_stack(void)
{
	volatile char pad[96 * 1024];

	for (size_t i = 0; i < sizeof pad; i += 4096)
		pad[i] = 0;
}

/* Make every page of our private writable memory (data, bss, heap, stack) present
 * and our own, so that nothing the coordinator does later adds anonymous pages
 * or page tables to the figures. */
static void warm_up(void)
{
	static char maps[8192];
	unsigned long start, end;
	char perms[8];

	warm_stack();
	if (read_file("/proc/self/maps") <= 0)
		return;
	memcpy(maps, text, sizeof maps);
	for (char *line = maps; line && *line; line = strchr(line + 1, '\n')) {
		if (sscanf(line, " %lx-%lx %7s", &start, &end, perms) != 3 ||
		    strcmp(perms, "rw-p") != 0)
			continue;
		for (unsigned long at = start; at < end; at += 4096) {
			volatile char *p = (volatile char *)at;
			*p = *p;
		}
	}
}

static int coordinate(uint64_t seed, int seconds, int workers)
{
	struct memfig before, after;

	printf("fuzz: seed %llu, %d seconds, %d workers\n", (unsigned long long)seed, seconds,
	       workers);
	fflush(stdout);
	alarm((unsigned)seconds + 300);		/* the coordinator itself must not hang */
	find_own_groups();
	remove_tree(FZ_ROOT);
	read_file("/proc/sys/vm/mm_audit");	/* its workspace is made once, and kept */
	warm_up();
	memfig(&before);
	memfig(&before);	/* twice: the first may touch new pages of ours */
	if (mkdir(FZ_ROOT, 0755) < 0 || stats_create() < 0) {
		printf("Bail out! cannot make %s: errno %d\n", FZ_ROOT, errno);
		return 1;
	}
	run(seed, seconds, workers);
	stats_print();
	printf("fuzz: %d workers: %d exited 0, %d exited otherwise, %d killed by a signal, "
	       "%d overran and were killed\n", started, exited_ok, exited_other, signalled,
	       timed_out);
	printf("fuzz: workers killed by signal:");
	for (int sig = 1; sig < 65; sig++)
		if (signals_seen[sig])
			printf(" %d: %d", sig, signals_seen[sig]);
	printf("\n");
	check(stats_intact(), "the counters shared by all processes are intact");
	uint64_t writers, rounds, lost;
	stats_writers(&writers, &rounds, &lost);
	printf("# %llu sibling writer threads made %llu passes over their pages\n",
	       (unsigned long long)writers, (unsigned long long)rounds);
	check(lost == 0, "no sibling writer thread lost a write (forks, unmaps and "
			 "mprotects ran beside it)");
	int left = wait_for_strays();
	check(left == 0, "every process of the run has been reaped");
	stats_detach();
	remove_tree(FZ_ROOT);
	check(audit_clean(), "mm_audit after the run: clean");
	memfig(&after);
	memfig(&after);		/* twice, as before: the first may touch new pages */
	report(&before, &after);
	printf("1..%d\n", tests);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--exec") == 0)
		worker_exec_main(argc, argv);
	if (argc < 4 || strcmp(argv[1], "run") != 0) {
		if (argc < 2 || strncmp(argv[1], "--", 2) != 0)
			fprintf(stderr, "usage: fuzz run SEED SECONDS [WORKERS]\n");
		return argc < 2 || strncmp(argv[1], "--", 2) != 0 ? 2 : 0;
	}
	int workers = argc > 4 ? atoi(argv[4]) : 8;
	if (workers < 1 || workers > MAX_WORKERS)
		workers = 8;
	return coordinate(strtoull(argv[2], NULL, 0), atoi(argv[3]), workers);
}
