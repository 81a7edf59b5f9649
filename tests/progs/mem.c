/*
 * mem - the user address space: brk, anonymous mmap/munmap/mprotect, sharing
 * and copy-on-write across fork, stack growth, and the EINVAL cases; and
 * /proc/sys/vm/drop_caches, which memory measurements use.
 *
 * Accesses that must fault are made in a forked child, and the parent checks
 * that the child died by SIGSEGV.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096UL

static int write_byte(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static int read_byte(void *p)
{
	return *(volatile char *)p & 0;	/* the load is the point, not its value */
}

static int all_bytes(const void *p, size_t len, unsigned char val)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < len; i++)
		if (c[i] != val)
			return 0;
	return 1;
}

static void *anon(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		bail("mmap of %zu bytes failed: errno %d", len, errno);
	return p;
}

/* The raw brk system call returns the new break, or the old one on failure. */
static uintptr_t sys_brk(uintptr_t addr)
{
	return (uintptr_t)syscall(SYS_brk, addr);
}

/*
 * musl's brk() always fails, and glibc's malloc may move the break, so use
 * the raw call and put the break back before anything else runs.
 */
static void test_brk(void)
{
	const size_t grow = 64 * 1024;
	uintptr_t cur = sys_brk(0);
	uintptr_t first = (cur + PAGE - 1) & ~(PAGE - 1);	/* first whole new page */
	char *p = (char *)first;
	size_t len = cur + grow - first;

	ok(cur != 0 && cur != (uintptr_t)-1, "brk(0) returns the current break");
	ok(sys_brk(cur + grow) == cur + grow, "brk grows the break by 64 KiB");
	ok(all_bytes(p, len, 0), "new brk memory reads zero");
	memset(p, 0xab, len);
	ok(all_bytes(p, len, 0xab), "new brk memory is writable");
	ok(sys_brk(cur) == cur, "brk shrinks the break back");
	ok_killed(run_child(write_byte, p + 4 * PAGE), SIGSEGV,
		  "access above the shrunk break: SIGSEGV");
	ok(sys_brk(cur + grow) == cur + grow && all_bytes(p, len, 0),
	   "memory given back and taken again reads zero");
	ok(sys_brk(PAGE) == cur + grow, "brk below the heap start fails, returns the break");
	sys_brk(cur);
}

static void test_mmap_basics(void)
{
	size_t len = 3 * PAGE;
	char *p = anon(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	ok(((uintptr_t)p & (PAGE - 1)) == 0, "mmap returns a page-aligned address");
	ok(all_bytes(p, len, 0), "anonymous private memory reads zero");
	memset(p, 0x5a, len);
	ok(all_bytes(p, len, 0x5a), "anonymous private memory is writable");

	/* Unmapping the middle page splits the mapping in two. */
	ok(munmap(p + PAGE, PAGE) == 0, "munmap of the middle page succeeds");
	p[0] = 1;
	p[2 * PAGE] = 2;
	ok(p[0] == 1 && p[2 * PAGE] == 2, "pages either side of the hole still work");
	ok_killed(run_child(read_byte, p + PAGE), SIGSEGV, "read of the unmapped hole: SIGSEGV");

	/* MAP_FIXED over a live page replaces it with fresh zero memory. */
	char *q = mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ok(q == p && q[0] == 0, "MAP_FIXED over a mapping gives fresh zero memory");

	ok(munmap(p, len) == 0, "munmap of a range with a hole succeeds");
	ok_killed(run_child(write_byte, p), SIGSEGV, "write after munmap: SIGSEGV");
	ok_killed(run_child(read_byte, p + 2 * PAGE), SIGSEGV, "read after munmap: SIGSEGV");
	ok(munmap(p, len) == 0, "munmap of an already unmapped range succeeds");
}

static void test_mprotect(void)
{
	char *p = anon(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	p[0] = 7;
	ok(mprotect(p, PAGE, PROT_READ) == 0, "mprotect to PROT_READ succeeds");
	ok(p[0] == 7, "read-only memory keeps its contents and can be read");
	ok_killed(run_child(write_byte, p), SIGSEGV, "write to PROT_READ memory: SIGSEGV");
	p[PAGE] = 8;
	ok(p[PAGE] == 8, "the next page, not covered by mprotect, stays writable");
	ok(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 && (p[0] = 9) == 9,
	   "mprotect back to read-write makes it writable again");
	ok(mprotect(p, PAGE, PROT_NONE) == 0, "mprotect to PROT_NONE succeeds");
	ok_killed(run_child(read_byte, p), SIGSEGV, "read of PROT_NONE memory: SIGSEGV");
	munmap(p, 2 * PAGE);

	char *n = anon(PAGE, PROT_NONE, MAP_PRIVATE);
	ok_killed(run_child(read_byte, n), SIGSEGV, "read of a PROT_NONE mapping: SIGSEGV");
	munmap(n, PAGE);
}

static int fill_5a(void *p)
{
	memset(p, 0x5a, PAGE);
	return 0;
}

/* A child that sees the parent's data, overwrites it, and checks its own write. */
static int see_then_overwrite(void *p)
{
	int bad = !all_bytes(p, PAGE, 0x11);
	memset(p, 0x22, PAGE);
	return bad | (!all_bytes(p, PAGE, 0x22) << 1);
}

static int unmap_page(void *p)
{
	return munmap(p, PAGE) != 0;
}

static void test_sharing(void)
{
	char *shared = anon(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	int st = run_child(fill_5a, shared);
	ok(WIFEXITED(st) && all_bytes(shared, PAGE, 0x5a),
	   "MAP_SHARED anonymous memory written by a child is seen by the parent");
	munmap(shared, PAGE);

	char *priv = anon(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(priv, 0x11, PAGE);
	int bad = child_bits(run_child(see_then_overwrite, priv));
	ok(!(bad & 1), "MAP_PRIVATE: the child sees the parent's data");
	ok(!(bad & 2), "MAP_PRIVATE: the child's write is visible to the child");
	ok(all_bytes(priv, PAGE, 0x11), "MAP_PRIVATE: the child's write is not seen by the parent");

	st = run_child(unmap_page, priv);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && all_bytes(priv, PAGE, 0x11),
	   "munmap in a child leaves the parent's mapping alone");
	munmap(priv, PAGE);
}

/* One variable in each of data, bss and stack. */
static volatile int in_data = 1;
static volatile int in_bss;

static void test_cow(void)
{
	volatile int on_stack = 3;

	pid_t pid = xfork();
	if (pid == 0) {
		in_data = 10;
		in_bss = 20;
		on_stack = 30;
		_exit(in_data == 10 && in_bss == 20 && on_stack == 30 ? 0 : 1);
	}
	int st = wait_status(pid);
	ok_exit(st, 0, "child's writes to data, bss and stack are visible to the child");
	ok(in_data == 1, "child's data write is invisible to the parent");
	ok(in_bss == 0, "child's bss write is invisible to the parent");
	ok(on_stack == 3, "child's stack write is invisible to the parent");

	/* The other way: the parent writes while the child waits, then the child looks. */
	int fds[2];
	xpipe(fds);
	pid = xfork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);
		_exit((in_data != 1) | (in_bss != 0) << 1 | (on_stack != 3) << 2);
	}
	close(fds[0]);
	in_data = 100;
	in_bss = 200;
	on_stack = 300;
	close(fds[1]);
	int bad = child_bits(wait_status(pid));
	ok(!(bad & 1), "parent's data write after fork is invisible to the child");
	ok(!(bad & 2), "parent's bss write after fork is invisible to the child");
	ok(!(bad & 4), "parent's stack write after fork is invisible to the child");
	in_data = 1;
	in_bss = 0;
}

/* Touch 1 MiB of stack from the top down, page by page. */
__attribute__((noinline)) static int deep_stack(void)
{
	volatile char big[1 << 20];
	for (long i = (long)sizeof big - 1; i >= 0; i -= (long)PAGE)
		big[i] = (char)i;
	big[0] = 1;
	return big[0] + big[sizeof big - 1];
}

static int run_deep_stack(void *unused)
{
	(void)unused;
	return deep_stack() == 1 + (char)((1 << 20) - 1) ? 0 : 1;
}

static void test_growth(void)
{
	ok_exit(run_child(run_deep_stack, NULL), 0, "the stack grows on demand to over 1 MiB");

	/* A large mapping costs nothing until touched; touch one byte per MiB. */
	size_t len = 64UL << 20;
	char *p = anon(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int good = 1;
	for (size_t off = 0; off < len; off += 1UL << 20) {
		good &= p[off] == 0;
		p[off] = 1;
	}
	ok(good, "a 64 MiB anonymous mapping is usable and zero");
	ok(munmap(p, len) == 0, "munmap of the 64 MiB mapping succeeds");
}

static void test_errors(void)
{
	char *p = anon(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int rw = PROT_READ | PROT_WRITE;

	ok_errno(munmap(p + 1, PAGE), EINVAL, "munmap of an unaligned address: EINVAL");
	ok_errno(munmap(p, 0), EINVAL, "munmap of length 0: EINVAL");
	/* Raw: musl's mprotect() rounds the address down to a page itself. */
	ok_errno(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL,
		 "mprotect of an unaligned address: EINVAL");
	ok(mmap(NULL, 0, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
	   "mmap of length 0: EINVAL");
	ok(mmap(p + 1, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
	   errno == EINVAL, "mmap MAP_FIXED at an unaligned address: EINVAL");
	ok(mmap(NULL, PAGE, rw, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
	   "mmap with neither MAP_PRIVATE nor MAP_SHARED: EINVAL");
	ok(mmap(NULL, PAGE, rw, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF,
	   "mmap of a file with fd -1: EBADF");
	munmap(p, 2 * PAGE);
}

/* Write text to a /proc/sys setting: 0, or the errno. */
static int write_setting(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return errno;
	ssize_t n = write(fd, text, strlen(text));
	int error = n < 0 ? errno : n == (ssize_t)strlen(text) ? 0 : EIO;
	close(fd);
	return error;
}

static void test_drop_caches(void)
{
	const char *path = "/proc/sys/vm/drop_caches";
	char *p = anon(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	memset(p, 'd', 4 * PAGE);
	ok(write_setting(path, "3\n") == 0 && write_setting(path, "2") == 0 &&
	   write_setting(path, "1") == 0, "drop_caches takes 1, 2 and 3");
	ok(p[0] == 'd' && p[4 * PAGE - 1] == 'd', "a process's memory is no cache to drop");
	ok(write_setting(path, "0") == EINVAL && write_setting(path, "5") == EINVAL &&
	   write_setting(path, "x") == EINVAL, "drop_caches refuses 0, 5 and words: EINVAL");
	ok_errno(open(path, O_RDONLY), EACCES, "drop_caches is write-only, even for root");
	munmap(p, 4 * PAGE);
}

int main(void)
{
	plan(53);
	test_brk();
	test_mmap_basics();
	test_mprotect();
	test_sharing();
	test_cow();
	test_growth();
	test_errors();
	test_drop_caches();
	return done();
}
