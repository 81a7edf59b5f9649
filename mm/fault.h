/*
 * mm/fault.h - making a page of a user address space present, for mm/ only.
 *
 * mm_fault (mm/mm.h) resolves the program's own accesses; this is the same
 * resolver (mm/fault.c) for the kernel's writes into an address space. Both need
 * the address space's lock held (mm/vma.h).
 */
#ifndef CALF_MM_FAULT_H
#define CALF_MM_FAULT_H

#include "mm/frame.h"
#include "mm/mm.h"

/*
 * The frame at address, for the kernel to write through its own mapping of it
 * whatever the region allows (exec's loader fills read-only text this way): made
 * present if need be (a zeroed frame, or the file's page), and this address
 * space's own, so that the write is seen by no one else: in a private region a
 * frame still shared copy-on-write is copied first, and a file page is copied
 * rather than mapped. Not counted as a page fault. 0, -EFAULT (no region holds
 * address), -EIO (past the end of a mapped file), -ENOMEM.
 */
int fault_kernel_write(struct mm *mm, uint64_t address, struct page **page);

/* mm_fault for a caller holding the address space's lock. */
int fault_page(struct mm *mm, uint64_t address, enum fault_access access);

/* Stop the fast path (mm_fault_fast) until resumed, waiting for the faults it is
 * resolving to finish: for the audit, which needs every address space still. */
void fault_fast_pause(void);
void fault_fast_resume(void);

#endif
