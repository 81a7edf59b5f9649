/*
 * fs/sys_attr.c - file attributes: access, faccessat(2), umask, chmod, chown (and
 * their f/l/at forms), truncate, ftruncate, utimensat, utimes.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

static long do_access(int dirfd, const char *path, int mode, int flags)
{
	const struct cred *cred = &fs_current()->cred;
	struct inode *inode;
	int error;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	error = user_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW,
			    flags & AT_EMPTY_PATH, &inode);
	if (error)
		return error;
	/* access(2) asks about the real ids, unless AT_EACCESS. */
	if (mode != F_OK) {
		bool effective = flags & AT_EACCESS;
		error = inode_permission_as(inode, mode, effective ? cred->euid : cred->uid,
					    effective ? cred->egid : cred->gid);
	}
	inode_put(inode);
	return error;
}

SYSCALL_DEFINE2(access, const char *, path, int, mode)
{
	return do_access(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char *, path, int, mode)
{
	return do_access(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char *, path, int, mode, int, flags)
{
	return do_access(dirfd, path, mode, flags);
}

SYSCALL_DEFINE1(umask, unsigned, mask)
{
	struct task *task = fs_current();
	unsigned old = task->fs->umask;

	task->fs->umask = mask & 0777;
	return old;
}

/* Only the owner or root may change the mode or times. */
static int owner_or_root(struct inode *inode)
{
	struct task *task = fs_current();

	return task->cred.euid == 0 || task->cred.euid == inode->uid ? 0 : -EPERM;
}

static long set_mode(struct inode *inode, unsigned mode)
{
	int error = owner_or_root(inode);

	if (!error) {
		inode->mode = (inode->mode & S_IFMT) | (mode & S_IALLUGO);
		inode_touch(inode, false);
	}
	inode_put(inode);
	return error;
}

SYSCALL_DEFINE2(chmod, const char *, path, unsigned, mode)
{
	struct inode *inode;
	int error = user_lookup(AT_FDCWD, path, WALK_FOLLOW, false, &inode);

	return error ? error : set_mode(inode, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, const char *, path, unsigned, mode)
{
	struct inode *inode;
	int error = user_lookup(dirfd, path, WALK_FOLLOW, false, &inode);

	return error ? error : set_mode(inode, mode);
}

/* The inode of an open file, referenced; O_PATH files give -EBADF. */
static int fd_inode_ref(int fd, struct inode **out)
{
	struct file *file = current_file(fd);
	int error = 0;

	if (!file)
		return -EBADF;
	if (file->flags & O_PATH)
		error = -EBADF;
	else {
		*out = file->inode;
		inode_get(*out);
	}
	file_put(file);
	return error;
}

SYSCALL_DEFINE2(fchmod, int, fd, unsigned, mode)
{
	struct inode *inode;
	int error = fd_inode_ref(fd, &inode);

	return error ? error : set_mode(inode, mode);
}

/*
 * chown: uid or gid -1 leaves it. Root may do anything; others may only set the
 * group to their own on files they own. Changing owners clears set-user-ID (and
 * set-group-ID when group-executable) on non-directories, as Linux does.
 */
static long set_owner(struct inode *inode, unsigned uid, unsigned gid)
{
	struct task *task = fs_current();
	int error = 0;

	if (task->cred.euid != 0 &&
	    ((uid != (unsigned)-1 && uid != inode->uid) || task->cred.euid != inode->uid ||
	     (gid != (unsigned)-1 && gid != inode->gid && gid != task->cred.egid)))
		error = -EPERM;
	if (!error) {
		if (uid != (unsigned)-1)
			inode->uid = uid;
		if (gid != (unsigned)-1)
			inode->gid = gid;
		if (!S_ISDIR(inode->mode) && (uid != (unsigned)-1 || gid != (unsigned)-1)) {
			inode->mode &= ~S_ISUID;
			if (inode->mode & 010)
				inode->mode &= ~S_ISGID;
		}
		inode_touch(inode, false);
	}
	inode_put(inode);
	return error;
}

static long do_chown(int dirfd, const char *path, unsigned uid, unsigned gid, int flags)
{
	struct inode *inode;
	int error;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	error = user_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW,
			    flags & AT_EMPTY_PATH, &inode);
	return error ? error : set_owner(inode, uid, gid);
}

SYSCALL_DEFINE3(chown, const char *, path, unsigned, uid, unsigned, gid)
{
	return do_chown(AT_FDCWD, path, uid, gid, 0);
}

SYSCALL_DEFINE3(lchown, const char *, path, unsigned, uid, unsigned, gid)
{
	return do_chown(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, const char *, path, unsigned, uid, unsigned, gid,
		int, flags)
{
	return do_chown(dirfd, path, uid, gid, flags);
}

SYSCALL_DEFINE3(fchown, int, fd, unsigned, uid, unsigned, gid)
{
	struct inode *inode;
	int error = fd_inode_ref(fd, &inode);

	return error ? error : set_owner(inode, uid, gid);
}

SYSCALL_DEFINE2(truncate, const char *, path, int64_t, length)
{
	struct inode *inode;
	int error;

	if (length < 0)
		return -EINVAL;
	error = user_lookup(AT_FDCWD, path, WALK_FOLLOW, false, &inode);
	if (error)
		return error;
	if (S_ISDIR(inode->mode))
		error = -EISDIR;
	else if (!S_ISREG(inode->mode))
		error = -EINVAL;
	else
		error = inode_permission(inode, MAY_WRITE);
	if (!error && inode->writecount < 0)
		error = -ETXTBSY;	/* a running program (Linux's get_write_access) */
	if (!error)
		error = inode_set_size(inode, length);
	inode_put(inode);
	return error;
}

/* Linux's order: a negative length before the descriptor. */
SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, length)
{
	struct file *file;
	int error;

	if (length < 0)
		return -EINVAL;
	if (!(file = current_file(fd)))
		return -EBADF;
	if (file->flags & O_PATH)
		error = -EBADF;
	else if (!S_ISREG(file->inode->mode) || !file_writable(file))
		error = -EINVAL;
	else
		error = inode_set_size(file->inode, length);
	file_put(file);
	return error;
}

/* Apply two timespecs (UTIME_NOW / UTIME_OMIT allowed); NULL times: both now. */
static long set_times(struct inode *inode, const struct linux_timespec *times)
{
	struct timespec_k now = fs_now();
	int error = 0;

	if (times) {
		for (int i = 0; i < 2 && !error; i++)
			if (times[i].tv_nsec != UTIME_NOW && times[i].tv_nsec != UTIME_OMIT &&
			    (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1000000000))
				error = -EINVAL;
		/* Setting explicit times needs ownership; "now" needs only write access. */
		bool explicit = !error && ((times[0].tv_nsec != UTIME_NOW &&
					    times[0].tv_nsec != UTIME_OMIT) ||
					   (times[1].tv_nsec != UTIME_NOW &&
					    times[1].tv_nsec != UTIME_OMIT));
		if (explicit)
			error = owner_or_root(inode);
	}
	if (!error && (!times || times[0].tv_nsec != UTIME_OMIT || times[1].tv_nsec != UTIME_OMIT)) {
		struct timespec_k *dst[2] = { &inode->atime, &inode->mtime };
		for (int i = 0; i < 2; i++) {
			if (!times || times[i].tv_nsec == UTIME_NOW)
				*dst[i] = now;
			else if (times[i].tv_nsec != UTIME_OMIT)
				*dst[i] = (struct timespec_k){ times[i].tv_sec, times[i].tv_nsec };
		}
		inode->ctime = now;
	}
	inode_put(inode);
	return error;
}

/* The times of the file dirfd itself (a NULL path): no flags (EINVAL), then the
 * descriptor (EBADF; an O_PATH one is none). */
static long times_of_fd(int fd, int flags, const struct linux_timespec *times)
{
	struct inode *inode;
	int error;

	if (flags)
		return -EINVAL;
	error = fd_inode_ref(fd, &inode);
	return error ? error : set_times(inode, times);
}

/* Linux's do_utimes_path: the flags (EINVAL), then the path. */
static long times_of_path(int dirfd, const char *path, int flags,
			  const struct linux_timespec *times)
{
	struct inode *inode;
	int error;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	error = user_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW,
			    flags & AT_EMPTY_PATH, &inode);
	return error ? error : set_times(inode, times);
}

/*
 * Linux's order: the times are read first (EFAULT); both UTIME_OMIT is done before
 * anything else is looked at, path and flags included; a NULL path with a
 * descriptor means that file (futimens), a NULL path otherwise is EFAULT.
 */
SYSCALL_DEFINE4(utimensat, int, dirfd, const char *, path, const struct linux_timespec *,
		user_times, int, flags)
{
	struct linux_timespec times[2];

	if (user_times) {
		if (copy_from_user(times, user_times, sizeof(times)))
			return -EFAULT;
		if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	if (!path && dirfd != AT_FDCWD)
		return times_of_fd(dirfd, flags, user_times ? times : NULL);
	return times_of_path(dirfd, path, flags, user_times ? times : NULL);
}

/* utimes and futimesat: microseconds, checked before the path; a NULL path with a
 * descriptor is that file, as for utimensat. */
static long do_utimes(int dirfd, const char *path, const struct linux_timeval *user_times)
{
	struct linux_timeval tv[2];
	struct linux_timespec times[2];

	if (user_times) {
		if (copy_from_user(tv, user_times, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			times[i] = (struct linux_timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
	}
	if (!path && dirfd != AT_FDCWD)
		return times_of_fd(dirfd, 0, user_times ? times : NULL);
	return times_of_path(dirfd, path, 0, user_times ? times : NULL);
}

SYSCALL_DEFINE2(utimes, const char *, path, const struct linux_timeval *, times)
{
	return do_utimes(AT_FDCWD, path, times);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, const char *, path, const struct linux_timeval *, times)
{
	return do_utimes(dirfd, path, times);
}
