/*
 * fs/sys_misc.c - ioctl, mount and umount2, and the calls that have nothing to do
 * on a memory file system (sync, fsync, fdatasync, syncfs, flock, fadvise64).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "syscall/syscall.h"

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
		result = 0;
		break;
	default:
		result = file->ops->ioctl ? file->ops->ioctl(file, cmd, arg) : -ENOTTY;
	}
	file_put(file);
	return result;
}

/* A short kernel string from user space (file system type names). */
static int short_string(const char *user, char *buf, size_t size)
{
	long len = strncpy_from_user(buf, user, size);

	if (len == -ENAMETOOLONG)
		return -ENODEV;	/* no type has a name that long */
	return len < 0 ? (int)len : 0;
}

SYSCALL_DEFINE5(mount, const char *, source, const char *, target, const char *, fstype,
		uint64_t, flags, const void *, data)
{
	struct proc *proc = fs_current();
	struct inode *dir;
	char type[64];
	int error;

	(void)source;
	(void)data;
	if (proc->euid != 0)
		return -EPERM;
	error = user_lookup(AT_FDCWD, target, WALK_FOLLOW, false, &dir);
	if (error)
		return error;
	if (flags & MS_REMOUNT)
		error = 0;	/* nothing to change: flags are not enforced */
	else if (flags & (MS_BIND | MS_MOVE))
		error = -EINVAL;
	else if (!fstype)
		error = -EINVAL;
	else if (!(error = short_string(fstype, type, sizeof(type))))
		error = vfs_mount(type, dir, NULL);
	inode_put(dir);
	return error;
}

SYSCALL_DEFINE2(umount2, const char *, target, int, flags)
{
	struct inode *root;
	int error;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if (fs_current()->euid != 0)
		return -EPERM;
	error = user_lookup(AT_FDCWD, target, flags & UMOUNT_NOFOLLOW ? 0 : WALK_FOLLOW, false,
			    &root);
	return error ? error : vfs_umount(root);
}

SYSCALL_DEFINE0(sync)
{
	return 0;
}

/* The calls that only need fd to be open. */
static long fd_must_exist(int fd)
{
	struct file *file = current_file(fd);

	if (!file)
		return -EBADF;
	file_put(file);
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	return fd_must_exist(fd);
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return fd_must_exist(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return fd_must_exist(fd);
}

SYSCALL_DEFINE2(flock, int, fd, int, operation)
{
	(void)operation;
	return fd_must_exist(fd);
}

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, offset, int64_t, length, int, advice)
{
	struct file *file = current_file(fd);
	long result = 0;

	(void)offset;
	if (!file)
		return -EBADF;
	if (S_ISFIFO(file->inode->mode))
		result = -ESPIPE;
	else if (length < 0 || advice < 0 || advice > 5)
		result = -EINVAL;
	file_put(file);
	return result;
}
