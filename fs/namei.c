/*
 * fs/namei.c - from a path to an inode.
 *
 * A walk keeps the unresolved rest of the path in a PATH_MAX buffer and the
 * directory reached so far (with a reference). A symlink met on the way is replaced
 * in the buffer by its target, so nested links need no recursion and the kernel
 * stack stays small; SYMLOOP_MAX (40) expansions per walk, as in Linux, and then
 * ELOOP. ".." above a mount's root continues from the directory it covers, and a
 * directory with a mount on it is replaced by the mounted root.
 */
#include "fs/internal.h"
#include "fs/vfs.h"

static bool is_dots(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* The directory a relative path starts from: base, the cwd, or the root. */
static struct inode *start_dir(struct inode *base)
{
	struct task *task = fs_current();

	if (base)
		return base;
	if (task && task->fs && task->fs->cwd)
		return task->fs->cwd;
	return vfs_root();
}

/* Leave every mount root upwards: the inode of the same place one mount below. */
static struct inode *below_mounts(struct inode *inode)
{
	struct mount *mount;

	while (inode != vfs_root() && (mount = mount_of_root(inode)))
		inode = mount->mountpoint;
	return inode;
}

/*
 * Look name up in directory dir (search permission was checked by the caller),
 * handling "." and ".." and crossing mounts both ways. Returns 0 with *out
 * referenced, -ENOTDIR, -ENOENT.
 */
int dir_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct inode *found;
	struct mount *mount;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 1 && name[0] == '.') {
		found = dir;
		inode_get(found);
	} else if (len == 2 && name[0] == '.' && name[1] == '.') {
		struct inode *here = below_mounts(dir);

		found = here == vfs_root() ? here : here->parent;
		if (!found)
			return -ENOENT;	/* dir was removed */
		inode_get(found);
	} else {
		if (!dir->ops || !dir->ops->lookup)
			return -ENOENT;
		int error = dir->ops->lookup(dir, name, len, &found);
		if (error)
			return error;
	}
	while (found->mounts && (mount = mount_on(found))) {
		struct inode *root = mount->sb->root;

		inode_get(root);
		inode_put(found);
		found = root;
	}
	*out = found;
	return 0;
}

/*
 * Replace the component just walked (a symlink) by its target: the buffer becomes
 * target + rest. Returns 0, -ENOENT (empty target), -ENAMETOOLONG, -ENOMEM.
 */
static int expand_link(char *buf, const char *rest, struct inode *link)
{
	size_t rest_len = strlen(rest);
	char *joined = kmalloc(PATH_MAX);
	long len;

	if (!joined)
		return -ENOMEM;
	len = link->ops && link->ops->readlink ? link->ops->readlink(link, joined, PATH_MAX)
					       : -EINVAL;
	if (len == 0)
		len = -ENOENT;
	else if (len > 0 && (size_t)len + rest_len >= PATH_MAX)
		len = -ENAMETOOLONG;
	if (len > 0) {
		memcpy(joined + len, rest, rest_len + 1);
		memcpy(buf, joined, len + rest_len + 1);
	}
	kfree(joined);
	return len < 0 ? (int)len : 0;
}

struct walk {
	char *buf;		/* the path still to resolve, rewritten by symlinks */
	char *at;		/* next character to look at */
	struct inode *cur;	/* directory reached, referenced */
	unsigned links;		/* symlinks expanded */
	bool trailing_slash;	/* the last component walked had a '/' after it */
	bool want_name;		/* keep where the last component was found: */
	struct inode *name_dir;	/* the directory it was looked up in, referenced */
	const char *name;	/* the component, in buf (valid until buf is rewritten) */
	size_t name_len;
};

static int walk_begin(struct walk *w, struct inode *base, const char *path)
{
	size_t len = strnlen(path, PATH_MAX);

	if (len == 0)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	w->buf = kmalloc(PATH_MAX);
	if (!w->buf)
		return -ENOMEM;
	memcpy(w->buf, path, len + 1);
	w->at = w->buf;
	w->cur = path[0] == '/' ? vfs_root() : start_dir(base);
	inode_get(w->cur);
	w->links = 0;
	w->trailing_slash = false;
	w->want_name = false;
	w->name_dir = NULL;
	w->name = NULL;
	w->name_len = 0;
	return 0;
}

static void walk_end(struct walk *w)
{
	kfree(w->buf);
	if (w->cur)
		inode_put(w->cur);
	if (w->name_dir)
		inode_put(w->name_dir);
}

/*
 * Advance over one component. Returns 1 when the path is used up (w->cur is the
 * result), 0 when a component was consumed, 2 when it stopped before the last
 * component because stop_before_last (name/len say which), or a negative errno.
 */
static int walk_step(struct walk *w, unsigned flags, bool stop_before_last,
		     const char **name_out, size_t *len_out)
{
	while (*w->at == '/')
		w->at++;
	if (!*w->at)
		return 1;
	const char *name = w->at;
	while (*w->at && *w->at != '/')
		w->at++;
	size_t len = w->at - name;
	const char *after = w->at;
	bool slash = *after == '/';
	while (*after == '/')
		after++;
	bool last = !*after;

	if (!S_ISDIR(w->cur->mode))
		return -ENOTDIR;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	int error = inode_permission(w->cur, MAY_EXEC);
	if (error)
		return error;
	if (last && stop_before_last) {
		*name_out = name;
		*len_out = len;
		w->trailing_slash = slash;
		return 2;
	}
	struct inode *next;
	error = dir_lookup(w->cur, name, len, &next);
	if (error)
		return error;
	if (S_ISLNK(next->mode) && (!last || slash || (flags & WALK_FOLLOW))) {
		if (++w->links > SYMLOOP_MAX)
			error = -ELOOP;
		else
			error = expand_link(w->buf, w->at, next);
		inode_put(next);
		if (error)
			return error;
		if (w->name_dir) {	/* the buffer was rewritten: w->name is stale */
			inode_put(w->name_dir);
			w->name_dir = NULL;
		}
		w->at = w->buf;
		if (*w->at == '/') {
			inode_put(w->cur);
			w->cur = vfs_root();
			inode_get(w->cur);
		}
		return 0;
	}
	if (w->want_name) {
		/* Keep the directory (its reference moves) and the name found in it. */
		if (w->name_dir)
			inode_put(w->name_dir);
		w->name_dir = w->cur;
		w->name = name;
		w->name_len = len;
	} else {
		inode_put(w->cur);
	}
	w->cur = next;
	w->trailing_slash = slash;
	return 0;
}

static int lookup(struct inode *base, const char *path, unsigned flags, struct inode **out,
		  struct inode **dir, char **name)
{
	struct walk w;
	int error = walk_begin(&w, base, path);

	if (error)
		return error;
	w.want_name = dir != NULL;
	while ((error = walk_step(&w, flags, false, NULL, NULL)) == 0)
		;
	if (error == 1) {
		error = 0;
		if (!S_ISDIR(w.cur->mode) && (w.trailing_slash || (flags & WALK_DIRECTORY)))
			error = -ENOTDIR;
	}
	if (!error && dir) {
		/* No component at all ("/"): the root, named by itself. */
		const char *last = w.name_dir ? w.name : "/";
		size_t len = w.name_dir ? w.name_len : 1;
		*name = kmalloc(len + 1);
		if (!*name) {
			error = -ENOMEM;
		} else {
			memcpy(*name, last, len);
			(*name)[len] = 0;
			*dir = w.name_dir ? w.name_dir : vfs_root();
			if (!w.name_dir)
				inode_get(*dir);
			w.name_dir = NULL;
		}
	}
	if (!error) {
		*out = w.cur;
		w.cur = NULL;
	}
	walk_end(&w);
	return error;
}

int path_lookup(struct inode *base, const char *path, unsigned flags, struct inode **out)
{
	return lookup(base, path, flags, out, NULL, NULL);
}

int path_lookup_named(struct inode *base, const char *path, unsigned flags, struct inode **out,
		      struct inode **dir, char **name)
{
	return lookup(base, path, flags, out, dir, name);
}

int path_parent(struct inode *base, const char *path, struct walk_parent *parent)
{
	struct walk w;
	const char *name = NULL;
	size_t len = 0;
	int error = walk_begin(&w, base, path);

	if (error)
		return error;
	while ((error = walk_step(&w, 0, true, &name, &len)) == 0)
		;
	if (error == 1) {	/* "/" or a symlink expanding to it: the root itself */
		name = "/";
		len = 1;
		error = 2;
	}
	if (error == 2) {
		memcpy(parent->name, name, len);
		parent->name[len] = 0;
		parent->len = len;
		parent->trailing_slash = w.trailing_slash;
		parent->dots = is_dots(name, len) || name[0] == '/';
		parent->dir = w.cur;
		w.cur = NULL;
		error = 0;
	}
	walk_end(&w);
	return error;
}

void walk_parent_done(struct walk_parent *parent)
{
	if (parent->dir)
		inode_put(parent->dir);
	parent->dir = NULL;
}

struct find_name {
	uint64_t ino;
	char *name;
	size_t len;
	bool found;
};

static int match_ino(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
		     uint64_t next)
{
	struct find_name *find = ctx;

	(void)dtype;
	(void)next;
	if (ino != find->ino || is_dots(name, len))
		return 0;
	memcpy(find->name, name, len);
	find->len = len;
	find->found = true;
	return 1;
}

int dir_name_of(struct inode *dir, uint64_t ino, char *name, size_t *len)
{
	struct find_name find = { ino, name, 0, false };
	uint64_t pos = 0;

	if (!dir->ops || !dir->ops->readdir)
		return -ENOENT;
	int error = dir->ops->readdir(dir, &pos, match_ino, &find);
	if (error < 0)
		return error;
	if (!find.found)
		return -ENOENT;
	name[find.len] = 0;
	*len = find.len;
	return 0;
}

/* The name dir has in its parent, into name (NAME_MAX + 1 bytes). */
static int name_in_parent(struct inode *parent, struct inode *dir, char *name, size_t *len)
{
	return dir_name_of(parent, dir->ino, name, len);
}

/*
 * Returns the length of dir's absolute path written (terminated) into buf, or
 * -ENOENT (dir or an ancestor was removed), -ERANGE (does not fit in size bytes),
 * -ENAMETOOLONG, -ENOMEM. Walks up the parent links, as getcwd(2) needs.
 */
long vfs_path_of(struct inode *dir, char *buf, size_t size)
{
	char *path = kmalloc(PATH_MAX), name[NAME_MAX + 1];
	size_t at = PATH_MAX - 1, len;
	long error = 0;

	if (!path)
		return -ENOMEM;
	path[at] = 0;
	for (struct inode *cur = below_mounts(dir); cur != vfs_root();
	     cur = below_mounts(cur->parent)) {
		if (cur->nlink == 0 || !cur->parent) {
			error = -ENOENT;
			break;
		}
		error = name_in_parent(cur->parent, cur, name, &len);
		if (error)
			break;
		if (len + 1 > at) {
			error = -ENAMETOOLONG;
			break;
		}
		at -= len;
		memcpy(path + at, name, len);
		path[--at] = '/';
	}
	if (!error && at == PATH_MAX - 1)
		path[--at] = '/';
	len = PATH_MAX - 1 - at;
	if (!error && len + 1 > size)
		error = -ERANGE;
	if (!error) {
		memcpy(buf, path + at, len + 1);
		error = (long)len;
	}
	kfree(path);
	return error;
}
