/*
 * mm/pte.h - what leaf entry a region and a frame get: the copy-on-write rule,
 * for mm/ only.
 *
 * One rule makes copy-on-write correct in every fork mode: in a private region,
 * an entry is writable only while its frame is exclusive (anonymous, with no
 * reference but that entry's). Every path that makes or remakes an entry for a
 * frame (faults, mprotect, fork's copies) asks mm_page_pte, so the rule is
 * written once; mm_audit checks it from scratch.
 */
#ifndef CALF_MM_PTE_H
#define CALF_MM_PTE_H

#include <stdbool.h>
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"

/* The leaf entry bits (present, write, user, NX or PROT_NONE) the region allows. */
pte_t mm_pte_flags(const struct vma *vma);

/* No one but this one mapping holds the frame: anonymous with one reference.
 * A page-cache frame never is (the cache holds it too). */
bool page_exclusive(const struct page *page);

/* The entry mapping page in vma: the region's permissions, except that in a private
 * region a frame someone else also holds is mapped read-only (copy-on-write). */
pte_t mm_page_pte(const struct vma *vma, const struct page *page);

/* The frame an entry maps (NULL past the end of memory). */
static inline struct page *pte_page(pte_t pte)
{
	return pfn_to_page((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

#endif
