/*
 * fs/initramfs.c - unpacking a cpio "newc" archive into the root file system.
 *
 * Each entry is a 110-byte header of ASCII fields (magic "070701", or "070702"
 * with a checksum of the data), the NUL-terminated name, padding to 4 bytes, the
 * data, padding to 4 bytes. The archive ends at the entry named "TRAILER!!!".
 * Every field and length is checked against the buffer before it is used, so a
 * malformed archive gives -EINVAL and never a read past its end.
 *
 * Hard links are entries with the same (ino, device) and nlink >= 2: the first
 * creates the file, the others link to it, and whichever carries data fills it.
 * Directory mtimes are set after the last entry, since adding entries changes them.
 * An existing name is replaced (a directory keeps its contents and takes the new
 * attributes), so an archive can overlay what fs_init made.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"

#define HEADER_LEN 110
#define FIELDS 13

struct cpio_header {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

struct entry {
	struct cpio_header h;
	const char *name;	/* NUL-terminated inside the archive */
	const uint8_t *data;	/* h.filesize bytes inside the archive */
};

struct hardlink {
	uint32_t ino, devmajor, devminor;
	struct inode *inode;	/* referenced */
};

struct dir_time {
	struct inode *dir;	/* referenced */
	uint32_t mtime;
};

struct unpack {
	struct hardlink *links;
	size_t nlinks, capacity;
	struct dir_time *dirs;	/* directory mtimes, set at the end (entries change them) */
	size_t ndirs, dir_capacity;
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse the header at p (HEADER_LEN bytes are there): 0, or -EINVAL. */
static int parse_header(const char *p, struct cpio_header *h, bool *checksummed)
{
	uint32_t *fields = &h->ino;

	if (memcmp(p, "07070", 5) != 0 || (p[5] != '1' && p[5] != '2'))
		return -EINVAL;
	*checksummed = p[5] == '2';
	for (int f = 0; f < FIELDS; f++) {
		uint32_t value = 0;
		for (int i = 0; i < 8; i++) {
			int digit = hex_digit(p[6 + f * 8 + i]);
			if (digit < 0)
				return -EINVAL;
			value = value << 4 | digit;
		}
		fields[f] = value;
	}
	return 0;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/*
 * Decode the entry at offset *at of the archive, checking every length against the
 * buffer; *at moves to the next entry. Returns 0 or -EINVAL.
 */
static int next_entry(const char *archive, size_t length, size_t *at, struct entry *e)
{
	bool checksummed;
	size_t name_at, data_at;

	if (length - *at < HEADER_LEN || parse_header(archive + *at, &e->h, &checksummed))
		return -EINVAL;
	name_at = *at + HEADER_LEN;
	if (e->h.namesize == 0 || e->h.namesize > PATH_MAX || e->h.namesize > length - name_at)
		return -EINVAL;
	e->name = archive + name_at;
	if (strnlen(e->name, e->h.namesize) != e->h.namesize - 1)
		return -EINVAL;	/* the name must end exactly at its NUL */
	data_at = align4(name_at + e->h.namesize);
	if (data_at > length || e->h.filesize > length - data_at)
		return -EINVAL;
	e->data = (const uint8_t *)archive + data_at;
	if (checksummed) {
		uint32_t sum = 0;
		for (uint32_t i = 0; i < e->h.filesize; i++)
			sum += e->data[i];
		if (sum != e->h.check)
			return -EINVAL;
	}
	*at = align4(data_at + e->h.filesize);
	if (*at > length)
		*at = length;
	return 0;
}

static void set_attributes(struct inode *inode, const struct cpio_header *h)
{
	inode->mode = (inode->mode & S_IFMT) | (h->mode & S_IALLUGO);
	inode->uid = h->uid;
	inode->gid = h->gid;
	inode->mtime = inode->atime = (struct timespec_k){ h->mtime, 0 };
}

/* Grow an array of n elements of size to hold one more: 0 or -ENOMEM. */
static int reserve(void **array, size_t n, size_t *capacity, size_t size)
{
	if (n < *capacity)
		return 0;
	size_t grown = *capacity ? *capacity * 2 : 16;
	void *bigger = kmalloc(grown * size);
	if (!bigger)
		return -ENOMEM;
	if (n)
		memcpy(bigger, *array, n * size);
	kfree(*array);
	*array = bigger;
	*capacity = grown;
	return 0;
}

static struct hardlink *find_link(struct unpack *u, const struct cpio_header *h)
{
	for (size_t i = 0; i < u->nlinks; i++) {
		struct hardlink *l = &u->links[i];
		if (l->ino == h->ino && l->devmajor == h->devmajor && l->devminor == h->devminor)
			return l;
	}
	return NULL;
}

static int remember_link(struct unpack *u, const struct cpio_header *h, struct inode *inode)
{
	int error = reserve((void **)&u->links, u->nlinks, &u->capacity, sizeof(*u->links));

	if (error)
		return error;
	inode_get(inode);
	u->links[u->nlinks++] = (struct hardlink){ h->ino, h->devmajor, h->devminor, inode };
	return 0;
}

static int remember_dir_time(struct unpack *u, struct inode *dir, uint32_t mtime)
{
	int error = reserve((void **)&u->dirs, u->ndirs, &u->dir_capacity, sizeof(*u->dirs));

	if (error)
		return error;
	inode_get(dir);
	u->dirs[u->ndirs++] = (struct dir_time){ dir, mtime };
	return 0;
}

static int write_data(struct inode *inode, const struct entry *e)
{
	if (e->h.filesize == 0)
		return 0;
	int error = inode_set_size(inode, 0);
	if (error)
		return error;
	long done = pagecache_write(inode, iobuf_kernel((void *)e->data), e->h.filesize, 0);
	if (done < 0)
		return (int)done;
	return (uint32_t)done == e->h.filesize ? 0 : -ENOMEM;
}

/* Remove what parent names unless it is a directory and keep_dir. *kept says
 * whether a directory was kept (referenced in *kept_dir). */
static int clear_name(struct walk_parent *p, bool keep_dir, struct inode **kept_dir)
{
	struct inode *old;
	int error = dir_lookup(p->dir, p->name, p->len, &old);

	*kept_dir = NULL;
	if (error == -ENOENT)
		return 0;
	if (error)
		return error;
	if (S_ISDIR(old->mode) && keep_dir) {
		*kept_dir = old;
		return 0;
	}
	if (S_ISDIR(old->mode) && !old->ops->is_empty(old))
		error = -EEXIST;
	else if (old->sb != p->dir->sb || old->mounts)
		error = -EBUSY;
	else
		error = p->dir->ops->unlink(p->dir, p->name, p->len, old);
	inode_put(old);
	return error;
}

/* A symlink from the entry's data (the target, not NUL-terminated). */
static int make_symlink(struct walk_parent *p, const struct entry *e, struct inode **out)
{
	char *target;
	int error;

	if (e->h.filesize == 0 || e->h.filesize >= PATH_MAX ||
	    memchr(e->data, 0, e->h.filesize))
		return -EINVAL;
	target = kmalloc(e->h.filesize + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->h.filesize);
	target[e->h.filesize] = 0;
	error = p->dir->ops->symlink(p->dir, p->name, p->len, target, out);
	kfree(target);
	return error;
}

/* Create (or link) the file of the entry in directory p. */
static int make_file(struct unpack *u, struct walk_parent *p, const struct entry *e,
		     struct inode **out)
{
	unsigned type = e->h.mode & S_IFMT;
	struct hardlink *link = NULL;
	int error;

	if (type == S_IFREG && e->h.nlink >= 2)
		link = find_link(u, &e->h);
	if (link) {
		error = p->dir->ops->link(p->dir, p->name, p->len, link->inode);
		if (!error) {
			inode_get(link->inode);
			*out = link->inode;
		}
	} else if (type == S_IFLNK) {
		return make_symlink(p, e, out);
	} else {
		uint64_t rdev = type == S_IFCHR || type == S_IFBLK ?
			dev_encode(e->h.rdevmajor, e->h.rdevminor) : 0;
		error = p->dir->ops->create(p->dir, p->name, p->len, type | (e->h.mode & 07777),
					    rdev, out);
		if (!error && type == S_IFREG && e->h.nlink >= 2)
			error = remember_link(u, &e->h, *out);
	}
	if (!error && type == S_IFREG)
		error = write_data(*out, e);
	return error;
}

static int unpack_entry(struct unpack *u, const struct entry *e)
{
	unsigned type = e->h.mode & S_IFMT;
	const char *name = e->name;
	struct walk_parent p = { 0 };
	struct inode *inode = NULL;
	int error;

	if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK && type != S_IFCHR &&
	    type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (!name[0] || strcmp(name, ".") == 0) {	/* the root itself */
		if (type != S_IFDIR)
			return -EINVAL;
		set_attributes(vfs_root(), &e->h);
		return remember_dir_time(u, vfs_root(), e->h.mtime);
	}
	error = path_parent(vfs_root(), name, &p);
	if (!error && p.dots)
		error = -EINVAL;
	if (!error)
		error = clear_name(&p, type == S_IFDIR, &inode);
	if (!error && !inode)
		error = make_file(u, &p, e, &inode);
	if (!error && type != S_IFLNK)
		set_attributes(inode, &e->h);
	if (!error && type == S_IFDIR)
		error = remember_dir_time(u, inode, e->h.mtime);
	if (inode)
		inode_put(inode);
	walk_parent_done(&p);
	return error;
}

int initramfs_unpack(const void *archive, size_t length)
{
	struct unpack u = { 0 };
	size_t at = 0;
	int error = 0;

	for (;;) {
		struct entry e;

		error = next_entry(archive, length, &at, &e);
		if (error || strcmp(e.name, "TRAILER!!!") == 0)
			break;
		error = unpack_entry(&u, &e);
		if (error)
			break;
	}
	for (size_t i = 0; i < u.nlinks; i++)
		inode_put(u.links[i].inode);
	kfree(u.links);
	for (size_t i = 0; i < u.ndirs; i++) {
		u.dirs[i].dir->mtime = (struct timespec_k){ u.dirs[i].mtime, 0 };
		inode_put(u.dirs[i].dir);
	}
	kfree(u.dirs);
	return error;
}
