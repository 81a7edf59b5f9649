/*
 * fs/ramfs.c - a file system that lives in memory only: the root file system
 * (filled from the initramfs) and every tmpfs.
 *
 * A directory is a list of entries in creation order; each entry has a cookie from
 * a per-directory counter, and a readdir position is "the next cookie to show". A
 * position therefore stays valid when entries before it are removed, which is what
 * `rm -r` does between two getdents calls. Positions 0 and 1 are "." and "..".
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/ramfs.h"
#include "fs/abi.h"

struct ramfs_entry {
	struct list_node link;		/* in dir->dir.entries */
	struct inode *inode;		/* counted in inode->nlink, not refcount */
	uint64_t cookie;
	uint16_t len;
	char name[];
};

#define FIRST_COOKIE 2

static const struct inode_ops ramfs_dir_ops, ramfs_file_ops, ramfs_link_ops,
	ramfs_special_ops;

static struct ramfs_entry *find_entry(struct inode *dir, const char *name, size_t len)
{
	struct list_node *node;

	list_for_each(node, &dir->dir.entries) {
		struct ramfs_entry *entry = list_entry(node, struct ramfs_entry, link);

		if (entry->len == len && memcmp(entry->name, name, len) == 0)
			return entry;
	}
	return NULL;
}

static struct ramfs_entry *new_entry(const char *name, size_t len)
{
	struct ramfs_entry *entry = kmalloc(sizeof(*entry) + len);

	if (entry) {
		memcpy(entry->name, name, len);
		entry->len = len;
		entry->inode = NULL;
	}
	return entry;
}

/* Link entry (naming inode) into dir. */
static void add_entry(struct inode *dir, struct ramfs_entry *entry, struct inode *inode)
{
	entry->inode = inode;
	entry->cookie = dir->dir.next_cookie++;
	list_push_back(&dir->dir.entries, &entry->link);
	inode_touch(dir, true);
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ramfs_entry *entry = find_entry(dir, name, len);

	if (!entry)
		return -ENOENT;
	inode_get(entry->inode);
	*out = entry->inode;
	return 0;
}

/* Give a fresh inode of sb the ops of its type. */
static void set_type_ops(struct inode *inode)
{
	if (S_ISDIR(inode->mode)) {
		inode->ops = &ramfs_dir_ops;
		inode->fops = &dir_file_ops;
		list_init(&inode->dir.entries);
		inode->dir.next_cookie = FIRST_COOKIE;
	} else if (S_ISREG(inode->mode)) {
		inode->ops = &ramfs_file_ops;
		inode->fops = &regular_file_ops;
	} else if (S_ISLNK(inode->mode)) {
		inode->ops = &ramfs_link_ops;
	} else {
		inode->ops = &ramfs_special_ops;	/* devices, fifos, sockets */
	}
}

static int ramfs_create(struct inode *dir, const char *name, size_t len, unsigned mode,
			uint64_t rdev, struct inode **out)
{
	struct ramfs_entry *entry;
	struct inode *inode;

	if (dir->nlink == 0)
		return -ENOENT;	/* removed: it must stay empty until it dies */
	if (find_entry(dir, name, len))
		return -EEXIST;
	entry = new_entry(name, len);
	inode = entry ? inode_alloc(dir->sb, mode) : NULL;
	if (!inode) {
		kfree(entry);
		return -ENOMEM;
	}
	set_type_ops(inode);
	inode->rdev = rdev;
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		inode->parent = dir;
		dir->nlink++;
	} else {
		inode->nlink = 1;
	}
	add_entry(dir, entry, inode);
	*out = inode;
	return 0;
}

static int ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target,
			 struct inode **out)
{
	size_t target_len = strlen(target);
	char *copy = kmalloc(target_len + 1);
	struct inode *inode;
	int error;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, target_len + 1);
	error = ramfs_create(dir, name, len, S_IFLNK | 0777, 0, &inode);
	if (error) {
		kfree(copy);
		return error;
	}
	inode->target = copy;
	inode->size = target_len;
	*out = inode;
	return 0;
}

static int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct ramfs_entry *entry;

	if (dir->nlink == 0)
		return -ENOENT;
	if (find_entry(dir, name, len))
		return -EEXIST;
	entry = new_entry(name, len);
	if (!entry)
		return -ENOMEM;
	inode->nlink++;
	inode_touch(inode, false);
	add_entry(dir, entry, inode);
	return 0;
}

/* Take entry out of dir and drop the name's link (the inode dies at its last put). */
static void drop_entry(struct inode *dir, struct ramfs_entry *entry)
{
	struct inode *inode = entry->inode;

	list_remove(&entry->link);
	kfree(entry);
	if (S_ISDIR(inode->mode)) {
		inode->nlink = 0;
		inode->parent = NULL;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
	inode_touch(inode, false);
	inode_touch(dir, true);
}

static int ramfs_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct ramfs_entry *entry = find_entry(dir, name, len);

	if (!entry || entry->inode != victim)
		return -ENOENT;
	drop_entry(dir, entry);
	return 0;
}

/*
 * Move the entry old to newdir as new, replacing what new named. The replacement
 * entry is allocated first, so failure (-ENOMEM) changes nothing.
 */
static int ramfs_rename(struct inode *olddir, const char *oldname, size_t oldlen,
			struct inode *newdir, const char *newname, size_t newlen)
{
	struct ramfs_entry *old = find_entry(olddir, oldname, oldlen);
	struct ramfs_entry *replaced = find_entry(newdir, newname, newlen);
	struct ramfs_entry *moved;
	struct inode *inode;

	if (!old || newdir->nlink == 0)
		return -ENOENT;
	if (old == replaced)
		return 0;
	moved = new_entry(newname, newlen);
	if (!moved)
		return -ENOMEM;
	inode = old->inode;
	if (replaced) {
		struct inode *victim = replaced->inode;

		inode_get(victim);	/* so that it dies in inode_put if unreferenced */
		drop_entry(newdir, replaced);
		inode_put(victim);
	}
	list_remove(&old->link);
	kfree(old);
	if (S_ISDIR(inode->mode) && olddir != newdir) {
		olddir->nlink--;
		newdir->nlink++;
		inode->parent = newdir;
	}
	add_entry(newdir, moved, inode);
	inode_touch(inode, false);
	inode_touch(olddir, true);
	return 0;
}

static bool ramfs_is_empty(struct inode *dir)
{
	return list_empty(&dir->dir.entries);
}

static int ramfs_readdir(struct inode *dir, uint64_t *pos, readdir_fn emit, void *ctx)
{
	struct list_node *node;

	/* Removed (Linux's IS_DEADDIR). Only here: a procfs directory has no links
	 * either, being made afresh at each lookup, and lists fine. */
	if (dir->nlink == 0)
		return -ENOENT;
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 1;
		*pos = 1;
	}
	if (*pos == 1) {
		uint64_t up = dir->parent ? dir->parent->ino : dir->ino;
		if (emit(ctx, "..", 2, up, DT_DIR, FIRST_COOKIE))
			return 1;
		*pos = FIRST_COOKIE;
	}
	list_for_each(node, &dir->dir.entries) {
		struct ramfs_entry *entry = list_entry(node, struct ramfs_entry, link);

		if (entry->cookie < *pos)
			continue;
		if (emit(ctx, entry->name, entry->len, entry->inode->ino,
			 inode_dtype(entry->inode), entry->cookie + 1))
			return 1;
		*pos = entry->cookie + 1;
	}
	*pos = dir->dir.next_cookie;
	return 0;
}

static long ramfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t len = inode->size < size ? inode->size : size;

	memcpy(buf, inode->target, len);
	return inode->size;
}

static void ramfs_evict(struct inode *inode)
{
	if (S_ISDIR(inode->mode))
		BUG_ON(!list_empty(&inode->dir.entries));
	else if (S_ISREG(inode->mode))
		ramfs_free_pages(inode, 0);
	else if (S_ISLNK(inode->mode))
		kfree(inode->target);
}

static const struct inode_ops ramfs_dir_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
	.is_empty = ramfs_is_empty,
	.readdir = ramfs_readdir,
	.evict = ramfs_evict,
};

static const struct inode_ops ramfs_file_ops = {
	.get_page = ramfs_get_page,
	.set_size = ramfs_set_size,
	.evict = ramfs_evict,
};

static const struct inode_ops ramfs_link_ops = {
	.readlink = ramfs_readlink,
	.evict = ramfs_evict,
};

static const struct inode_ops ramfs_special_ops = {
	.evict = ramfs_evict,
};

/* A new, empty ramfs: a root directory of the given mode. */
static int mount_ramfs(struct superblock *sb, unsigned root_mode, uint64_t magic)
{
	struct inode *root = inode_alloc(sb, S_IFDIR | root_mode);

	if (!root)
		return -ENOMEM;
	set_type_ops(root);
	root->nlink = 2;
	root->uid = root->gid = 0;
	sb->root = root;
	sb->magic = magic;
	return 0;
}

static int ramfs_mount(struct superblock *sb, const void *data)
{
	(void)data;
	return mount_ramfs(sb, 0755, RAMFS_MAGIC);
}

static int tmpfs_mount(struct superblock *sb, const void *data)
{
	(void)data;
	return mount_ramfs(sb, 01777, TMPFS_MAGIC);
}

static struct fs_type ramfs_type = { .name = "ramfs", .mount = ramfs_mount, .kill_tree = true };
static struct fs_type tmpfs_type = { .name = "tmpfs", .mount = tmpfs_mount, .kill_tree = true };

void ramfs_register(void)
{
	fs_register_type(&ramfs_type);
	fs_register_type(&tmpfs_type);
}
