/*
 * fs/file.c - open files: struct file, opening by path, reading and writing
 * through a file's ops, seeking.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"

int iobuf_out(struct iobuf buf, size_t at, const void *src, size_t n)
{
	if (buf.user)
		return copy_to_user(buf.ptr + at, src, n);
	memcpy(buf.ptr + at, src, n);
	return 0;
}

int iobuf_in(struct iobuf buf, size_t at, void *dst, size_t n)
{
	if (buf.user)
		return copy_from_user(dst, buf.ptr + at, n);
	memcpy(dst, buf.ptr + at, n);
	return 0;
}

int iobuf_zero(struct iobuf buf, size_t at, size_t n)
{
	if (buf.user)
		return clear_user(buf.ptr + at, n);
	memset(buf.ptr + at, 0, n);
	return 0;
}

/* The bytes of a user buffer from offset at that lie on the same page, at most n. */
static size_t user_step(struct iobuf buf, size_t at, size_t n)
{
	size_t room = PAGE_SIZE - ((uintptr_t)(buf.ptr + at) & (PAGE_SIZE - 1));

	return n < room ? n : room;
}

size_t iobuf_out_some(struct iobuf buf, size_t at, const void *src, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t step = buf.user ? user_step(buf, at + done, n - done) : n - done;
		if (iobuf_out(buf, at + done, (const char *)src + done, step))
			break;
		done += step;
	}
	return done;
}

size_t iobuf_in_some(struct iobuf buf, size_t at, void *dst, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t step = buf.user ? user_step(buf, at + done, n - done) : n - done;
		if (iobuf_in(buf, at + done, (char *)dst + done, step))
			break;
		done += step;
	}
	return done;
}

size_t iobuf_zero_some(struct iobuf buf, size_t at, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t step = buf.user ? user_step(buf, at + done, n - done) : n - done;
		if (iobuf_zero(buf, at + done, step))
			break;
		done += step;
	}
	return done;
}

bool file_readable(const struct file *file)
{
	unsigned mode = file->flags & O_ACCMODE;

	return !(file->flags & O_PATH) && (mode == O_RDONLY || mode == O_RDWR);
}

bool file_writable(const struct file *file)
{
	unsigned mode = file->flags & O_ACCMODE;

	return !(file->flags & O_PATH) && (mode == O_WRONLY || mode == O_RDWR);
}

/* ---- regular files and directories ---- */

static long regular_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	long done = pagecache_read(file->inode, buf, n, *pos);

	if (done > 0)
		*pos += done;
	return done;
}

static long regular_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	long done;

	if (file->flags & O_APPEND)
		*pos = file->inode->size;
	done = pagecache_write(file->inode, buf, n, *pos);
	if (done > 0)
		*pos += done;
	return done;
}

static long regular_ioctl(struct file *file, unsigned cmd, uint64_t arg)
{
	if (cmd == FIONREAD) {
		uint64_t size = file->inode->size;
		int left = file->pos < size ? (int)(size - file->pos) : 0;
		return copy_to_user((int *)arg, &left, sizeof(left));
	}
	return -ENOTTY;
}

static unsigned always_ready(struct file *file)
{
	(void)file;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

const struct file_ops regular_file_ops = {
	.read = regular_read,
	.write = regular_write,
	.ioctl = regular_ioctl,
	.poll = always_ready,
	.seekable = true,
};

static long dir_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)file, (void)buf, (void)n, (void)pos;
	return -EISDIR;
}

const struct file_ops dir_file_ops = {
	.read = dir_read,
	.poll = always_ready,
	.seekable = true,
};

/* Devices without a driver, fifos and sockets in a ramfs: opening them fails. */
static int no_device(struct inode *inode, struct file *file)
{
	(void)inode, (void)file;
	return -ENXIO;
}

static const struct file_ops no_device_ops = { .open = no_device };

/* ---- struct file ---- */

static const struct file_ops *ops_for(struct inode *inode)
{
	const struct file_ops *ops = NULL;

	if (S_ISCHR(inode->mode))
		ops = chrdev_ops(inode->rdev);
	else if (inode->fops)
		ops = inode->fops;
	return ops ? ops : &no_device_ops;
}

/*
 * A new open file on inode (the file takes its own reference) with refcount 1.
 * Returns 0 or the ops' open error (-ENXIO for a device without a driver), -ENOMEM.
 * O_PATH files get no ops at all: they only name the inode.
 */
int file_open_inode(struct inode *inode, unsigned flags, struct file **out)
{
	struct file *file = kzalloc(sizeof(*file));
	static const struct file_ops path_ops;

	if (!file)
		return -ENOMEM;
	file->refcount = 1;
	file->inode = inode;
	list_init(&file->epoll_items);
	file->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	file->ops = flags & O_PATH ? &path_ops : ops_for(inode);
	if (S_ISREG(inode->mode) && file_writable(file)) {
		if (inode->writecount < 0) {
			kfree(file);
			return -ETXTBSY;
		}
		inode->writecount++;
		file->writer = true;
	}
	inode_get(inode);
	if (file->ops->open) {
		int error = file->ops->open(inode, file);
		if (error) {
			if (file->writer)
				inode->writecount--;
			inode_put(inode);
			kfree(file);
			return error;
		}
	}
	*out = file;
	return 0;
}

void file_get(struct file *file)
{
	BUG_ON(file->refcount == 0);
	file->refcount++;
}

void file_put(struct file *file)
{
	BUG_ON(file->refcount == 0);
	if (--file->refcount) {
		if (file->ops->unref)
			file->ops->unref(file);
		return;
	}
	if (!list_empty(&file->epoll_items))
		epoll_file_gone(file);
	if (file->ops->release)
		file->ops->release(file);
	if (file->writer)
		file->inode->writecount--;
	if (file->name_dir)
		inode_put(file->name_dir);
	kfree(file->name);
	inode_put(file->inode);
	kfree(file);
}

int file_deny_write(struct file *file)
{
	if (file->inode->writecount > 0)
		return -ETXTBSY;
	file->inode->writecount--;
	return 0;
}

void file_allow_write(struct file *file)
{
	file->inode->writecount++;
}

long file_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	if (!file_readable(file))
		return -EBADF;
	if (!file->ops->read)
		return -EINVAL;
	if (n > 0x7ffff000)	/* Linux's MAX_RW_COUNT */
		n = 0x7ffff000;
	long done = file->ops->read(file, buf, n, pos);
	if (done > 0 && S_ISREG(file->inode->mode))
		file->inode->atime = fs_now();
	return done;
}

long file_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	if (!file_writable(file))
		return -EBADF;
	if (!file->ops->write)
		return -EINVAL;
	if (n > 0x7ffff000)
		n = 0x7ffff000;
	return file->ops->write(file, buf, n, pos);
}

/*
 * lseek: the new position, or -ESPIPE (pipes, ttys), -EINVAL (bad whence or a
 * negative result), -EOVERFLOW. Character devices without a position (null,
 * zero) and anonymous files answer 0 as in Linux.
 */
int64_t file_lseek(struct file *file, int64_t offset, int whence)
{
	int64_t base;

	if (!file->ops->seekable) {
		/* Linux's noop_llseek: memory devices, and the anonymous inodes of
		 * eventfd and epoll (no file type). */
		if ((S_ISCHR(file->inode->mode) && !file->ops->is_tty) ||
		    !(file->inode->mode & S_IFMT))
			return 0;
		return -ESPIPE;
	}
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = file->pos; break;
	case SEEK_END: base = file->inode->size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!S_ISREG(file->inode->mode) || offset < 0 ||
		    (uint64_t)offset >= file->inode->size)
			return -ENXIO;
		file->pos = whence == SEEK_DATA ? (uint64_t)offset : file->inode->size;
		return file->pos;
	default: return -EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset))
		return -EOVERFLOW;
	if (base + offset < 0)
		return -EINVAL;
	file->pos = base + offset;
	return file->pos;
}

int inode_set_size(struct inode *inode, uint64_t size)
{
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) || !inode->ops->set_size)
		return -EINVAL;
	if (size > INT64_MAX)
		return -EINVAL;
	int error = inode->ops->set_size(inode, size);
	if (!error)
		inode_touch(inode, true);
	return error;
}

/* ---- open by path ---- */

/* Permission to open inode with the access mode in flags. */
static int may_open(struct inode *inode, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;
	int mask = 0;

	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(inode->mode))
		return -ELOOP;	/* O_NOFOLLOW met a symlink */
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR)
		mask |= MAY_WRITE;
	if (acc == 3)	/* neither read nor write, for ioctls: Linux asks for both */
		mask = MAY_READ | MAY_WRITE;
	return inode_permission(inode, mask);
}

/* Where a path led: the directory holding the last name, referenced, and the name. */
struct found_name {
	struct inode *dir;
	char *name;
};

static int keep_name(struct found_name *found, struct inode *dir, const char *name, size_t len)
{
	found->name = kmalloc(len + 1);
	if (!found->name)
		return -ENOMEM;
	memcpy(found->name, name, len);
	found->name[len] = 0;
	inode_get(dir);
	found->dir = dir;
	return 0;
}

/*
 * Find or create the last component for O_CREAT. A symlink there is followed, even
 * a dangling one (creating its target), unless O_NOFOLLOW or O_EXCL. Returns 0 with
 * *out referenced, *created set and *where filled in.
 */
static int open_create(struct inode *base, const char *path, unsigned flags, unsigned mode,
		       struct inode **out, bool *created, struct found_name *where)
{
	struct walk_parent parent = { 0 };
	bool own_base = false;	/* base came from following a link: ours to put */
	char *target = NULL;
	int error;

	for (unsigned links = 0;; links++) {
		struct inode *found = NULL;

		error = path_parent(base, path, &parent);
		if (error)
			break;
		error = dir_lookup(parent.dir, parent.name, parent.len, &found);
		if (parent.dots || parent.trailing_slash) {
			error = found && !S_ISDIR(found->mode) ? -ENOTDIR : -EISDIR;
			if (found)
				inode_put(found);
			break;
		}
		if (error == -ENOENT) {
			error = inode_permission(parent.dir, MAY_WRITE | MAY_EXEC);
			if (!error && !parent.dir->ops->create)
				error = -EACCES;
			if (!error) {
				struct task *task = fs_current();
				unsigned umask = task && task->fs ? task->fs->umask : 0;
				error = parent.dir->ops->create(parent.dir, parent.name, parent.len,
								S_IFREG | (mode & ~umask & 07777),
								0, out);
				*created = !error;
			}
			if (!error && (error = keep_name(where, parent.dir, parent.name, parent.len)))
				inode_put(*out);	/* the file stays created, as after EFAULT */
			break;
		}
		if (error)
			break;
		if (flags & O_EXCL) {
			inode_put(found);
			error = -EEXIST;
			break;
		}
		if (!S_ISLNK(found->mode) || (flags & O_NOFOLLOW)) {
			if (S_ISDIR(found->mode)) {
				inode_put(found);
				error = -EISDIR;
				break;
			}
			error = keep_name(where, parent.dir, parent.name, parent.len);
			if (error)
				inode_put(found);
			else
				*out = found;
			break;
		}
		/* A symlink: create or open its target, relative to the link's directory. */
		long len = -ELOOP;
		if (links < SYMLOOP_MAX && !target && !(target = kmalloc(PATH_MAX)))
			len = -ENOMEM;
		else if (links < SYMLOOP_MAX)
			len = found->ops->readlink(found, target, PATH_MAX - 1);
		inode_put(found);
		error = len == 0 ? -ENOENT : len < 0 ? (int)len : 0;
		if (error)
			break;
		target[len] = 0;
		if (own_base)
			inode_put(base);
		base = parent.dir;	/* path_parent copied the old path: target is free */
		parent.dir = NULL;
		own_base = true;
		path = target;
	}
	walk_parent_done(&parent);
	if (own_base)
		inode_put(base);
	kfree(target);
	return error;
}

/*
 * open(2) without the descriptor: resolve path from base (NULL: cwd), create when
 * O_CREAT, check type and permissions, truncate when O_TRUNC. Returns 0 with *out,
 * or the errno Linux would give.
 */
int vfs_open(struct inode *base, const char *path, unsigned flags, unsigned mode,
	     struct file **out)
{
	struct inode *inode = NULL;
	struct found_name where = { NULL, NULL };
	bool created = false;
	int error;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_CREAT) && !(flags & O_PATH)) {
		error = open_create(base, path, flags, mode, &inode, &created, &where);
	} else {
		unsigned walk = (flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW;
		if (flags & O_DIRECTORY)
			walk |= WALK_DIRECTORY;
		error = path_lookup_named(base, path, walk, &inode, &where.dir, &where.name);
	}
	if (error)
		return error;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		error = -ENOTDIR;
	if (!error && !created)
		error = may_open(inode, flags);
	/* As Linux: a running program cannot be opened for writing, and so is not
	 * truncated either. */
	if (!error && S_ISREG(inode->mode) && inode->writecount < 0 && !(flags & O_PATH) &&
	    (flags & O_ACCMODE) != O_RDONLY)
		error = -ETXTBSY;
	if (!error && (flags & O_TRUNC) && S_ISREG(inode->mode) && !created &&
	    (flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH))
		error = inode_set_size(inode, 0);
	if (!error)
		error = file_open_inode(inode, flags, out);
	if (!error && S_ISREG(inode->mode)) {
		/* Its name, for /proc/<pid>/maps should it be mapped. */
		(*out)->name_dir = where.dir;
		(*out)->name = where.name;
		where.dir = NULL;
		where.name = NULL;
	}
	if (where.dir)
		inode_put(where.dir);
	kfree(where.name);
	inode_put(inode);
	return error;
}
