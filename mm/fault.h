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

/*
 * The ways into an address space without the kernel lock (mm_fault_fast,
 * mm_discard_fast: mm/mm.h) start with fast_path_enter, which takes the address
 * space's lock if it can within a short spin, and gives way to a kernel-lock
 * holder that wants it: false, and nothing taken. fast_path_leave releases it.
 * Interrupts must be off in between: an interrupt handler would wait for the
 * kernel lock, whose holder may be waiting for this address space's lock.
 */
bool fast_path_enter(struct mm *mm);
void fast_path_leave(struct mm *mm);

/* Stop the fast paths until resumed, waiting for those in flight to finish: for
 * the audit, which needs every address space still. */
void fast_paths_pause(void);
void fast_paths_resume(void);

#endif
