/*
 * fs/filemap.c - open files as the backing of file mappings (mm/'s struct
 * mm_backing), and what mmap and exec need to know about a file.
 *
 * A mapping is of an open file, like Linux's vma->vm_file: the region holds a
 * reference on the struct file (hence on the inode), which keeps a mapped file
 * alive after close() and unlink(), and names it in /proc/<pid>/maps. Its pages are
 * the inode's page-cache frames, whichever open file they are reached through; the
 * inode's mm_object lists every region that maps them, so that truncation can take
 * away the pages the file lost (fs/pagecache.c).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/fs.h"
#include "fs/abi.h"

static struct file *file_of(struct mm_backing *backing)
{
	return container_of(backing, struct file, backing);
}

/*
 * Is index inside the file? Page faults ask without the kernel lock (the fast
 * path, mm/fault.c), so the size is read once, whole; fs/pagecache.c
 * ("Locking") says why a size that changes meanwhile does no harm.
 */
static bool page_in_file(const struct inode *inode, uint64_t index)
{
	uint64_t size = __atomic_load_n(&inode->size, __ATOMIC_ACQUIRE);

	return index < size / PAGE_SIZE + (size % PAGE_SIZE != 0);
}

/* The file's page at index, allocated when it is a hole; -EIO past the last page. */
static int filemap_get_page(struct mm_backing *backing, uint64_t index, struct page **out)
{
	struct inode *inode = file_of(backing)->inode;

	if (!page_in_file(inode, index))
		return -EIO;
	*out = inode->ops->get_page(inode, index, true);
	return *out ? 0 : -ENOMEM;
}

/* The file's page at index if its page cache has it (not a hole, not past the
 * end), with a reference; NULL otherwise. */
static struct page *filemap_cached_page(struct mm_backing *backing, uint64_t index)
{
	struct inode *inode = file_of(backing)->inode;

	return page_in_file(inode, index) ? inode->ops->get_page(inode, index, false) : NULL;
}

/*
 * Is the file's page at index in its page cache (mincore of a page this process
 * has not mapped)? Holes and pages past the end are not, as in Linux.
 */
bool file_backing_resident(struct mm_backing *backing, uint64_t index)
{
	struct page *page = filemap_cached_page(backing, index);

	if (!page)
		return false;
	frame_put(page);
	return true;
}

static void filemap_get(struct mm_backing *backing)
{
	file_get(file_of(backing));
}

static void filemap_put(struct mm_backing *backing)
{
	file_put(file_of(backing));
}

static void filemap_identify(struct mm_backing *backing, struct mm_backing_id *id)
{
	struct inode *inode = file_of(backing)->inode;

	id->major = dev_major(inode->sb->dev);
	id->minor = dev_minor(inode->sb->dev);
	id->ino = inode->ino;
}

static long filemap_path(struct mm_backing *backing, char *buf, size_t size)
{
	return file_path(file_of(backing), buf, size);
}

static const struct mm_backing_ops filemap_ops = {
	.get_page = filemap_get_page,
	.cached_page = filemap_cached_page,
	.get = filemap_get,
	.put = filemap_put,
	.identify = filemap_identify,
	.path = filemap_path,
};

static bool has_page_cache(const struct inode *inode)
{
	return S_ISREG(inode->mode) && inode->ops && inode->ops->get_page;
}

struct mm_backing *file_backing(struct file *file)
{
	if (!has_page_cache(file->inode))
		return NULL;
	file->backing.ops = &filemap_ops;
	file->backing.object = &file->inode->mappings;
	return &file->backing;
}

struct inode *file_inode(struct file *file)
{
	return file->inode;
}

/*
 * Linux's checks (do_mmap), in its order: a shared writable mapping needs a file
 * open for writing; any mapping needs one open for reading; and the file must have
 * something to map. O_APPEND does not matter (only the append-only inode attribute,
 * which calf does not have, would).
 */
int file_mmap_check(struct file *file, unsigned prot, bool shared, struct mm_backing **backing,
		    bool *may_write)
{
	struct inode *inode = file->inode;

	if (shared && (prot & 2) && !file_writable(file))
		return -EACCES;
	if (!file_readable(file))
		return -EACCES;
	*may_write = !shared || file_writable(file);
	*backing = file_backing(file);
	if (*backing)
		return 0;
	if (S_ISCHR(inode->mode) && inode->rdev == dev_encode(1, 5))
		return 0;	/* /dev/zero: anonymous memory */
	return -ENODEV;
}

/* Does dir still have inode under name? */
static bool still_named(struct inode *dir, const char *name, struct inode *inode)
{
	struct inode *found;

	if (!dir->ops || !dir->ops->lookup || dir->ops->lookup(dir, name, strlen(name), &found))
		return false;
	inode_put(found);
	return found == inode;
}

/*
 * The path: the directory's, then the name. A rename inside that directory is
 * followed (the entry is found again by inode number); once the last name is gone,
 * " (deleted)" follows the name the file had, as in Linux. What calf cannot tell
 * (a rename to another directory; the directory removed) shows the old name.
 */
long file_path(struct file *file, char *buf, size_t size)
{
	struct inode *inode = file->inode;
	const char *name = file->name;
	char found[NAME_MAX + 1];
	size_t name_len;
	long length;
	bool deleted = inode->nlink == 0;

	if (!file->name_dir)
		return -ENOENT;
	if (!deleted && !still_named(file->name_dir, name, inode) &&
	    dir_name_of(file->name_dir, inode->ino, found, &name_len) == 0)
		name = found;
	name_len = strlen(name);
	length = vfs_path_of(file->name_dir, buf, size);
	if (length == -ENOENT)
		length = 0;	/* the directory was removed: only the name is left */
	else if (length < 0)
		return length;
	else if (length == 1)
		length = 0;	/* the root: "/" + name, not "//" + name */
	const char *suffix = deleted ? " (deleted)" : "";
	size_t total = length + 1 + name_len + strlen(suffix);
	if (total + 1 > size)
		return -ERANGE;
	buf[length] = '/';
	memcpy(buf + length + 1, name, name_len);
	memcpy(buf + length + 1 + name_len, suffix, strlen(suffix) + 1);
	return total;
}
