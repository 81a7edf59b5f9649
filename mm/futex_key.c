/*
 * mm/futex_key.c - where a user word lives, for futexes shared between processes.
 *
 * A futex in a shared mapping (anonymous MAP_SHARED, or a file's page cache) must be
 * found by every process mapping it, at whatever address: its identity is the
 * physical address of the word. A word in a private mapping can only be shared by
 * threads of one address space, so its identity is (mm, address), as in Linux.
 * Nothing is ever paged out or migrated, so a frame mapped shared keeps its
 * address while anyone maps it.
 */
#include "mm/internal.h"
#include "mm/mm.h"
#include "mm/frame.h"
#include "mm/pagetable.h"
#include "mm/fault.h"
#include "mm/vma.h"

static int shared_word(struct mm *mm, uint64_t address, uint64_t *phys)
{
	struct vma *vma = mm_find_vma(mm, address);

	if (!vma || !(vma->prot & PROT_READ))
		return -EFAULT;
	if (!(vma->flags & VMA_SHARED))
		return 0;
	pte_t *pte = pt_lookup(mm->root, address);
	if (!pte || !(*pte & PTE_PRESENT)) {
		if (fault_page(mm, address, FAULT_READ))
			return -EFAULT;
		pte = pt_lookup(mm->root, address);
		if (!pte || !(*pte & PTE_PRESENT))
			return -EFAULT;
	}
	*phys = (*pte & PTE_ADDR_MASK) | (address & ~PAGE_MASK);
	return 1;
}

int mm_shared_word(struct mm *mm, uint64_t address, uint64_t *phys)
{
	mm_lock(mm);
	int result = shared_word(mm, address, phys);
	mm_unlock(mm);
	return result;
}
