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
 *
 * The buffer may hold several archives one after the other, as Linux allows, and a
 * later entry may name a path that is already there (made by fs_init or an earlier
 * entry). It is then handled as Linux's initramfs handles it: an entry of the same
 * type updates what is there in place (a directory keeps its contents, a file is
 * rewritten), a symlink or a further hard link replaces it, and an entry of another
 * type replaces it too, except a non-empty directory, which stays (the entry is
 * skipped, and reported). See make_way and place_entry.
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

/*
 * Fill a regular file with the entry's data. Like Linux's initramfs, which opens the
 * file with O_TRUNC unless the entry is a further link to an earlier one: a file
 * that was already there is emptied even by an entry without data, and the last
 * link of a group, which carries the data, fills the file its first link made.
 */
static int write_data(struct inode *inode, const struct entry *e, bool truncate)
{
	if (e->h.filesize == 0 && !truncate)
		return 0;
	int error = inode_set_size(inode, 0);
	if (error || e->h.filesize == 0)
		return error;
	long done = pagecache_write(inode, iobuf_kernel((void *)e->data), e->h.filesize, 0);
	if (done < 0)
		return (int)done;
	return (uint32_t)done == e->h.filesize ? 0 : -ENOMEM;
}

/* Remove old, which p names: a directory only if it is empty. */
static int remove_old(struct walk_parent *p, struct inode *old)
{
	if (old->sb != p->dir->sb || old->mounts)
		return -EBUSY;
	if (S_ISDIR(old->mode) && !old->ops->is_empty(old))
		return -ENOTEMPTY;
	return p->dir->ops->unlink(p->dir, p->name, p->len, old);
}

/*
 * Make way for an entry of type in p, as Linux's initramfs does (its clean_path):
 * what is there stays, to be updated in place, if it has the entry's type (*kept,
 * referenced), unless replace says the entry always replaces (symlinks and further
 * hard links do); otherwise it is removed. A non-empty directory cannot be removed:
 * Linux then skips the entry without a word; calf reports -ENOTEMPTY.
 */
static int make_way(struct walk_parent *p, unsigned type, bool replace, struct inode **kept)
{
	struct inode *old;
	int error = dir_lookup(p->dir, p->name, p->len, &old);

	*kept = NULL;
	if (error == -ENOENT)
		return 0;
	if (error)
		return error;
	if (!replace && (old->mode & S_IFMT) == type) {
		*kept = old;
		return 0;
	}
	error = remove_old(p, old);
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

/* A further hard link to inode, named by p. */
static int make_link(struct walk_parent *p, struct inode *inode, struct inode **out)
{
	int error = p->dir->ops->link(p->dir, p->name, p->len, inode);

	if (!error) {
		inode_get(inode);
		*out = inode;
	}
	return error;
}

/* A new file, directory or node of the entry's type. */
static int make_inode(struct walk_parent *p, const struct entry *e, struct inode **out)
{
	unsigned type = e->h.mode & S_IFMT;
	uint64_t rdev = type == S_IFCHR || type == S_IFBLK ?
		dev_encode(e->h.rdevmajor, e->h.rdevminor) : 0;

	return p->dir->ops->create(p->dir, p->name, p->len, type | (e->h.mode & 07777), rdev,
				   out);
}

/*
 * Put the entry in directory p: *out is its inode (referenced), whether it was
 * already there (same type: kept, as Linux keeps it; a device node keeps its number,
 * since Linux's mknod fails there and only owner, mode and time change), a further
 * link to an earlier entry of the archive, or new. Regular files get their data.
 */
static int place_entry(struct unpack *u, struct walk_parent *p, const struct entry *e,
		       struct inode **out)
{
	unsigned type = e->h.mode & S_IFMT;
	bool linked = type == S_IFREG && e->h.nlink >= 2;
	struct hardlink *link = linked ? find_link(u, &e->h) : NULL;
	int error = make_way(p, type, type == S_IFLNK || link, out);

	if (!error && !*out) {
		if (link)
			error = make_link(p, link->inode, out);
		else if (type == S_IFLNK)
			error = make_symlink(p, e, out);
		else
			error = make_inode(p, e, out);
	}
	if (!error && linked && !link)
		error = remember_link(u, &e->h, *out);
	if (!error && type == S_IFREG)
		error = write_data(*out, e, !link);
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
		error = place_entry(u, &p, e, &inode);
	if (!error && type != S_IFLNK)
		set_attributes(inode, &e->h);
	if (!error && type == S_IFDIR)
		error = remember_dir_time(u, inode, e->h.mtime);
	if (inode)
		inode_put(inode);
	walk_parent_done(&p);
	return error;
}

/* Hard links join entries of one archive only: Linux forgets them at each trailer. */
static void forget_links(struct unpack *u)
{
	for (size_t i = 0; i < u->nlinks; i++)
		inode_put(u->links[i].inode);
	u->nlinks = 0;
}

/*
 * After a trailer: skip the NUL padding (a page-rounded initrd has some). Anything
 * else must be another archive, on a 4-byte boundary, as Linux requires: an initrd
 * may be several archives one after the other, each with its trailer, and the later
 * ones replace what the earlier ones made (tools/calf-run adds files that way).
 */
static int skip_padding(const char *archive, size_t length, size_t *at)
{
	while (*at < length && archive[*at] == 0)
		(*at)++;
	return *at % 4 ? -EINVAL : 0;
}

/*
 * The next entry at *at that is not a trailer (*e), crossing any trailers and the
 * padding after them; 0, 1 when the buffer ends after a trailer, or -EINVAL when an
 * archive is malformed (the kernel log says where).
 */
static int next_file(struct unpack *u, const char *archive, size_t length, size_t *at,
		     struct entry *e)
{
	for (;;) {
		size_t entry_at = *at;
		int error = next_entry(archive, length, at, e);

		if (!error && strcmp(e->name, "TRAILER!!!") != 0)
			return 0;
		if (!error) {
			forget_links(u);
			error = skip_padding(archive, length, at);
			if (!error && *at == length)
				return 1;
			entry_at = *at;
		}
		if (error && entry_at >= length)
			printk("calf: initramfs: the archive ends without a trailer\n");
		else if (error)
			printk("calf: initramfs: malformed archive at byte %zu of %zu\n", entry_at,
			       length);
		if (error)
			return error;
	}
}

/*
 * Unpack every archive in the buffer. An entry that cannot be unpacked (no such
 * directory, a non-empty directory in the way...) is reported on the kernel log and
 * skipped, and the others are unpacked, as in Linux (which skips such entries
 * without a word); a malformed archive ends the unpacking, since its lengths can no
 * longer be trusted. Returns 0, or the first error.
 */
int initramfs_unpack(const void *archive, size_t length)
{
	struct unpack u = { 0 };
	struct entry e;
	size_t at = 0;
	int first_error = 0, error;

	while ((error = next_file(&u, archive, length, &at, &e)) == 0) {
		error = unpack_entry(&u, &e);
		if (error)
			printk("calf: initramfs: cannot unpack %s (error %d); skipped\n", e.name,
			       error);
		if (!first_error)
			first_error = error;
	}
	if (!first_error && error < 0)
		first_error = error;
	forget_links(&u);
	kfree(u.links);
	for (size_t i = 0; i < u.ndirs; i++) {
		u.dirs[i].dir->mtime = (struct timespec_k){ u.dirs[i].mtime, 0 };
		inode_put(u.dirs[i].dir);
	}
	kfree(u.dirs);
	return first_error;
}
