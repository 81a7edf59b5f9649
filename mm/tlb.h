/*
 * mm/tlb.h - keeping every CPU's TLB true to the page tables (docs/smp.md, step 2).
 *
 * Each address space has a mask of the CPUs that have it loaded: a CPU sets its bit
 * when it loads the root (tlb_activate) and clears it right after it loads another
 * (eager: without PCIDs the CR3 load drops every user entry, so a CPU that left an
 * address space caches nothing of it). The mask lives with the root table (struct
 * page's table.cpus), because page tables are known by their root here; tlb_cpus
 * reads it for an mm.
 *
 * Whoever changes or removes a user entry that may be cached calls one flush per
 * operation, after all its entry changes: it flushes this CPU if the root is loaded
 * here, and sends one shootdown to the other CPUs in the mask, returning only after
 * each has flushed. Frames an operation unmaps are freed after that flush (mm.c's
 * unmap gather), so no CPU can reach a reused frame through a stale entry.
 */
#ifndef CALF_MM_TLB_H
#define CALF_MM_TLB_H

#include <stdint.h>
#include <stdbool.h>

struct mm;

/* Flush user addresses [start, end) (page-aligned) of mm on every CPU that may
 * cache them. Ranges over TLB_FLUSH_ALL_ABOVE pages flush everything. */
void tlb_flush_range(struct mm *mm, uint64_t start, uint64_t end);
/* The same for the one page holding address. */
void tlb_flush_page(struct mm *mm, uint64_t address);
/* Flush all of mm's user entries on every CPU that may cache them. */
void tlb_flush_mm(struct mm *mm);

/* The CPUs that have mm loaded (bit n: CPU id n). */
uint64_t tlb_cpus(const struct mm *mm);

/* The same by root, for mm/pagetable.c (end 0 would be empty: use tlb_flush_root_all). */
void tlb_flush_root(uint64_t root, uint64_t start, uint64_t end);
void tlb_flush_root_all(uint64_t root);

/* Whether a CPU other than this one has root loaded. */
bool tlb_loaded_elsewhere(uint64_t root);

/* Make root this CPU's address space, moving this CPU's bit to its mask. Masks
 * are kept only once several CPUs are online (hw_several_cpus), which is during
 * boot, before any address space exists. */
void tlb_activate(uint64_t root);

/* Linux's nr_tlb_local_flush_all and nr_tlb_local_flush_one (pages). The remote
 * counters are kept where the IPIs are (arch/x86_64/ipi.h). */
struct tlb_stats {
	uint64_t local_flush_all, local_flush_one;
};
extern struct tlb_stats tlb_stats;

#endif
