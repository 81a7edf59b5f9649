/*
 * fs/anon.c - files with no name and no inode of their own (eventfd, epoll).
 *
 * As in Linux, all of them share one inode (mode 0600, no file type: what fstat
 * shows) on an internal file system; each file carries its object in
 * file->private and its behaviour in file->ops.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"

static struct fs_type anon_type = { .name = "anon_inodefs" };
static const struct file_ops anon_inode_ops;	/* replaced in every file opened */
static struct inode *anon_inode;

/*
 * A new file on the shared anonymous inode with ops and private, open with flags
 * (O_ACCMODE, O_NONBLOCK). Returns 0 with *out (refcount 1), or -ENOMEM; ops->open
 * is not called.
 */
int anon_file_open(const struct file_ops *ops, void *private, unsigned flags, struct file **out)
{
	int error;

	if (!anon_inode) {
		struct superblock *sb = sb_alloc(&anon_type);
		if (!sb)
			return -ENOMEM;
		sb->magic = ANON_INODE_FS_MAGIC;
		anon_inode = inode_alloc(sb, 0600);
		if (!anon_inode) {
			sb_free(sb);
			return -ENOMEM;
		}
		anon_inode->fops = &anon_inode_ops;
		anon_inode->uid = anon_inode->gid = 0;
	}
	error = file_open_inode(anon_inode, flags, out);
	if (error)
		return error;
	(*out)->ops = ops;
	(*out)->private = private;
	return 0;
}
