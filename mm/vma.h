/*
 * mm/vma.h - region list operations, for mm/ only.
 */
#ifndef CALF_MM_VMA_H
#define CALF_MM_VMA_H

#include "mm/frame.h"
#include "mm/mm.h"

/* The first region whose end is above address (it may start above it too). */
struct vma *vma_first_ending_after(struct mm *mm, uint64_t address);
struct vma *vma_next(struct mm *mm, struct vma *vma);
struct vma *vma_prev(struct mm *mm, struct vma *vma);

/* A region not yet on any list, anonymous; NULL when out of memory. */
struct vma *vma_new(uint64_t start, uint64_t end, unsigned prot, unsigned flags);

/* Make a new region map backing (a reference is taken) from page pgoff at start. */
void vma_set_backing(struct vma *vma, struct mm_backing *backing, uint64_t pgoff);

/* A region like vma (range, protection, kind, file and offset), on no list yet;
 * NULL when out of memory. */
struct vma *vma_clone(const struct vma *vma);

/* Put vma in its sorted place in mm (and on its file's list of mappings); the caller
 * guarantees nothing overlaps it. */
void vma_insert(struct mm *mm, struct vma *vma);

/* Take vma off its lists, drop its file reference, free it (not its pages). */
void vma_destroy(struct vma *vma);

/* The file page index that address (inside vma) maps. */
static inline uint64_t vma_file_index(const struct vma *vma, uint64_t address)
{
	return vma->pgoff + ((address - vma->start) >> PAGE_SHIFT);
}

/* Make address a region boundary if a region straddles it. 0 or -ENOMEM. */
int vma_split(struct mm *mm, uint64_t address);

/* Merge vma with identical neighbours that touch it (vma may be freed). */
void vma_merge_around(struct mm *mm, struct vma *vma);

/* Merge every pair of identical touching regions that meet in [start, end]. */
void vma_merge_range(struct mm *mm, uint64_t start, uint64_t end);

/* The leaf entry bits (present, write, user, NX or PROT_NONE) the region allows. */
#include "mm/pagetable.h"
pte_t mm_pte_flags(const struct vma *vma);

/* The frame an entry maps (NULL past the end of memory). */
static inline struct page *pte_page(pte_t pte)
{
	return pfn_to_page((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* Page-table entries mapping a user frame: its references, less the page cache's
 * own on a file page (0 for any other kind of frame). mm/sharing.c. */
uint64_t page_entries(const struct page *page);

/* How many address spaces map the frame, as seen through one entry that
 * path_users address spaces use (sharedpt's shared tables): its other entries,
 * each counted once, plus those. mm/sharing.c says why it is counted so. */
uint64_t page_mappers(const struct page *page, uint64_t path_users);

/* No one but this one mapping holds the frame: anonymous with one reference. */
bool page_exclusive(const struct page *page);

/* The entry mapping page in vma: the region's permissions, except that in a private
 * region a frame someone else also holds is mapped read-only (copy-on-write). */
pte_t mm_page_pte(const struct vma *vma, const struct page *page);

/* Give mm its own writable copy of the shared frame *pte maps at address in the
 * private region vma (or take it over if it is exclusive after all). 0 or -ENOMEM. */
int mm_break_cow(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address);

/* Fill the empty entry *pte at address in the file region vma with the file's page;
 * for a write to a private region, with the process's own copy of it at once.
 * 0, -EIO (past the end of the file), -ENOMEM. */
int mm_fault_file_page(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address,
		       bool write);

#endif
