/*
 * fs/sys_util.c - paths and descriptors from user space, for the fs system calls.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"

char *path_from_user(const char *user_path, int *error)
{
	char *path = kmalloc(PATH_MAX);
	long len;

	if (!path) {
		*error = -ENOMEM;
		return NULL;
	}
	len = strncpy_from_user(path, user_path, PATH_MAX);
	if (len < 0) {
		kfree(path);
		*error = (int)len;
		return NULL;
	}
	*error = 0;
	return path;
}

void path_free(char *path)
{
	kfree(path);
}

struct fdtable *current_files(void)
{
	return fs_current()->files;
}

struct file *current_file(int fd)
{
	return fd_get(current_files(), fd);
}

int dirfd_base(int dirfd, const char *path, struct inode **base)
{
	struct file *file;

	*base = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	file = current_file(dirfd);
	if (!file)
		return -EBADF;
	if (!S_ISDIR(file->inode->mode)) {
		file_put(file);
		return -ENOTDIR;
	}
	*base = file->inode;
	inode_get(*base);
	file_put(file);
	return 0;
}

void base_put(struct inode *base)
{
	if (base)
		inode_put(base);
}

int dirfd_inode(int dirfd, struct inode **out)
{
	struct file *file;

	if (dirfd == AT_FDCWD) {
		struct task *task = fs_current();
		*out = task->fs->cwd ? task->fs->cwd : vfs_root();
		inode_get(*out);
		return 0;
	}
	file = current_file(dirfd);
	if (!file)
		return -EBADF;
	*out = file->inode;
	inode_get(*out);
	file_put(file);
	return 0;
}

int user_lookup(int dirfd, const char *user_path, unsigned walk_flags, bool empty_ok,
		struct inode **out)
{
	struct inode *base;
	int error;
	char *path = path_from_user(user_path, &error);

	if (!path)
		return error;
	if (!path[0])
		error = empty_ok ? dirfd_inode(dirfd, out) : -ENOENT;
	else if (!(error = dirfd_base(dirfd, path, &base))) {
		error = path_lookup(base, path, walk_flags, out);
		base_put(base);
	}
	path_free(path);
	return error;
}
