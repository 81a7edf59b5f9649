/*
 * faultrace.c - page faults that several threads take at once, as a threaded
 * program takes them: first touches of fresh anonymous memory, copy-on-write
 * writes after a fork, and faults while another thread changes the address space
 * (mmap, mprotect, munmap, fork) beside them. Every page must end holding what
 * its writer wrote, and a forked child what it saw at the fork. On calf these
 * faults are resolved without the kernel lock (mm_fault_fast), several CPUs at
 * once; /proc/vmstat's pgfault_fast must show it. Linux has no such line: there
 * that check holds trivially.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mman.h>
#include "util.h"
#include "threadutil.h"

#define THREADS 4
#define PAGES_EACH 256
#define PAGE 4096

/* A /proc/vmstat counter, or -1 when there is no such line. */
static long vmstat(const char *name)
{
	char buf[8192], key[64];
	int fd = open("/proc/vmstat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	snprintf(key, sizeof key, "\n%s ", name);
	char *line = strstr(buf, key);
	return line ? strtol(line + strlen(key), NULL, 10) : -1;
}

/* calf's pgfault_fast (-1 on Linux, which has no such line). */
static long fast_faults(void)
{
	return vmstat("pgfault_fast");
}

struct slice {
	unsigned char *base;	/* the thread's first page */
	unsigned char value;	/* what it writes */
};

/* Write value into the first and last byte of every page of the slice. */
static void *write_slice(void *arg)
{
	struct slice *s = arg;

	for (int i = 0; i < PAGES_EACH; i++) {
		s->base[i * PAGE] = s->value;
		s->base[i * PAGE + PAGE - 1] = s->value;
	}
	return NULL;
}

/* Run one writer per slice of region, each writing value + its index. */
static void write_in_parallel(unsigned char *region, unsigned char value)
{
	struct slice slices[THREADS];
	pthread_t threads[THREADS];

	for (int t = 0; t < THREADS; t++) {
		slices[t] = (struct slice){ region + (size_t)t * PAGES_EACH * PAGE, value + t };
		threads[t] = xthread(write_slice, &slices[t]);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
}

/* The pages that do not hold value + their slice's index at both ends. */
static int wrong_pages(const unsigned char *region, unsigned char value)
{
	int wrong = 0;

	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < PAGES_EACH; i++) {
			const unsigned char *page = region + ((size_t)t * PAGES_EACH + i) * PAGE;
			wrong += page[0] != (unsigned char)(value + t) ||
				 page[PAGE - 1] != (unsigned char)(value + t);
		}
	return wrong;
}

static unsigned char *map_region(void)
{
	void *p = mmap(NULL, (size_t)THREADS * PAGES_EACH * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bail("mmap failed: %s", strerror(errno));
	return p;
}

static void test_first_touch(void)
{
	unsigned char *region = map_region();
	long before = fast_faults();

	write_in_parallel(region, 10);
	long after = fast_faults();
	ok(wrong_pages(region, 10) == 0,
	   "four threads touching 1024 fresh pages at once: each page holds its writer's bytes");
	/* Most, not all: a fault that finds the lock busy for long goes the slow way. */
	ok(before < 0 || after - before >= THREADS * PAGES_EACH / 4,
	   "those first touches were resolved on the fast path");
	munmap(region, (size_t)THREADS * PAGES_EACH * PAGE);
}

static void test_copy_on_write(void)
{
	unsigned char *region = map_region();
	int go[2], status;

	write_in_parallel(region, 20);
	xpipe(go);
	pid_t child = xfork();
	if (child == 0) {
		char c;
		close(go[1]);
		/* The parent's threads write while this child waits: it must still
		 * see the pages as they were at the fork. */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(wrong_pages(region, 20) == 0 ? 0 : 1);
	}
	close(go[0]);
	long before = fast_faults(), faults_before = vmstat("pgfault");
	write_in_parallel(region, 40);
	long after = fast_faults(), faults = vmstat("pgfault") - faults_before;
	ok(wrong_pages(region, 40) == 0,
	   "four threads writing 1024 pages shared copy-on-write: each gets its own copy");
	/* Every fault those writes took (none under fork_mode=copy, which copied
	 * the pages at fork; about one per page under cow), most of them fast. */
	ok(before < 0 || (after - before) * 4 >= faults,
	   "those copy-on-write faults were resolved on the fast path");
	if (write(go[1], "x", 1) != 1)
		bail("write to the child failed");
	close(go[1]);
	status = wait_status(child);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the child still sees every page as it was at the fork");
	munmap(region, (size_t)THREADS * PAGES_EACH * PAGE);
}

/* A writer that keeps writing its own pages while main changes the rest. */
#define WRITER_PAGES 16
static volatile int stop_writing;
static volatile unsigned long written_rounds;

static void *keep_writing(void *arg)
{
	unsigned long *pages = arg;

	while (!stop_writing) {
		unsigned long round = written_rounds + 1;
		for (int i = 0; i < WRITER_PAGES; i++)
			pages[i * (PAGE / sizeof(long))] = round * WRITER_PAGES + i;
		written_rounds = round;
	}
	return NULL;
}

static void test_changing_beside(void)
{
	unsigned long *pages = mmap(NULL, WRITER_PAGES * PAGE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int changes_ok = 1, children_ok = 1;

	if (pages == MAP_FAILED)
		bail("mmap failed: %s", strerror(errno));
	pthread_t writer = xthread(keep_writing, pages);
	for (int i = 0; i < 100; i++) {
		unsigned char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			changes_ok = 0;
			break;
		}
		memset(p, i, 8 * PAGE);
		changes_ok &= mprotect(p, 8 * PAGE, PROT_READ) == 0 && p[5 * PAGE] == (unsigned char)i;
		changes_ok &= mprotect(p, 8 * PAGE, PROT_READ | PROT_WRITE) == 0;
		p[3 * PAGE] = (unsigned char)(i + 1);
		changes_ok &= p[3 * PAGE] == (unsigned char)(i + 1) && munmap(p, 8 * PAGE) == 0;
		if (i % 10 == 0) {
			/* A fork while the writer writes: the child sees whole rounds
			 * of nothing in particular, but its own pages stay its own. */
			pid_t child = xfork();
			if (child == 0) {
				pages[0] = 7;
				_exit(pages[0] == 7 ? 0 : 1);
			}
			int status = wait_status(child);
			children_ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
		}
	}
	while (written_rounds < 2)	/* one CPU: let the writer have its turn */
		sched_yield();
	stop_writing = 1;
	pthread_join(writer, NULL);
	int last_round = 1;
	for (int i = 0; i < WRITER_PAGES; i++)
		last_round &= pages[i * (PAGE / sizeof(long))] == written_rounds * WRITER_PAGES + i;
	ok(changes_ok, "mmap, mprotect and munmap beside a writing thread behave");
	ok(children_ok, "children forked beside a writing thread write their own pages");
	ok(written_rounds > 0 && last_round,
	   "the writer's pages hold its last round: no write was lost");
	munmap(pages, WRITER_PAGES * PAGE);
}

int main(void)
{
	plan(8);
	test_first_touch();
	test_copy_on_write();
	test_changing_beside();
	return done();
}
