/*
 * faultrace.c - page faults that several threads take at once, as a threaded
 * program takes them: first touches of fresh anonymous memory and of a file's
 * pages, copy-on-write writes after a fork, faults while another thread changes
 * the address space (mmap, mprotect, munmap, fork) or truncates the file beside
 * them, and discards (madvise) of their own pages. Every page must end holding
 * what its writer wrote, and a forked child what it saw at the fork. On calf
 * these faults and discards are served without the kernel lock (mm_fault_fast,
 * mm_discard_fast), several CPUs at once; /proc/vmstat's pgfault_fast must show
 * it. Linux has no such line: there that check holds trivially.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
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

/* A file of THREADS * PAGES_EACH pages, page i holding the byte i + 1 throughout,
 * unlinked at once (the open descriptor keeps it). */
#define FILE_PAGES (THREADS * PAGES_EACH)

static int make_file(void)
{
	static unsigned char page[PAGE];
	int fd = open("/tmp/faultrace.data", O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		bail("cannot create /tmp/faultrace.data: %s", strerror(errno));
	unlink("/tmp/faultrace.data");
	for (int i = 0; i < FILE_PAGES; i++) {
		memset(page, i + 1, PAGE);
		if (write(fd, page, PAGE) != PAGE)
			bail("writing the file failed: %s", strerror(errno));
	}
	return fd;
}

static unsigned char *map_file(int fd, int type, size_t pages)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, type, fd, 0);

	if (p == MAP_FAILED)
		bail("mmap of the file failed: %s", strerror(errno));
	return p;
}

struct file_slice {
	unsigned char *base;	/* the thread's first page of the mapping */
	int first;		/* its index in the file */
	int wrong;		/* pages that did not hold the file's bytes */
};

/* Read each page of the slice (the file's bytes must be there), then write it. */
static void *read_then_write(void *arg)
{
	struct file_slice *s = arg;

	for (int i = 0; i < PAGES_EACH; i++) {
		unsigned char *page = s->base + (size_t)i * PAGE;
		unsigned char expected = (unsigned char)(s->first + i + 1);
		s->wrong += page[0] != expected || page[PAGE - 1] != expected;
	}
	for (int i = 0; i < PAGES_EACH; i++)
		s->base[(size_t)i * PAGE + 1] = 0xee;
	return NULL;
}

/* Each thread reads and then writes its slice of a mapping of the whole file. */
static int file_in_parallel(unsigned char *map)
{
	struct file_slice slices[THREADS];
	pthread_t threads[THREADS];
	int wrong = 0;

	for (int t = 0; t < THREADS; t++) {
		slices[t] = (struct file_slice){ map + (size_t)t * PAGES_EACH * PAGE,
						 t * PAGES_EACH, 0 };
		threads[t] = xthread(read_then_write, &slices[t]);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		wrong += slices[t].wrong;
	}
	return wrong;
}

/* How many pages of the file hold byte 1 of value at offset 1. */
static int file_pages_with(int fd, unsigned char value)
{
	unsigned char byte;
	int count = 0;

	for (int i = 0; i < FILE_PAGES; i++)
		count += pread(fd, &byte, 1, (off_t)i * PAGE + 1) == 1 && byte == value;
	return count;
}

static void test_file_pages(void)
{
	int fd = make_file();
	unsigned char *shared = map_file(fd, MAP_SHARED, FILE_PAGES);
	long before = fast_faults(), faults_before = vmstat("pgfault");

	ok(file_in_parallel(shared) == 0,
	   "four threads touching a shared file mapping at once read the file's bytes");
	long after = fast_faults(), faults = vmstat("pgfault") - faults_before;
	ok(file_pages_with(fd, 0xee) == FILE_PAGES, "and their writes are the file's");
	ok(before < 0 || (after - before) * 4 >= faults,
	   "those file faults were resolved on the fast path");
	munmap(shared, (size_t)FILE_PAGES * PAGE);

	/* A private mapping: the reads map the cache's frames, the writes copy. */
	for (int i = 0; i < FILE_PAGES; i++)
		if (pwrite(fd, "\0", 1, (off_t)i * PAGE + 1) != 1)
			bail("pwrite failed: %s", strerror(errno));
	unsigned char *private = map_file(fd, MAP_PRIVATE, FILE_PAGES);
	int wrong = file_in_parallel(private);
	int own = 0;
	for (int i = 0; i < FILE_PAGES; i++)
		own += private[(size_t)i * PAGE + 1] == 0xee;
	ok(wrong == 0 && own == FILE_PAGES && file_pages_with(fd, 0) == FILE_PAGES,
	   "in a private file mapping each thread's writes are its process's copies");
	munmap(private, (size_t)FILE_PAGES * PAGE);
	close(fd);
}

/*
 * Threads read a shared mapping of a file while main shrinks it and grows it
 * back: a page past the end is SIGBUS as soon as the truncation returns,
 * however many faults were mapping it meanwhile, and a page that comes back
 * reads as zeros.
 */
#define TRUNCATE_PAGES 64
#define TRUNCATE_ROUNDS 40
static __thread sigjmp_buf *bus_landing;
static volatile int stop_reading;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(*bus_landing, 1);
}

/* 1 if reading the byte at p raised SIGBUS, else 0 (the byte in *value). */
static int read_or_bus(const volatile unsigned char *p, unsigned char *value)
{
	sigjmp_buf landing;

	bus_landing = &landing;
	if (sigsetjmp(landing, 1))
		return 1;
	*value = *p;
	return 0;
}

static void *keep_reading(void *arg)
{
	const unsigned char *map = arg;
	unsigned long wrong = 0;
	unsigned char value;

	while (!stop_reading)
		for (int i = 0; i < TRUNCATE_PAGES; i++)
			if (!read_or_bus(map + (size_t)i * PAGE + 7, &value))
				wrong += value != 0 && value != (unsigned char)(i + 1);
	return (void *)wrong;
}

static void test_truncate_beside(void)
{
	int fd = make_file();
	unsigned char *map = map_file(fd, MAP_SHARED, TRUNCATE_PAGES);
	struct sigaction sa = { .sa_handler = on_sigbus };
	pthread_t readers[THREADS - 1];
	int bus_past_end = 1, zero_after = 1;
	unsigned char value;

	sigaction(SIGBUS, &sa, NULL);
	if (ftruncate(fd, (off_t)TRUNCATE_PAGES * PAGE) != 0)
		bail("ftruncate failed: %s", strerror(errno));
	for (int t = 0; t < THREADS - 1; t++)
		readers[t] = xthread(keep_reading, map);
	for (int round = 0; round < TRUNCATE_ROUNDS; round++) {
		int keep = 1 + round % (TRUNCATE_PAGES - 1);
		if (ftruncate(fd, (off_t)keep * PAGE) != 0)
			bail("ftruncate failed: %s", strerror(errno));
		for (int i = keep; i < TRUNCATE_PAGES; i += 7)
			bus_past_end &= read_or_bus(map + (size_t)i * PAGE, &value);
		if (ftruncate(fd, (off_t)TRUNCATE_PAGES * PAGE) != 0)
			bail("ftruncate failed: %s", strerror(errno));
		zero_after &= !read_or_bus(map + (size_t)(TRUNCATE_PAGES - 1) * PAGE + 7, &value) &&
			      value == 0;
	}
	stop_reading = 1;
	unsigned long wrong = 0;
	for (int t = 0; t < THREADS - 1; t++) {
		void *result;
		pthread_join(readers[t], &result);
		wrong += (unsigned long)result;
	}
	signal(SIGBUS, SIG_DFL);
	ok(bus_past_end, "while threads fault a file's pages in, those past a truncation are SIGBUS");
	ok(zero_after, "a page the file grows back over reads as zeros");
	ok(wrong == 0, "the readers saw only the file's bytes or zeros");
	munmap(map, (size_t)TRUNCATE_PAGES * PAGE);
	close(fd);
}

/*
 * Threads that write their pages and give them back with madvise(MADV_DONTNEED)
 * over and over, as allocators in threads do, beside one another: after each
 * discard a thread's pages read zero, after each write they hold its bytes.
 */
#define DISCARD_PAGES 16
#define DISCARD_ROUNDS 200

static void *write_and_discard(void *arg)
{
	unsigned char *pages = arg;
	unsigned long wrong = 0;

	for (int round = 0; round < DISCARD_ROUNDS; round++) {
		unsigned char value = (unsigned char)(round + 1);
		for (int i = 0; i < DISCARD_PAGES; i++)
			pages[(size_t)i * PAGE + i] = value;
		for (int i = 0; i < DISCARD_PAGES; i++)
			wrong += pages[(size_t)i * PAGE + i] != value;
		if (madvise(pages, DISCARD_PAGES * PAGE, MADV_DONTNEED) != 0)
			wrong++;
		for (int i = 0; i < DISCARD_PAGES; i++)
			wrong += pages[(size_t)i * PAGE + i] != 0;
	}
	return (void *)wrong;
}

static void test_discard_beside(void)
{
	size_t length = (size_t)THREADS * DISCARD_PAGES * PAGE;
	unsigned char *region = mmap(NULL, length, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_t threads[THREADS];
	unsigned long wrong = 0;

	if (region == MAP_FAILED)
		bail("mmap failed: %s", strerror(errno));
	for (int t = 0; t < THREADS; t++)
		threads[t] = xthread(write_and_discard, region + (size_t)t * DISCARD_PAGES * PAGE);
	for (int t = 0; t < THREADS; t++) {
		void *result;
		pthread_join(threads[t], &result);
		wrong += (unsigned long)result;
	}
	ok(wrong == 0, "four threads writing and discarding their pages at once: "
		       "each discard leaves zeros, each write its bytes");
	munmap(region, length);
}

int main(void)
{
	plan(16);
	test_first_touch();
	test_copy_on_write();
	test_changing_beside();
	test_file_pages();
	test_truncate_beside();
	test_discard_beside();
	return done();
}
