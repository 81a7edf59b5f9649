/*
 * mm/residency.c - which pages of an address space are in memory, for mincore.
 *
 * Nothing is ever paged out, so "resident" means what Linux means for a page it
 * has not reclaimed: an entry of this address space maps a frame (PROT_NONE
 * entries too, as on Linux), or, for a file page this process has not touched,
 * the page is in its file's page cache. Only fs/ knows the latter, so the caller
 * passes the question in. An anonymous page never touched is not resident.
 *
 * Only reads entries: pt_lookup reads through tables shared at fork.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/vma.h"

static bool page_resident(struct mm *mm, struct vma *vma, uint64_t address,
			  mm_file_resident_fn file_resident)
{
	pte_t *pte = pt_lookup(mm->root, address);

	if (pte && pte_maps_frame(*pte))
		return true;
	if (!vma->backing)
		return false;
	return file_resident(vma->backing, vma->pgoff + (address - vma->start) / PAGE_SIZE);
}

long mm_residency(struct mm *mm, uint64_t start, size_t pages, unsigned char *vec,
		  mm_file_resident_fn file_resident)
{
	struct vma *vma = mm_find_vma(mm, start);

	if (!vma)
		return -ENOMEM;
	size_t in_vma = (vma->end - start) / PAGE_SIZE;
	size_t count = pages < in_vma ? pages : in_vma;
	mm_lock(mm);
	for (size_t i = 0; i < count; i++)
		vec[i] = page_resident(mm, vma, start + i * PAGE_SIZE, file_resident);
	mm_unlock(mm);
	return count;
}
