/*
 * mm/frame.c - the physical frame allocator: a binary buddy allocator over the
 * struct page array.
 *
 * Free memory is kept as aligned blocks of 2^order frames, 0 <= order <=
 * FRAME_MAX_ORDER, one free list per order, linked through the block's first
 * struct page (its "head"). A block of order k starts at a pfn that is a multiple
 * of 2^k, so its buddy - the other half of the block of order k+1 that contains
 * it - starts at pfn ^ 2^k. Allocation splits a bigger block when no block of the
 * wanted order is free; freeing merges a block with its buddy for as long as the
 * buddy is a whole free block of the same order.
 *
 * Every frame of a free block is PAGE_FREE with refcount 0; only the head has an
 * order (0..FRAME_MAX_ORDER), the others hold ORDER_NONE. That is what lets the
 * merge test "is my buddy a free block of order k?" look at one struct page.
 *
 * Frames not in the allocator are reserved (refcount 1, so that "refcount 0" means
 * exactly "free") or allocated. Per-kind counts are kept as frames change kind, so
 * the counters never need a scan.
 *
 * frame_lock guards the free lists, the counters and the kind/order of every
 * struct page. A reference count changes atomically without the lock: whoever
 * holds a reference may add one or drop one, and only the drop to zero (after
 * which nobody else can reach the frame) takes the lock to free it. A frame's
 * kind changes only while nobody else holds a reference, so a holder may read it
 * unlocked. This keeps fork and exit, which touch one count per resident page,
 * off the lock. pages/npages are written only by frames_init, before any other
 * use, so the conversions read them without the lock.
 */
#include "mm/internal.h"
#include "mm/frame.h"

#define ORDER_NONE 0xff		/* not the head of a free block */
#define MAX_RUN (1ul << FRAME_MAX_ORDER)

struct spinlock frame_lock = SPINLOCK_INIT("frame_lock");

struct page *frame_pages;	/* pages[pfn], pfn < npages */
size_t frame_page_count;
#define pages frame_pages
#define npages frame_page_count

static struct list_node free_list[FRAME_MAX_ORDER + 1];
static size_t free_blocks[FRAME_MAX_ORDER + 1];	/* length of each free list */
static size_t kind_count[PAGE_KIND_COUNT];
static size_t managed;

/* ------------------------------------------------------------ conversions */

uint64_t page_to_pfn(const struct page *page)
{
	return (uint64_t)(page - pages);
}

uint64_t page_to_phys(const struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

void *page_address(const struct page *page)
{
	return phys_to_virt(page_to_phys(page));
}

struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(virt_to_phys(addr) >> PAGE_SHIFT);
}

/*
 * The pfn of a page pointer handed in by a caller, after checking it really points
 * at an element of the array; `who` names the caller in the panic.
 */
static uint64_t checked_pfn(const struct page *page, const char *who)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)pages;

	if (!page || (uintptr_t)page < (uintptr_t)pages ||
	    offset / sizeof(*page) >= npages || offset % sizeof(*page) != 0)
		panic("%s: %p is not a struct page", who, (const void *)page);
	return offset / sizeof(*page);
}

/* ------------------------------------------------------------ free blocks */

/* Put the free block at pfn on the list of its order. Caller holds frame_lock. */
static void block_insert(uint64_t pfn, unsigned order)
{
	pages[pfn].order = order;
	list_push_front(&free_list[order], &pages[pfn].link);
	free_blocks[order]++;
}

/* Take the free block headed by pfn off its list. Caller holds frame_lock. */
static void block_remove(uint64_t pfn)
{
	unsigned order = pages[pfn].order;

	list_remove(&pages[pfn].link);
	pages[pfn].order = ORDER_NONE;
	free_blocks[order]--;
}

/*
 * Give the block of 2^order frames at pfn (already marked PAGE_FREE, on no list)
 * to the free lists, merged with its buddies as far as they are free.
 * Caller holds frame_lock.
 */
static void block_free(uint64_t pfn, unsigned order)
{
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ul << order);

		if (buddy >= npages || pages[buddy].kind != PAGE_FREE ||
		    pages[buddy].order != order)
			break;
		block_remove(buddy);
		pfn &= ~(1ul << order);		/* the merged block starts at the lower half */
		order++;
	}
	block_insert(pfn, order);
}

/*
 * Give the free frames [pfn, end) to the free lists as the fewest aligned blocks:
 * at each step the biggest block that starts at pfn, is aligned to its size and
 * fits. Caller holds frame_lock.
 */
static void span_free(uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned order = 0;

		while (order < FRAME_MAX_ORDER && (pfn & ((2ul << order) - 1)) == 0 &&
		       pfn + (2ul << order) <= end)
			order++;
		block_free(pfn, order);
		pfn += 1ul << order;
	}
}

/*
 * Remove a free block of exactly 2^order frames from the lists, splitting a
 * bigger one if needed (the upper halves go back on the lists). Returns its pfn,
 * or -1 if no block that big is free. The frames stay PAGE_FREE.
 * Caller holds frame_lock.
 */
static int64_t block_take(unsigned order)
{
	unsigned k = order;
	uint64_t pfn;

	while (k <= FRAME_MAX_ORDER && list_empty(&free_list[k]))
		k++;
	if (k > FRAME_MAX_ORDER)
		return -1;
	pfn = page_to_pfn(list_entry(free_list[k].next, struct page, link));
	block_remove(pfn);
	while (k > order) {
		k--;
		block_insert(pfn + (1ul << k), k);
	}
	return (int64_t)pfn;
}

/* ------------------------------------------------------------ frame state */

/* Count n frames leaving kind `from` for kind `to`. Caller holds frame_lock. */
static void recount(enum page_kind from, enum page_kind to, size_t n)
{
	kind_count[from] -= n;
	kind_count[to] += n;
}

bool mm_poison;

#define FRAME_POISONED	(1u << 0)	/* a free frame's flag: filled at mark_free */

/* A free frame filled with the poison must still hold nothing else. */
static void check_poison(uint64_t pfn)
{
	const uint8_t *bytes = page_address(&pages[pfn]);

	MM_UNPOISON(bytes, PAGE_SIZE);
	size_t i = mm_poison_broken_at(bytes, 0, PAGE_SIZE);
	if (i < PAGE_SIZE)
		panic("mm_poison: frame %#lx was written after it was freed: byte %#zx "
		      "is %#x (its 8-byte word: %#018lx)", (unsigned long)pfn, i,
		      bytes[i], *(const uint64_t *)(bytes + (i & ~7ul)));
}

/*
 * Hand the free frames [pfn, pfn+n) (taken off the lists) to an owner: kind, one
 * reference, and the owner's fields cleared. Caller holds frame_lock.
 */
static void mark_allocated(uint64_t pfn, size_t n, enum page_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		struct page *page = &pages[pfn + i];

		if (page->flags & FRAME_POISONED)
			check_poison(pfn + i);
		list_init(&page->link);
		page->refcount = 1;
		page->kind = kind;
		page->order = ORDER_NONE;
		page->flags = 0;
		memset(&page->slab, 0, sizeof(page->slab));	/* the whole union */
	}
	recount(PAGE_FREE, kind, n);
}

/*
 * Make frame pfn, whose last reference is gone, PAGE_FREE (not yet on any list).
 * Caller holds frame_lock.
 */
static void mark_free(uint64_t pfn)
{
	struct page *page = &pages[pfn];

	recount(page->kind, PAGE_FREE, 1);
	list_init(&page->link);
	page->refcount = 0;
	page->kind = PAGE_FREE;
	page->order = ORDER_NONE;
	page->flags = 0;
	if (mm_poison) {
		memset(page_address(page), MM_FREE_POISON, PAGE_SIZE);
		page->flags = FRAME_POISONED;
	}
	MM_POISON(page_address(page), PAGE_SIZE);
}

/*
 * Panic unless the frame is allocated: not free, not reserved, refcount >= 1.
 * Caller holds frame_lock or a reference to the frame.
 */
static void check_allocated(uint64_t pfn, const char *who)
{
	const struct page *page = &pages[pfn];

	if (page->kind == PAGE_FREE)
		panic("%s: frame %#lx is already free (double put?)", who,
		      (unsigned long)pfn);
	if (page->kind == PAGE_RESERVED)
		panic("%s: frame %#lx is reserved", who, (unsigned long)pfn);
	if (page->kind >= PAGE_KIND_COUNT)
		panic("%s: frame %#lx has bad kind %u", who, (unsigned long)pfn,
		      page->kind);
	if (page->refcount == 0)
		panic("%s: frame %#lx (kind %u) has refcount 0", who, (unsigned long)pfn,
		      page->kind);
}

/* Panic unless kind is one a caller may allocate. */
static void check_kind(enum page_kind kind, const char *who)
{
	if (kind == PAGE_FREE || kind == PAGE_RESERVED || kind >= PAGE_KIND_COUNT)
		panic("%s: cannot allocate frames of kind %d", who, (int)kind);
}

/* ------------------------------------------------------------ set-up */

/*
 * Adopt the struct page array and mark every frame reserved, with empty free
 * lists. Called once at boot (the host tests call it again for each new machine).
 */
void frames_init(struct page *array, size_t count)
{
	spin_lock(&frame_lock);
	pages = array;
	npages = count;
	for (size_t pfn = 0; pfn < count; pfn++) {
		list_init(&pages[pfn].link);
		pages[pfn].refcount = 1;
		pages[pfn].kind = PAGE_RESERVED;
		pages[pfn].order = ORDER_NONE;
		pages[pfn].flags = 0;
		memset(&pages[pfn].slab, 0, sizeof(pages[pfn].slab));	/* the whole union */
	}
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		list_init(&free_list[k]);
		free_blocks[k] = 0;
	}
	for (unsigned kind = 0; kind < PAGE_KIND_COUNT; kind++)
		kind_count[kind] = 0;
	kind_count[PAGE_RESERVED] = count;
	managed = 0;
	spin_unlock(&frame_lock);
}

/*
 * Give the whole frames inside [start, end) to the allocator. Frames past the
 * struct page array are ignored with a warning; a frame that is not reserved (a
 * range released twice, or overlapping another) is a boot bug and panics, before
 * anything changes.
 */
void frames_release(uint64_t start, uint64_t end)
{
	uint64_t first, last;

	if (start > UINT64_MAX - (PAGE_SIZE - 1))
		return;
	first = (start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	last = end >> PAGE_SHIFT;	/* exclusive */

	spin_lock(&frame_lock);
	if (last > npages) {
		printk("frames_release: ignoring [%#lx, %#lx): no struct pages there\n",
		       (unsigned long)((first > npages ? first : npages) << PAGE_SHIFT),
		       (unsigned long)end);
		last = npages;
	}
	for (uint64_t pfn = first; pfn < last; pfn++) {
		if (pages[pfn].kind != PAGE_RESERVED)
			panic("frames_release: frame %#lx released twice",
			      (unsigned long)pfn);
	}
	for (uint64_t pfn = first; pfn < last; pfn++)
		mark_free(pfn);
	if (last > first)
		managed += last - first;
	span_free(first, last);
	spin_unlock(&frame_lock);
}

/* ------------------------------------------------------------ allocation */

/* Smallest order whose block holds count frames (count <= MAX_RUN). */
static unsigned order_for(size_t count)
{
	unsigned order = 0;

	while ((1ul << order) < count)
		order++;
	return order;
}

/*
 * count contiguous frames of the given kind, each with one reference, or NULL.
 * count == 0 is a caller bug (panics); more than 2^FRAME_MAX_ORDER frames is a run
 * that cannot exist (NULL). Takes frame_lock; zeroing happens after it is dropped.
 */
struct page *frame_alloc_run(size_t count, enum page_kind kind, unsigned flags)
{
	unsigned order;
	int64_t pfn;

	check_kind(kind, "frame_alloc_run");
	if (count == 0)
		panic("frame_alloc_run: count 0");
	if (count > MAX_RUN || MM_INJECT_FAILURE())
		return NULL;
	order = order_for(count);

	spin_lock(&frame_lock);
	pfn = block_take(order);
	if (pfn < 0) {
		spin_unlock(&frame_lock);
		return NULL;
	}
	mark_allocated((uint64_t)pfn, count, kind);
	/* The frames past count are still PAGE_FREE: just hand them back. */
	span_free((uint64_t)pfn + count, (uint64_t)pfn + (1ul << order));
	spin_unlock(&frame_lock);

	/* Nobody else can reach these frames now. */
	MM_UNPOISON(page_address(&pages[pfn]), count * PAGE_SIZE);
	if (flags & FRAME_ZERO)
		memset(page_address(&pages[pfn]), 0, count * PAGE_SIZE);
	return &pages[pfn];
}

/* One frame: a run of one, which costs nothing extra (no tail to return). */
struct page *frame_alloc(enum page_kind kind, unsigned flags)
{
	check_kind(kind, "frame_alloc");
	return frame_alloc_run(1, kind, flags);
}

/* ------------------------------------------------------------ references */

#ifdef CALF_HOST
void frame_check_pointer(const struct page *page, const char *who)
{
	checked_pfn(page, who);
}
#endif

/* The slow and rare halves of frame_get/frame_put (mm/frame.h). */
void frame_bad_reference(struct page *page, const char *who)
{
	check_allocated(checked_pfn(page, who), who);
	panic("%s: frame %#lx: refcount overflow", who, (unsigned long)page_to_pfn(page));
}

void frame_free_last(struct page *page)
{
	uint64_t pfn = checked_pfn(page, "frame_put");

	spin_lock(&frame_lock);
	mark_free(pfn);
	block_free(pfn, 0);
	spin_unlock(&frame_lock);
}

/*
 * frame_put on each of count frames from first. Every frame is checked before any
 * is released, so a bad call panics without changing anything; the frames freed
 * go back as whole aligned blocks rather than one by one. Takes frame_lock.
 */
void frame_free_run(struct page *first, size_t count)
{
	uint64_t pfn = checked_pfn(first, "frame_free_run");
	uint64_t end = pfn + count;
	uint64_t span = pfn;	/* start of the current stretch of frames just freed */

	if (count == 0 || count > npages - pfn)
		panic("frame_free_run: bad run of %zu frames at pfn %#lx", count,
		      (unsigned long)pfn);
	spin_lock(&frame_lock);
	for (uint64_t p = pfn; p < end; p++)
		check_allocated(p, "frame_free_run");
	for (uint64_t p = pfn; p < end; p++) {
		if (__atomic_sub_fetch(&pages[p].refcount, 1, __ATOMIC_ACQ_REL) == 0) {
			mark_free(p);
			continue;
		}
		/* p survives: the stretch of freed frames before it ends here. */
		span_free(span, p);
		span = p + 1;
	}
	span_free(span, end);
	spin_unlock(&frame_lock);
}

/* ------------------------------------------------------------ counters */

size_t frames_pfn_count(void)
{
	return npages;
}

size_t frames_free(void)
{
	return frames_of_kind(PAGE_FREE);
}

size_t frames_managed(void)
{
	size_t n;

	spin_lock(&frame_lock);
	n = managed;
	spin_unlock(&frame_lock);
	return n;
}

size_t frames_of_kind(enum page_kind kind)
{
	size_t n;

	if (kind >= PAGE_KIND_COUNT)
		return 0;
	spin_lock(&frame_lock);
	n = kind_count[kind];
	spin_unlock(&frame_lock);
	return n;
}

/* ------------------------------------------------------------ self-check */

#define CHECK(cond, fmt, ...) \
	do { \
		if (!(cond)) { \
			printk("frames_check: " fmt "\n", ##__VA_ARGS__); \
			return -1; \
		} \
	} while (0)

/*
 * One pass over the array: every frame has a valid kind and a refcount that agrees
 * with it; the free frames are exactly the disjoint, aligned blocks headed by
 * frames with an order (a free frame with ORDER_NONE must lie inside the block
 * before it); no two free buddies are left unmerged; the counters match. heads[k]
 * returns how many blocks of order k were found. Caller holds frame_lock.
 */
static int check_frames(size_t heads[])
{
	size_t seen[PAGE_KIND_COUNT] = { 0 };
	uint64_t block_end = 0;		/* end of the free block being walked */

	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		const struct page *page = &pages[pfn];
		unsigned order = page->order;

		CHECK(page->kind < PAGE_KIND_COUNT, "pfn %#lx: bad kind %u",
		      (unsigned long)pfn, page->kind);
		seen[page->kind]++;
		if (page->kind != PAGE_FREE) {
			CHECK(pfn >= block_end, "pfn %#lx: kind %u inside a free block",
			      (unsigned long)pfn, page->kind);
			CHECK(page->refcount > 0, "pfn %#lx: kind %u with refcount 0",
			      (unsigned long)pfn, page->kind);
			continue;
		}
		CHECK(page->refcount == 0, "pfn %#lx: free with refcount %u",
		      (unsigned long)pfn, page->refcount);
		if (pfn < block_end) {
			CHECK(order == ORDER_NONE, "pfn %#lx: order %u inside a free block",
			      (unsigned long)pfn, order);
			continue;
		}
		CHECK(order <= FRAME_MAX_ORDER, "pfn %#lx: free but in no block (order %u)",
		      (unsigned long)pfn, order);
		CHECK((pfn & ((1ul << order) - 1)) == 0, "pfn %#lx: block of order %u misaligned",
		      (unsigned long)pfn, order);
		CHECK(pfn + (1ul << order) <= npages, "pfn %#lx: block of order %u past the end",
		      (unsigned long)pfn, order);
		CHECK(page->link.next != &page->link, "pfn %#lx: free block on no list",
		      (unsigned long)pfn);
		if (order < FRAME_MAX_ORDER) {
			uint64_t buddy = pfn ^ (1ul << order);

			CHECK(buddy >= npages || pages[buddy].kind != PAGE_FREE ||
			      pages[buddy].order != order,
			      "pfn %#lx: free buddies of order %u not merged",
			      (unsigned long)pfn, order);
		}
		heads[order]++;
		block_end = pfn + (1ul << order);
	}
	for (unsigned kind = 0; kind < PAGE_KIND_COUNT; kind++)
		CHECK(seen[kind] == kind_count[kind], "kind %u: counted %zu, found %zu",
		      kind, kind_count[kind], seen[kind]);
	CHECK(managed + kind_count[PAGE_RESERVED] == npages,
	      "%zu managed + %zu reserved != %zu frames", managed,
	      kind_count[PAGE_RESERVED], npages);
	return 0;
}

/*
 * Each free list is well linked and holds exactly the heads of its order that the
 * array scan found (so every list entry is a real, distinct block).
 * Caller holds frame_lock.
 */
static int check_lists(const size_t heads[])
{
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		const struct list_node *node;
		size_t n = 0;

		for (node = free_list[k].next; node != &free_list[k]; node = node->next) {
			const struct page *page = list_entry(node, struct page, link);
			uintptr_t offset = (uintptr_t)page - (uintptr_t)pages;

			CHECK(n++ < npages, "order %u: free list does not end", k);
			CHECK(node->next->prev == node, "order %u: broken links", k);
			CHECK((uintptr_t)page >= (uintptr_t)pages &&
			      offset % sizeof(*page) == 0 && offset / sizeof(*page) < npages,
			      "order %u: list entry %p is not a struct page", k,
			      (const void *)page);
			CHECK(page->kind == PAGE_FREE && page->order == k,
			      "order %u: pfn %#lx on the list is kind %u order %u", k,
			      (unsigned long)(offset / sizeof(*page)), page->kind, page->order);
		}
		CHECK(n == free_blocks[k], "order %u: %zu blocks listed, %zu counted", k, n,
		      free_blocks[k]);
		CHECK(n == heads[k], "order %u: %zu blocks listed, %zu in the array", k, n,
		      heads[k]);
	}
	return 0;
}

#undef CHECK

/* Returns 0 if every invariant holds, else prints the first violation and returns -1. */
int frames_check(void)
{
	size_t heads[FRAME_MAX_ORDER + 1] = { 0 };
	int err;

	spin_lock(&frame_lock);
	err = check_frames(heads);
	if (err == 0)
		err = check_lists(heads);
	spin_unlock(&frame_lock);
	return err;
}
