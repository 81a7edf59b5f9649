/*
 * fs/sys_util.h - what the fs/sys_*.c system calls share: paths and descriptors
 * from user space.
 */
#ifndef CALF_FS_SYS_UTIL_H
#define CALF_FS_SYS_UTIL_H

#include <stdbool.h>

struct inode;
struct file;
struct fdtable;

/* A kernel copy (PATH_MAX buffer, free with path_free) of a user path, or NULL with
 * *error = -EFAULT / -ENAMETOOLONG / -ENOMEM. An empty path is returned as is. */
char *path_from_user(const char *user_path, int *error);
void path_free(char *path);

/*
 * The directory a *at call resolves path from: NULL (the cwd, or path is absolute)
 * or a referenced directory inode (put it with base_put). -EBADF, -ENOTDIR.
 */
int dirfd_base(int dirfd, const char *path, struct inode **base);
void base_put(struct inode *base);

/*
 * For *at calls with AT_EMPTY_PATH and an empty path: the inode dirfd names
 * (AT_FDCWD: the cwd), referenced. -EBADF.
 */
int dirfd_inode(int dirfd, struct inode **out);

/* Resolve (dirfd, user path) with walk flags: 0 with *out referenced. Handles
 * AT_EMPTY_PATH when empty_ok. */
int user_lookup(int dirfd, const char *user_path, unsigned walk_flags, bool empty_ok,
		struct inode **out);

/* The open file at fd of the current process, referenced; NULL when not open. */
struct file *current_file(int fd);
struct fdtable *current_files(void);

#endif
