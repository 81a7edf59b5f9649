/*
 * mm/vma.h - region list operations, for mm/ only.
 */
#ifndef CALF_MM_VMA_H
#define CALF_MM_VMA_H

#include "mm/frame.h"
#include "mm/mm.h"

/* The address space's lock (mm/mm.h, "Locking"), for the kernel-lock holder:
 * while it waits, fast-path faults stop taking the lock (they go the slow way,
 * behind the kernel lock), so a process's threads faulting back to back cannot
 * keep it from an munmap, and with it the whole kernel. */
static inline void mm_lock(struct mm *mm)
{
	if (spin_trylock_keep_irqs(&mm->lock))
		return;
	__atomic_store_n(&mm->lock_wanted, true, __ATOMIC_RELAXED);
	spin_lock_keep_irqs(&mm->lock);
	__atomic_store_n(&mm->lock_wanted, false, __ATOMIC_RELAXED);
}

static inline void mm_unlock(struct mm *mm)
{
	spin_unlock_keep_irqs(&mm->lock);
}

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

#endif
