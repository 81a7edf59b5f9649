/*
 * fs/sys_open.c - opening and closing, descriptors: open, openat, creat, close,
 * dup, dup2, dup3, fcntl, pipe, pipe2, close_range.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/fs.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

#define __O_TMPFILE	020000000

/*
 * Linux's order (build_open_how, build_open_flags, do_sys_openat2): an O_PATH open
 * keeps only the flags O_PATH allows; O_DIRECTORY with O_CREAT, and O_TMPFILE
 * without O_DIRECTORY or write access, are EINVAL before the path is read; then the
 * path (EFAULT, ENAMETOOLONG, ENOENT when empty), a free descriptor (EMFILE), and
 * only then the walk.
 */
static long do_open(int dirfd, const char *user_path, unsigned flags, unsigned mode)
{
	struct inode *base;
	struct file *file;
	int error, fd;

	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if ((flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT))
		return -EINVAL;
	if ((flags & __O_TMPFILE) && (!(flags & O_DIRECTORY) || (flags & O_ACCMODE) == O_RDONLY))
		return -EINVAL;
	char *path = path_from_user(user_path, &error);
	if (!path)
		return error;
	if (!path[0])
		error = -ENOENT;
	if (!error)
		error = fd_check_free(current_files());
	if (!error)
		error = dirfd_base(dirfd, path, &base);
	if (!error) {
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

	const unsigned CLOSE_RANGE_UNSHARE = 2;

	if ((flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)) || first > last)
		return -EINVAL;
	/* A table shared with threads or CLONE_FILES children: close in a copy. */
	if ((flags & CLOSE_RANGE_UNSHARE) && fdtable_is_shared(current_files())) {
		struct fdtable *shared = current_files(), *own = fdtable_clone(shared);
		if (!own)
			return -ENOMEM;
		fs_current()->files = own;
		fdtable_put(shared);
	}
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

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_SETPIPE_SZ 1031
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)
#define OFFSET_MAX INT64_MAX
#define PIPE_MAX_SIZE (1024 * 1024)	/* fs.pipe-max-size */

struct linux_flock {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
	int32_t pad;
};

/*
 * Linux's checks of a struct flock (flock64_to_posix_lock): whence, a start and a
 * length that stay within file offsets (EOVERFLOW) and not below 0 (EINVAL), the
 * type (EINVAL). calf keeps no locks: one process's own locks never conflict, and
 * other processes' are not recorded, so every lock is granted.
 */
static int check_flock(struct file *file, const struct linux_flock *lock)
{
	int64_t start;

	switch (lock->whence) {
	case SEEK_SET: start = 0; break;
	case SEEK_CUR: start = (int64_t)file->pos; break;
	case SEEK_END: start = (int64_t)file->inode->size; break;
	default: return -EINVAL;
	}
	if (lock->start > OFFSET_MAX - start)
		return -EOVERFLOW;
	start += lock->start;
	if (start < 0)
		return -EINVAL;
	if (lock->len > 0 && lock->len - 1 > OFFSET_MAX - start)
		return -EOVERFLOW;
	if (lock->len < 0 && start + lock->len < 0)
		return -EINVAL;
	if (lock->type != F_RDLCK && lock->type != F_WRLCK && lock->type != F_UNLCK)
		return -EINVAL;
	return 0;
}

/* F_GETLK and F_SETLK and their OFD forms, in Linux's order (fcntl_getlk,
 * fcntl_setlk). */
static long fcntl_lock(struct file *file, int cmd, struct linux_flock *user)
{
	struct linux_flock lock;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	int error;

	if (copy_from_user(&lock, user, sizeof(lock)))
		return -EFAULT;
	if (get && lock.type != F_RDLCK && lock.type != F_WRLCK)
		return -EINVAL;
	if ((error = check_flock(file, &lock)))
		return error;
	if (!get && ((lock.type == F_RDLCK && !file_readable(file)) ||
		     (lock.type == F_WRLCK && !file_writable(file))))
		return -EBADF;
	if (ofd && lock.pid != 0)
		return -EINVAL;
	if (!get)
		return 0;
	lock.type = F_UNLCK;	/* no conflicting lock */
	return copy_to_user(user, &lock, sizeof(lock));
}

/* Linux's round_pipe_size: a power of two, at least a page; 0 above 2 GiB. */
static uint64_t pipe_size_for(uint64_t size)
{
	uint64_t rounded = PAGE_SIZE;

	if (size > (1ull << 31))
		return 0;
	while (rounded < size)
		rounded <<= 1;
	return rounded;
}

static long fcntl_file(struct file *file, int cmd, uint64_t arg)
{
	unsigned argi = (unsigned)arg;

	switch (cmd) {
	case F_GETFL:
		return file->flags;
	case F_SETFL:
		/* Only a pipe takes O_DIRECT (packet mode): memory files have no direct
		 * I/O (Linux's FMODE_CAN_ODIRECT). */
		if ((argi & O_DIRECT) && !S_ISFIFO(file->inode->mode))
			return -EINVAL;
		file->flags = (file->flags & ~SETFL_MASK) | (argi & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(file, cmd, (struct linux_flock *)arg);
	case F_GETOWN:
		return file->owner;
	case F_SETOWN: {
		int who = (int)arg;
		if (who == INT32_MIN)
			return -EINVAL;
		if (who && !fs_jobctl.id_in_use(who < 0 ? -who : who))
			return -ESRCH;
		file->owner = who;
		return 0;
	}
	case F_GETPIPE_SZ:
		return S_ISFIFO(file->inode->mode) ? pipe_get_size(file) : -EBADF;
	case F_SETPIPE_SZ: {
		/* Linux's pipe_set_size: growing past fs.pipe-max-size is root's. */
		if (!S_ISFIFO(file->inode->mode))
			return -EBADF;
		uint64_t size = pipe_size_for(arg);
		if (!size)
			return -EINVAL;
		if (size > (uint64_t)pipe_get_size(file) && size > PIPE_MAX_SIZE &&
		    fs_current()->cred.euid != 0)
			return -EPERM;
		return pipe_set_size(file, (uint32_t)size);
	}
	}
	return -EINVAL;
}

/* The commands an O_PATH descriptor takes (Linux's check_fcntl_cmd). */
static bool path_fcntl_ok(int cmd)
{
	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_GETFD || cmd == F_SETFD ||
	       cmd == F_GETFL;
}

/* Linux's order: the descriptor first, whatever the command; an O_PATH one takes
 * only a few; the argument is an unsigned int where the command wants a number. */
SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, uint64_t, arg)
{
	struct file *file;
	long result;

	if (!(file = current_file(fd)))
		return -EBADF;
	if ((file->flags & O_PATH) && !path_fcntl_ok(cmd)) {
		file_put(file);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((unsigned)arg >= fd_limit())
			result = -EINVAL;
		else
			result = dup_from(fd, (int)(unsigned)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		result = fd_get_flags(current_files(), fd);
		break;
	case F_SETFD:
		result = fd_set_flags(current_files(), fd, (int)arg);
		break;
	default:
		result = fcntl_file(file, cmd, arg);
	}
	file_put(file);
	return result;
}

#define O_NOTIFICATION_PIPE O_EXCL

SYSCALL_DEFINE2(pipe2, int *, fds, unsigned, flags)
{
	struct file *ends[2];
	int fd[2];
	int error;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE))
		return -EINVAL;
	if (flags & O_NOTIFICATION_PIPE)
		return -ENOPKG;	/* Linux without CONFIG_WATCH_QUEUE, as Debian builds it */
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
