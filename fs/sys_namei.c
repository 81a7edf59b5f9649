/*
 * fs/sys_namei.c - changing names: mkdir, mknod, rmdir, unlink, rename, link,
 * symlink (each with its *at form), and readlink.
 *
 * The checks come in Linux's order where a program could tell the difference:
 * the parent walk, the kind of last component, the lookup, permissions, then the
 * rules of the operation.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

/* Walk to the parent of a user path relative to dirfd. */
static int user_parent(int dirfd, const char *user_path, struct walk_parent *p)
{
	struct inode *base;
	int error;
	char *path = path_from_user(user_path, &error);

	p->dir = NULL;
	if (!path)
		return error;
	if (!path[0])
		error = -ENOENT;
	else if (!(error = dirfd_base(dirfd, path, &base))) {
		error = path_parent(base, path, p);
		base_put(base);
	}
	path_free(path);
	return error;
}

static int may_create(struct inode *dir)
{
	if (dir->nlink == 0)
		return -ENOENT;	/* a removed directory takes no new names */
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/* Permission to remove victim from dir, sticky directories included. */
static int may_delete(struct inode *dir, struct inode *victim)
{
	struct task *task = fs_current();
	int error = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (error)
		return error;
	if ((dir->mode & S_ISVTX) && task && task->cred.euid != 0 &&
	    task->cred.euid != victim->uid && task->cred.euid != dir->uid)
		return -EPERM;
	return 0;
}

static bool busy(struct inode *inode)
{
	return inode->mounts || inode == vfs_root() || mount_of_root(inode);
}

static unsigned current_umask(void)
{
	struct task *task = fs_current();

	return task && task->fs ? task->fs->umask : 022;
}

/* Create a node of mode (type included) at dirfd/path. Devices are root's, which
 * Linux checks once the name and the directory have passed (vfs_mknod). */
static long make_node(int dirfd, const char *user_path, unsigned mode, uint64_t rdev)
{
	struct task *task = fs_current();
	bool device = S_ISCHR(mode) || S_ISBLK(mode);
	struct walk_parent p;
	struct inode *inode;
	int error = user_parent(dirfd, user_path, &p);

	if (error)
		return error;
	if (p.dots)
		error = -EEXIST;
	else if (p.trailing_slash && !S_ISDIR(mode))
		error = dir_lookup(p.dir, p.name, p.len, &inode) ? -ENOENT : (inode_put(inode), -EEXIST);
	else if (!dir_lookup(p.dir, p.name, p.len, &inode)) {
		inode_put(inode);
		error = -EEXIST;
	} else if (!(error = may_create(p.dir))) {
		if (device && task && task->cred.euid != 0)
			error = -EPERM;
		else if (!p.dir->ops->create)
			error = -EPERM;
		else
			error = p.dir->ops->create(p.dir, p.name, p.len, mode, rdev, &inode);
		if (!error)
			inode_put(inode);
	}
	walk_parent_done(&p);
	return error;
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char *, path, unsigned, mode)
{
	return make_node(dirfd, path, S_IFDIR | (mode & 01777 & ~current_umask()), 0);
}

SYSCALL_DEFINE2(mkdir, const char *, path, unsigned, mode)
{
	return make_node(AT_FDCWD, path, S_IFDIR | (mode & 01777 & ~current_umask()), 0);
}

/* mknod: regular files, fifos, sockets, and (for root) devices. dev is the user
 * encoding (major << 8 | minor for small numbers). */
static long do_mknod(int dirfd, const char *path, unsigned mode, unsigned dev)
{
	unsigned type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return -EINVAL;
	mode = type | (mode & 07777 & ~current_umask());
	return make_node(dirfd, path, mode,
			 type == S_IFCHR || type == S_IFBLK ? dev_encode(dev_major(dev), dev_minor(dev)) : 0);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, const char *, path, unsigned, mode, unsigned, dev)
{
	return do_mknod(dirfd, path, mode, dev);
}

SYSCALL_DEFINE3(mknod, const char *, path, unsigned, mode, unsigned, dev)
{
	return do_mknod(AT_FDCWD, path, mode, dev);
}

static long do_rmdir(int dirfd, const char *user_path)
{
	struct walk_parent p;
	struct inode *victim = NULL;
	int error = user_parent(dirfd, user_path, &p);

	if (error)
		return error;
	if (p.dots)	/* "..", ".", or the root itself */
		error = p.len == 2 ? -ENOTEMPTY : p.name[0] == '/' ? -EBUSY : -EINVAL;
	else
		error = dir_lookup(p.dir, p.name, p.len, &victim);
	if (!error)
		error = may_delete(p.dir, victim);
	if (!error && !S_ISDIR(victim->mode))
		error = -ENOTDIR;
	if (!error && (busy(victim) || victim->sb != p.dir->sb))
		error = -EBUSY;
	if (!error && !victim->ops->is_empty(victim))
		error = -ENOTEMPTY;
	if (!error)
		error = p.dir->ops->unlink(p.dir, p.name, p.len, victim);
	if (victim)
		inode_put(victim);
	walk_parent_done(&p);
	return error;
}

SYSCALL_DEFINE1(rmdir, const char *, path)
{
	return do_rmdir(AT_FDCWD, path);
}

static long do_unlink(int dirfd, const char *user_path)
{
	struct walk_parent p;
	struct inode *victim = NULL;
	int error = user_parent(dirfd, user_path, &p);

	if (error)
		return error;
	if (p.dots)
		error = -EISDIR;
	else
		error = dir_lookup(p.dir, p.name, p.len, &victim);
	if (!error && p.trailing_slash)
		error = S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
	if (!error)
		error = may_delete(p.dir, victim);
	if (!error && S_ISDIR(victim->mode))
		error = -EISDIR;
	if (!error && busy(victim))
		error = -EBUSY;
	if (!error)
		error = p.dir->ops->unlink(p.dir, p.name, p.len, victim);
	if (victim)
		inode_put(victim);
	walk_parent_done(&p);
	return error;
}

SYSCALL_DEFINE1(unlink, const char *, path)
{
	return do_unlink(AT_FDCWD, path);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return flags & AT_REMOVEDIR ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

/* Is dir inside (or equal to) ancestor? Follows parent links within one sb. */
static bool is_within(struct inode *dir, struct inode *ancestor)
{
	for (; dir; dir = dir->parent)
		if (dir == ancestor)
			return true;
	return false;
}

/* The rules of rename once both names are known (dst may be NULL). */
static int rename_checks(struct walk_parent *op, struct walk_parent *np, struct inode *src,
			 struct inode *dst)
{
	int error = may_delete(op->dir, src);

	if (!error)
		error = dst ? may_delete(np->dir, dst) : may_create(np->dir);
	if (error)
		return error;
	if (S_ISDIR(src->mode)) {
		if (dst && !S_ISDIR(dst->mode))
			return -ENOTDIR;
		if (is_within(np->dir, src))
			return -EINVAL;	/* into itself */
		if (dst && !dst->ops->is_empty(dst))
			return -ENOTEMPTY;
	} else if (dst && S_ISDIR(dst->mode)) {
		return -EISDIR;
	}
	if (busy(src) || (dst && busy(dst)))
		return -EBUSY;
	return 0;
}

static long do_rename(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		      unsigned flags)
{
	struct walk_parent op = { 0 }, np = { 0 };
	struct inode *src = NULL, *dst = NULL;
	int error;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;	/* RENAME_EXCHANGE and RENAME_WHITEOUT are not supported */
	error = user_parent(olddirfd, oldpath, &op);
	if (!error)
		error = user_parent(newdirfd, newpath, &np);
	if (!error && op.dir->sb != np.dir->sb)
		error = -EXDEV;
	if (!error && (op.dots || np.dots))
		error = -EBUSY;
	if (!error)
		error = dir_lookup(op.dir, op.name, op.len, &src);
	if (!error && (op.trailing_slash || np.trailing_slash) && !S_ISDIR(src->mode))
		error = -ENOTDIR;
	if (!error) {
		error = dir_lookup(np.dir, np.name, np.len, &dst);
		if (error == -ENOENT)
			error = 0;
		else if (!error && (flags & RENAME_NOREPLACE))
			error = -EEXIST;
	}
	if (!error && src != dst) {
		error = rename_checks(&op, &np, src, dst);
		if (!error)
			error = op.dir->ops->rename(op.dir, op.name, op.len, np.dir, np.name, np.len);
	}
	if (src)
		inode_put(src);
	if (dst)
		inode_put(dst);
	walk_parent_done(&op);
	walk_parent_done(&np);
	return error;
}

SYSCALL_DEFINE2(rename, const char *, oldpath, const char *, newpath)
{
	return do_rename(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE4(renameat, int, olddirfd, const char *, oldpath, int, newdirfd,
		const char *, newpath)
{
	return do_rename(olddirfd, oldpath, newdirfd, newpath, 0);
}

SYSCALL_DEFINE5(renameat2, int, olddirfd, const char *, oldpath, int, newdirfd,
		const char *, newpath, unsigned, flags)
{
	return do_rename(olddirfd, oldpath, newdirfd, newpath, flags);
}

static long do_link(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		    int flags)
{
	struct walk_parent np = { 0 };
	struct inode *src = NULL, *existing;
	int error;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* Linking a descriptor's file by an empty name needs CAP_DAC_READ_SEARCH. */
	if ((flags & AT_EMPTY_PATH) && fs_current() && fs_current()->cred.euid != 0)
		return -ENOENT;
	error = user_lookup(olddirfd, oldpath, flags & AT_SYMLINK_FOLLOW ? WALK_FOLLOW : 0,
			    flags & AT_EMPTY_PATH, &src);
	if (!error)
		error = user_parent(newdirfd, newpath, &np);
	if (!error && (np.dots || !dir_lookup(np.dir, np.name, np.len, &existing))) {
		if (!np.dots)
			inode_put(existing);
		error = -EEXIST;
	}
	if (!error && np.trailing_slash)
		error = -ENOENT;
	if (!error && np.dir->sb != src->sb)
		error = -EXDEV;
	if (!error)
		error = may_create(np.dir);
	if (!error && S_ISDIR(src->mode))
		error = -EPERM;
	if (!error && src->nlink == 0)
		error = -ENOENT;
	if (!error)
		error = np.dir->ops->link ? np.dir->ops->link(np.dir, np.name, np.len, src) : -EPERM;
	if (src)
		inode_put(src);
	walk_parent_done(&np);
	return error;
}

SYSCALL_DEFINE2(link, const char *, oldpath, const char *, newpath)
{
	return do_link(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE5(linkat, int, olddirfd, const char *, oldpath, int, newdirfd,
		const char *, newpath, int, flags)
{
	return do_link(olddirfd, oldpath, newdirfd, newpath, flags);
}

static long do_symlink(const char *user_target, int dirfd, const char *linkpath)
{
	struct walk_parent p = { 0 };
	struct inode *inode;
	int error;
	char *target = path_from_user(user_target, &error);

	if (!target)
		return error;
	if (!target[0])
		error = -ENOENT;
	if (!error)
		error = user_parent(dirfd, linkpath, &p);
	if (!error && (p.dots || !dir_lookup(p.dir, p.name, p.len, &inode))) {
		if (!p.dots)
			inode_put(inode);
		error = -EEXIST;
	}
	if (!error && p.trailing_slash)
		error = -ENOENT;
	if (!error)
		error = may_create(p.dir);
	if (!error)
		error = p.dir->ops->symlink ? p.dir->ops->symlink(p.dir, p.name, p.len, target,
								  &inode) : -EPERM;
	if (!error)
		inode_put(inode);
	walk_parent_done(&p);
	path_free(target);
	return error;
}

SYSCALL_DEFINE2(symlink, const char *, target, const char *, linkpath)
{
	return do_symlink(target, AT_FDCWD, linkpath);
}

SYSCALL_DEFINE3(symlinkat, const char *, target, int, dirfd, const char *, linkpath)
{
	return do_symlink(target, dirfd, linkpath);
}

static long do_readlink(int dirfd, const char *path, char *buf, int size)
{
	struct inode *inode;
	char *target;
	long len;
	int error;

	if (size <= 0)
		return -EINVAL;
	error = user_lookup(dirfd, path, 0, true, &inode);
	if (error)
		return error;
	if (!S_ISLNK(inode->mode) || !inode->ops->readlink) {
		/* An empty path names dirfd's file: not a link is ENOENT then (Linux).
		 * The path was just read whole, so its first byte reads. */
		char first = 1;
		get_user(first, path);
		inode_put(inode);
		return first == '\0' ? -ENOENT : -EINVAL;
	}
	target = kmalloc(PATH_MAX);
	len = target ? inode->ops->readlink(inode, target, PATH_MAX) : -ENOMEM;
	inode_put(inode);
	if (len > size)
		len = size;
	if (len > PATH_MAX)
		len = PATH_MAX;
	if (len >= 0 && copy_to_user(buf, target, len))
		len = -EFAULT;
	kfree(target);
	return len;
}

SYSCALL_DEFINE3(readlink, const char *, path, char *, buf, int, size)
{
	return do_readlink(AT_FDCWD, path, buf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, const char *, path, char *, buf, int, size)
{
	return do_readlink(dirfd, path, buf, size);
}
