/*
 * mm/frame.h - physical frames: one struct page per frame, and the frame allocator.
 *
 * Every physical frame below the highest usable address has a struct page, indexed by
 * frame number (pfn). A frame has exactly one kind and a reference count; it is free
 * exactly when its kind is PAGE_FREE, and then its count is 0. Frames the boot memory
 * map did not call usable, and the kernel image, are PAGE_RESERVED forever.
 *
 * The allocator is a binary buddy allocator (orders 0..FRAME_MAX_ORDER), so single
 * frames and physically contiguous runs come from the same pool and merge back when
 * freed. All functions take frame_lock internally (level LOCK_LEVEL_PLAIN, inside an
 * address space's lock); none sleeps. Reference counts are atomic: frame_get and
 * frame_put need no lock, and a frame shared between address spaces may lose a
 * reference on another CPU at any moment.
 */
#ifndef CALF_MM_FRAME_H
#define CALF_MM_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "lib/list.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define FRAME_MAX_ORDER 10	/* largest block: 2^10 frames = 4 MiB */

enum page_kind {
	PAGE_FREE,	/* in the buddy allocator */
	PAGE_RESERVED,	/* firmware, holes, the kernel image, the struct page array */
	PAGE_KERNEL,	/* allocated for the kernel's own use (stacks, buffers) */
	PAGE_HEAP,	/* backing the kernel heap (mm/kmalloc.c) */
	PAGE_TABLE,	/* a page-table page */
	PAGE_ANON,	/* anonymous user memory */
	PAGE_CACHE,	/* file contents in the page cache */
	PAGE_KIND_COUNT
};

struct page {
	struct list_node link;	/* buddy free list, or the owner's list */
	uint32_t refcount;	/* 0 iff free */
	uint8_t kind;		/* enum page_kind */
	uint8_t order;		/* buddy order: valid on the head of a free block */
	uint16_t flags;
	union {			/* owned by whoever allocated the frame */
		struct {
			void *freelist;		/* first free object in this slab */
			uint16_t in_use;	/* objects handed out */
			uint16_t size_class;	/* index into kmalloc's classes */
		} slab;
		struct {
			uint32_t frames;	/* length of a multi-frame kmalloc run */
		} run;
		struct {
			uint16_t present;	/* a page table above the leaves: its
						 * present entries (mm/pagetable.c) */
			uint64_t cpus;		/* a root: the CPUs that have it
						 * loaded (mm/tlb.h) */
		} table;
		uint64_t private;
	};
};

/*
 * mm_poison (the boot option of that name; Linux's page_poison and slub_debug=P):
 * every frame and kmalloc object is filled with MM_FREE_POISON when freed and
 * checked when handed out again; a byte that changed in between means someone
 * wrote through a stale pointer or TLB entry, and the allocation panics naming the
 * frame or object and the byte. Off by default: it costs a page write per free and
 * a page read per allocation. Set it before memory_init; frames and slabs freed
 * before then are not checked.
 */
extern bool mm_poison;
#define MM_FREE_POISON 0x6b

/* The first of bytes[from..len) that no longer holds MM_FREE_POISON, or len. */
static inline size_t mm_poison_broken_at(const uint8_t *bytes, size_t from, size_t len)
{
	while (from < len && bytes[from] == MM_FREE_POISON)
		from++;
	return from;
}

/* Allocation flags. */
#define FRAME_ZERO	(1u << 0)	/* fill the frame(s) with zeroes */

/*
 * Boot-time set-up. frames_init takes a zeroed array of `count` struct pages covering
 * pfn 0..count-1 and marks every frame PAGE_RESERVED. frames_release then hands a
 * usable physical range [start, end) to the allocator (unaligned ends are trimmed
 * inward); it may be called once per usable range, in any order. Frames past the
 * array are ignored with a warning; releasing a frame twice (overlapping ranges)
 * panics.
 */
void frames_init(struct page *array, size_t count);
void frames_release(uint64_t start, uint64_t end);

/*
 * Bring up physical memory from the boot memory map (mm/boot_memory.c): the final
 * kernel page tables (paging_init), the struct page array, and the frame allocator
 * holding every usable frame not taken by the kernel image, the boot allocations or
 * the initrd.
 */
void memory_init(void);

/* One frame of the given kind with refcount 1, or NULL when memory is exhausted. */
struct page *frame_alloc(enum page_kind kind, unsigned flags);

/*
 * `count` physically contiguous frames (1 <= count <= 2^FRAME_MAX_ORDER), every one
 * of the given kind with refcount 1; NULL when no such run exists. Frames beyond count
 * in the underlying power-of-two block go straight back to the allocator, so a run
 * wastes nothing. Free it with frame_free_run (or frame_put on each frame).
 * count 0 is a caller bug and panics; count above 2^FRAME_MAX_ORDER gets NULL.
 * Asking for kind PAGE_FREE or PAGE_RESERVED panics.
 */
struct page *frame_alloc_run(size_t count, enum page_kind kind, unsigned flags);
void frame_free_run(struct page *first, size_t count);

/*
 * Reference counting: frame_put frees the frame when the count drops to zero.
 * Either one on a free or reserved frame (a double put, say) panics. They are
 * inline because fork and exit call them once per resident page; the checks are
 * one compare each, and everything rare is out of line.
 */
void frame_bad_reference(struct page *page, const char *who);	/* panics */
void frame_free_last(struct page *page);

/*
 * The host tests hand these functions pointers that are not struct pages at all
 * (misaligned, outside the array) to see them refused; the kernel only ever has
 * pointers from pfn_to_page or frame_alloc, and skips that check for speed.
 */
#ifdef CALF_HOST
void frame_check_pointer(const struct page *page, const char *who);
#else
static inline void frame_check_pointer(const struct page *page, const char *who)
{
	(void)page, (void)who;
}
#endif

static inline bool frame_referenced(const struct page *page)
{
	/* An allocated kind (PAGE_KERNEL .. PAGE_CACHE) and a live count. */
	return page && (uint8_t)(page->kind - PAGE_KERNEL) < PAGE_KIND_COUNT - PAGE_KERNEL &&
	       page->refcount != 0;
}

static inline void frame_get(struct page *page)
{
	frame_check_pointer(page, "frame_get");
	if (!frame_referenced(page) ||
	    __atomic_add_fetch(&page->refcount, 1, __ATOMIC_RELAXED) == 0)
		frame_bad_reference(page, "frame_get");
}

static inline void frame_put(struct page *page)
{
	frame_check_pointer(page, "frame_put");
	if (!frame_referenced(page))
		frame_bad_reference(page, "frame_put");
	if (__atomic_sub_fetch(&page->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		frame_free_last(page);
}

/* Counters for tests and /proc/meminfo. */
size_t frames_free(void);	/* frames currently PAGE_FREE */
size_t frames_managed(void);	/* frames ever released to the allocator */
size_t frames_pfn_count(void);	/* pfns with a struct page: 0 .. this - 1 */
size_t frames_of_kind(enum page_kind kind);

/* Conversions. pfn_to_page returns NULL for a pfn without a struct page. */
extern struct page *frame_pages;	/* the array, indexed by pfn */
extern size_t frame_page_count;
static inline struct page *pfn_to_page(uint64_t pfn)
{
	return pfn < frame_page_count ? &frame_pages[pfn] : NULL;
}
uint64_t page_to_pfn(const struct page *page);
uint64_t page_to_phys(const struct page *page);
void *page_address(const struct page *page);	/* through the direct map */
struct page *virt_to_page(const void *addr);	/* direct-map address -> page */

/*
 * Check every invariant of the allocator (free blocks aligned, on the right list,
 * not overlapping, counts consistent). Returns 0, or a negative number and prints
 * the first violation. Used by the host tests and the guest self-tests.
 */
int frames_check(void);

#endif
