/*
 * ops_io.c - descriptors and files: open, read, write, pread, pwrite, readv,
 * writev into and out of every kind of address; pipes, dup, close, lseek,
 * truncate, stat, getdents, fcntl, ioctl, poll, sendfile; and the calls that
 * change names, only ever in the worker's sandbox.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PATH_BUF 4200	/* longer than PATH_MAX */

/* Flags that cannot change a file: the only ones used outside the sandbox. */
#define READ_ONLY_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_PATH | O_NOCTTY)

static void op_open(struct fz *f)
{
	static char buf[PATH_BUF];
	long fd;

	if (rng_below(&f->rng, 3)) {
		const char *path = arg_own_path(f, buf, sizeof buf);
		uint64_t flags = rng_below(&f->rng, 3) |
				 arg_bits(f, O_CREAT | O_EXCL | O_TRUNC | O_APPEND | READ_ONLY_FLAGS);
		long mode = rng_one_in(&f->rng, 4) ? arg_int(f) : 0666;
		fd = rng_one_in(&f->rng, 2) ? FZ3(SYS_open, path, flags, mode)
					    : FZ4(SYS_openat, rng_one_in(&f->rng, 4) ? arg_fd(f)
								: AT_FDCWD, path, flags, mode);
	} else {
		/* Any bits but those that write: as root, O_WRONLY would open /etc/passwd. */
		const char *path = arg_path(f, buf, sizeof buf);
		uint64_t flags = arg_bits(f, READ_ONLY_FLAGS) &
				 ~(uint64_t)(O_ACCMODE | O_CREAT | O_TRUNC | O_TMPFILE);
		fd = FZ3(SYS_openat, AT_FDCWD, path, flags);
	}
	fz_remember_fd(f, fd);
}

static void op_close(struct fz *f)
{
	long fd = arg_fd(f);

	if (fd <= 2 && rng_below(&f->rng, 4))
		return;
	if (FZ1(SYS_close, fd) == 0)
		fz_forget_fd(f, (int)fd);
}

static void op_pipe(struct fz *f)
{
	int *fds = (int *)(f->scratch + rng_below(&f->rng, 64) * 512);
	long r;

	if (rng_one_in(&f->rng, 2))
		r = FZ1(SYS_pipe, rng_below(&f->rng, 6) ? (uint64_t)fds : arg_addr(f));
	else
		r = FZ2(SYS_pipe2, rng_below(&f->rng, 6) ? (uint64_t)fds : arg_addr(f),
			arg_bits(f, O_CLOEXEC | O_NONBLOCK | O_DIRECT));
	if (r == 0) {
		fz_remember_fd(f, fds[0]);
		fz_remember_fd(f, fds[1]);
	}
}

static void op_dup(struct fz *f)
{
	long r;

	switch (rng_below(&f->rng, 3)) {
	case 0: r = FZ1(SYS_dup, arg_fd(f)); break;
	case 1: r = FZ2(SYS_dup2, arg_fd(f), arg_fd(f)); break;
	default: r = FZ3(SYS_dup3, arg_fd(f), arg_fd(f), arg_bits(f, O_CLOEXEC)); break;
	}
	fz_remember_fd(f, r);
}

/* The buffer side of a transfer: good, bad, read-only, straddling... */
static void buffer(struct fz *f, uint64_t *addr, uint64_t *len)
{
	*addr = arg_user_addr(f);
	*len = arg_len(f);
	if (*addr >= (uint64_t)f->scratch && *addr < (uint64_t)f->scratch + FZ_SCRATCH &&
	    rng_below(&f->rng, 4) && *len > (uint64_t)f->scratch + FZ_SCRATCH - *addr)
		*len = (uint64_t)f->scratch + FZ_SCRATCH - *addr;	/* mostly in bounds */
}

static void op_rw(struct fz *f)
{
	uint64_t addr, len;
	long fd = arg_fd(f);

	buffer(f, &addr, &len);
	switch (rng_below(&f->rng, 4)) {
	case 0: FZ3(SYS_read, fd, addr, len); break;
	case 1: FZ3(SYS_write, fd, addr, len); break;
	case 2: FZ4(SYS_pread64, fd, addr, len, rng_one_in(&f->rng, 2) ? (uint64_t)arg_int(f) : arg_len(f)); break;
	default: FZ4(SYS_pwrite64, fd, addr, len, rng_one_in(&f->rng, 2) ? (uint64_t)arg_int(f)
					: rng_below(&f->rng, 65536)); break;
	}
}

static void op_rwv(struct fz *f)
{
	struct iovec *iov = (struct iovec *)(f->scratch + rng_below(&f->rng, 32) * 1024);
	long count = rng_one_in(&f->rng, 8) ? arg_int(f) : (long)rng_below(&f->rng, 5);

	for (long i = 0; i < count && i < 4; i++) {
		uint64_t addr, len;
		buffer(f, &addr, &len);
		iov[i].iov_base = (void *)addr;
		iov[i].iov_len = rng_one_in(&f->rng, 2) ? len / 4 : len;
	}
	uint64_t vec = rng_below(&f->rng, 6) ? (uint64_t)iov : arg_addr(f);
	switch (rng_below(&f->rng, 4)) {
	case 0: FZ3(SYS_readv, arg_fd(f), vec, count); break;
	case 1: FZ3(SYS_writev, arg_fd(f), vec, count); break;
	case 2: FZ4(SYS_preadv, arg_fd(f), vec, count, arg_int(f)); break;
	default: FZ4(SYS_pwritev, arg_fd(f), vec, count, rng_below(&f->rng, 65536)); break;
	}
}

static void op_fdmisc(struct fz *f)
{
	long fd = arg_fd(f);
	static const long fcntls[] = { F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
				       F_DUPFD_CLOEXEC, F_GETLK, F_SETLK, 1031 /* F_SETPIPE_SZ */,
				       -1, 4096 };

	switch (rng_below(&f->rng, 8)) {
	case 0: FZ3(SYS_lseek, fd, arg_int(f), rng_below(&f->rng, 6)); break;
	case 1:
		if (rng_below(&f->rng, 4))
			FZ2(SYS_ftruncate, fd, rng_below(&f->rng, 5 * 4096));
		else
			FZ2(SYS_ftruncate, fd, arg_int(f));
		break;
	case 2: FZ2(SYS_fstat, fd, arg_user_addr(f)); break;
	case 3: FZ3(SYS_getdents64, fd, arg_user_addr(f), arg_len(f)); break;
	case 4: {
		long cmd = fcntls[rng_below(&f->rng, sizeof fcntls / sizeof *fcntls)];
		long r = FZ3(SYS_fcntl, fd, cmd, cmd == F_GETLK || cmd == F_SETLK
					 ? (long)arg_user_addr(f) : arg_int(f));
		if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
			fz_remember_fd(f, r);
		break;
	}
	case 5: FZ3(SYS_ioctl, fd, rng_one_in(&f->rng, 2) ? 0x5400 + rng_below(&f->rng, 0x40)
							   : rng_next(&f->rng), arg_user_addr(f)); break;
	case 6: FZ4(SYS_sendfile, arg_fd(f), fd, rng_one_in(&f->rng, 2) ? 0 : arg_user_addr(f),
		    arg_len(f)); break;
	default: FZ2(SYS_fsync + rng_below(&f->rng, 2), fd, 0); break;
	}
}

static void op_poll(struct fz *f)
{
	struct pollfd *p = (struct pollfd *)(f->scratch + rng_below(&f->rng, 60) * 1024);
	long n = (long)rng_below(&f->rng, 5);

	for (long i = 0; i < n; i++) {
		p[i].fd = (int)arg_fd(f);
		p[i].events = (short)arg_bits(f, POLLIN | POLLOUT | POLLPRI | POLLHUP);
	}
	if (rng_one_in(&f->rng, 8))
		n = arg_int(f);
	FZ3(SYS_poll, rng_below(&f->rng, 5) ? (uint64_t)p : arg_addr(f), n,
	    rng_below(&f->rng, 3) ? (long)rng_below(&f->rng, 30) : -1);
}

/* Calls that change names and contents: sandbox paths only. */
static void op_names(struct fz *f)
{
	static char a[PATH_BUF], b[PATH_BUF];
	const char *p = arg_own_path(f, a, sizeof a), *q = arg_own_path(f, b, sizeof b);

	switch (rng_below(&f->rng, 11)) {
	case 0: FZ1(SYS_unlink, p); break;
	case 1: FZ2(SYS_rename, p, q); break;
	case 2: FZ2(SYS_mkdir, p, rng_one_in(&f->rng, 4) ? arg_int(f) : 0777); break;
	case 3: FZ1(SYS_rmdir, p); break;
	case 4: FZ2(SYS_link, p, q); break;
	/* A symlink's target is one of ours too: a link to /etc/passwd named f0 would
	 * let the next open(f0, O_TRUNC) destroy it. */
	case 5: FZ2(SYS_symlink, p, q); break;
	case 6: FZ2(SYS_truncate, p, rng_one_in(&f->rng, 4) ? arg_int(f) : (long)rng_below(&f->rng, 20000)); break;
	case 7: FZ2(SYS_chmod, p, rng_one_in(&f->rng, 4) ? arg_int(f) : 0777); break;
	case 8: FZ1(SYS_chdir, rng_one_in(&f->rng, 2) ? f->dir : p); break;
	case 9: FZ3(SYS_mknod, p, rng_one_in(&f->rng, 2) ? S_IFIFO | 0666 : arg_int(f), 0); break;
	default: {	/* write a file in the sandbox: fresh contents to map and exec */
		long fd = FZ3(SYS_open, p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd >= 0) {
			FZ3(SYS_write, fd, f->scratch, rng_below(&f->rng, FZ_SCRATCH));
			FZ1(SYS_close, fd);
		}
		break;
	}
	}
}

/* Calls that only look: any path. */
static void op_look(struct fz *f)
{
	static char a[PATH_BUF];
	const char *p = arg_path(f, a, sizeof a);

	switch (rng_below(&f->rng, 6)) {
	case 0: FZ2(SYS_stat, p, arg_user_addr(f)); break;
	case 1: FZ2(SYS_lstat, p, arg_user_addr(f)); break;
	case 2: FZ4(SYS_newfstatat, arg_fd(f), p, arg_user_addr(f), arg_bits(f, 0x100 | 0x1000 | 0x800)); break;
	case 3: FZ2(SYS_access, p, rng_below(&f->rng, 9)); break;
	case 4: FZ3(SYS_readlink, p, arg_user_addr(f), arg_len(f)); break;
	default: FZ5(SYS_statx, arg_fd(f), p, arg_bits(f, 0x100 | 0x1000 | 0x800), arg_int(f),
		     arg_user_addr(f)); break;
	}
}

const struct fz_op fz_io_ops[] = {
	{ "open", 8, op_open },
	{ "close", 4, op_close },
	{ "pipe", 3, op_pipe },
	{ "dup", 3, op_dup },
	{ "rw", 12, op_rw },
	{ "rwv", 3, op_rwv },
	{ "fdmisc", 5, op_fdmisc },
	{ "poll", 1, op_poll },
	{ "names", 4, op_names },
	{ "look", 3, op_look },
	{ 0 },
};
