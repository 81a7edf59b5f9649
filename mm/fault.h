/*
 * mm/fault.h - resolving faults, for mm/ only: what mm.c's loader path still
 * shares with the fault handler.
 */
#ifndef CALF_MM_FAULT_H
#define CALF_MM_FAULT_H

#include <stdbool.h>
#include "mm/mm.h"
#include "mm/pagetable.h"

/* Give mm its own writable copy of the shared frame *pte maps at address in the
 * private region vma (or take it over if it is exclusive after all). 0 or -ENOMEM. */
int mm_break_cow(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address);

/* Fill the empty entry *pte at address in the file region vma with the file's page;
 * for a write to a private region, with the process's own copy of it at once.
 * 0, -EIO (past the end of the file), -ENOMEM. */
int mm_fault_file_page(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address,
		       bool write);

#endif
