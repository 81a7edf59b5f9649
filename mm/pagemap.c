/*
 * mm/pagemap.c - what Linux's /proc/PID/pagemap says of each virtual page, and
 * /proc/kpagecount and /proc/kpageflags of each physical frame.
 *
 * A pagemap entry is 64 bits: the frame number (bits 0-54, when the reader may
 * see it), soft-dirty (55), mapped by this address space alone (56), a file or
 * shared page (61), swapped (62, never in calf) and present (63). calf never
 * clears soft-dirty, so every page of a region has it, as every page of a fresh
 * Linux region does. "Alone" counts mappers the way mm/sharing.c does: the
 * frame's entries other than this one, plus every address space using the tables
 * the lookup went through (fork_mode=sharedpt shares tables).
 *
 * kpagecount is a frame's mappers as the frame alone can tell: its page-table
 * entries (a file page's reference from the page cache taken off). Under a table
 * sharedpt shares, one entry serves several address spaces and counts once;
 * pagemap's bit 56 is the one to trust there.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/sharing.h"
#include "mm/vma.h"

#define PM_PFN_MASK		((1ull << 55) - 1)
#define PM_SOFT_DIRTY		(1ull << 55)
#define PM_MMAP_EXCLUSIVE	(1ull << 56)
#define PM_FILE			(1ull << 61)
#define PM_PRESENT		(1ull << 63)

/* Linux's KPF_* bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_UPTODATE	3
#define KPF_DIRTY	4
#define KPF_LRU		5
#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_MMAP	11
#define KPF_ANON	12
#define KPF_SWAPBACKED	14
#define KPF_NOPAGE	20
#define KPF_PGTABLE	26
#define KPF_RESERVED	32

static uint64_t pagemap_entry(struct mm *mm, const struct vma *vma, uint64_t address,
			      bool show_frames)
{
	uint64_t users = 1, entry = PM_SOFT_DIRTY;
	pte_t *pte = pt_lookup_users(mm->root, address, &users);

	(void)vma;
	if (!pte || !pte_maps_frame(*pte))
		return entry;
	struct page *page = pte_page(*pte);
	entry |= PM_PRESENT;
	if (show_frames)
		entry |= ((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT) & PM_PFN_MASK;
	if (!page)
		return entry;
	if (page->kind != PAGE_ANON)
		entry |= PM_FILE;
	if (page_mappers(page, users) == 1)
		entry |= PM_MMAP_EXCLUSIVE;
	return entry;
}

size_t mm_pagemap(struct mm *mm, uint64_t first_page, size_t count, uint64_t *out,
		  bool show_frames)
{
	size_t done = 0;
	uint64_t address = first_page << PAGE_SHIFT;
	mm_lock(mm);
	struct vma *vma = mm_find_vma_from(mm, address);

	for (; done < count && address < MM_STACK_TOP && first_page + done < (MM_STACK_TOP >> PAGE_SHIFT);
	     done++, address += PAGE_SIZE) {
		while (vma && vma->end <= address)
			vma = vma_next(mm, vma);
		bool inside = vma && vma->start <= address;
		out[done] = inside ? pagemap_entry(mm, vma, address, show_frames) : 0;
	}
	mm_unlock(mm);
	return done;
}

uint64_t frame_map_count(uint64_t pfn)
{
	struct page *page = pfn_to_page(pfn);

	return page ? page_entries(page) : 0;
}

uint64_t frame_kpageflags(uint64_t pfn)
{
	struct page *page = pfn_to_page(pfn);
	uint64_t mapped = page && page_entries(page) ? 1ull << KPF_MMAP : 0;

	if (!page)
		return 1ull << KPF_NOPAGE;
	switch (page->kind) {
	case PAGE_FREE:
		return 1ull << KPF_BUDDY;
	case PAGE_HEAP:
		return 1ull << KPF_SLAB;
	case PAGE_TABLE:
		return 1ull << KPF_PGTABLE;
	case PAGE_ANON:
		return mapped | 1ull << KPF_ANON | 1ull << KPF_SWAPBACKED | 1ull << KPF_LRU |
		       1ull << KPF_UPTODATE | 1ull << KPF_DIRTY;
	case PAGE_CACHE:
		/* calf's files live in memory, as those of Linux's tmpfs, where the
		 * initramfs lives under Linux: flagged as tmpfs pages are. */
		return mapped | 1ull << KPF_UPTODATE | 1ull << KPF_DIRTY | 1ull << KPF_LRU |
		       1ull << KPF_SWAPBACKED;
	case PAGE_RESERVED:
		return 1ull << KPF_RESERVED;
	default:
		return 0;
	}
}
