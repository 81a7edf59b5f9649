/*
 * mm/pte.c - the copy-on-write rule: which leaf entry a page of a region gets
 * (mm/pte.h says why it lives in one place).
 */
#include "mm/internal.h"
#include "mm/pte.h"

pte_t mm_pte_flags(const struct vma *vma)
{
	pte_t flags = PTE_USER;

	/* Not present, so nothing can touch it, but the frame is kept. */
	if (vma->prot == PROT_NONE)
		return PTE_PROTNONE;
	flags |= PTE_PRESENT;
	if (vma->prot & PROT_WRITE)
		flags |= PTE_WRITE;
	if (!(vma->prot & PROT_EXEC))
		flags |= PTE_NX;
	return flags;
}

bool page_exclusive(const struct page *page)
{
	/* Acquire: pairs with the other owner's frame_put, so its last use of the
	 * frame comes before whatever the caller now does with it alone. */
	return __atomic_load_n(&page->refcount, __ATOMIC_ACQUIRE) == 1 &&
	       page->kind == PAGE_ANON;
}

pte_t mm_page_pte(const struct vma *vma, const struct page *page)
{
	pte_t flags = mm_pte_flags(vma);

	if (!(vma->flags & VMA_SHARED) && !page_exclusive(page))
		flags &= ~PTE_WRITE;
	return page_to_phys(page) | flags;
}
