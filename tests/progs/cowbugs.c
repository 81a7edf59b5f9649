/*
 * cowbugs.c - Linux's known copy-on-write bugs, replayed in the forms that apply
 * to a kernel without threads.
 *
 *  - A private read-only file mapping can be written through no path: not by the
 *    program, not by the kernel on its behalf (read() into it), not by making a
 *    shared mapping of a read-only descriptor writable. The file never changes.
 *    (Dirty COW raced madvise against writes through /proc/self/mem; without
 *    threads, the paths that remain are these.)
 *  - Data written into a pipe from a page shared copy-on-write is the writer's
 *    bytes at the time of the write, never the other side's later writes (the
 *    vmsplice/GUP family of bugs, in the form fork and pipes can show).
 *  - MADV_DONTNEED on a copy-on-write page in a child zeroes it for the child alone.
 * Runs on both kernels; the outputs must match.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "util.h"

#define PAGE 4096
#define FILE_PATH "/tmp/cowbugs.data"

static int make_file(void)
{
	char page[PAGE];

	memset(page, 'F', sizeof page);
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, page, PAGE) != PAGE)
		bail("cannot make %s", FILE_PATH);
	close(fd);
	return open(FILE_PATH, O_RDONLY);
}

static int file_unchanged(void)
{
	char page[PAGE];
	int fd = open(FILE_PATH, O_RDONLY);
	size_t got = read_full(fd, page, PAGE);

	close(fd);
	for (size_t i = 0; i < got; i++)
		if (page[i] != 'F')
			return 0;
	return got == PAGE;
}

static int write_to(void *address)
{
	*(volatile char *)address = 'X';
	return 0;
}

static int write_in_child(void *address)
{
	return write_to(address);
}

static void test_readonly_file_mapping(void)
{
	int fd = make_file();
	char *map = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);

	if (map == MAP_FAILED)
		bail("mmap failed");
	ok_killed(run_child(write_in_child, map), SIGSEGV,
		  "writing a private read-only file mapping: SIGSEGV");
	int pipe_fds[2];
	xpipe(pipe_fds);
	write(pipe_fds[1], "XXXX", 4);
	ok_errno(read(pipe_fds[0], map, 4), EFAULT, "read() into a private read-only file mapping: EFAULT");
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	int zero = open("/dev/zero", O_RDONLY);
	ok_errno(read(zero, map, 4), EFAULT, "read() from /dev/zero into it: EFAULT");
	close(zero);
	ok(map[0] == 'F', "the mapping still shows the file's bytes");

	char *shared = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED)
		bail("mmap failed");
	ok_errno(mprotect(shared, PAGE, PROT_READ | PROT_WRITE), EACCES,
		 "mprotect(PROT_WRITE) of a shared mapping of a read-only descriptor: EACCES");
	ok(mprotect(map, PAGE, PROT_READ | PROT_WRITE) == 0 && write_to(map) == 0 && map[0] == 'X',
	   "the private mapping made writable takes writes into its own copy");
	munmap(shared, PAGE);
	munmap(map, PAGE);
	close(fd);
	ok(file_unchanged(), "the file never changed");
}

/* One byte through a pipe: the two processes take turns. */
static void signal_other(int fd)
{
	if (write(fd, "g", 1) != 1)
		bail("pipe write failed");
}

static void wait_other(int fd)
{
	char byte;

	if (read(fd, &byte, 1) != 1)
		bail("pipe read failed");
}

static int all_bytes_are(const char *bytes, size_t n, char value)
{
	for (size_t i = 0; i < n; i++)
		if (bytes[i] != value)
			return 0;
	return 1;
}

/* The child writes a copy-on-write page into a pipe, then the parent changes its
 * copy: the reader must see the child's bytes as they were at the write. And the
 * other way round. */
static void test_pipe_from_cow_page(void)
{
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int data[2], to_parent[2], to_child[2];
	char got[64];

	memset(page, 'a', PAGE);
	xpipe(data);
	xpipe(to_parent);
	xpipe(to_child);
	pid_t pid = xfork();
	if (pid == 0) {
		write(data[1], page, 64);	/* from the shared page, unmodified */
		signal_other(to_parent[1]);
		wait_other(to_child[0]);	/* the parent has written its copy */
		_exit(page[0] == 'a' ? 0 : 1);
	}
	wait_other(to_parent[0]);
	memset(page, 'P', PAGE);		/* the parent's later write */
	signal_other(to_child[1]);
	read_full(data[0], got, 64);
	int st = wait_status(pid);
	ok(all_bytes_are(got, 64, 'a'), "bytes a child wrote into a pipe from a shared page are the child's");
	ok_exit(st, 0, "the parent's later write does not reach the child's page");

	memset(page, 'b', PAGE);
	pid = xfork();
	if (pid == 0) {
		wait_other(to_child[0]);	/* the parent has written into the pipe */
		memset(page, 'C', PAGE);
		_exit(0);
	}
	write(data[1], page, 64);
	signal_other(to_child[1]);
	wait_status(pid);
	read_full(data[0], got, 64);
	ok(all_bytes_are(got, 64, 'b') && page[0] == 'b',
	   "bytes the parent wrote are the parent's, whatever the child does");
	int fds[] = { data[0], data[1], to_parent[0], to_parent[1], to_child[0], to_child[1] };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
	munmap(page, PAGE);
}

static int discard_in_child(void *page)
{
	char *p = page;

	if (madvise(p, PAGE, MADV_DONTNEED) < 0)
		return 2;
	return p[0] == 0 && p[PAGE - 1] == 0 ? 0 : 1;
}

static void test_dontneed_in_child(void)
{
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(page, 'd', PAGE);
	ok_exit(run_child(discard_in_child, page), 0,
		"MADV_DONTNEED on a copy-on-write page gives the child zeroes");
	ok(page[0] == 'd' && page[PAGE - 1] == 'd', "the parent's page keeps its data");
	munmap(page, PAGE);
}

int main(void)
{
	plan(12);
	test_readonly_file_mapping();
	test_pipe_from_cow_page();
	test_dontneed_in_child();
	return done();
}
