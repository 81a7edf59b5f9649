/*
 * pagemap - /proc/PID/pagemap, /proc/kpagecount and /proc/kpageflags: which
 * frame backs each page, who else maps it, and what kind of page it is.
 *
 * Each page of a test area is shown as one letter: '.' not present, 'x' present
 * and mapped by this process alone (bit 56), 's' present and mapped by others
 * too, 'f' a file page this process alone maps, 'F' a file page others map too.
 * Every page of a region is soft-dirty (bit 55) until soft-dirty bits are
 * cleared, which this does not do. Frame numbers are compared, never printed:
 * they differ between kernels and runs. Under calf's fork_mode=copy fork shares
 * nothing, and the expectations say so.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <sys/mman.h>

#define PAGES 8
#define FILE_PAGES 24
#define PM_PFN(e)	((e) & ((1ull << 55) - 1))
#define PM_SOFT_DIRTY	(1ull << 55)
#define PM_EXCLUSIVE	(1ull << 56)
#define PM_FILE		(1ull << 61)
#define PM_PRESENT	(1ull << 63)
#define KPF_MMAP	(1ull << 11)
#define KPF_ANON	(1ull << 12)

static long page;
static int copying;

static uint64_t entry(void *address)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)address / page * 8) != 8)
		e = ~0ull;
	if (fd >= 0)
		close(fd);
	return e;
}

/* The area's pages as letters; '?' for an entry without soft-dirty or unreadable. */
static const char *letters(char *area, int pages)
{
	static char text[FILE_PAGES + 1];
	for (int i = 0; i < pages; i++) {
		uint64_t e = entry(area + i * page);
		char c = '?';
		if (e != ~0ull && (e & PM_SOFT_DIRTY)) {
			if (!(e & PM_PRESENT))
				c = '.';
			else if (e & PM_FILE)
				c = e & PM_EXCLUSIVE ? 'f' : 'F';
			else
				c = e & PM_EXCLUSIVE ? 'x' : 's';
		}
		text[i] = c;
	}
	text[pages] = '\0';
	return text;
}

static uint64_t frame_info(const char *file, uint64_t pfn)
{
	uint64_t value = ~0ull;
	int fd = open(file, O_RDONLY);
	if (fd < 0 || pread(fd, &value, 8, pfn * 8) != 8)
		value = ~0ull;
	if (fd >= 0)
		close(fd);
	return value;
}

/* A region of `pages` pages at a 64 KiB boundary (where fault-around windows
 * start), between guard pages. */
static char *guarded(int pages, int prot, int flags, int fd)
{
	const uintptr_t align = 64 * 1024;
	char *guard = mmap(NULL, (pages + 2) * page + align, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	char *start = (char *)(((uintptr_t)guard + page + align - 1) & ~(align - 1));
	char *area = mmap(start, pages * page, prot, flags | MAP_FIXED, fd, 0);
	if (area == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	return area;
}

static void is(const char *got, const char *want, const char *what)
{
	ok(strcmp(got, want) == 0, "%s: %s", what, got);
	if (strcmp(got, want) != 0)
		diag("want %s", want);
}

/* The child's view as an exit status: 0 when all is as expected. */
static int child_view(char *area, uint64_t parent_pfn)
{
	if (strcmp(letters(area, PAGES), copying ? "xxxx...." : "ssss....") != 0)
		return 1;
	uint64_t mine = PM_PFN(entry(area));
	if (copying ? mine == parent_pfn : mine != parent_pfn)
		return 2;
	area[0] = 1;	/* copy-on-write: a frame of its own */
	if (strcmp(letters(area, PAGES), copying ? "xxxx...." : "xsss....") != 0)
		return 3;
	if (PM_PFN(entry(area)) == parent_pfn || frame_info("/proc/kpagecount", PM_PFN(entry(area))) != 1)
		return 4;
	return 0;
}

static void test_anonymous(void)
{
	char *area = guarded(PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	is(letters(area, PAGES), "........", "a fresh anonymous area");
	for (int i = 0; i < 4; i++)
		area[i * page] = (char)i;
	is(letters(area, PAGES), "xxxx....", "4 pages written");
	uint64_t e = entry(area);
	uint64_t pfn = PM_PFN(e);
	ok(pfn != 0, "root sees the frame number");
	ok(frame_info("/proc/kpagecount", pfn) == 1, "kpagecount: mapped once");
	uint64_t flags = frame_info("/proc/kpageflags", pfn);
	ok((flags & (KPF_ANON | KPF_MMAP)) == (KPF_ANON | KPF_MMAP), "kpageflags: anonymous, mapped");

	pid_t pid = xfork();
	if (pid == 0)
		_exit(child_view(area, pfn));
	int status = wait_status(pid);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the child saw the parent's frames, then its own copy of the page it wrote (%d)",
	   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	is(letters(area, PAGES), "xxxx....", "the parent's, once the child is gone");
	ok(PM_PFN(entry(area)) == pfn && frame_info("/proc/kpagecount", pfn) == 1,
	   "the parent kept its frame, mapped once again");
	munmap(area, PAGES * page);
	ok(entry(area) == 0, "an unmapped page: every bit 0");
}

/*
 * A read fault in a file region maps the pages around it that are in memory too
 * (Linux's fault-around): 16 pages from the 64 KiB boundary below, or from the
 * region's start.
 */
static void test_file(void)
{
	char path[] = "/tmp/calf-pagemap-XXXXXX";
	int fd = mkstemp(path);
	char *bytes = calloc(FILE_PAGES, page);
	if (fd < 0 || write(fd, bytes, FILE_PAGES * page) != FILE_PAGES * page)
		bail("file: %s", strerror(errno));
	free(bytes);

	char *shared = guarded(FILE_PAGES, PROT_READ, MAP_SHARED, fd);
	volatile char sum = shared[0];
	is(letters(shared, FILE_PAGES), "ffffffffffffffff........",
	   "one page read through a shared mapping: 16 mapped");
	uint64_t pfn = PM_PFN(entry(shared));
	uint64_t flags = frame_info("/proc/kpageflags", pfn);
	ok((flags & (KPF_ANON | KPF_MMAP)) == KPF_MMAP, "kpageflags: a mapped file page, not anonymous");

	char *private = guarded(FILE_PAGES, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	private[page] = 1;
	is(letters(private, FILE_PAGES), ".x......................",
	   "a private mapping of it, one page written: a copy, nothing around it");
	sum += private[20 * page];
	is(letters(private, FILE_PAGES), ".x..............ffffffff",
	   "then page 20 read: from page 16 to the region's end");
	sum += private[5 * page];
	is(letters(private, FILE_PAGES), "FxFFFFFFFFFFFFFFffffffff",
	   "then page 5 read: pages 0 to 15, also mapped by the shared mapping");
	is(letters(shared, FILE_PAGES), "FfFFFFFFFFFFFFFF........",
	   "the shared mapping's view of the same pages");
	ok(PM_PFN(entry(private + 5 * page)) == PM_PFN(entry(shared + 5 * page)),
	   "both map the page cache's frame");
	(void)sum;
	close(fd);
	unlink(path);
}

static void test_errors(void)
{
	uint64_t e[2];
	int fd = open("/proc/self/pagemap", O_RDONLY);

	ok_errno(pread(fd, e, 8, 4), EINVAL, "pagemap read at an offset that is not a multiple of 8");
	ok_errno(pread(fd, e, 12, 0), EINVAL, "pagemap read of a length that is not a multiple of 8");
	ok(pread(fd, e, 16, ((1ull << 60) / page) * 8) == 0,
	   "pagemap past the end of user space: end of file");
	close(fd);
	fd = open("/proc/kpagecount", O_RDONLY);
	ok_errno(pread(fd, e, 8, 3), EINVAL, "kpagecount read at an unaligned offset");
	ok(pread(fd, e, 8, 1ull << 50) == 0, "kpagecount past the last frame: end of file");
	close(fd);
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	copying = fork_copies_pages();
	plan(21);
	test_anonymous();
	test_file();
	test_errors();
	return done();
}
