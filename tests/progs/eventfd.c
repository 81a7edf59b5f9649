/*
 * eventfd - eventfd and eventfd2: the counter, semaphore mode, the flags, the
 * 8-byte rule, overflow, blocking on both sides, poll, and bad arguments.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static uint64_t rd(int fd, long *ret)
{
	uint64_t v = 0;
	*ret = read(fd, &v, sizeof v);
	return v;
}

static long wr(int fd, uint64_t v)
{
	return write(fd, &v, sizeof v);
}

static short revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void counter(void)
{
	long ret;
	int fd = eventfd(5, EFD_NONBLOCK);
	uint64_t v = rd(fd, &ret);

	ok(ret == 8 && v == 5, "read takes the initial value 5 whole");
	ok_errno((rd(fd, &ret), ret), EAGAIN, "a read of 0 with EFD_NONBLOCK fails with EAGAIN");
	ok(wr(fd, 3) == 8 && wr(fd, 4) == 8, "writes of 3 and 4 return 8");
	v = rd(fd, &ret);
	ok(ret == 8 && v == 7, "a read takes their sum, 7");
	char small[4];
	ok_errno(read(fd, small, sizeof small), EINVAL, "a read of 4 bytes fails with EINVAL");
	ok_errno(write(fd, small, sizeof small), EINVAL, "a write of 4 bytes fails with EINVAL");
	char big[16] = { 9 };
	ok(write(fd, big, sizeof big) == 8, "a write of 16 bytes writes 8");
	ok(read(fd, big, sizeof big) == 8 && big[0] == 9, "a read of 16 bytes reads 8");
	ok_errno(wr(fd, UINT64_MAX), EINVAL, "writing 2^64-1 fails with EINVAL");
	ok_errno(syscall(SYS_write, fd, (void *)8, 8), EFAULT, "a write from a bad pointer fails with EFAULT");
	ok(revents(fd, POLLIN | POLLOUT) == POLLOUT, "poll at 0: writable only");
	ok(wr(fd, UINT64_MAX - 1) == 8, "writing 2^64-2 (the most it holds) works");
	ok(revents(fd, POLLIN | POLLOUT) == POLLIN, "poll when full: readable only");
	ok_errno(wr(fd, 1), EAGAIN, "one more fails with EAGAIN when non-blocking");
	v = rd(fd, &ret);
	ok(v == UINT64_MAX - 1, "the read gives 2^64-2 back");
	close(fd);
}

static void semaphore(void)
{
	long ret;
	int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t a = rd(fd, &ret), b = rd(fd, &ret);

	ok(a == 1 && b == 1, "EFD_SEMAPHORE: each read takes 1");
	ok_errno((rd(fd, &ret), ret), EAGAIN, "then the count is 0: EAGAIN");
	close(fd);
}

static void flags(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct stat st;

	ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "EFD_CLOEXEC sets close-on-exec");
	ok(fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK), "F_GETFL is O_RDWR | O_NONBLOCK");
	ok(fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == 0 && (st.st_mode & 0777) == 0600,
	   "fstat: no file type, mode 0600 (an anonymous inode)");
	ok(lseek(fd, 100, SEEK_SET) == 0, "lseek does nothing and returns 0");
	close(fd);
	fd = eventfd(0, 0);
	ok(fcntl(fd, F_GETFD) == 0 && fcntl(fd, F_GETFL) == O_RDWR, "no flags: blocking, kept on exec");
	close(fd);
	ok_errno(syscall(SYS_eventfd2, 0, 4), EINVAL, "eventfd2 with an unknown flag fails with EINVAL");
	fd = syscall(SYS_eventfd, 3);
	ok(fd >= 0, "eventfd (the old call) works");
	long ret;
	ok(rd(fd, &ret) == 3, "and starts at its value");
	close(fd);
	ok_errno(wr(-1, 1), EBADF, "a write to fd -1 fails with EBADF");
}

/* A child writes after a pause; the parent's blocked read wakes. */
static void blocking(void)
{
	int fd = eventfd(0, 0);
	long ret;
	pid_t pid = xfork();

	if (pid == 0) {
		sleep_ms(50);
		_exit(wr(fd, 42) == 8 ? 0 : 1);
	}
	uint64_t v = rd(fd, &ret);
	ok(ret == 8 && v == 42, "a blocked read wakes with the child's 42");
	ok_exit(wait_status(pid), 0, "the child wrote");

	/* A full counter: the write blocks until the child reads. */
	ok(wr(fd, UINT64_MAX - 1) == 8, "fill the counter");
	pid = xfork();
	if (pid == 0) {
		sleep_ms(50);
		long r;
		_exit(rd(fd, &r) == UINT64_MAX - 1 ? 0 : 1);
	}
	ok(wr(fd, 5) == 8, "a write that would overflow waits for the read, then succeeds");
	ok_exit(wait_status(pid), 0, "the child read 2^64-2");
	ok(rd(fd, &ret) == 5, "and 5 is left");
	close(fd);
}

int main(void)
{
	plan(32);
	counter();
	semaphore();
	flags();
	blocking();
	return done();
}
