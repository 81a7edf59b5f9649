/*
 * mm/fault.c - resolving page faults in user address spaces.
 *
 * The handler first decides what a fault means, then acts (the shape OpenBSD's uvm
 * and the design use): the decision is a value, so the cases are easy to see and,
 * later, to test one by one. Copy-on-write will add its decisions here.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/vma.h"

enum fault_decision {
	FAULT_SIGNAL,		/* no region, or the region forbids this access */
	FAULT_ZERO_FILL,	/* first touch of an anonymous page */
	FAULT_FIX_FLAGS,	/* the page exists; its entry lags behind the region */
};

static bool access_allowed(const struct vma *vma, enum fault_access access)
{
	switch (access) {
	case FAULT_WRITE:
		return vma->prot & PROT_WRITE;
	case FAULT_EXEC:
		return vma->prot & PROT_EXEC;
	default:
		/* x86 cannot make a page writable or executable but unreadable. */
		return vma->prot != PROT_NONE;
	}
}

/*
 * The region for a fault at address: the one containing it, or the stack grown down
 * to cover it when the address is within the stack limit and clear of the region
 * below by the guard gap.
 */
static struct vma *region_for(struct mm *mm, uint64_t address)
{
	struct vma *vma = vma_first_ending_after(mm, address);

	if (!vma || vma->start <= address)
		return vma;
	if (!(vma->flags & VMA_GROWSDOWN) || vma->end - (address & PAGE_MASK) > MM_STACK_LIMIT)
		return NULL;
	struct vma *below = vma_prev(mm, vma);
	if (below && (address & PAGE_MASK) - below->end < MM_STACK_GUARD)
		return NULL;
	vma->start = address & PAGE_MASK;
	return vma;
}

static enum fault_decision decide(struct vma *vma, pte_t pte, enum fault_access access)
{
	if (!vma || !access_allowed(vma, access))
		return FAULT_SIGNAL;
	if (!pte_maps_frame(pte))
		return FAULT_ZERO_FILL;
	return FAULT_FIX_FLAGS;
}

int mm_fault(struct mm *mm, uint64_t address, enum fault_access access)
{
	if (address >= MM_STACK_TOP)
		return -EFAULT;
	struct vma *vma = region_for(mm, address);
	pte_t *pte = vma ? pt_lookup_create(mm->root, address) : NULL;
	if (vma && !pte)
		return -ENOMEM;

	switch (decide(vma, pte ? *pte : 0, access)) {
	case FAULT_SIGNAL:
		return -EFAULT;
	case FAULT_ZERO_FILL: {
		struct page *page = frame_alloc(PAGE_ANON, FRAME_ZERO);
		if (!page)
			return -ENOMEM;
		*pte = page_to_phys(page) | mm_pte_flags(vma);
		mm->resident_pages++;
		mm->counters.zero_fills++;
		break;
	}
	case FAULT_FIX_FLAGS:
		*pte = (*pte & PTE_ADDR_MASK) | mm_pte_flags(vma);
		pt_flush_page(mm->root, address);
		break;
	}
	mm->counters.faults++;
	return 0;
}
