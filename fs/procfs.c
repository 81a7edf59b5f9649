/*
 * fs/procfs.c - the "proc" file system type: for now an empty directory, so that
 * `mount -t proc proc /proc` succeeds. Its contents (meminfo, <pid>/...) come from
 * proc/ through the interface in fs/vfs.h: a mount function that builds sb->root,
 * inode_ops whose lookup/readdir make inodes on demand (nlink 0, so they die at
 * their last inode_put), and file_ops whose read formats text.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"

static int empty_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	(void)dir, (void)name, (void)len, (void)out;
	return -ENOENT;
}

static int dots_only(struct inode *dir, uint64_t *pos, readdir_fn emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 1;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, dir->ino, DT_DIR, 2))
			return 1;
		*pos = 2;
	}
	return 0;
}

static bool always_empty(struct inode *dir)
{
	(void)dir;
	return true;
}

static const struct inode_ops procfs_root_ops = {
	.lookup = empty_lookup,
	.readdir = dots_only,
	.is_empty = always_empty,
};

static int procfs_mount(struct superblock *sb, const void *data)
{
	struct inode *root = inode_alloc(sb, S_IFDIR | 0555);

	(void)data;
	if (!root)
		return -ENOMEM;
	root->ops = &procfs_root_ops;
	root->fops = &dir_file_ops;
	root->nlink = 2;
	root->uid = root->gid = 0;
	sb->root = root;
	sb->magic = PROC_SUPER_MAGIC;
	return 0;
}

static struct fs_type procfs_type = { .name = "proc", .mount = procfs_mount };

void procfs_register(void)
{
	fs_register_type(&procfs_type);
}
