/*
 * fs/pagecache.c - the data of ramfs regular files: PAGE_CACHE frames in a radix
 * tree indexed by page number, allocated on first write. A missing page is a hole
 * and reads as zeros. The bytes of the last page past the file size are zero
 * (truncation clears them), so growing a file shows no old data - unless a shared
 * mapping wrote there, which Linux's tmpfs then shows too.
 *
 * The frames are also what file mappings map (fs/filemap.c): a mapped page has one
 * reference from the cache and one per page-table entry.
 *
 * A node has RADIX_SLOTS pointers (2 KiB, a kmalloc slab object); height h covers
 * page indexes below RADIX_SLOTS^h, and height 0 is a single page at index 0.
 *
 * Locking. Page faults come here without the kernel lock (mm/fault.c's fast path
 * holds only the faulting address space's lock), so the tree is the inode's
 * pages_lock's: every walk and change of it takes the lock, and drops it before
 * the caller copies the page (a copy may fault). The size is read without it
 * (one aligned word) and changed only under the kernel lock, in this order when
 * it shrinks: the new size first, then the mappings lose the pages past it
 * (mm_object_truncate takes each address space's lock), then the cache does. A
 * fault that read the old size holds its address space's lock until its page is
 * mapped, so the unmap comes after it and takes that page away; a fault that
 * takes the lock after the unmap has passed reads the new size. Growing needs no
 * order: a fault that reads the old size goes the slow way (-EIO), which waits
 * for the kernel lock and looks again.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/ramfs.h"

#define RADIX_SHIFT 8
#define RADIX_SLOTS (1u << RADIX_SHIFT)

/* The slot for index (NULL when absent and !allocate, or out of memory). */
static void **radix_slot(struct inode *inode, uint64_t index, bool allocate)
{
	void **slot;

	while (inode->data.height * RADIX_SHIFT < 64 &&
	       index >> (inode->data.height * RADIX_SHIFT)) {
		if (!allocate)
			return NULL;
		if (inode->data.root) {
			void **node = kzalloc(RADIX_SLOTS * sizeof(void *));
			if (!node)
				return NULL;
			node[0] = inode->data.root;
			inode->data.root = node;
		}
		inode->data.height++;
	}
	slot = &inode->data.root;
	for (unsigned level = inode->data.height; level > 0; level--) {
		if (!*slot) {
			if (!allocate || !(*slot = kzalloc(RADIX_SLOTS * sizeof(void *))))
				return NULL;
		}
		slot = &((void **)*slot)[(index >> ((level - 1) * RADIX_SHIFT)) & (RADIX_SLOTS - 1)];
	}
	return slot;
}

/*
 * The page of inode at index with a reference for the caller; with allocate, a
 * zeroed PAGE_CACHE frame is added if there is none. NULL for a hole (!allocate) or
 * when memory is exhausted.
 */
struct page *ramfs_get_page(struct inode *inode, uint64_t index, bool allocate)
{
	struct page *page = NULL;

	if (index >= RAMFS_MAX_SIZE / PAGE_SIZE)
		return NULL;
	spin_lock(&inode->pages_lock);
	void **slot = radix_slot(inode, index, allocate);
	if (slot) {
		page = *slot;
		if (!page && allocate && (page = frame_alloc(PAGE_CACHE, FRAME_ZERO))) {
			*slot = page;
			inode->data.pages++;
		}
		if (page)
			frame_get(page);
	}
	spin_unlock(&inode->pages_lock);
	return page;
}

/*
 * Drop the pages with index >= first under node (a subtree of `level` levels whose
 * first index is base); frees nodes that end up wholly past first. Recursion depth
 * is the tree height, at most 5.
 */
static void free_from(struct inode *inode, void **slot, unsigned level, uint64_t base,
		      uint64_t first)
{
	if (!*slot)
		return;
	if (level == 0) {
		if (base >= first) {
			frame_put(*slot);
			*slot = NULL;
			inode->data.pages--;
		}
		return;
	}
	uint64_t span = 1ull << ((level - 1) * RADIX_SHIFT);
	void **node = *slot;

	for (unsigned i = 0; i < RADIX_SLOTS; i++) {
		uint64_t child = base + i * span;
		if (child + span > first)
			free_from(inode, &node[i], level - 1, child, first);
		if (level * RADIX_SHIFT >= 64)
			break;
	}
	if (base >= first) {
		kfree(node);
		*slot = NULL;
	}
}

/* Free every page at or after page index first. */
void ramfs_free_pages(struct inode *inode, uint64_t first)
{
	spin_lock(&inode->pages_lock);
	free_from(inode, &inode->data.root, inode->data.height, 0, first);
	if (!inode->data.root)
		inode->data.height = 0;
	spin_unlock(&inode->pages_lock);
}

/*
 * Set the size: shrinking frees the pages wholly past the end and zeroes the rest
 * of the new last page. Returns 0, or -EFBIG past RAMFS_MAX_SIZE.
 */
int ramfs_set_size(struct inode *inode, uint64_t size)
{
	if (size > RAMFS_MAX_SIZE)
		return -EFBIG;
	uint64_t old_size = inode->size;
	/* First, so that no fault maps a page past it again (Locking, above). */
	__atomic_store_n(&inode->size, size, __ATOMIC_RELEASE);
	if (size < old_size) {
		uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
		/* Mappings lose the pages too: touching them is now SIGBUS, as in Linux. */
		mm_object_truncate(&inode->mappings, keep);
		ramfs_free_pages(inode, keep);
		if (size % PAGE_SIZE) {
			struct page *page = ramfs_get_page(inode, size / PAGE_SIZE, false);
			if (page) {
				memset((char *)page_address(page) + size % PAGE_SIZE, 0,
				       PAGE_SIZE - size % PAGE_SIZE);
				frame_put(page);
			}
		}
	}
	return 0;
}

/*
 * Read up to n bytes at offset of a file whose data is in the page cache (any file
 * system with get_page). Returns the count (0 at or past the end) or -EFAULT when
 * nothing could be copied. As in Linux, a destination that runs into memory that
 * cannot be written ends the read with the exact count of the bytes before it.
 */
long pagecache_read(struct inode *inode, struct iobuf buf, size_t n, uint64_t offset)
{
	size_t done = 0;

	if (offset >= inode->size)
		return 0;
	if (n > inode->size - offset)
		n = inode->size - offset;
	while (done < n) {
		uint64_t at = offset + done;
		size_t in_page = at % PAGE_SIZE, chunk = PAGE_SIZE - in_page;
		struct page *page = inode->ops->get_page(inode, at / PAGE_SIZE, false);

		if (chunk > n - done)
			chunk = n - done;
		size_t got;
		if (page) {
			got = iobuf_out_some(buf, done, (char *)page_address(page) + in_page, chunk);
			frame_put(page);
		} else {
			got = iobuf_zero_some(buf, done, chunk);
		}
		done += got;
		if (got < chunk)
			return done ? (long)done : -EFAULT;
	}
	return done;
}

/*
 * Write n bytes at offset, allocating pages and growing the size. Returns the count,
 * or -EFBIG, -ENOMEM, -EFAULT when nothing could be written. A source that runs
 * into memory that cannot be read ends the write with the exact count of the bytes
 * before it, as in Linux.
 */
long pagecache_write(struct inode *inode, struct iobuf buf, size_t n, uint64_t offset)
{
	size_t done = 0;
	long error = 0;

	if (offset >= RAMFS_MAX_SIZE)
		return n ? -EFBIG : 0;
	if (n > RAMFS_MAX_SIZE - offset)
		n = RAMFS_MAX_SIZE - offset;
	while (done < n) {
		uint64_t at = offset + done;
		size_t in_page = at % PAGE_SIZE, chunk = PAGE_SIZE - in_page;
		struct page *page = inode->ops->get_page(inode, at / PAGE_SIZE, true);

		if (chunk > n - done)
			chunk = n - done;
		if (!page) {
			error = -ENOMEM;
			break;
		}
		size_t got = iobuf_in_some(buf, done, (char *)page_address(page) + in_page, chunk);
		frame_put(page);
		done += got;
		if (offset + done > inode->size)
			__atomic_store_n(&inode->size, offset + done, __ATOMIC_RELEASE);
		if (got < chunk) {
			error = -EFAULT;
			break;
		}
	}
	if (done)
		inode_touch(inode, true);
	return done ? (long)done : error;
}
