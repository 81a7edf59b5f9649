/*
 * filemap - file-backed memory mappings: MAP_PRIVATE (copy-on-write against the
 * file) and MAP_SHARED (the file's own pages), SIGBUS past the end of the file,
 * truncation, /dev/zero, fork, mmap's and mprotect's errors, and how
 * /proc/self/maps names mapped files - the program's own segments included.
 *
 * Accesses that must fault are made in forked children; the parent checks the
 * signal. Files live in /tmp.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define PAGE 4096UL
#define FILE_SIZE (3 * PAGE + 100)	/* four pages when mapped, the last one partial */
#define DAT "/tmp/filemap.dat"

#ifndef BUS_ADRERR
#define BUS_ADRERR 2
#endif

static unsigned char pattern(size_t offset)
{
	return (unsigned char)(offset * 7 + offset / PAGE + 1);
}

/* A fresh file of size bytes of pattern(), open read-write. */
static int make_file(const char *path, size_t size)
{
	static unsigned char buf[4 * PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || size > sizeof buf)
		bail("cannot create %s: errno %d", path, errno);
	for (size_t i = 0; i < size; i++)
		buf[i] = pattern(i);
	if (write(fd, buf, size) != (ssize_t)size)
		bail("cannot write %s: errno %d", path, errno);
	return fd;
}

static int file_byte(int fd, off_t offset)
{
	unsigned char c;

	return pread(fd, &c, 1, offset) == 1 ? c : -1;
}

static int shows_pattern(const unsigned char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != pattern(i))
			return 0;
	return 1;
}

static int all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static void *map(size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p = mmap(NULL, len, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		bail("mmap of %zu bytes at offset %lld failed: errno %d", len, (long long)offset, errno);
	return p;
}

static int read_byte(void *p)
{
	return *(volatile unsigned char *)p & 0;
}

static int write_byte(void *p)
{
	*(volatile unsigned char *)p = 1;
	return 0;
}

/* ------------------------------------------------------------ private */

static void test_private(void)
{
	int fd = make_file(DAT, FILE_SIZE);
	unsigned char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	ok(shows_pattern(p, 0, FILE_SIZE), "MAP_PRIVATE shows the file's contents");
	ok(all_zero(p + FILE_SIZE, 4 * PAGE - FILE_SIZE), "the rest of the last page reads zero");
	pwrite(fd, "X", 1, 10);
	ok(p[10] == 'X', "an unwritten private page shows later writes to the file");
	p[20] = 'P';
	memset(p + PAGE, 'Q', PAGE);
	ok(file_byte(fd, 20) == pattern(20) && file_byte(fd, PAGE + 1) == pattern(PAGE + 1),
	   "writes to a private mapping do not reach the file");
	ok(p[20] == 'P' && p[10] == 'X' && p[21] == pattern(21),
	   "the written page keeps the rest of the file's contents");
	pwrite(fd, "Y", 1, 30);
	ok(p[30] == pattern(30), "once written, a private page no longer follows the file");
	ok(madvise(p, 2 * PAGE, MADV_DONTNEED) == 0 && p[20] == pattern(20) && p[30] == 'Y' &&
	   p[PAGE] == pattern(PAGE), "MADV_DONTNEED drops the private copies: the file shows again");
	munmap(p, 4 * PAGE);

	/* A read-only descriptor can be mapped privately, even writable. */
	int ro = open(DAT, O_RDONLY);
	p = map(PAGE, PROT_READ, MAP_PRIVATE, ro, 0);
	ok(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0,
	   "mprotect(PROT_WRITE) of a private mapping of a read-only fd succeeds");
	p[40] = 'R';
	ok(p[40] == 'R' && file_byte(fd, 40) == pattern(40), "... and its writes stay private");
	munmap(p, PAGE);
	close(ro);
	close(fd);
}

/* ------------------------------------------------------------ shared */

static void test_shared(void)
{
	int fd = make_file(DAT, FILE_SIZE);
	unsigned char *s = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	struct stat st;

	ok(shows_pattern(s, 0, FILE_SIZE), "MAP_SHARED shows the file's contents");
	s[5] = 'S';
	ok(file_byte(fd, 5) == 'S', "a write to a shared mapping is seen by read()");
	pwrite(fd, "W", 1, PAGE + 5);
	ok(s[PAGE + 5] == 'W', "write() is seen through a shared mapping");
	unsigned char *s2 = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
	s2[6] = 'T';
	ok(s2[5] == 'W' && s[PAGE + 6] == 'T', "two shared mappings of a page are the same memory");
	unsigned char *q = map(PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	ok(q[5] == 'S', "a private mapping sees a shared mapping's write");
	s[5] = 's';
	ok(q[5] == 's', "... while it has not written the page itself");
	munmap(q, PAGE);
	munmap(s2, PAGE);

	s[FILE_SIZE + 10] = 'Z';
	ok(fstat(fd, &st) == 0 && st.st_size == FILE_SIZE && pread(fd, &st, 1, FILE_SIZE) == 0,
	   "a write past the end in the last page does not grow the file");

	/* The mapping keeps the file: close the descriptor, remove the name. */
	int fd2 = open(DAT, O_RDONLY);
	close(fd);
	ok(unlink(DAT) == 0, "unlink of a mapped file succeeds");
	s[7] = 'U';
	ok(file_byte(fd2, 7) == 'U' && s[5] == 's',
	   "after close and unlink the mapping still reads and writes the file");
	ok(msync(s, PAGE, MS_SYNC) == 0, "msync succeeds");
	munmap(s, 4 * PAGE);
	close(fd2);

	/* O_APPEND does not stop a shared writable mapping (only chattr +a would). */
	fd = make_file(DAT, PAGE);
	int ap = open(DAT, O_RDWR | O_APPEND);
	s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	ok(s != MAP_FAILED, "a shared writable mapping of an O_APPEND descriptor is allowed");
	if (s != MAP_FAILED)
		munmap(s, PAGE);
	close(ap);
	close(fd);
}

/* ------------------------------------------------------------ end of file */

static void *volatile bus_expect;

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	(void)sig, (void)context;
	_exit((info->si_code != BUS_ADRERR) | (info->si_addr != bus_expect) << 1);
}

/* A SIGBUS handler is told BUS_ADRERR and the address. */
static int sigbus_info(void *p)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	bus_expect = (unsigned char *)p + 8;
	sigaction(SIGBUS, &sa, NULL);
	(void)*(volatile unsigned char *)bus_expect;
	return 4;
}

static void test_end_of_file(void)
{
	int fd = make_file(DAT, FILE_SIZE);
	unsigned char *p = map(6 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	unsigned char *v = map(6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	ok(p[3 * PAGE + 99] == pattern(3 * PAGE + 99) && p[3 * PAGE + 200] == 0,
	   "the last, partial page can be read: zero past the end");
	ok_killed(run_child(read_byte, p + 4 * PAGE), SIGBUS,
		  "read of a page past the end of the file: SIGBUS");
	ok_killed(run_child(write_byte, v + 5 * PAGE), SIGBUS,
		  "write to a private page past the end of the file: SIGBUS");
	ok_exit(run_child(sigbus_info, p + 4 * PAGE), 0,
		"the SIGBUS handler gets BUS_ADRERR and the address");
	ok_errno(pread(fd, v + 4 * PAGE, 10, 0), EFAULT,
		 "read() into a mapping past the end of its file: EFAULT");
	void *pop = mmap(NULL, 6 * PAGE, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	ok(pop != MAP_FAILED, "MAP_POPULATE of a mapping longer than the file succeeds");
	if (pop != MAP_FAILED)
		munmap(pop, 6 * PAGE);

	/* Truncation takes pages away from every mapping, private copies too. */
	v[2 * PAGE] = 'c';
	ok(ftruncate(fd, PAGE + 10) == 0, "ftruncate of a mapped file succeeds");
	ok_killed(run_child(read_byte, p + 2 * PAGE), SIGBUS,
		  "a page the file lost: SIGBUS in a shared mapping");
	ok_killed(run_child(read_byte, v + 2 * PAGE), SIGBUS,
		  "... and in a private mapping that had copied it");
	ok(p[PAGE + 9] == pattern(PAGE + 9) && p[PAGE + 10] == 0 && v[PAGE + 10] == 0,
	   "the new last page reads zero past the new end");
	ok(ftruncate(fd, 3 * PAGE) == 0 && p[2 * PAGE] == 0 && v[2 * PAGE] == 0,
	   "grown again, the page is back, reading zero");
	munmap(p, 6 * PAGE);
	munmap(v, 6 * PAGE);
	close(fd);
	unlink(DAT);
}

/* ------------------------------------------------------------ errors */

#define MAP_SYNC_FLAG 0x80000	/* not a legacy flag: MAP_SHARED_VALIDATE refuses it */

static void test_errors(void)
{
	int fd = make_file(DAT, FILE_SIZE);
	int ro = open(DAT, O_RDONLY), wo = open(DAT, O_WRONLY), path = open(DAT, O_PATH);
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY), null = open("/dev/null", O_RDWR);
	int pipes[2];
	void *p;

	xpipe(pipes);
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF,
		 "mmap of fd -1 without MAP_ANONYMOUS: EBADF");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0), EBADF,
		 "mmap of a descriptor that is not open: EBADF");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, path, 0), EBADF,
		 "mmap of an O_PATH descriptor: EBADF");
	ok_errno((long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 999, 0), EBADF,
		 "length 0 and a bad descriptor: EBADF comes first");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL,
		 "an offset that is not page-aligned: EINVAL");
	ok_errno((long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL, "length 0: EINVAL");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, 0, fd, 0), EINVAL,
		 "neither MAP_SHARED nor MAP_PRIVATE: EINVAL");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, fd, 0), EINVAL,
		 "MAP_GROWSDOWN of a file: EINVAL");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd,
			    (off_t)(INT64_MAX - PAGE + 1)), EOVERFLOW,
		 "an offset whose last byte is past the largest file offset: EOVERFLOW");
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, (off_t)(INT64_MAX - 2 * PAGE + 1));
	ok(p != MAP_FAILED, "the last page below the largest file offset can be mapped");
	if (p != MAP_FAILED) {
		ok_killed(run_child(read_byte, p), SIGBUS, "... and reading it is SIGBUS");
		munmap(p, PAGE);
	} else {
		ok(0, "... and reading it is SIGBUS");
	}
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0), EACCES,
		 "mmap of a write-only descriptor: EACCES");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES,
		 "shared writable mapping of a read-only descriptor: EACCES");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pipes[1], 0), EACCES,
		 "mmap of a pipe's write end: EACCES");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pipes[0], 0), ENODEV,
		 "mmap of a pipe's read end: ENODEV");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV,
		 "mmap of a directory: ENODEV");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, null, 0), ENODEV,
		 "mmap of /dev/null: ENODEV");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC_FLAG, fd, 0),
		 EOPNOTSUPP, "MAP_SHARED_VALIDATE with a flag it does not know: EOPNOTSUPP");
	ok_errno((long)mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0),
		 EINVAL, "anonymous MAP_SHARED_VALIDATE: EINVAL");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, fd, 0);
	ok(p != MAP_FAILED && ((char *)p)[0] == (char)pattern(0),
	   "MAP_SHARED_VALIDATE with known flags maps the file");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ | 0x8, MAP_PRIVATE, fd, 0);
	ok(p != MAP_FAILED, "mmap ignores protection bits it does not know (PROT_SEM)");
	if (p != MAP_FAILED)
		munmap(p, PAGE);

	/* A shared mapping of a read-only descriptor may never become writable. */
	unsigned char *s = map(2 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
	ok_errno(mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES,
		 "mprotect(PROT_WRITE) of a shared mapping of a read-only fd: EACCES");
	ok_killed(run_child(write_byte, s), SIGSEGV, "... and it stays read-only");
	ok(mprotect(s, 2 * PAGE, PROT_READ | PROT_EXEC) == 0 && s[1] == pattern(1),
	   "mprotect without PROT_WRITE is fine");
	munmap(s, 2 * PAGE);

	close(pipes[0]);
	close(pipes[1]);
	close(null);
	close(dir);
	close(path);
	close(wo);
	close(ro);
	close(fd);
	unlink(DAT);
}

/* ------------------------------------------------------------ /dev/zero */

static int fill_zero_page(void *p)
{
	memset(p, 0x77, PAGE);
	return 0;
}

static void test_dev_zero(void)
{
	int z = open("/dev/zero", O_RDWR);
	unsigned char *p = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);

	ok(all_zero(p, 2 * PAGE), "a private mapping of /dev/zero reads zero");
	p[PAGE] = 9;
	ok(p[PAGE] == 9, "... and is writable memory");
	munmap(p, 2 * PAGE);
	p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
	int st = run_child(fill_zero_page, p);
	ok(WIFEXITED(st) && p[100] == 0x77,
	   "a shared mapping of /dev/zero is shared with a child");
	munmap(p, PAGE);
	close(z);
}

/* ------------------------------------------------------------ fork */

static int fork_fd;
static unsigned char *fork_shared, *fork_private;
static int fork_go[2];

/* The child: writes both mappings, then checks the parent's later write() shows in
 * a private page neither side wrote. */
static int fork_child(void *unused)
{
	char c;
	int bad = 0;

	(void)unused;
	bad |= (fork_private[0] != 'p') << 0;		/* the parent's write before fork */
	bad |= (fork_shared[0] != 'q') << 1;
	fork_shared[1] = 'C';
	fork_private[1] = 'c';
	bad |= (fork_private[1] != 'c') << 2;
	close(fork_go[1]);
	if (read(fork_go[0], &c, 1) != 1)
		bad |= 1 << 5;
	bad |= (fork_private[2 * PAGE] != 'N') << 3;	/* unwritten: the file's byte */
	bad |= (fork_shared[2] != 'P') << 4;
	return bad;
}

static void test_fork(void)
{
	fork_fd = make_file(DAT, FILE_SIZE);
	fork_shared = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fork_fd, 0);
	fork_private = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fork_fd, 0);
	(void)*(volatile unsigned char *)(fork_private + 2 * PAGE);	/* mapped before fork */
	fork_private[0] = 'p';
	fork_shared[0] = 'q';
	xpipe(fork_go);

	pid_t pid = xfork();
	if (pid == 0)
		_exit(fork_child(NULL));
	close(fork_go[0]);
	/* Wait until the child has written (it reads our pipe after). */
	for (int tries = 0; tries < 1000 && fork_shared[1] != 'C'; tries++)
		sleep_ms(5);
	pwrite(fork_fd, "N", 1, 2 * PAGE);
	fork_shared[2] = 'P';
	if (write(fork_go[1], "g", 1) != 1)
		bail("cannot write to the pipe: errno %d", errno);
	close(fork_go[1]);
	int bits = child_bits(wait_status(pid));
	ok(!(bits & 3), "the child sees the parent's private and shared writes from before fork");
	ok(!(bits & 4), "the child's private write is visible to the child");
	ok(!(bits & 8), "an unwritten private page shows the file in the child too");
	ok(!(bits & 16), "the parent's shared write after fork is seen by the child");
	ok(!(bits & 32), "the child ran to the end");
	ok(fork_shared[1] == 'C' && file_byte(fork_fd, 1) == 'C',
	   "the child's shared write reaches the parent and the file");
	ok(fork_private[1] == pattern(1) && fork_private[0] == 'p',
	   "the child's private write is invisible to the parent");
	munmap(fork_shared, 4 * PAGE);
	munmap(fork_private, 4 * PAGE);
	close(fork_fd);
	unlink(DAT);
}

/* ------------------------------------------------------------ /proc/self/maps */

static char maps_text[65536];

static void read_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t n = fd >= 0 ? read_full(fd, maps_text, sizeof maps_text - 1) : 0;

	maps_text[n] = 0;
	if (fd >= 0)
		close(fd);
}

/* The maps line of the region containing address (without its newline), or "". */
static const char *maps_line(const void *address)
{
	static char line[512];
	const char *at = maps_text;

	read_maps();
	while (*at) {
		const char *end = strchr(at, '\n');
		size_t len = end ? (size_t)(end - at) : strlen(at);
		unsigned long start, stop;
		if (sscanf(at, "%lx-%lx", &start, &stop) == 2 && (uintptr_t)address >= start &&
		    (uintptr_t)address < stop && len < sizeof line) {
			memcpy(line, at, len);
			line[len] = 0;
			return line;
		}
		at += len + (end != NULL);
	}
	return "";
}

/* The line Linux writes for a file mapping (show_map_vma): fields, padding to 73. */
static const char *expected_line(const void *start, size_t len, const char *perms,
				 unsigned long offset, const struct stat *st, const char *name)
{
	static char line[512];
	int n = snprintf(line, sizeof line, "%08lx-%08lx %s %08lx %02x:%02x %lu ",
			 (unsigned long)(uintptr_t)start, (unsigned long)(uintptr_t)start + len,
			 perms, offset, major(st->st_dev), minor(st->st_dev),
			 (unsigned long)st->st_ino);
	snprintf(line + n, sizeof line - n, "%*s%s", n < 72 ? 72 - n + 1 : 1, "", name);
	return line;
}

static const char *ends_with(const char *text, const char *suffix)
{
	size_t a = strlen(text), b = strlen(suffix);
	return a >= b && strcmp(text + a - b, suffix) == 0 ? text + a - b : NULL;
}

static volatile unsigned long data_marker = 0x5ca1ab1e0ddba115ul;

static void test_maps(const char *self)
{
	int fd = make_file(DAT, FILE_SIZE);
	struct stat st, self_st;
	unsigned char *s = map(2 * PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	unsigned char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	fstat(fd, &st);
	const char *want = expected_line(s, 2 * PAGE, "r--s", PAGE, &st, DAT);
	const char *got = maps_line(s);
	ok(strcmp(got, want) == 0, "maps: a shared file mapping's line, offset, device, inode, path");
	if (strcmp(got, want))
		diag("got  '%s'\n# want '%s'", got, want);
	want = expected_line(p, PAGE, "rw-p", 0, &st, DAT);
	got = maps_line(p);
	ok(strcmp(got, want) == 0, "maps: a private file mapping's line");
	if (strcmp(got, want))
		diag("got  '%s'\n# want '%s'", got, want);
	munmap(s, 2 * PAGE);
	munmap(p, PAGE);

	/* After unlink: " (deleted)". */
	s = map(PAGE, PROT_READ, MAP_SHARED, fd, 0);
	unlink(DAT);
	ok(ends_with(maps_line(s), " " DAT " (deleted)") != NULL,
	   "maps: a mapped file that was removed is \"(deleted)\"");
	munmap(s, PAGE);
	close(fd);

	/* The program itself: text and data are mappings of its file. */
	ok(stat(self, &self_st) == 0, "stat of the program's own file");
	got = maps_line((const void *)(uintptr_t)&test_maps);
	unsigned long start, stop, offset;
	char perms[8];
	unsigned maj, min;
	unsigned long ino;
	ok(sscanf(got, "%lx-%lx %7s %lx %x:%x %lu", &start, &stop, perms, &offset, &maj, &min,
		  &ino) == 7 && strcmp(perms, "r-xp") == 0 && ino == self_st.st_ino &&
	   maj == major(self_st.st_dev) && min == minor(self_st.st_dev) && ends_with(got, self),
	   "maps: the program's text is a private mapping of its file");
	if (!ends_with(got, self))
		diag("text: '%s' (self %s)", got, self);

	got = maps_line((const void *)&data_marker);
	int fields = sscanf(got, "%lx-%lx %7s %lx", &start, &stop, perms, &offset);
	ok(fields == 4 && strcmp(perms, "rw-p") == 0 && ends_with(got, self),
	   "maps: the program's data is a private mapping of its file");
	int self_fd = open(self, O_RDONLY);
	unsigned long in_file = 0;
	off_t at = (off_t)(offset + ((uintptr_t)&data_marker - start));
	ok(self_fd >= 0 && pread(self_fd, &in_file, sizeof in_file, at) == sizeof in_file &&
	   in_file == 0x5ca1ab1e0ddba115ul,
	   "the mapping's offset leads to the variable's initial value in the file");
	data_marker = 42;
	ok(pread(self_fd, &in_file, sizeof in_file, at) == sizeof in_file &&
	   in_file == 0x5ca1ab1e0ddba115ul && data_marker == 42,
	   "writing the program's data does not change its file");
	close(self_fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	const char *self = self_path(argv[0]);

	no_core_dumps();
	plan(73);
	test_private();
	test_shared();
	test_end_of_file();
	test_errors();
	test_dev_zero();
	test_fork();
	test_maps(self);
	return done();
}
