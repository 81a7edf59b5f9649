/*
 * mincore - which pages are in memory: a byte per page, bit 0 set when resident.
 *
 * Anonymous pages are resident once touched (read or written) and not after
 * MADV_DONTNEED; a file's pages are resident when they are in its page cache,
 * mapped here or not (files in /tmp live in memory, on Linux as on calf), except
 * holes and pages past the end of the file. The errors are Linux's, in its order:
 * EINVAL (address not page-aligned), ENOMEM (range outside user space or not all
 * mapped), EFAULT (vec). Linux fills vec region by region, so on a hole it has
 * filled the entries before it.
 *
 * The anonymous test area sits between PROT_NONE guard pages, so that it merges
 * with no neighbour (a larger region could get transparent huge pages on Linux,
 * which would make untouched pages resident).
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <sys/mman.h>

#define PAGES 8

static long page;
static char dir[] = "/tmp/calf-mincore-XXXXXX";

/* vec's first n entries as a string of digits ('x' for a byte not 0 or 1). */
static const char *show(const unsigned char *vec, int n)
{
	static char text[64];
	for (int i = 0; i < n; i++)
		text[i] = vec[i] == 0 ? '0' : vec[i] == 1 ? '1' : 'x';
	text[n] = '\0';
	return text;
}

/* mincore of n pages at area; passes when it succeeds with vec spelling want. */
static void ok_vec(void *area, int n, const char *want, const char *what)
{
	unsigned char vec[64];
	memset(vec, 0xff, sizeof vec);
	int r = mincore(area, (size_t)n * page, vec);
	int good = r == 0 && strcmp(show(vec, n), want) == 0;
	ok(good, "%s: %s", what, want);
	if (!good)
		diag("  mincore returned %d (errno %d), vec %s", r, errno, show(vec, n));
}

/* PAGES read-write pages between two PROT_NONE guard pages. */
static char *guarded_area(void)
{
	char *p = mmap(NULL, (PAGES + 2) * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + page, PAGES * page, PROT_READ | PROT_WRITE) < 0)
		bail("cannot map the test area: errno %d", errno);
	return p + page;
}

static void test_anonymous(void)
{
	char *a = guarded_area();
	unsigned char vec[PAGES + 2];

	ok_vec(a, PAGES, "00000000", "a fresh anonymous mapping has nothing resident");
	a[0] = 1;
	a[3 * page + 100] = 1;
	ok_vec(a, PAGES, "10010000", "pages 0 and 3 written");
	volatile char c = a[5 * page];
	(void)c;
	ok_vec(a, PAGES, "10010100", "page 5 read: resident too");

	pid_t pid = xfork();
	if (pid == 0) {
		memset(vec, 0xff, sizeof vec);
		_exit(mincore(a, PAGES * page, vec) == 0 &&
		      strcmp(show(vec, PAGES), "10010100") == 0 ? 0 : 1);
	}
	ok_exit(wait_status(pid), 0, "a forked child sees the same pages resident");

	if (mprotect(a + 3 * page, page, PROT_NONE) < 0)
		bail("mprotect failed: errno %d", errno);
	ok_vec(a, PAGES, "10010100", "a page made PROT_NONE is still resident");
	mprotect(a + 3 * page, page, PROT_READ | PROT_WRITE);
	ok_vec(a - page, PAGES + 2, "0100101000",
	       "the PROT_NONE guard pages around it are mapped, not resident");

	memset(vec, 0xff, sizeof vec);
	ok(mincore(a, page + 1, vec) == 0 && vec[0] == 1 && vec[1] == 0 && vec[2] == 0xff,
	   "a length one byte past a page counts the next page, and no more");
	memset(vec, 0xff, sizeof vec);
	ok(mincore(a + 1000 * page, 0, vec) == 0 && vec[0] == 0xff,
	   "length 0 succeeds without looking at the pages or writing vec");
	ok(mincore(a, 0, NULL) == 0, "length 0 with a NULL vec succeeds");

	ok(madvise(a, PAGES * page, MADV_DONTNEED) == 0, "MADV_DONTNEED the whole area");
	ok_vec(a, PAGES, "00000000", "after MADV_DONTNEED nothing is resident");
	munmap(a - page, (PAGES + 2) * page);
}

static void test_errors(void)
{
	char *a = guarded_area();
	unsigned char vec[PAGES];

	ok_errno(mincore(a + 1, page, vec), EINVAL, "an address not page-aligned: EINVAL");
	ok_errno(mincore(a + 1, 0, vec), EINVAL, "... even with length 0");
	ok_errno(mincore(a + 1, page, NULL), EINVAL, "... checked before vec");
	/* (Far past: Linux with 5-level paging, as under QEMU's -cpu max, has user
	 * space up to 2^56, where calf's ends at 2^47 like 4-level Linux.) */
	ok_errno(mincore(a, 1ul << 62, vec), ENOMEM, "a range past the end of user space: ENOMEM");
	ok_errno(mincore(a, 1ul << 62, NULL), ENOMEM, "... checked before vec");
	ok_errno(mincore(a, -page, vec), ENOMEM, "a range that wraps around: ENOMEM");

	a[0] = 1;
	munmap(a + (PAGES - 1) * page, page);
	memset(vec, 0xff, sizeof vec);
	ok_errno(mincore(a, PAGES * page, vec), ENOMEM, "a range with an unmapped page: ENOMEM");
	ok(strcmp(show(vec, PAGES - 1), "1000000") == 0 && vec[PAGES - 1] == 0xff,
	   "... with vec filled in up to the hole");
	ok_errno(mincore(a + (PAGES - 1) * page, page, vec), ENOMEM,
		 "a range starting at an unmapped page: ENOMEM");
	ok_errno(mincore(a + (PAGES - 1) * page, page, NULL), ENOMEM,
		 "... found before a NULL vec is written");

	ok_errno(mincore(a, page, NULL), EFAULT, "a NULL vec: EFAULT");
	unsigned char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok_errno(mincore(a, page, ro), EFAULT, "a read-only vec: EFAULT");
	ok_errno(mincore(a, page, (unsigned char *)0x7ffffffff000), EFAULT,
		 "a vec at the end of user space: EFAULT");
	ok_errno(mincore(a, page, (unsigned char *)(1ul << 63)), EFAULT,
		 "a vec in kernel space: EFAULT");
	ok_errno(mincore(a, 0, (unsigned char *)(1ul << 63)), EFAULT,
		 "... even with length 0");
	ok_errno(mincore((char *)(1ul << 63), 0, vec), ENOMEM,
		 "an address in kernel space with length 0: ENOMEM");
	munmap(ro, page);
	munmap(a - page, (PAGES + 2) * page);
}

/* A file in dir of `size` bytes, its first `written` pages written with write(). */
static int make_file(const char *name, off_t size, int written)
{
	char path[64];
	static char data[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		bail("cannot create %s: errno %d", path, errno);
	memset(data, 'd', sizeof data);
	for (int i = 0; i < written; i++)
		if (write(fd, data, page) != page)
			bail("cannot write %s: errno %d", path, errno);
	if (ftruncate(fd, size) < 0)
		bail("cannot truncate %s: errno %d", path, errno);
	return fd;
}

static char *map(int fd, int pages, int prot, int flags, off_t offset)
{
	char *p = mmap(NULL, pages * page, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		bail("cannot map the file: errno %d", errno);
	return p;
}

static void test_file(void)
{
	int fd = make_file("full", 3 * page, 3);
	char *p = map(fd, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	ok_vec(p, 4, "1110", "a private file mapping, untouched: the file's pages are "
	       "resident, the page past its end is not");
	p[0] = 1;
	ok_vec(p, 4, "1110", "page 0 written (a private copy)");
	madvise(p, 4 * page, MADV_DONTNEED);
	ok_vec(p, 4, "1110", "MADV_DONTNEED drops the copy; the file's page is still resident");
	munmap(p, 4 * page);

	p = map(fd, 4, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	ok_vec(p, 4, "1110", "a shared file mapping, untouched");
	munmap(p, 4 * page);
	p = map(fd, 3, PROT_READ, MAP_SHARED, page);
	ok_vec(p, 3, "110", "a mapping from page 1 of the file");
	munmap(p, 3 * page);
	close(fd);

	fd = make_file("sparse", 3 * page, 1);
	p = map(fd, 3, PROT_READ, MAP_SHARED, 0);
	/* (Reading a hole through the mapping would fill it, but Linux may then
	 * read ahead and fill the next one too: not something to compare.) */
	ok_vec(p, 3, "100", "a sparse file: its holes are not resident");
	munmap(p, 3 * page);
	close(fd);
}

static void test_stack(void)
{
	unsigned char vec[1];
	volatile char here = 0;
	void *at = (void *)((uintptr_t)&here & ~(uintptr_t)(page - 1));

	ok(mincore(at, 1, vec) == 0 && vec[0] == 1, "the stack page in use is resident");
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	plan(34);
	test_anonymous();
	test_errors();
	if (!mkdtemp(dir))
		bail("mkdtemp failed: errno %d", errno);
	test_file();
	char path[64];
	snprintf(path, sizeof path, "%s/full", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/sparse", dir);
	unlink(path);
	rmdir(dir);
	test_stack();
	return done();
}
