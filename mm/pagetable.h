/*
 * mm/pagetable.h - x86-64 four-level page tables for user address spaces.
 *
 * A root (PML4) is a PAGE_TABLE frame whose upper half is copied from the kernel's
 * root, so every address space shares the kernel mappings; the lower half maps user
 * pages. Table frames below the root are allocated on demand, and freed when no
 * region needs them any more (pt_prune, after munmap) or the address space dies.
 * Leaf entries are the caller's business: these functions never take or drop
 * references on the frames they map (except that a shared table's copy takes
 * one on each, for the copy's entries).
 */
#ifndef CALF_MM_PAGETABLE_H
#define CALF_MM_PAGETABLE_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/pte_bits.h"

typedef uint64_t pte_t;

/* A new root, or 0 when out of memory. */
uint64_t pt_create(void);

/* Free every user-half table frame and the root. Leaves must already be unmapped. */
void pt_destroy(uint64_t root);

/* The leaf entry for a user address, or NULL if its table does not exist. */
pte_t *pt_lookup(uint64_t root, uint64_t address);

/* The same, for a caller that means to write the entry: missing tables on the way
 * are made, and shared ones taken for this address space (pt_unshare for one
 * page, in the same walk); NULL when out of memory. */
pte_t *pt_lookup_create(uint64_t root, uint64_t address);

/* The same, except that a table shared with another address space is left alone:
 * NULL then, or when out of memory. For the fault fast path, which may write only
 * tables that no one else can reach. */
pte_t *pt_lookup_create_owned(uint64_t root, uint64_t address);

/* pt_lookup's entry, and in *users how many address spaces see it: the product
 * of the reference counts of the tables on the way (more than 1 only under a
 * table fork_mode=sharedpt shares). */
pte_t *pt_lookup_users(uint64_t root, uint64_t address, uint64_t *users);

/* The level-1 entry (pointing at the leaf table) for address, or 0. For audits. */
pte_t pt_table_entry(uint64_t root, uint64_t address);

/*
 * Free the tables that served [start, end) and are wholly inside [floor, ceiling),
 * the gap between the regions around it, after its leaves were unmapped. Like
 * Linux's free_pgtables: an unmapped range gives back its page tables too.
 */
struct pt_range {
	uint64_t start, end, floor, ceiling;
};
void pt_prune(uint64_t root, const struct pt_range *range);

/* Number of table frames (not counting the root) under root, for tests and stats. */
uint64_t pt_count_tables(uint64_t root);

/*
 * A leaf entry maps a frame when it is present, or when it is a PROT_NONE mapping
 * (present bit clear so nothing can touch it, frame kept, PTE_PROTNONE set).
 */
static inline bool pte_maps_frame(pte_t pte)
{
	return pte & (PTE_PRESENT | PTE_PROTNONE);
}

/*
 * Tables shared with other address spaces (fork_mode=sharedpt; see the top of
 * mm/pagetable.c) are read-only through the entry above them, for everyone. The
 * walks below read through them; one step makes a range writable again:
 *
 * pt_unshare takes every table that serves [start, end) for root's own, from
 * the root down: a copy while others still use it, just its write bit back for
 * its last user. Afterwards the range's entries may be changed as freely as
 * if nothing had ever been shared, and nothing there can fail for want of a
 * copy. Every operation that changes entries of a range calls it before it
 * changes anything (munmap, mprotect, madvise, truncation; a fault does the
 * same for its one page in pt_lookup_create), so that its failure, -ENOMEM,
 * leaves everything as it was (truncation, which must not fail, then clears
 * its entries through the shared tables: mm_object_truncate says why it may).
 * 0 or -ENOMEM (the tables taken so far stay taken, which changes nothing
 * anyone can see).
 */
int pt_unshare(uint64_t root, uint64_t start, uint64_t end);

/*
 * pt_unshare without its flush, for an operation that flushes once at its end:
 * *taken becomes true when a table was taken, and the caller must then flush all
 * of root (tlb_flush_mm) before the operation returns, also on failure. Until
 * then stale entries lead only to the old table, which still maps the same
 * frames read-only and is not changed by anyone meanwhile.
 */
int pt_unshare_deferred(uint64_t root, uint64_t start, uint64_t end, bool *taken);

/* Is every table that serves [start, end) root's own, none shared by sharedpt?
 * Then pt_unshare there has nothing to do, and cannot fail. */
bool pt_range_owned(uint64_t root, uint64_t start, uint64_t end);

/*
 * Visit every leaf table that serves [start, end): fn gets the table's entries
 * and the slots [first, last] inside the range, the first at `address`. For
 * walks that do the same to many entries (fork, unmapping a whole region), where
 * a call per entry would cost more than the work. Shared tables are walked
 * through: fn may change entries only where pt_unshare made the range this
 * address space's own, or clear write bits, which every sharer may do (fork).
 * Returns early with fn's nonzero result.
 */
typedef int (*pt_table_fn)(pte_t *entries, unsigned first, unsigned last,
			   uint64_t address, void *context);
int pt_for_each_table(uint64_t root, uint64_t start, uint64_t end, pt_table_fn fn,
		      void *context);

/*
 * Visit every leaf entry that maps a frame in [start, end), in address order, on
 * pt_for_each_table's terms. The callback may change or clear the entry (after
 * pt_unshare). Returns early with the callback's nonzero result.
 */
typedef int (*pt_visit_fn)(pte_t *pte, uint64_t address, void *context);
int pt_for_each_mapped(uint64_t root, uint64_t start, uint64_t end, pt_visit_fn visit,
		       void *context);

/*
 * For an address space being destroyed: drop root's reference on every table
 * others still use that serves [start, end), whatever part of it the range
 * covers (they keep it and everything under it), and hand fn the leaf tables
 * root alone uses, to unmap their entries.
 */
void pt_release(uint64_t root, uint64_t start, uint64_t end, pt_table_fn fn, void *context);

/*
 * For audits: every table under root, depth first, each before the tables below
 * it, and each time it is reached (a shared table once per entry pointing at it).
 * fn gets the table's entries, its level (0: a leaf table, 2: the highest below
 * the root), the first address it serves and the entry that points at it. A
 * nonzero result stops the walk and is returned.
 */
typedef int (*pt_tree_fn)(const pte_t *entries, int level, uint64_t base, pte_t entry,
			  void *context);
int pt_walk_tree(uint64_t root, pt_tree_fn fn, void *context);

/*
 * fork_mode=sharedpt: make to_root use from_root's tables of `level` (0: leaf
 * tables, 2 MiB each; 1: directories, 1 GiB; 2: 512 GiB) for [start, end), both
 * read-only through them until one takes a table for its own. A table that
 * to_root already shares is left alone, so ranges may share a table. Where
 * to_root has a table of its own (made for a range forked entry by entry), the
 * tables below it are shared instead, down to a leaf table of its own: `fill`
 * gets from_root's leaf table and the slots of the range in it, to fill
 * to_root's entries itself (it returns 0 or -ENOMEM). The caller flushes
 * from_root's TLB: its entries lose their write bit. 0 or -ENOMEM; either way
 * to_root is consistent and can be destroyed.
 */
int pt_share_tables(uint64_t from_root, uint64_t to_root, uint64_t start, uint64_t end,
		    int level, pt_table_fn fill, void *context);

/* Tables (of any level) shared at fork, copied for a writer while still shared,
 * and given back to their last user (write bit restored, no copy). */
struct pt_stats {
	uint64_t tables_shared, tables_unshared, tables_reclaimed;
};
extern struct pt_stats pt_stats;

/* Loading a root (tlb_activate) and every TLB flush go through mm/tlb.h. */

#endif
