/*
 * mm/mm.h - user address spaces: a page table and a sorted list of regions.
 *
 * A region (struct vma) is a page-aligned range [start, end) with one protection and
 * one kind: private or shared, anonymous (today every region is anonymous; file
 * mappings come with the copy-on-write issue), growing down for the stack. Regions
 * never overlap and are kept sorted by address; neighbours with identical attributes
 * are merged.
 *
 * Pages are created on first touch (mm_fault): a present PTE always maps a frame
 * whose reference count includes that mapping. Copy-on-write rests on one rule: in
 * a private region, a PTE is writable only while its frame has no other reference;
 * a write to a read-only PTE of a writable private region copies the frame, or
 * takes it over in place when it has no other owner left. An address space can be shared by
 * several processes (vfork's parent and child): `users` counts them.
 */
#ifndef CALF_MM_MM_H
#define CALF_MM_MM_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lib/list.h"

#define PROT_NONE	0
#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4

#define VMA_SHARED	(1u << 0)
#define VMA_GROWSDOWN	(1u << 1)	/* the stack: grows down on faults below it */
#define VMA_HEAP	(1u << 2)	/* made by brk; "[heap]" in maps */
#define VMA_STACK	(1u << 3)	/* "[stack]" in maps */

/* The layout of a fresh address space (as Linux with randomisation off). */
#define MM_STACK_TOP	0x00007ffffffff000ul
#define MM_MMAP_BASE	(MM_STACK_TOP - (128ul << 20))	/* Linux's minimum stack gap */
#define MM_STACK_LIMIT	(8ul << 20)			/* RLIMIT_STACK default */
#define MM_STACK_GUARD	(256ul << 12)			/* stack_guard_gap: 256 pages */
#define MM_MIN_ADDRESS	0x10000ul			/* vm.mmap_min_addr */

struct vma {
	struct list_node link;		/* in mm->vmas, sorted */
	uint64_t start, end;
	unsigned prot;			/* PROT_* */
	unsigned flags;			/* VMA_* */
};

/* Per address space, for /proc/<pid>/stat. */
struct mm_counters {
	uint64_t faults;		/* page faults resolved */
	uint64_t zero_fills;		/* demand-zero pages created */
	uint64_t pages_copied_at_fork;
};

/* System-wide, for /proc/vmstat (Linux's names where Linux has the counter). */
struct vm_stats {
	uint64_t pgfault;		/* user page faults resolved */
	uint64_t zero_fill;		/* demand-zero pages created */
	uint64_t cow_fault;		/* write faults on a copy-on-write page */
	uint64_t cow_copy;		/* ... resolved by copying the frame */
	uint64_t cow_reuse;		/* ... resolved in place: no other owner was left */
	uint64_t fork_pages_copied;	/* private pages copied at fork (fork_mode=copy) */
	uint64_t fork_pages_shared;	/* private pages shared copy-on-write at fork */
	uint64_t oom_kill;		/* processes killed by a fault finding no frame */
};
extern struct vm_stats vm_stats;

/*
 * How fork treats private memory: copy every page now (Unix before copy-on-write),
 * or share it read-only and copy on the first write (the default). Both give the
 * same semantics; only the cost differs. A third strategy (sharing page tables)
 * is planned, hence the enumeration.
 */
enum fork_mode { FORK_MODE_COPY, FORK_MODE_COW, FORK_MODE_COUNT };
extern enum fork_mode mm_fork_mode;
/* The mode's name ("copy", "cow"), and the mode a name (with optional trailing
 * newline) spells: 0, or -EINVAL for an unknown name. */
const char *fork_mode_name(enum fork_mode mode);
int fork_mode_parse(const char *text, size_t length, enum fork_mode *mode);

struct mm {
	uint64_t root;			/* page-table root (physical) */
	struct list_node vmas;
	unsigned users;
	uint64_t brk_start, brk;	/* heap: [brk_start, brk) rounded up to pages */
	uint64_t start_code, end_code, start_data, end_data, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t resident_pages;	/* present user PTEs */
	struct mm_counters counters;
};

enum fault_access { FAULT_READ, FAULT_WRITE, FAULT_EXEC };

/* A new, empty address space (kernel half mapped); NULL when out of memory. */
struct mm *mm_create(void);

/* Another user of mm (vfork). */
void mm_get(struct mm *mm);

/* Drop a user; the last one frees every page, table and region. mm must not be the
 * active address space of the CPU unless it survives (another user). */
void mm_put(struct mm *mm);

/*
 * The child's address space for fork, by mm_fork_mode: shared regions stay shared;
 * private pages are copied (copy) or shared read-only in both until one side writes
 * (cow). The parent's stale writable TLB entries are flushed before it returns.
 * NULL when out of memory, with everything the partial copy took given back.
 */
struct mm *mm_fork(struct mm *parent);

/* The region containing address, or NULL. */
struct vma *mm_find_vma(struct mm *mm, uint64_t address);

/*
 * Map [start, start + length) with prot and flags, replacing whatever was mapped
 * there (MAP_FIXED semantics). Page-aligned start, nonzero length. 0 or -ENOMEM.
 */
int mm_map(struct mm *mm, uint64_t start, uint64_t length, unsigned prot, unsigned flags);

/* A free range of length bytes, highest first below MM_MMAP_BASE (or at hint if that
 * is free). 0 when none. */
uint64_t mm_find_free(struct mm *mm, uint64_t hint, uint64_t length);

/* Remove mappings in the range (holes are fine). 0, -EINVAL or -ENOMEM (splitting a
 * region needs memory). */
int mm_unmap(struct mm *mm, uint64_t start, uint64_t length);

/* MADV_DONTNEED: drop the private pages of the range, so the next touch sees
 * zeroes (shared pages stay). -ENOMEM if the range has holes (the mapped parts are
 * still discarded, as in Linux), else 0. */
int mm_discard(struct mm *mm, uint64_t start, uint64_t length);

/* Change protection in the range, which must be fully mapped (-ENOMEM otherwise). */
int mm_protect(struct mm *mm, uint64_t start, uint64_t length, unsigned prot);

/* Move the program break; returns the new break (the old one on failure), like the
 * Linux system call. */
uint64_t mm_brk(struct mm *mm, uint64_t new_brk);

/* Create the pages of [start, start + length) now. 0 or -ENOMEM. */
int mm_populate(struct mm *mm, uint64_t start, uint64_t length);

/*
 * Resolve a fault at address: 0 when the page is now mapped with the access allowed,
 * -EFAULT when the access is not allowed (SIGSEGV), -ENOMEM when no frame is left.
 */
int mm_fault(struct mm *mm, uint64_t address, enum fault_access access);

/*
 * Write into mm's pages regardless of their protection (the loader fills read-only
 * text this way), creating pages as needed. 0 or -ENOMEM; the range must be mapped
 * (-EFAULT otherwise). mm_zero_in writes zeroes.
 */
int mm_copy_in(struct mm *mm, uint64_t address, const void *src, size_t length);
int mm_zero_in(struct mm *mm, uint64_t address, size_t length);

/* Read from mm's pages (not necessarily the active address space): bytes copied,
 * stopping at the first page not present. */
size_t mm_copy_out(struct mm *mm, uint64_t address, void *dst, size_t length);

/* Sum of a process's region sizes in bytes, by kind, for /proc. */
struct mm_usage {
	uint64_t total, data, stack, exec;
};
void mm_usage(struct mm *mm, struct mm_usage *usage);

/* Make mm the CPU's address space. */
void mm_activate(struct mm *mm);

#endif
