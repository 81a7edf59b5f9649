/*
 * files - file descriptors and the file system: open/read/write/lseek/close,
 * dup and fcntl, pipes, stat, directories, cwd, umask, vectored I/O.
 *
 * Everything happens in a fresh directory under /tmp, removed at the end.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static char dir[] = "/tmp/calf-files-XXXXXX";

/* dir/name in a ring of buffers: a result stays valid for the next 31 calls. */
static char *path(const char *name)
{
	static char buf[32][96];
	static int next;
	char *p = buf[next++ % 32];
	snprintf(p, sizeof buf[0], "%s/%s", dir, name);
	return p;
}

static int xopen(const char *p, int flags, mode_t mode)
{
	int fd = open(p, flags, mode);
	if (fd < 0)
		bail("open %s failed: errno %d", p, errno);
	return fd;
}

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static int all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_read_write(void)
{
	const char *f = path("rw");
	char buf[64];

	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0, "open O_CREAT|O_RDWR creates the file and returns an fd");
	ok(write(fd, "hello, world\n", 13) == 13, "write returns the byte count");
	ok(lseek(fd, 0, SEEK_CUR) == 13, "the write advanced the offset");
	ok(lseek(fd, 0, SEEK_SET) == 0, "lseek SEEK_SET to 0");
	ok(read(fd, buf, sizeof buf) == 13 && memcmp(buf, "hello, world\n", 13) == 0,
	   "read returns what was written");
	ok(read(fd, buf, sizeof buf) == 0, "read at end of file returns 0");
	ok(lseek(fd, -5, SEEK_END) == 8 && read(fd, buf, 5) == 5 && memcmp(buf, "orld\n", 5) == 0,
	   "lseek SEEK_END -5 then read");
	ok_errno(lseek(fd, -100, SEEK_CUR), EINVAL, "lseek to a negative offset: EINVAL");

	/* Writing past the end leaves a hole that reads as zeros. */
	ok(lseek(fd, 100, SEEK_SET) == 100 && write(fd, "x", 1) == 1 && file_size(f) == 101,
	   "write past the end extends the file");
	ok(pread(fd, buf, 10, 20) == 10 && all_zero(buf, 10), "the hole reads as zeros");

	ok(pwrite(fd, "HE", 2, 0) == 2 && lseek(fd, 0, SEEK_CUR) == 101,
	   "pwrite writes at its offset without moving the file offset");
	ok(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "HEllo", 5) == 0, "pread sees the pwrite");

	ok(close(fd) == 0, "close returns 0");
	ok_errno(close(fd), EBADF, "close of a closed fd: EBADF");
	ok_errno(read(fd, buf, 1), EBADF, "read of a closed fd: EBADF");
	ok_errno(read(-1, buf, 1), EBADF, "read of fd -1: EBADF");
	ok_errno(write(fd, "x", 1), EBADF, "write to a closed fd: EBADF");

	/* Access modes are enforced per open file. */
	fd = xopen(f, O_RDONLY, 0);
	ok_errno(write(fd, "x", 1), EBADF, "write to an O_RDONLY fd: EBADF");
	close(fd);
	fd = xopen(f, O_WRONLY, 0);
	ok_errno(read(fd, buf, 1), EBADF, "read from an O_WRONLY fd: EBADF");
	close(fd);

	/* Raw calls: the kernel must catch a bad buffer and report EFAULT. */
	fd = xopen(f, O_RDWR, 0);
	ok_errno(syscall(SYS_read, fd, (void *)1, 10), EFAULT, "read into a bad pointer: EFAULT");
	ok_errno(syscall(SYS_write, fd, (void *)1, 10), EFAULT, "write from a bad pointer: EFAULT");
	ok_errno(syscall(SYS_open, (char *)1, O_RDONLY, 0), EFAULT, "open of a bad path pointer: EFAULT");
	close(fd);
}

static void test_open_flags(void)
{
	const char *f = path("flags");
	char buf[32];
	int a, b, fd;

	write_file(f, "0123456789", 0644);
	ok_errno(open(f, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
		 "O_CREAT|O_EXCL on an existing file: EEXIST");
	ok_errno(open(path("missing"), O_RDONLY), ENOENT, "open of a nonexistent file: ENOENT");
	ok_errno(open(path("no/such"), O_CREAT | O_WRONLY, 0644), ENOENT,
		 "O_CREAT in a nonexistent directory: ENOENT");
	char under[128];
	snprintf(under, sizeof under, "%s/x", f);
	ok_errno(open(under, O_RDONLY), ENOTDIR, "a regular file as a directory: ENOTDIR");
	ok_errno(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file: ENOTDIR");
	ok_errno(open(dir, O_WRONLY), EISDIR, "open a directory for writing: EISDIR");

	fd = xopen(f, O_WRONLY | O_APPEND, 0);
	ok(write(fd, "ab", 2) == 2 && file_size(f) == 12, "O_APPEND writes at the end");
	close(fd);
	fd = xopen(f, O_RDWR | O_TRUNC, 0);
	ok(file_size(f) == 0, "O_TRUNC empties the file");
	ok(ftruncate(fd, 5000) == 0 && file_size(f) == 5000 && pread(fd, buf, 8, 4990) == 8 &&
	   all_zero(buf, 8), "ftruncate extends with zeros");
	ok(ftruncate(fd, 3) == 0 && file_size(f) == 3, "ftruncate shrinks");
	close(fd);

	/* New fds take the lowest free number. */
	a = xopen(f, O_RDONLY, 0);
	b = xopen(f, O_RDONLY, 0);
	close(a);
	fd = xopen(f, O_RDONLY, 0);
	ok(fd == a, "open returns the lowest free fd");
	close(fd);
	close(b);

	fd = xopen(f, O_RDONLY | O_CLOEXEC, 0);
	ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
	close(fd);
}

static void test_dup_fcntl(void)
{
	const char *f = path("dup");
	write_file(f, "abcdef", 0644);
	int fd = xopen(f, O_RDWR, 0);
	char c;

	int d = dup(fd);
	ok(d > fd, "dup returns a new fd");
	ok(lseek(fd, 2, SEEK_SET) == 2 && read(d, &c, 1) == 1 && c == 'c',
	   "dup'ed fds share the file offset");

	int target = xopen(f, O_RDONLY, 0);
	ok(dup2(fd, target) == target && lseek(target, 0, SEEK_CUR) == 3,
	   "dup2 onto an open fd replaces it");
	ok(dup2(fd, fd) == fd, "dup2 of an fd onto itself returns it");
	close(999);
	ok_errno(dup2(999, target), EBADF, "dup2 of a closed fd: EBADF");
	ok_errno(dup3(fd, fd, 0), EINVAL, "dup3 onto the same fd: EINVAL");
	/* Raw: musl's dup3() drops unknown flags instead of passing them on. */
	ok_errno(syscall(SYS_dup3, fd, target, 0x4 /* not O_CLOEXEC */), EINVAL,
		 "dup3 with a bad flag: EINVAL");
	ok(dup3(fd, target, O_CLOEXEC) == target && fcntl(target, F_GETFD) == FD_CLOEXEC,
	   "dup3 O_CLOEXEC sets FD_CLOEXEC");
	int d2 = dup(target);
	ok(fcntl(d2, F_GETFD) == 0, "dup does not copy FD_CLOEXEC");
	ok_errno(dup(999), EBADF, "dup of a closed fd: EBADF");

	ok(fcntl(fd, F_GETFD) == 0, "F_GETFD of a fresh fd is 0");
	ok(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC,
	   "F_SETFD FD_CLOEXEC sticks");
	ok(fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0, "F_SETFD 0 clears it");

	/* Linux adds O_LARGEFILE to F_GETFL on 64-bit, so look at single bits. */
	int fl = fcntl(fd, F_GETFL);
	ok((fl & O_ACCMODE) == O_RDWR && !(fl & O_APPEND), "F_GETFL shows O_RDWR");
	ok(fcntl(fd, F_SETFL, fl | O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND),
	   "F_SETFL O_APPEND sticks");
	ok(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "g", 1) == 1 && file_size(f) == 7 &&
	   pread(fd, &c, 1, 6) == 1 && c == 'g', "writes now append");

	/* fds 100-102 are free unless inherited; make sure. */
	close(100);
	close(101);
	close(102);
	int low = fcntl(fd, F_DUPFD, 100);
	ok(low == 100, "F_DUPFD returns the lowest free fd at or above the minimum");
	ok(fcntl(fd, F_DUPFD, 100) == 101, "F_DUPFD skips a minimum that is taken");
	int cx = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	ok(cx == 102 && fcntl(cx, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
	ok_errno(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD with a negative minimum: EINVAL");
	ok_errno(fcntl(999, F_GETFD), EBADF, "fcntl of a closed fd: EBADF");

	int opened[] = { fd, d, target, d2, 100, 101, 102 };
	for (size_t i = 0; i < sizeof opened / sizeof opened[0]; i++)
		close(opened[i]);
}

static void test_pipes(void)
{
	int p[2];
	char buf[8];

	xpipe(p);
	ok(write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof buf) == 3 &&
	   memcmp(buf, "abc", 3) == 0, "pipe: write then read");
	ok_errno(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe: ESPIPE");
	close(p[1]);
	ok(read(p[0], buf, sizeof buf) == 0, "read after all writers closed: 0 (EOF)");
	close(p[0]);

	/* With SIGPIPE ignored, the writer sees EPIPE instead of dying. */
	xpipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ok_errno(write(p[1], "x", 1), EPIPE, "write after all readers closed: EPIPE");
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);

	ok(pipe2(p, O_CLOEXEC) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC &&
	   fcntl(p[1], F_GETFD) == FD_CLOEXEC, "pipe2 O_CLOEXEC sets FD_CLOEXEC on both ends");
	close(p[0]);
	close(p[1]);
	ok(pipe2(p, O_NONBLOCK) == 0, "pipe2 O_NONBLOCK succeeds");
	ok_errno(read(p[0], buf, 1), EAGAIN, "read of an empty O_NONBLOCK pipe: EAGAIN");
	close(p[0]);
	close(p[1]);
	ok_errno(pipe2(p, 0x4 /* no such flag */), EINVAL, "pipe2 with a bad flag: EINVAL");

	/* 1 MiB through a pipe between processes: the writer blocks when it is full. */
	enum { TOTAL = 1 << 20 };
	static unsigned char chunk[4096];
	xpipe(p);
	pid_t pid = xfork();
	if (pid == 0) {
		close(p[0]);
		for (int off = 0; off < TOTAL; off += (int)sizeof chunk) {
			for (size_t i = 0; i < sizeof chunk; i++)
				chunk[i] = (unsigned char)((off + (int)i) * 7);
			if (write(p[1], chunk, sizeof chunk) != (ssize_t)sizeof chunk)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	long got = 0, bad = 0;
	ssize_t n;
	while ((n = read(p[0], chunk, 1000)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad += chunk[i] != (unsigned char)((got + i) * 7);
		got += n;
	}
	close(p[0]);
	ok(got == TOTAL && bad == 0, "1 MiB through a pipe from a child arrives intact");
	ok_exit(wait_status(pid), 0, "the writing child finishes");
}

static void test_stat(void)
{
	const char *f = path("stat");
	struct stat a, b, c;

	write_file(f, "12345", 0640);
	int fd = xopen(f, O_RDONLY, 0);
	ok(stat(f, &a) == 0 && a.st_size == 5 && S_ISREG(a.st_mode), "stat: size and S_ISREG");
	ok((a.st_mode & 07777) == 0640, "stat: permission bits");
	ok(a.st_nlink == 1, "stat: one link");
	ok(fstat(fd, &b) == 0 && b.st_ino == a.st_ino && b.st_dev == a.st_dev && b.st_size == 5,
	   "fstat agrees with stat");
	ok(lstat(f, &c) == 0 && c.st_ino == a.st_ino && S_ISREG(c.st_mode),
	   "lstat of a regular file agrees with stat");
	ok(stat(dir, &a) == 0 && S_ISDIR(a.st_mode), "stat of a directory: S_ISDIR");
	ok_errno(stat(path("missing"), &a), ENOENT, "stat of a nonexistent path: ENOENT");
	ok_errno(syscall(SYS_newfstatat, AT_FDCWD, (char *)1, &a, 0), EFAULT,
		 "stat of a bad path pointer: EFAULT");
	ok_errno(fstat(999, &a), EBADF, "fstat of a closed fd: EBADF");
	close(fd);
}

/* linux_dirent64, as getdents64 fills it in. */
struct dent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void test_getdents(void)
{
	static const char *names[] = { ".", "..", "a", "bb", "ccc", "sub" };
	enum { N = sizeof names / sizeof names[0] };
	int seen[N] = { 0 }, others = 0, types_ok = 1;
	char buf[256];	/* small, so several calls are needed */
	long n;

	mkdir(path("d"), 0755);
	mkdir(path("d/sub"), 0755);
	write_file(path("d/a"), "", 0644);
	write_file(path("d/bb"), "", 0644);
	write_file(path("d/ccc"), "", 0644);

	int fd = xopen(path("d"), O_RDONLY | O_DIRECTORY, 0);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct dent64 *d = (struct dent64 *)(buf + off);
			int i;
			for (i = 0; i < N && strcmp(d->d_name, names[i]) != 0; i++)
				;
			if (i == N)
				others++;
			else
				seen[i]++;
			if (i >= 2 && d->d_type != (i == 5 ? DT_DIR : DT_REG))
				types_ok = 0;
			off += d->d_reclen;
		}
	}
	ok(n == 0, "getdents64 reads to the end and then returns 0");
	int all_once = others == 0;
	for (int i = 0; i < N; i++)
		all_once &= seen[i] == 1;
	ok(all_once, "getdents64 lists . .. a bb ccc sub, each once, nothing else");
	ok(types_ok, "getdents64 d_type is DT_DIR for sub and DT_REG for files");
	ok(lseek(fd, 0, SEEK_SET) == 0, "lseek to 0 rewinds the directory");
	ok_errno(syscall(SYS_getdents64, fd, buf, 8), EINVAL,
		 "getdents64 with a buffer too small for one entry: EINVAL");
	ok(syscall(SYS_getdents64, fd, buf, sizeof buf) > 0, "getdents64 reads again after the rewind");
	close(fd);
	fd = xopen(path("d/a"), O_RDONLY, 0);
	ok_errno(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR,
		 "getdents64 on a regular file: ENOTDIR");
	close(fd);
}

static void test_namespace(void)
{
	const char *f = path("name");
	char buf[16];

	ok(mkdir(path("m"), 0755) == 0, "mkdir succeeds");
	ok_errno(mkdir(path("m"), 0755), EEXIST, "mkdir of an existing directory: EEXIST");
	ok_errno(mkdir(path("nope/m"), 0755), ENOENT, "mkdir in a nonexistent directory: ENOENT");

	write_file(f, "data", 0644);
	ok(access(f, F_OK) == 0, "access F_OK of an existing file");
	ok_errno(access(path("missing"), F_OK), ENOENT, "access F_OK of a missing file: ENOENT");

	ok(rename(f, path("m/renamed")) == 0, "rename into a subdirectory succeeds");
	ok(access(f, F_OK) != 0 && file_size(path("m/renamed")) == 4,
	   "after rename the old name is gone and the new one has the data");
	write_file(f, "other!", 0644);
	ok(rename(f, path("m/renamed")) == 0 && file_size(path("m/renamed")) == 6,
	   "rename over an existing file replaces it");
	ok_errno(rename(path("missing"), f), ENOENT, "rename of a missing file: ENOENT");

	ok_errno(rmdir(path("m")), ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	ok_errno(unlink(path("m")), EISDIR, "unlink of a directory: EISDIR");

	/* An unlinked file lives on while it is open. */
	int fd = xopen(path("m/renamed"), O_RDONLY, 0);
	ok(unlink(path("m/renamed")) == 0, "unlink succeeds");
	ok(access(path("m/renamed"), F_OK) != 0, "the unlinked name is gone");
	ok(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "other!", 6) == 0,
	   "an unlinked open file can still be read");
	close(fd);
	ok_errno(unlink(path("m/renamed")), ENOENT, "unlink of a missing file: ENOENT");

	ok(rmdir(path("m")) == 0 && access(path("m"), F_OK) != 0, "rmdir of an empty directory");
	write_file(f, "", 0644);
	ok_errno(rmdir(f), ENOTDIR, "rmdir of a file: ENOTDIR");
	unlink(f);
}

static void test_cwd(void)
{
	char old[PATH_MAX], buf[PATH_MAX];
	if (!getcwd(old, sizeof old))
		bail("getcwd failed: errno %d", errno);

	ok(chdir(dir) == 0, "chdir to the test directory");
	ok(getcwd(buf, sizeof buf) == buf && strcmp(buf, dir) == 0, "getcwd returns it");
	ok(write_file("relative", "r", 0644) == 0 && file_size(path("relative")) == 1,
	   "relative paths resolve in the new cwd");
	unlink("relative");
	ok(chdir("..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/tmp") == 0,
	   "chdir .. goes up to /tmp");
	ok_errno(chdir(path("missing")), ENOENT, "chdir to a missing directory: ENOENT");
	write_file(path("plain"), "", 0644);
	ok_errno(chdir(path("plain")), ENOTDIR, "chdir to a file: ENOTDIR");
	unlink(path("plain"));
	ok_errno(syscall(SYS_getcwd, buf, 2), ERANGE, "getcwd into a too small buffer: ERANGE");
	chdir(old);
}

static void test_umask(void)
{
	struct stat st;
	mode_t orig = umask(022);
	ok(umask(077) == 022, "umask returns the previous mask");
	int fd = xopen(path("masked"), O_CREAT | O_WRONLY, 0666);
	ok(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "umask 077 turns 0666 into 0600");
	close(fd);
	unlink(path("masked"));
	ok(umask(orig) == 077, "umask returns 077 when restoring");
}

static void test_vectored(void)
{
	char a[4], b[16];
	struct iovec out[3] = {
		{ "one ", 4 }, { "", 0 }, { "two three", 9 },
	};
	struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } };

	int fd = xopen(path("vec"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	ok(writev(fd, out, 3) == 13, "writev writes all buffers");
	lseek(fd, 0, SEEK_SET);
	ok(readv(fd, in, 2) == 13 && memcmp(a, "one ", 4) == 0 && memcmp(b, "two three", 9) == 0,
	   "readv scatters into both buffers in order");
	struct iovec bad = { (void *)1, 4 };
	ok_errno(syscall(SYS_writev, fd, &bad, 1), EFAULT, "writev from a bad buffer: EFAULT");
	close(fd);
	unlink(path("vec"));
}

static void cleanup(void)
{
	static const char *files[] = { "rw", "flags", "dup", "stat", "d/a", "d/bb", "d/ccc", NULL };
	for (int i = 0; files[i]; i++)
		unlink(path(files[i]));
	rmdir(path("d/sub"));
	rmdir(path("d"));
	rmdir(dir);
}

/*
 * close_range in a process that shares its descriptor table (clone with
 * CLONE_FILES): without CLOSE_RANGE_UNSHARE it closes the sharer's descriptor
 * too; with it, the caller first takes a copy of the table and closes only there.
 */
static int closes_in_shared_child(int fd, unsigned flags)
{
	long pid = syscall(SYS_clone, 0x400 /* CLONE_FILES */ | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(syscall(SYS_close_range, fd, fd, flags) == 0 && fcntl(fd, F_GETFD) == -1 ? 0 : 1);
	return wait_status((pid_t)pid) == 0 ? 0 : -1;
}

static void test_close_range_unshare(void)
{
	int fd = open("/dev/null", O_RDONLY);

	ok(closes_in_shared_child(fd, 2 /* CLOSE_RANGE_UNSHARE */) == 0 &&
	   fcntl(fd, F_GETFD) == 0,
	   "close_range(CLOSE_RANGE_UNSHARE) in a CLONE_FILES child leaves the parent's open");
	ok(closes_in_shared_child(fd, 0) == 0 && fcntl(fd, F_GETFD) == -1 && errno == EBADF,
	   "without it, the child's close_range closes the shared descriptor");
}

int main(void)
{
	plan(113);
	if (!mkdtemp(dir))
		bail("mkdtemp failed: errno %d", errno);
	test_read_write();
	test_open_flags();
	test_dup_fcntl();
	test_pipes();
	test_stat();
	test_getdents();
	test_namespace();
	test_cwd();
	test_umask();
	test_vectored();
	test_close_range_unshare();
	cleanup();
	return done();
}
