/*
 * smaps - /proc/PID/smaps and smaps_rollup: how much of each region is resident,
 * and how it is shared, before and after fork and copy-on-write.
 *
 * Redis reads Private_Dirty from smaps in its snapshot child to report how much
 * fork copied; people read Pss to see what a process really costs. A page mapped
 * by two processes is shared, and each is charged half of it; a page one process
 * copied on write is its own. Files in /tmp live in memory (tmpfs on Linux, ramfs
 * on calf), so their pages count as dirty, like anonymous memory.
 *
 * The test areas sit between PROT_NONE guard pages so that they merge with no
 * neighbour, and are too small for transparent huge pages on Linux.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <sys/mman.h>

#define PAGES 64

struct figures {
	long size, rss, pss, shared_clean, shared_dirty, private_clean, private_dirty, anonymous;
	char vmflags[128];
	int found;
};

static long page;
static int copying;	/* calf's fork_mode=copy: fork shares nothing */

/* The smaps entry of the region starting at address. */
static struct figures region(void *address)
{
	struct figures f = { .found = 0 };
	char line[512];
	FILE *smaps = fopen("/proc/self/smaps", "r");
	int inside = 0;

	if (!smaps)
		return f;
	while (fgets(line, sizeof line, smaps)) {
		unsigned long start, end;
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = start == (unsigned long)address;
			f.found |= inside;
			continue;
		}
		if (!inside)
			continue;
		sscanf(line, "Size: %ld", &f.size);
		sscanf(line, "Rss: %ld", &f.rss);
		sscanf(line, "Pss: %ld", &f.pss);
		sscanf(line, "Shared_Clean: %ld", &f.shared_clean);
		sscanf(line, "Shared_Dirty: %ld", &f.shared_dirty);
		sscanf(line, "Private_Clean: %ld", &f.private_clean);
		sscanf(line, "Private_Dirty: %ld", &f.private_dirty);
		sscanf(line, "Anonymous: %ld", &f.anonymous);
		if (strncmp(line, "VmFlags:", 8) == 0) {
			size_t length = strcspn(line + 8, "\n");
			if (length >= sizeof f.vmflags)
				length = sizeof f.vmflags - 1;
			memcpy(f.vmflags, line + 8, length);
			f.vmflags[length] = '\0';
		}
	}
	fclose(smaps);
	return f;
}

/* A region of `pages` pages between guard pages (readable ones around a PROT_NONE
 * region, which would merge with PROT_NONE guards). */
static char *guarded(int pages, int prot, int flags, int fd)
{
	int guard_prot = prot == PROT_NONE ? PROT_READ : PROT_NONE;
	char *guard = mmap(NULL, (pages + 2) * page, guard_prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	char *area = mmap(guard + page, pages * page, prot, flags | MAP_FIXED, fd, 0);
	if (area == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	return area;
}

static void touch(char *area, int first, int count)
{
	for (int i = first; i < first + count; i++)
		area[i * page] = (char)i;
}

static int is(struct figures f, long rss, long pss, long shared_dirty, long private_dirty,
	      long anonymous)
{
	return f.found && f.rss == rss && f.pss == pss && f.shared_dirty == shared_dirty &&
	       f.private_dirty == private_dirty && f.anonymous == anonymous &&
	       f.shared_clean == 0 && f.private_clean == 0;
}

static void report(struct figures f, long rss, long pss, long shared_dirty, long private_dirty,
		   long anonymous, const char *what)
{
	ok(is(f, rss, pss, shared_dirty, private_dirty, anonymous),
	   "%s: Rss %ld, Pss %ld, Shared_Dirty %ld, Private_Dirty %ld, Anonymous %ld kB", what,
	   f.rss, f.pss, f.shared_dirty, f.private_dirty, f.anonymous);
}

/* In the child: its figures, as an exit status (the parent reports them). Under
 * fork_mode=copy every page is the child's own from the start. */
static int child_check(char *area)
{
	long k = page / 1024;
	struct figures f = region(area);
	if (copying ? !is(f, 16 * k, 16 * k, 0, 16 * k, 16 * k) : !is(f, 16 * k, 8 * k, 16 * k, 0, 16 * k))
		return 1;
	touch(area, 0, 4);	/* copies 4 pages */
	f = region(area);
	if (copying ? !is(f, 16 * k, 16 * k, 0, 16 * k, 16 * k) :
		      !is(f, 16 * k, 4 * k + 6 * k, 12 * k, 4 * k, 16 * k))
		return 2;
	touch(area, 32, 8);	/* 8 pages of its own, never shared */
	f = region(area);
	if (copying ? !is(f, 24 * k, 24 * k, 0, 24 * k, 24 * k) :
		      !is(f, 24 * k, 12 * k + 6 * k, 12 * k, 12 * k, 24 * k))
		return 3;
	return 0;
}

static void test_anonymous(void)
{
	long k = page / 1024;
	char *area = guarded(PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	struct figures f = region(area);
	ok(f.found && f.size == PAGES * k, "an anonymous region: Size %ld kB", f.size);
	report(f, 0, 0, 0, 0, 0, "untouched");
	ok(strcmp(f.vmflags, " rd wr mr mw me ac sd ") == 0, "VmFlags:%s", f.vmflags);
	touch(area, 0, 16);
	report(region(area), 16 * k, 16 * k, 0, 16 * k, 16 * k, "16 pages written");

	pid_t pid = xfork();
	if (pid == 0)
		_exit(child_check(area));
	usleep(0);
	int status = wait_status(pid);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the child saw the 16 pages, 4 it copied, and 8 of its own (%d)",
	   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	report(region(area), 16 * k, 16 * k, 0, 16 * k, 16 * k, "the parent's once the child is gone");

	/* Shared with a live child: both are charged half. */
	int pipefd[2];
	xpipe(pipefd);
	pid = xfork();
	if (pid == 0) {
		char c;
		close(pipefd[1]);
		read(pipefd[0], &c, 1);
		_exit(0);
	}
	close(pipefd[0]);
	if (copying) {
		report(region(area), 16 * k, 16 * k, 0, 16 * k, 16 * k, "while a child lives");
		touch(area, 0, 2);
		report(region(area), 16 * k, 16 * k, 0, 16 * k, 16 * k, "after the parent writes 2 pages");
	} else {
		report(region(area), 16 * k, 8 * k, 16 * k, 0, 16 * k, "while a child shares it");
		touch(area, 0, 2);
		report(region(area), 16 * k, 2 * k + 7 * k, 14 * k, 2 * k, 16 * k,
		       "after the parent copies 2 pages");
	}
	close(pipefd[1]);
	wait_status(pid);
}

static void test_flags(void)
{
	char *none = guarded(4, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ok(strcmp(region(none).vmflags, " mr mw me sd ") == 0, "PROT_NONE: VmFlags:%s",
	   region(none).vmflags);
	mprotect(none, 4 * page, PROT_READ | PROT_WRITE);
	ok(strcmp(region(none).vmflags, " rd wr mr mw me ac sd ") == 0,
	   "made writable: VmFlags:%s", region(none).vmflags);
	mprotect(none, 4 * page, PROT_READ);
	ok(strcmp(region(none).vmflags, " rd mr mw me ac sd ") == 0,
	   "read-only again, still accounted: VmFlags:%s", region(none).vmflags);

	char *noreserve = guarded(4, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	ok(strcmp(region(noreserve).vmflags, " rd wr mr mw me nr sd ") == 0,
	   "MAP_NORESERVE: VmFlags:%s", region(noreserve).vmflags);

	char *shared = guarded(4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	ok(strcmp(region(shared).vmflags, " rd wr sh mr mw me ms sd ") == 0,
	   "shared anonymous: VmFlags:%s", region(shared).vmflags);
}

static void test_file(void)
{
	long k = page / 1024;
	char path[] = "/tmp/calf-smaps-XXXXXX";
	int fd = mkstemp(path);
	char *bytes = calloc(8, page);

	if (fd < 0 || write(fd, bytes, 8 * page) != 8 * page)
		bail("file: %s", strerror(errno));
	free(bytes);
	char *map = guarded(8, PROT_READ, MAP_SHARED, fd);
	report(region(map), 0, 0, 0, 0, 0, "a file mapped, untouched");
	volatile char sum = 0;
	for (int i = 0; i < 8; i++)
		sum += map[i * page];
	(void)sum;
	report(region(map), 8 * k, 8 * k, 0, 8 * k, 0, "a file's 8 pages read");
	int readonly = open(path, O_RDONLY);
	char *view = guarded(8, PROT_READ, MAP_SHARED, readonly);
	ok(strcmp(region(view).vmflags, " rd mr me ms sd ") == 0,
	   "shared mapping of a read-only file: VmFlags:%s", region(view).vmflags);
	close(readonly);
	close(fd);
	unlink(path);
}

/* smaps_rollup adds up what smaps says of each region. */
static void test_rollup(void)
{
	char line[512];
	long sum = 0, rollup = -1, value;
	FILE *f = fopen("/proc/self/smaps", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Private_Dirty: %ld", &value) == 1)
			sum += value;
	if (f)
		fclose(f);
	f = fopen("/proc/self/smaps_rollup", "r");
	int header = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (strstr(line, "[rollup]"))
			header = 1;
		sscanf(line, "Private_Dirty: %ld", &rollup);
	}
	if (f)
		fclose(f);
	ok(header && rollup == sum, "smaps_rollup's Private_Dirty is the sum of smaps'");
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	copying = fork_copies_pages();
	plan(17);
	test_anonymous();
	test_flags();
	test_file();
	test_rollup();
	return done();
}
