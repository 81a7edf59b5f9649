/*
 * mm/mm.h - user address spaces: a page table and a sorted list of regions.
 *
 * A region (struct vma) is a page-aligned range [start, end) with one protection and
 * one kind: private or shared, anonymous or backed by a file, growing down for the
 * stack. Regions never overlap and are kept sorted by address; neighbours with
 * identical attributes are merged (file regions only when they map the same open
 * file at contiguous offsets).
 *
 * Pages are created on first touch (mm_fault): a present PTE always maps a frame
 * whose reference count includes that mapping. In an anonymous region the first
 * touch gets a zeroed frame; in a file region it maps the file's page-cache frame
 * (struct mm_backing, below), or raises SIGBUS past the end of the file.
 *
 * Copy-on-write rests on one rule: in a private region, a PTE is writable only while
 * its frame is exclusive (PAGE_ANON with no other reference); a write to a read-only
 * PTE of a writable private region copies the frame, or takes it over in place when
 * it has no other owner left. A page-cache frame is never exclusive, so a private
 * file mapping reads the file's own frames and the first write gives the process
 * its copy; a shared file mapping maps them writable, and its writes are the file's.
 * An address space can be shared by several processes (vfork's parent and child):
 * `users` counts them.
 */
#ifndef CALF_MM_MM_H
#define CALF_MM_MM_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lib/list.h"
#include "kernel/spinlock.h"

#define PROT_NONE	0
#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4

#define VMA_SHARED	(1u << 0)
#define VMA_GROWSDOWN	(1u << 1)	/* the stack: grows down on faults below it */
#define VMA_HEAP	(1u << 2)	/* made by brk; "[heap]" in maps */
#define VMA_STACK	(1u << 3)	/* "[stack]" in maps */
#define VMA_NOWRITE	(1u << 4)	/* may never be made writable: a shared mapping of a
					 * file not open for writing (Linux: no VM_MAYWRITE) */
#define VMA_NORESERVE	(1u << 5)	/* MAP_NORESERVE: exempt from the overcommit check */
#define VMA_ACCOUNT	(1u << 6)	/* counted as memory that may need frames of its own:
					 * a private mapping once writable (Linux's VM_ACCOUNT,
					 * kept when it stops being writable); regions that
					 * differ in it are not merged, as on Linux, which
					 * /proc/PID/maps shows (ld.so's RELRO next to text) */

/* The layout of a fresh address space (as Linux with randomisation off). */
#define MM_STACK_TOP	0x00007ffffffff000ul
#define MM_MMAP_BASE	(MM_STACK_TOP - (128ul << 20))	/* Linux's minimum stack gap */
#define MM_STACK_LIMIT	(8ul << 20)			/* RLIMIT_STACK's default */
#define MM_STACK_GUARD	(256ul << 12)			/* stack_guard_gap: 256 pages */
#define MM_MIN_ADDRESS	0x10000ul			/* vm.mmap_min_addr */

struct page;
struct mm;
struct mm_backing;

/*
 * What a file mapping maps. mm/ knows files only through this interface (so that it
 * builds on the host without fs/); fs/ implements it for open files whose inode has
 * a page cache (fs/filemap.c). A region holds a reference on its backing for as long
 * as it maps it, which keeps the file alive after its descriptor is closed.
 */
struct mm_backing_id {
	uint32_t major, minor;		/* the device of its file system */
	uint64_t ino;
};

/*
 * get_page and cached_page are called with only the address space's lock held
 * (the page-fault fast path), on several CPUs at once and beside the kernel-lock
 * holder: a backing locks its own pages, and a truncation must make the new size
 * visible before it unmaps (mm_object_truncate), so that a fault either finishes
 * before the unmap reaches its address space or sees the new size. The region
 * holds the backing (get/put), so it cannot go away meanwhile.
 */
struct mm_backing_ops {
	/* The page at index (in pages from the start of the file) with a reference for
	 * the caller: 0, -EIO when index is past the end of the file (the fault
	 * becomes SIGBUS), -ENOMEM. */
	int (*get_page)(struct mm_backing *backing, uint64_t index, struct page **out);
	/* The page at index only if the file has it in memory already (no hole is
	 * filled), with a reference, or NULL; for fault-around. May be NULL. */
	struct page *(*cached_page)(struct mm_backing *backing, uint64_t index);
	void (*get)(struct mm_backing *backing);
	void (*put)(struct mm_backing *backing);
	/* For /proc/<pid>/maps: the file's device and inode number, and its path
	 * (NUL-terminated into buf: the length, or a negative errno). */
	void (*identify)(struct mm_backing *backing, struct mm_backing_id *id);
	long (*path)(struct mm_backing *backing, char *buf, size_t size);
};

/*
 * The regions mapping one file's pages, through whichever open file (fs/ keeps one
 * per inode): what truncation must unmap. Initialise with mm_object_init.
 */
struct mm_object {
	struct list_node vmas;		/* struct vma, by object_link */
};

struct mm_backing {
	const struct mm_backing_ops *ops;
	struct mm_object *object;	/* the pages' owner: the same for every open file
					 * of one inode */
};

struct vma {
	struct list_node link;		/* in mm->vmas, sorted */
	uint64_t start, end;
	unsigned prot;			/* PROT_* */
	unsigned flags;			/* VMA_* */
	struct mm *mm;			/* the address space it is in */
	struct mm_backing *backing;	/* the file mapped, referenced; NULL: anonymous */
	uint64_t pgoff;			/* the file page mapped at start */
	struct list_node object_link;	/* in backing->object->vmas */
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
	uint64_t file_fault;		/* page-cache frames mapped by faults */
	uint64_t file_fault_around;	/* ... and around them, without a fault of their own */
	uint64_t file_copy;		/* ... copied at once: a write to a private mapping */
	uint64_t oom_kill;		/* processes killed by a fault finding no frame */
	uint64_t fault_fast;		/* faults resolved without the kernel lock
					 * (mm_fault_fast; also in pgfault) */
};
extern struct vm_stats vm_stats;

/*
 * How fork treats private memory: copy every page now (Unix before copy-on-write),
 * share it read-only and copy on the first write (the default), or share even the
 * page tables (the directories by default: mm_sharedpt_level), read-only from the
 * entry above, and copy a table on the first write under it (sharedpt; see
 * mm/fork.c). All give the same semantics; only the cost differs.
 */
enum fork_mode { FORK_MODE_COPY, FORK_MODE_COW, FORK_MODE_SHAREDPT, FORK_MODE_COUNT };
extern enum fork_mode mm_fork_mode;
/* sharedpt shares page tables only for a parent with at least this many resident
 * pages; a smaller one forks as under cow. Tests lower it. */
extern unsigned mm_sharedpt_min_resident;
/* Which tables sharedpt shares: 0 the leaf tables (2 MiB of address space each),
 * 1 the directories above them (1 GiB), 2 the tables below the root (512 GiB).
 * The higher, the fewer entries fork writes, and the more a first write after
 * fork copies (one table per level down to the page). */
#define MM_SHAREDPT_LEVELS 3
extern int mm_sharedpt_level;
/* Private writable regions of fewer pages than this (512: 2 MiB, a leaf table's
 * span) and the stack, which both sides write at once, are forked entry by entry
 * even under sharedpt (mm/fork.c). Tests lower it. */
extern unsigned mm_sharedpt_small_pages;
/* The mode's name ("copy", "cow", "sharedpt"), and the mode a name (with optional trailing
 * newline) spells: 0, or -EINVAL for an unknown name. */
const char *fork_mode_name(enum fork_mode mode);
int fork_mode_parse(const char *text, size_t length, enum fork_mode *mode);

/*
 * Locking (docs/smp.md, "The address space's lock"). mm/ takes an address space's
 * lock itself, around every change to its regions, entries, page tables and
 * resident count, and around every walk of its entries: callers never take it.
 * It is what lets a page fault of a program, and a discard (madvise), be served
 * without the kernel lock (mm_fault_fast, mm_discard_fast: they change entries,
 * never regions); everything else in mm/ still runs under the kernel lock too,
 * so regions may be read (mm_find_vma, mm_usage, /proc/PID/maps) without it: only
 * a holder of both changes them. It comes first in the lock order (kernel/
 * spinlock.h: a file's page-cache lock, the frame and heap locks nest inside it)
 * and no two are held at once.
 */
struct mm {
	struct spinlock lock;
	bool lock_wanted;		/* a kernel-lock holder waits for it: the
					 * fast path gives way (mm/fault.c) */
	uint64_t root;			/* page-table root (physical) */
	struct list_node vmas;
	unsigned users;
	uint64_t brk_start, brk;	/* heap: [brk_start, brk) rounded up to pages */
	uint64_t start_code, end_code, start_data, end_data, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t stack_limit;		/* how far the stack may grow: RLIMIT_STACK */
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
 * private pages are copied (copy), or shared read-only in both until one side
 * writes (cow), or reached through the parent's own page tables, read-only from
 * above, until one side writes under a table (sharedpt: the parent's leaf entries
 * are left as they are; the stack, small private writable regions and a parent
 * with little resident are forked as under cow). The parent's stale writable TLB
 * entries are flushed before it returns. NULL when out of memory, with
 * everything the partial copy took given back (the parent's tables it began to
 * share stay read-only above, and its next write takes them back in place).
 */
struct mm *mm_fork(struct mm *parent);

/* The region containing address, or NULL. */
struct vma *mm_find_vma(struct mm *mm, uint64_t address);

/* The region containing address or else the first one above it (Linux's find_vma),
 * or NULL. */
struct vma *mm_find_vma_from(struct mm *mm, uint64_t address);

/*
 * Map [start, start + length) with prot and flags, replacing whatever was mapped
 * there (MAP_FIXED semantics). Page-aligned start, nonzero length. 0 or -ENOMEM.
 */
int mm_map(struct mm *mm, uint64_t start, uint64_t length, unsigned prot, unsigned flags);

/* The same for a file mapping: backing's page pgoff appears at start. The region
 * takes its own reference on backing. */
int mm_map_file(struct mm *mm, uint64_t start, uint64_t length, unsigned prot,
		unsigned flags, struct mm_backing *backing, uint64_t pgoff);

/* Set up an empty object (fs/, for each inode with a page cache). */
void mm_object_init(struct mm_object *object);

/*
 * The file shrank to end at page index first: unmap every page at index first or
 * beyond from every region mapping the object, private copies included (as Linux
 * does), so that the next touch finds the end of the file and gets SIGBUS. It
 * cannot fail, not even under fork_mode=sharedpt without memory for a copy of
 * a shared page table (mm.c says why).
 */
void mm_object_truncate(struct mm_object *object, uint64_t first);

/* Would a request for length bytes exceed all of memory? The overcommit check
 * mm_map applies to memory that may need frames of its own (see mm.c). */
bool mm_exceeds_memory(uint64_t length);

/* A free range of length bytes, highest first below MM_MMAP_BASE (or at hint if that
 * is free). 0 when none. */
uint64_t mm_find_free(struct mm *mm, uint64_t hint, uint64_t length);

/* Remove mappings in the range (holes are fine). 0, -EINVAL or -ENOMEM (splitting a
 * region needs memory). */
int mm_unmap(struct mm *mm, uint64_t start, uint64_t length);

/* MADV_DONTNEED: drop the private pages of the range, so the next touch sees
 * zeroes, or the file's contents in a private file mapping (shared pages stay).
 * -ENOMEM if the range has holes (the mapped parts are still discarded, as in
 * Linux), else 0. */
int mm_discard(struct mm *mm, uint64_t start, uint64_t length);

/* mm_discard without the kernel lock (madvise from threads, beside whatever the
 * kernel-lock holder does): done when the range is at most 2 MiB, under tables
 * this address space owns, and its lock is free soon enough; else -EAGAIN with
 * nothing changed, for mm_discard under the kernel lock. */
int mm_discard_fast(struct mm *mm, uint64_t start, uint64_t length);

/* Change protection in the range, which must be fully mapped (-ENOMEM otherwise);
 * -EACCES if prot has PROT_WRITE and a region there is VMA_NOWRITE. Either error
 * leaves every region unchanged. */
int mm_protect(struct mm *mm, uint64_t start, uint64_t length, unsigned prot);

/* Move the program break; returns the new break (the old one on failure), like the
 * Linux system call. */
uint64_t mm_brk(struct mm *mm, uint64_t new_brk);

/* Create the pages of [start, start + length) now. 0 or -ENOMEM; stops quietly at
 * the end of a mapped file. */
int mm_populate(struct mm *mm, uint64_t start, uint64_t length);

/*
 * Resolve a fault at address: 0 when the page is now mapped with the access allowed,
 * -EFAULT when the access is not allowed (SIGSEGV), -EIO when the page is past the
 * end of a mapped file (SIGBUS), -ENOMEM when no frame is left. A fault below the
 * stack within its limit grows it. (mm/fault.c: the same resolver serves
 * mm_copy_in below.)
 */
int mm_fault(struct mm *mm, uint64_t address, enum fault_access access);

/*
 * The page-fault fast path: a program's own fault resolved without the kernel
 * lock, on another CPU at the same time as whatever the kernel-lock holder does.
 * It handles the faults a running program takes, in its regions under tables
 * this address space owns: a first touch (a zeroed frame, or the file's page and
 * those around it), a copy-on-write write, an entry behind its region. 0 when the
 * page is now mapped with the access allowed; -EAGAIN for everything else (a
 * fault that grows the stack or gets a signal, shared anonymous memory, a shared
 * table, no frame free, a page past the end of its file, the address space's
 * lock held elsewhere, an audit running), which mm_fault then resolves under the
 * kernel lock as before. Interrupts must be off.
 */
int mm_fault_fast(struct mm *mm, uint64_t address, enum fault_access access);

/*
 * Write into mm's pages regardless of their protection (the loader fills read-only
 * text this way), creating pages as needed; in a private region the written pages
 * become the process's own (copies of the file's, in a file region). 0 or -ENOMEM;
 * the range must be mapped (-EFAULT otherwise), and -EIO past the end of a mapped
 * file. mm_zero_in writes zeroes. Not counted as page faults.
 */
int mm_copy_in(struct mm *mm, uint64_t address, const void *src, size_t length);
int mm_zero_in(struct mm *mm, uint64_t address, size_t length);

/* Read from mm's pages (not necessarily the active address space): bytes copied,
 * stopping at the first page not present. */
size_t mm_copy_out(struct mm *mm, uint64_t address, void *dst, size_t length);

/* The page tables below mm's root (VmPTE in /proc/PID/status). */
uint64_t mm_page_tables(struct mm *mm);

/* Sum of a process's region sizes in bytes, by kind, for /proc. */
struct mm_usage {
	uint64_t total, data, stack, exec;
};
void mm_usage(struct mm *mm, struct mm_usage *usage);

/*
 * How each region's resident pages are shared, for /proc/PID/smaps (mm/sharing.c
 * says how mappers are counted): bytes, and the proportional set size in bytes
 * << MM_PSS_SHIFT. fn gets every region in address order; 0 or -ENOMEM.
 */
#define MM_PSS_SHIFT 12
struct mm_page_sharing {
	uint64_t rss, shared_clean, shared_dirty, private_clean, private_dirty, anonymous;
	uint64_t pss, pss_dirty, pss_anon, pss_file;
};
struct vma;
typedef void (*mm_sharing_fn)(const struct vma *vma, const struct mm_page_sharing *figures,
			      void *context);
int mm_page_sharing(struct mm *mm, mm_sharing_fn fn, void *context);

/*
 * /proc/PID/pagemap (mm/pagemap.c says what each bit means): the 64-bit entries of
 * count virtual pages from first_page, in out; returns how many there are before
 * the end of user space. Frame numbers only with show_frames (Linux shows them
 * to privileged readers only).
 */
size_t mm_pagemap(struct mm *mm, uint64_t first_page, size_t count, uint64_t *out,
		  bool show_frames);

/* /proc/kpagecount and /proc/kpageflags: a frame's page-table entries mapping it,
 * and its Linux KPF_* flags. */
uint64_t frame_map_count(uint64_t pfn);
uint64_t frame_kpageflags(uint64_t pfn);

/*
 * Check every invariant of user memory over the address spaces mms (each listed
 * once): regions, entries and the copy-on-write rule, resident counts, every user
 * frame's reference count, page tables, the frame allocator (mm/audit.c says what
 * exactly). workspace holds frames_pfn_count() counters, allocated by the caller
 * ahead of time, so that an audit works when memory is exhausted. 0 with a summary
 * in report, or -1 with the first violation.
 */
int mm_audit(struct mm *const *mms, size_t count, uint32_t *workspace, char *report,
	     size_t size);

/*
 * For futexes (mm/futex_key.c): is the word at address in a shared mapping? Then 1,
 * with the physical address of the word in *phys (the page faulted in for reading
 * if need be); 0 for a private mapping; -EFAULT when nothing readable is mapped.
 */
int mm_shared_word(struct mm *mm, uint64_t address, uint64_t *phys);

/* Make mm the CPU's address space. */
void mm_activate(struct mm *mm);

/* Leave the CPU's user address space for the kernel's own table (no user
 * mappings), so that the one left may be freed: exit and execve, before their
 * mm_put. */
void mm_switch_to_kernel(void);

/*
 * mincore (mm/residency.c): vec[i] is 1 when the page at start + i pages is in
 * memory, 0 when not, for at most `pages` pages, stopping at the end of the region
 * holding start (start page-aligned). A page is in memory when an entry maps a
 * frame; a file page not mapped here when file_resident (fs/'s answer: is the
 * file's page at index in its page cache?) says so. Returns the pages filled, or
 * -ENOMEM when no region holds start.
 */
typedef bool (*mm_file_resident_fn)(struct mm_backing *backing, uint64_t index);
long mm_residency(struct mm *mm, uint64_t start, size_t pages, unsigned char *vec,
		  mm_file_resident_fn file_resident);

#endif
