/*
 * fs/inode.c - inodes and superblocks: allocation, reference counts, permissions,
 * timestamps.
 */
#include "fs/internal.h"
#include "fs/vfs.h"

static uint32_t next_anon_dev = 1;	/* st_dev of the next superblock: 0:n */

struct timespec_k fs_now(void)
{
	uint64_t ns = fs_unix_time_ns();

	return (struct timespec_k){ (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
}

struct superblock *sb_alloc(const struct fs_type *type)
{
	struct superblock *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->dev = dev_encode(0, next_anon_dev++);
	sb->next_ino = 1;
	return sb;
}

void sb_free(struct superblock *sb)
{
	BUG_ON(sb->inodes != 0 || sb->inode_refs != 0);
	kfree(sb);
}

/*
 * Returns a new inode with refcount 1 and nlink 0, owned by the current process's
 * effective ids (root during boot), or NULL when out of memory.
 */
struct inode *inode_alloc(struct superblock *sb, unsigned mode)
{
	struct inode *inode = kzalloc(sizeof(*inode));
	struct task *task = fs_current();

	if (!inode)
		return NULL;
	inode->refcount = 1;
	inode->mode = mode;
	inode->uid = task ? task->cred.euid : 0;
	inode->gid = task ? task->cred.egid : 0;
	inode->sb = sb;
	inode->ino = sb->next_ino++;
	inode->atime = inode->mtime = inode->ctime = fs_now();
	mm_object_init(&inode->mappings);
	inode->pages_lock = (struct spinlock)SPINLOCK_INIT_LEVEL("pages", LOCK_LEVEL_PAGES);
	sb->inodes++;
	sb->inode_refs++;
	return inode;
}

void inode_get(struct inode *inode)
{
	BUG_ON(inode->dead);
	inode->refcount++;
	inode->sb->inode_refs++;
}

/* Free the inode and what its file system keeps for it. */
void inode_destroy(struct inode *inode)
{
	BUG_ON(inode->dead);
	inode->dead = true;
	if (inode->ops && inode->ops->evict)
		inode->ops->evict(inode);
	inode->sb->inodes--;
	inode->sb->inode_refs -= inode->refcount;
	kfree(inode);
}

/* Drop a reference; the inode dies when no name and no reference is left. */
void inode_put(struct inode *inode)
{
	BUG_ON(inode->refcount == 0 || inode->dead);
	inode->refcount--;
	inode->sb->inode_refs--;
	if (inode->refcount == 0 && inode->nlink == 0)
		inode_destroy(inode);
}

/*
 * 0 when credentials uid/gid allow every access in mask, else -EACCES. Root may
 * read and write anything and search any directory, but executes a file only when
 * some execute bit is set, as in Linux.
 */
int inode_permission_as(struct inode *inode, int mask, unsigned uid, unsigned gid)
{
	unsigned mode = inode->mode, bits;

	if (uid == 0) {
		if ((mask & MAY_EXEC) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (uid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (gid == inode->gid)
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & mask) == (unsigned)mask ? 0 : -EACCES;
}

/* The same for the current process's effective credentials (root during boot). */
int inode_permission(struct inode *inode, int mask)
{
	struct task *task = fs_current();

	return task ? inode_permission_as(inode, mask, task->cred.euid, task->cred.egid)
		    : inode_permission_as(inode, mask, 0, 0);
}

void inode_touch(struct inode *inode, bool modify)
{
	inode->ctime = fs_now();
	if (modify)
		inode->mtime = inode->ctime;
}

unsigned inode_dtype(const struct inode *inode)
{
	return (inode->mode & S_IFMT) >> 12;	/* DT_* are the S_IF* type bits shifted */
}
