/*
 * fs/sys_stat.c - file status: stat, fstat, lstat, newfstatat, statx, statfs,
 * fstatfs.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

static uint64_t blocks_of(const struct inode *inode)
{
	if (!S_ISREG(inode->mode))
		return 0;
	return (inode->size + PAGE_SIZE - 1) / PAGE_SIZE * (PAGE_SIZE / 512);
}

static void fill_stat(const struct inode *inode, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = inode->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = blocks_of(inode);
	st->st_atime_sec = inode->atime.sec;
	st->st_atime_nsec = inode->atime.nsec;
	st->st_mtime_sec = inode->mtime.sec;
	st->st_mtime_nsec = inode->mtime.nsec;
	st->st_ctime_sec = inode->ctime.sec;
	st->st_ctime_nsec = inode->ctime.nsec;
}

static long stat_to_user(struct inode *inode, struct linux_stat *user)
{
	struct linux_stat st;

	fill_stat(inode, &st);
	inode_put(inode);
	return copy_to_user(user, &st, sizeof(st));
}

SYSCALL_DEFINE2(stat, const char *, path, struct linux_stat *, buf)
{
	struct inode *inode;
	int error = user_lookup(AT_FDCWD, path, WALK_FOLLOW, false, &inode);

	return error ? error : stat_to_user(inode, buf);
}

SYSCALL_DEFINE2(lstat, const char *, path, struct linux_stat *, buf)
{
	struct inode *inode;
	int error = user_lookup(AT_FDCWD, path, 0, false, &inode);

	return error ? error : stat_to_user(inode, buf);
}

SYSCALL_DEFINE2(fstat, int, fd, struct linux_stat *, buf)
{
	struct file *file = current_file(fd);
	struct inode *inode;

	if (!file)
		return -EBADF;
	inode = file->inode;
	inode_get(inode);
	file_put(file);
	return stat_to_user(inode, buf);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char *, path, struct linux_stat *, buf,
		int, flags)
{
	struct inode *inode;
	int error;

	/* Linux's vfs_statx flags: the statx sync modes are taken (and mean nothing here). */
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	error = user_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW,
			    flags & AT_EMPTY_PATH, &inode);
	return error ? error : stat_to_user(inode, buf);
}

static struct statx_timestamp statx_time(struct timespec_k t)
{
	return (struct statx_timestamp){ t.sec, (uint32_t)t.nsec, 0 };
}

SYSCALL_DEFINE5(statx, int, dirfd, const char *, path, int, flags, unsigned, mask,
		struct linux_statx *, buf)
{
	struct linux_statx stx;
	struct inode *inode;
	int error;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
		return -EINVAL;
	error = user_lookup(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : WALK_FOLLOW,
			    flags & AT_EMPTY_PATH, &inode);
	if (error)
		return error;
	memset(&stx, 0, sizeof(stx));
	stx.stx_mask = STATX_BASIC_STATS;
	stx.stx_blksize = PAGE_SIZE;
	stx.stx_nlink = inode->nlink;
	stx.stx_uid = inode->uid;
	stx.stx_gid = inode->gid;
	stx.stx_mode = inode->mode;
	stx.stx_ino = inode->ino;
	stx.stx_size = inode->size;
	stx.stx_blocks = blocks_of(inode);
	stx.stx_atime = statx_time(inode->atime);
	stx.stx_mtime = statx_time(inode->mtime);
	stx.stx_ctime = statx_time(inode->ctime);
	stx.stx_rdev_major = dev_major(inode->rdev);
	stx.stx_rdev_minor = dev_minor(inode->rdev);
	stx.stx_dev_major = dev_major(inode->sb->dev);
	stx.stx_dev_minor = dev_minor(inode->sb->dev);
	inode_put(inode);
	return copy_to_user(buf, &stx, sizeof(stx));
}

/* Plausible numbers: memory-backed file systems report the machine's frames. */
static long statfs_to_user(struct inode *inode, struct linux_statfs *user)
{
	struct superblock *sb = inode->sb;
	struct linux_statfs st;
	bool memory = sb->magic == RAMFS_MAGIC || sb->magic == TMPFS_MAGIC;

	memset(&st, 0, sizeof(st));
	st.f_type = sb->magic;
	st.f_bsize = PAGE_SIZE;
	st.f_frsize = PAGE_SIZE;
	st.f_namelen = NAME_MAX;
	st.f_flags = ST_VALID;
	if (memory) {
		st.f_blocks = frames_managed();
		st.f_bfree = st.f_bavail = frames_free();
		st.f_files = frames_managed();
		st.f_ffree = st.f_files > sb->inodes ? st.f_files - sb->inodes : 0;
	}
	st.f_fsid[0] = (int32_t)sb->dev;
	inode_put(inode);
	return copy_to_user(user, &st, sizeof(st));
}

SYSCALL_DEFINE2(statfs, const char *, path, struct linux_statfs *, buf)
{
	struct inode *inode;
	int error = user_lookup(AT_FDCWD, path, WALK_FOLLOW, false, &inode);

	return error ? error : statfs_to_user(inode, buf);
}

SYSCALL_DEFINE2(fstatfs, int, fd, struct linux_statfs *, buf)
{
	struct file *file = current_file(fd);
	struct inode *inode;

	if (!file)
		return -EBADF;
	inode = file->inode;
	inode_get(inode);
	file_put(file);
	return statfs_to_user(inode, buf);
}
