/*
 * fs/mount.c - file system types and the mount table.
 *
 * The table is a short list (a handful of mounts in practice), searched linearly;
 * an inode's `mounts` count lets the path walk skip the search for the ordinary
 * directories that have nothing mounted on them.
 */
#include "fs/internal.h"
#include "fs/vfs.h"

static struct list_node fs_types = LIST_HEAD_INIT(fs_types);
static struct list_node mounts = LIST_HEAD_INIT(mounts);	/* struct mount, oldest first */
static struct inode *root_dir;

struct inode *vfs_root(void)
{
	return root_dir;
}

static struct fs_type *find_type(const char *name)
{
	struct list_node *node;

	list_for_each(node, &fs_types) {
		struct fs_type *type = list_entry(node, struct fs_type, link);

		if (strcmp(type->name, name) == 0)
			return type;
	}
	return NULL;
}

/* Register a file system type under its name: 0, or -EEXIST. */
int fs_register_type(struct fs_type *type)
{
	if (find_type(type->name))
		return -EEXIST;
	list_push_back(&fs_types, &type->link);
	return 0;
}

struct mount *mount_on(struct inode *dir)
{
	struct list_node *node;

	list_for_each(node, &mounts) {
		struct mount *mount = list_entry(node, struct mount, link);

		if (mount->mountpoint == dir)
			return mount;
	}
	return NULL;
}

struct mount *mount_of_root(struct inode *inode)
{
	struct list_node *node;

	list_for_each(node, &mounts) {
		struct mount *mount = list_entry(node, struct mount, link);

		if (mount->sb->root == inode && mount->mountpoint)
			return mount;
	}
	return NULL;
}

/* A new superblock of type, mounted by the type's mount function; NULL with *error. */
static struct superblock *instantiate(struct fs_type *type, const void *data, int *error)
{
	struct superblock *sb = sb_alloc(type);

	if (!sb) {
		*error = -ENOMEM;
		return NULL;
	}
	*error = type->mount(sb, data);
	if (!*error && !sb->root)
		*error = -EINVAL;
	if (*error) {
		if (sb->root)
			inode_put(sb->root);
		sb->root = NULL;
		if (type->kill)
			type->kill(sb);
		sb_free(sb);
		return NULL;
	}
	return sb;
}

int vfs_mount_root(const char *name)
{
	struct fs_type *type = find_type(name);
	struct mount *mount = kzalloc(sizeof(*mount));
	int error = type ? 0 : -ENODEV;

	if (!mount)
		return -ENOMEM;
	if (!error && root_dir)
		error = -EBUSY;
	if (!error)
		mount->sb = instantiate(type, NULL, &error);
	if (error) {
		kfree(mount);
		return error;
	}
	list_push_back(&mounts, &mount->link);
	root_dir = mount->sb->root;
	return 0;
}

/*
 * Mount a new instance of the named file system type on mountpoint (a directory the
 * caller holds a reference to; the mount takes its own). Returns 0, -ENODEV (no such
 * type), -ENOTDIR, -ENOMEM, or the type's error.
 */
int vfs_mount(const char *name, struct inode *mountpoint, const void *data)
{
	struct fs_type *type = find_type(name);
	struct mount *mount;
	int error;

	if (!type)
		return -ENODEV;
	if (!S_ISDIR(mountpoint->mode))
		return -ENOTDIR;
	mount = kzalloc(sizeof(*mount));
	if (!mount)
		return -ENOMEM;
	mount->sb = instantiate(type, data, &error);
	if (!mount->sb) {
		kfree(mount);
		return error;
	}
	mount->mountpoint = mountpoint;
	inode_get(mountpoint);
	mountpoint->mounts++;
	list_push_back(&mounts, &mount->link);
	return 0;
}

struct first_entry {
	char *name;
	size_t len;
};

static int take_first(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		      uint64_t next)
{
	struct first_entry *first = ctx;

	(void)ino;
	(void)dtype;
	(void)next;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	memcpy(first->name, name, len);
	first->len = len;
	return 1;
}

/* Some child of dir (referenced) and its name, or NULL when dir is empty. */
static struct inode *any_child(struct inode *dir, char *name, size_t *len)
{
	struct first_entry first = { name, 0 };
	struct inode *child = NULL;
	uint64_t pos = 0;

	dir->ops->readdir(dir, &pos, take_first, &first);
	if (first.len && dir->ops->lookup(dir, name, first.len, &child))
		child = NULL;
	*len = first.len;
	return child;
}

/*
 * Free every inode under sb's root, iteratively (a deep tree must not overflow the
 * kernel stack): go down to a leaf, unlink it, go back up through parent links.
 * The file system's unlink does the freeing (nothing else holds references: the
 * caller checked the superblock is not busy).
 */
static void kill_tree(struct superblock *sb)
{
	struct inode *dir = sb->root;
	char name[NAME_MAX + 1];
	size_t len;

	while (dir) {
		struct inode *child = any_child(dir, name, &len);

		if (!child) {
			dir = dir == sb->root ? NULL : dir->parent;
			continue;
		}
		if (S_ISDIR(child->mode) && !child->ops->is_empty(child)) {
			inode_put(child);
			dir = child;	/* still linked, so still alive */
			continue;
		}
		dir->ops->unlink(dir, name, len, child);
		inode_put(child);
	}
}

/*
 * Unmount the file system whose root is root, consuming the caller's reference to
 * root in every case. Returns 0, -EINVAL (root is not the root of a mount, or is the
 * root file system), -EBUSY (files, directories or mounts in it are in use).
 */
int vfs_umount(struct inode *root)
{
	struct mount *mount = mount_of_root(root);
	struct superblock *sb = root->sb;

	/* Busy unless the only references are the superblock's and the caller's. */
	if (!mount || sb->inode_refs != 2 || root->mounts) {
		inode_put(root);
		return mount ? -EBUSY : -EINVAL;
	}
	list_remove(&mount->link);
	mount->mountpoint->mounts--;
	inode_put(mount->mountpoint);
	kfree(mount);
	inode_put(root);
	if (sb->type->kill_tree)
		kill_tree(sb);
	sb->root = NULL;
	root->nlink = 0;
	inode_put(root);
	if (sb->type->kill)
		sb->type->kill(sb);
	sb_free(sb);
	return 0;
}
