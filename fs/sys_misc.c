/*
 * fs/sys_misc.c - ioctl, mount and umount2, and the calls that have nothing to do
 * on a memory file system (sync, fsync, fdatasync, syncfs, flock, fadvise64).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

SYSCALL_DEFINE3(ioctl, int, fd, unsigned, cmd, uint64_t, arg)
{
	struct file *file = current_file(fd);
	long result;
	int on;

	if (!file)
		return -EBADF;
	switch (file->flags & O_PATH ? ~0u : cmd) {
	case ~0u:
		result = -EBADF;
		break;
	case FIOCLEX:
	case FIONCLEX:
		result = fd_set_flags(current_files(), fd, cmd == FIOCLEX ? FD_CLOEXEC : 0);
		break;
	case FIONBIO:
		result = get_user(on, (int *)arg);
		if (!result)
			file->flags = on ? file->flags | O_NONBLOCK : file->flags & ~O_NONBLOCK;
		break;
	case FIOASYNC:
		/* Only pipes and terminals can signal (Linux: an f_op->fasync); asking
		 * another file to change is ENOTTY. */
		result = get_user(on, (int *)arg);
		if (result || !(((on ? O_ASYNC : 0) ^ file->flags) & O_ASYNC))
			break;
		if (S_ISFIFO(file->inode->mode) || file->ops->is_tty)
			file->flags ^= O_ASYNC;
		else
			result = -ENOTTY;
		break;
	case FIGETBSZ:	/* the file system's block size: a page, 1 KiB for /proc */
		result = put_user(file->inode->sb->magic == PROC_SUPER_MAGIC ? 1024 : (int)PAGE_SIZE,
				  (int *)arg);
		break;
	case FIOQSIZE:
		if (S_ISREG(file->inode->mode) || S_ISDIR(file->inode->mode) ||
		    S_ISLNK(file->inode->mode))
			result = put_user((int64_t)file->inode->size, (int64_t *)arg);
		else
			result = file->ops->ioctl ? file->ops->ioctl(file, cmd, arg) : -ENOTTY;
		break;
	default:
		result = file->ops->ioctl ? file->ops->ioctl(file, cmd, arg) : -ENOTTY;
	}
	file_put(file);
	return result;
}

/* Linux's copy_mount_string: at most PATH_MAX bytes with the NUL (EINVAL beyond),
 * EFAULT for a string that cannot be read. NULL stays NULL. */
static int mount_string(const char *user, char **out)
{
	*out = NULL;
	if (!user)
		return 0;
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long len = strncpy_from_user(buf, user, PATH_MAX);
	if (len < 0) {
		kfree(buf);
		return len == -ENAMETOOLONG ? -EINVAL : (int)len;
	}
	*out = buf;
	return 0;
}

#define MS_MGC_VAL	0xc0ed0000ul
#define MS_MGC_MSK	0xffff0000ul
#define MS_NOUSER	(1ul << 31)

/*
 * Linux's order: the type, the source and the data are read first (EFAULT: for the
 * data, only its first byte must be readable), the target is looked up, the flags
 * checked, and only then is the caller's privilege (EPERM).
 */
SYSCALL_DEFINE5(mount, const char *, source, const char *, target, const char *, fstype,
		uint64_t, flags, const void *, data)
{
	struct task *task = fs_current();
	struct inode *dir = NULL;
	char *type, *device = NULL, first;
	int error = mount_string(fstype, &type);

	if (!error)
		error = mount_string(source, &device);
	if (!error && data && get_user(first, (const char *)data))
		error = -EFAULT;
	if (!error)
		error = user_lookup(AT_FDCWD, target, WALK_FOLLOW, false, &dir);
	if (!error && (flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (!error && (flags & MS_NOUSER))
		error = -EINVAL;
	if (!error && task->cred.euid != 0)
		error = -EPERM;
	if (error)
		;
	else if (flags & MS_REMOUNT)
		error = 0;	/* nothing to change: flags are not enforced */
	else if (flags & (MS_BIND | MS_MOVE))
		error = -EINVAL;
	else if (!type)
		error = -EINVAL;
	else
		error = vfs_mount(type, dir, NULL);
	if (dir)
		inode_put(dir);
	kfree(type);
	kfree(device);
	return error;
}

/* Linux's order: the flags, the target (EFAULT, ENOENT...), then privilege. */
SYSCALL_DEFINE2(umount2, const char *, target, int, flags)
{
	struct inode *root;
	int error;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	error = user_lookup(AT_FDCWD, target, flags & UMOUNT_NOFOLLOW ? 0 : WALK_FOLLOW, false,
			    &root);
	if (error)
		return error;
	if (fs_current()->cred.euid != 0) {
		inode_put(root);
		return -EPERM;
	}
	return vfs_umount(root);
}

SYSCALL_DEFINE0(sync)
{
	return 0;
}

/* The calls that only need fd to be open: O_PATH descriptors are not (Linux's
 * fdget skips them). 0 or -EBADF; *out referenced when wanted. */
static long fd_must_exist(int fd, struct file **out)
{
	struct file *file = current_file(fd);

	if (!file)
		return -EBADF;
	if (file->flags & O_PATH) {
		file_put(file);
		return -EBADF;
	}
	if (out)
		*out = file;
	else
		file_put(file);
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return fd_must_exist(fd, NULL);
}

/* Memory files have nothing to write back, but only the files of a memory file
 * system have an fsync at all (Linux's noop_fsync): pipes, devices, terminals and
 * /proc files answer EINVAL. */
static long do_fsync(int fd)
{
	struct file *file;
	long error = fd_must_exist(fd, &file);

	if (error)
		return error;
	if ((!S_ISREG(file->inode->mode) && !S_ISDIR(file->inode->mode)) ||
	    file->inode->sb->magic == PROC_SUPER_MAGIC)
		error = -EINVAL;
	file_put(file);
	return error;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd);
}

/*
 * sync_file_range: nothing to write back either (Redis calls it while saving a
 * snapshot), but Linux's checks, in its order: the descriptor, the flags and the
 * range, then ESPIPE for anything but a file, directory, link or block device.
 */
#define SYNC_FILE_RANGE_FLAGS	7	/* WAIT_BEFORE | WRITE | WAIT_AFTER */

SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, offset, int64_t, nbytes, unsigned, flags)
{
	struct file *file;
	long error = fd_must_exist(fd, &file);
	unsigned mode;

	if (error)
		return error;
	if ((flags & ~SYNC_FILE_RANGE_FLAGS) || offset < 0 || nbytes < 0 ||
	    (uint64_t)offset + (uint64_t)nbytes > INT64_MAX)
		error = -EINVAL;
	mode = file->inode->mode;
	if (!error && !S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode) && !S_ISBLK(mode))
		error = -ESPIPE;
	file_put(file);
	return error;
}

#define LOCK_SH		1
#define LOCK_EX		2
#define LOCK_NB		4
#define LOCK_UN		8
#define LOCK_MAND	32

/*
 * Linux's order: LOCK_MAND requests are ignored (success), then the operation must
 * be exactly one of LOCK_SH, LOCK_EX, LOCK_UN, with LOCK_NB (EINVAL, before the
 * descriptor), then the descriptor. One process's own locks never conflict, and
 * calf keeps none of others': every lock is granted.
 */
SYSCALL_DEFINE2(flock, int, fd, int, operation)
{
	if (operation & LOCK_MAND)
		return 0;
	switch (operation & ~LOCK_NB) {
	case LOCK_SH:
	case LOCK_EX:
	case LOCK_UN:
		return fd_must_exist(fd, NULL);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, offset, int64_t, length, int, advice)
{
	struct file *file;
	long result = fd_must_exist(fd, &file);

	(void)offset;
	if (result)
		return result;
	if (S_ISFIFO(file->inode->mode))
		result = -ESPIPE;
	else if (length < 0 || advice < 0 || advice > 5)
		result = -EINVAL;
	file_put(file);
	return result;
}
