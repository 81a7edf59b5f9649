/*
 * fs/sys_open.c - opening and closing, descriptors: open, openat, creat, close,
 * dup, dup2, dup3, fcntl, pipe, pipe2, close_range.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "syscall/syscall.h"

static long do_open(int dirfd, const char *user_path, unsigned flags, unsigned mode)
{
	struct inode *base;
	struct file *file;
	int error, fd;
	char *path = path_from_user(user_path, &error);

	if (!path)
		return error;
	if (!path[0])
		error = -ENOENT;
	if (!error)
		error = dirfd_base(dirfd, path, &base);
	if (!error) {
		if (flags & O_PATH)
			flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		error = vfs_open(base, path, flags | O_LARGEFILE, mode, &file);
		base_put(base);
	}
	path_free(path);
	if (error)
		return error;
	fd = fd_install(current_files(), file, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(file);
	return fd == -EINVAL ? -EMFILE : fd;
}

SYSCALL_DEFINE3(open, const char *, path, unsigned, flags, unsigned, mode)
{
	return do_open(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, const char *, path, unsigned, flags, unsigned, mode)
{
	return do_open(dirfd, path, flags, mode);
}

SYSCALL_DEFINE2(creat, const char *, path, unsigned, mode)
{
	return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(current_files(), fd);
}

SYSCALL_DEFINE3(close_range, unsigned, first, unsigned, last, unsigned, flags)
{
	const unsigned CLOSE_RANGE_CLOEXEC = 4;

	if ((flags & ~CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	for (unsigned fd = first; fd <= last && fd < FD_MAX; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_flags(current_files(), fd, FD_CLOEXEC);
		else
			fd_close(current_files(), fd);
	}
	return 0;
}

/* The lowest free descriptor >= min sharing fd's file. */
static long dup_from(int fd, int min, bool cloexec)
{
	struct file *file = current_file(fd);
	int result;

	if (!file)
		return -EBADF;
	result = fd_install(current_files(), file, min, cloexec);
	if (result < 0)
		file_put(file);
	return result;
}

SYSCALL_DEFINE1(dup, int, fd)
{
	long result = dup_from(fd, 0, false);

	return result == -EINVAL ? -EMFILE : result;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (oldfd == newfd)
		return fd_get_flags(current_files(), oldfd) < 0 ? -EBADF : newfd;
	return fd_dup_to(current_files(), oldfd, newfd, false);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, unsigned, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(current_files(), oldfd, newfd, flags & O_CLOEXEC);
}

/* struct flock's l_type: F_GETLK reports "no conflicting lock". */
#define F_UNLCK 2
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_SETPIPE_SZ 1031
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long fcntl_file(struct file *file, int cmd, uint64_t arg)
{
	switch (cmd) {
	case F_GETFL:
		return file->flags;
	case F_SETFL:
		if (file->flags & O_PATH)
			return -EBADF;
		file->flags = (file->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_OFD_GETLK:
		return put_user((int16_t)F_UNLCK, (int16_t *)arg);
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return 0;	/* one machine, advisory locks: granted */
	case F_GETOWN:
	case F_SETOWN:
		return 0;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return S_ISFIFO(file->inode->mode) ? 65536 : -EBADF;
	}
	return -EINVAL;
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, uint64_t, arg)
{
	struct file *file;
	long result;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= fd_limit())
			return fd_get_flags(current_files(), fd) < 0 ? -EBADF : -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_flags(current_files(), fd);
	case F_SETFD:
		return fd_set_flags(current_files(), fd, (int)arg);
	}
	if (!(file = current_file(fd)))
		return -EBADF;
	result = fcntl_file(file, cmd, arg);
	file_put(file);
	return result;
}

SYSCALL_DEFINE2(pipe2, int *, fds, unsigned, flags)
{
	struct file *ends[2];
	int fd[2];
	int error;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	error = pipe_create(flags, &ends[0], &ends[1]);
	if (error)
		return error;
	fd[0] = fd_install(current_files(), ends[0], 0, flags & O_CLOEXEC);
	if (fd[0] < 0) {
		file_put(ends[0]);
		file_put(ends[1]);
		return fd[0] == -EINVAL ? -EMFILE : fd[0];
	}
	fd[1] = fd_install(current_files(), ends[1], 0, flags & O_CLOEXEC);
	if (fd[1] < 0) {
		fd_close(current_files(), fd[0]);
		file_put(ends[1]);
		return fd[1] == -EINVAL ? -EMFILE : fd[1];
	}
	if (copy_to_user(fds, fd, sizeof(fd))) {
		fd_close(current_files(), fd[0]);
		fd_close(current_files(), fd[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, int *, fds)
{
	return sys_pipe2(&(struct syscall_args){ { (uint64_t)fds, 0 }, NULL });
}
