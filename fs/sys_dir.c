/*
 * fs/sys_dir.c - reading directories and the current directory: getdents,
 * getdents64, chdir, fchdir, getcwd.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

struct dirent_buffer {
	char *buf;		/* kernel staging buffer */
	size_t size, used;
	bool old_format;	/* struct linux_dirent (getdents), not 64 */
	bool overflow;		/* an entry did not fit */
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* readdir callback: append one record, or stop when it does not fit. */
static int put_dirent(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		      uint64_t next)
{
	struct dirent_buffer *d = ctx;
	size_t reclen = d->old_format ? align8(offsetof(struct linux_dirent, d_name) + len + 2)
				      : align8(offsetof(struct linux_dirent64, d_name) + len + 1);
	char *at = d->buf + d->used;

	if (d->used + reclen > d->size) {
		d->overflow = true;
		return 1;
	}
	memset(at, 0, reclen);
	if (d->old_format) {
		struct linux_dirent *e = (struct linux_dirent *)at;
		e->d_ino = ino;
		e->d_off = next;
		e->d_reclen = reclen;
		memcpy(e->d_name, name, len);
		at[reclen - 1] = dtype;
	} else {
		struct linux_dirent64 *e = (struct linux_dirent64 *)at;
		e->d_ino = ino;
		e->d_off = next;
		e->d_reclen = reclen;
		e->d_type = dtype;
		memcpy(e->d_name, name, len);
	}
	d->used += reclen;
	return 0;
}

/* The position after a record (its d_off), in either format. */
static uint64_t record_next(const struct dirent_buffer *d, const char *record)
{
	return d->old_format ? ((const struct linux_dirent *)record)->d_off
			     : (uint64_t)((const struct linux_dirent64 *)record)->d_off;
}

static unsigned record_length(const struct dirent_buffer *d, const char *record)
{
	return d->old_format ? ((const struct linux_dirent *)record)->d_reclen
			     : ((const struct linux_dirent64 *)record)->d_reclen;
}

/*
 * getdents(64), as Linux's: the bytes of whole records written, 0 at the end,
 * -EINVAL when not even one record fits. The count is an int for Linux, so one of
 * 2 GiB or more fits nothing. The buffer is not checked as a whole: records go out
 * one by one, and the first that cannot be written ends the call with the bytes
 * before it (-EFAULT if none), the position just after the last record written.
 */
static long do_getdents(int fd, void *user_buf, unsigned count, bool old_format)
{
	struct file *file = current_file(fd);
	struct dirent_buffer d = { 0 };
	struct inode *dir;
	long result;

	if (!file)
		return -EBADF;
	dir = file->inode;
	if (file->flags & O_PATH)
		result = -EBADF;
	else if (!S_ISDIR(dir->mode) || !dir->ops || !dir->ops->readdir)
		result = -ENOTDIR;
	else {
		d.size = (int)count < 0 ? 0 : count < 65536 ? count : 65536;
		d.old_format = old_format;
		d.buf = kmalloc(d.size ? d.size : 1);
		result = d.buf ? 0 : -ENOMEM;
	}
	if (!result) {
		uint64_t pos = file->pos;
		result = dir->ops->readdir(dir, &pos, put_dirent, &d);
		if (result >= 0)
			dir->atime = fs_now();
		if (result >= 0 && d.used == 0 && d.overflow)
			result = -EINVAL;
		else if (result >= 0) {
			size_t done = 0;
			while (done < d.used) {
				unsigned reclen = record_length(&d, d.buf + done);
				if (copy_to_user((char *)user_buf + done, d.buf + done, reclen))
					break;
				file->pos = record_next(&d, d.buf + done);
				done += reclen;
			}
			result = done || !d.used ? (long)done : -EFAULT;
		}
	}
	kfree(d.buf);
	file_put(file);
	return result;
}

SYSCALL_DEFINE3(getdents64, int, fd, void *, buf, unsigned, count)
{
	return do_getdents(fd, buf, count, false);
}

SYSCALL_DEFINE3(getdents, int, fd, void *, buf, unsigned, count)
{
	return do_getdents(fd, buf, count, true);
}

/* Make dir (referenced by the caller) the current directory, if searchable. */
static int set_cwd(struct inode *dir)
{
	struct task *task = fs_current();
	int error;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	error = inode_permission(dir, MAY_EXEC);
	if (error)
		return error;
	inode_get(dir);
	if (task->fs->cwd)
		inode_put(task->fs->cwd);
	task->fs->cwd = dir;
	return 0;
}

SYSCALL_DEFINE1(chdir, const char *, path)
{
	struct inode *dir;
	int error = user_lookup(AT_FDCWD, path, WALK_FOLLOW | WALK_DIRECTORY, false, &dir);

	if (error)
		return error;
	error = set_cwd(dir);
	inode_put(dir);
	return error;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *file = current_file(fd);
	int error;

	if (!file)
		return -EBADF;
	error = set_cwd(file->inode);
	file_put(file);
	return error;
}

/* Returns the length including the NUL, as the Linux system call does. */
SYSCALL_DEFINE2(getcwd, char *, buf, size_t, size)
{
	struct task *task = fs_current();
	char *path = kmalloc(PATH_MAX);
	long len;

	if (!path)
		return -ENOMEM;
	len = vfs_path_of(task->fs->cwd ? task->fs->cwd : vfs_root(), path,
			  size < PATH_MAX ? size : PATH_MAX);
	if (len >= 0) {
		len++;
		if (copy_to_user(buf, path, len))
			len = -EFAULT;
	}
	kfree(path);
	return len;
}
