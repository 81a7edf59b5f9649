/*
 * mm/fault.c - making a page of a user address space present: the one resolver.
 *
 * Whoever needs the page at an address comes here: the page-fault handler
 * (mm_fault: the program's own accesses, and the kernel's through uaccess, which
 * fault like them because CR0.WP makes read-only entries bind the kernel too),
 * and the kernel's writes into an address space that need not be the running one
 * (fault_kernel_write: exec's loader, through mm_copy_in). Each first decides what
 * the page needs, then does it (the shape OpenBSD's uvm and the design use): the
 * decision is a value, so the cases are easy to see and to test one by one. The
 * rule for what entry a frame gets is mm/pte.c's; the tables on the way are made
 * and taken for this address space by pt_lookup_create (mm/pagetable.c).
 *
 * Copy-on-write: fork leaves the private pages of both processes read-only and
 * shared. A write to one finds a read-only entry in a writable private region; if
 * someone else still holds the frame the writer gets a copy, and if not (the other
 * side exited or already made its own copy) the writer takes the frame over by
 * making the entry writable again.
 *
 * File mappings: the first touch maps the file's page-cache frame itself (a minor
 * fault: the file is in memory). In a shared region that is the whole story, and the
 * region's writes are the file's. In a private region the frame is mapped read-only
 * - a page-cache frame is never exclusive - so the process reads the file's current
 * contents until it writes; the write is then an ordinary copy-on-write fault, which
 * leaves the cache's own reference alone. A first touch that is a write copies the
 * file page at once, without mapping it first. Past the end of the file there is no
 * page: -EIO, which the trap handler turns into SIGBUS.
 *
 * Fault-around: a read or exec fault in a file region also maps the pages around
 * it that the file has in memory: 16 pages from the 64 KiB boundary below it or
 * the region's start, within the region and the leaf table, as Linux does
 * (do_fault_around), so that reading a
 * file or running a program takes one fault per 64 KiB instead of one per page,
 * and /proc shows the same resident pages as on Linux.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/fault.h"
#include "mm/vma.h"

enum fault_decision {
	FAULT_SIGNAL,		/* no region, or the region forbids this access */
	FAULT_ZERO_FILL,	/* first touch of an anonymous page */
	FAULT_FILE,		/* first touch of a file page */
	FAULT_COW,		/* write to a read-only page of a writable private region */
	FAULT_FIX_FLAGS,	/* the page exists; its entry lags behind the region */
	FAULT_NOTHING,		/* the kernel's write: the frame is this space's own already */
};

struct vm_stats vm_stats;

/* Faults on several CPUs count at once (the fast path holds no kernel lock). */
#define COUNT(counter) __atomic_fetch_add(&(counter), 1, __ATOMIC_RELAXED)

static bool access_allowed(const struct vma *vma, enum fault_access access)
{
	switch (access) {
	case FAULT_WRITE:
		return vma->prot & PROT_WRITE;
	case FAULT_EXEC:
		return vma->prot & PROT_EXEC;
	default:
		/* x86 cannot make a page writable or executable but unreadable. */
		return vma->prot != PROT_NONE;
	}
}

/*
 * The region for a fault at address: the one containing it, or the stack grown down
 * to cover it when the address is within the stack limit and clear of the region
 * below by the guard gap.
 */
static struct vma *region_for(struct mm *mm, uint64_t address)
{
	struct vma *vma = vma_first_ending_after(mm, address);

	if (!vma || vma->start <= address)
		return vma;
	if (!(vma->flags & VMA_GROWSDOWN) || vma->end - (address & PAGE_MASK) > mm->stack_limit)
		return NULL;
	struct vma *below = vma_prev(mm, vma);
	if (below && (address & PAGE_MASK) - below->end < MM_STACK_GUARD)
		return NULL;
	vma->start = address & PAGE_MASK;
	return vma;
}

/*
 * A user access: the region's protection applies, and what is mapped must end
 * up allowing the access through its entry.
 */
static enum fault_decision decide_access(const struct vma *vma, pte_t pte,
					 enum fault_access access)
{
	if (!vma || !access_allowed(vma, access))
		return FAULT_SIGNAL;
	if (!pte_maps_frame(pte))
		return vma->backing ? FAULT_FILE : FAULT_ZERO_FILL;
	if (access == FAULT_WRITE && !(vma->flags & VMA_SHARED) && (pte & PTE_PRESENT) &&
	    !(pte & PTE_WRITE))
		return FAULT_COW;
	return FAULT_FIX_FLAGS;
}

/*
 * The kernel's write through its own mapping of the frame (the loader fills
 * read-only text this way): protection does not apply, and the entry need not
 * allow the write, but the frame must be this address space's own, so a frame
 * someone else holds is copied first even where the entry is not writable.
 */
static enum fault_decision decide_kernel_write(const struct vma *vma, pte_t pte)
{
	if (!vma)
		return FAULT_SIGNAL;
	if (!pte_maps_frame(pte))
		return vma->backing ? FAULT_FILE : FAULT_ZERO_FILL;
	if (!(vma->flags & VMA_SHARED) && !page_exclusive(pte_page(pte)))
		return FAULT_COW;
	return FAULT_NOTHING;
}

/* Give mm its own writable copy of the shared frame *pte maps at address in the
 * private region vma, or take it over if it is exclusive after all. */
static int break_cow(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address)
{
	struct page *old = pte_page(*pte);

	COUNT(vm_stats.cow_fault);
	if (page_exclusive(old)) {
		/* Every other owner has gone (exited, exec'd, written its own copy). */
		COUNT(vm_stats.cow_reuse);
		*pte = mm_page_pte(vma, old);
		tlb_flush_page(mm, address);
		return 0;
	}
	struct page *copy = frame_alloc(PAGE_ANON, 0);
	if (!copy)
		return -ENOMEM;
	memcpy(page_address(copy), page_address(old), PAGE_SIZE);
	*pte = mm_page_pte(vma, copy);
	tlb_flush_page(mm, address);
	/* Only now: until the flush, this address space's other CPUs may still
	 * read the old frame, which its other owner may reuse or free at once
	 * (a fault of theirs need not wait for this one). */
	frame_put(old);
	COUNT(vm_stats.cow_copy);
	return 0;
}

/* Fill the empty entry *pte at address in the file region vma with the file's page;
 * for a write to a private region, with the process's own copy of it at once.
 * 0, -EIO (past the end of the file), -ENOMEM. */
static int file_page(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address,
		     bool write)
{
	struct page *page;
	int error = vma->backing->ops->get_page(vma->backing, vma_file_index(vma, address), &page);

	if (error)
		return error;
	if (write && !(vma->flags & VMA_SHARED)) {
		/* The process's own copy right away; the file's frame is not mapped. */
		struct page *copy = frame_alloc(PAGE_ANON, 0);
		if (!copy) {
			frame_put(page);
			return -ENOMEM;
		}
		memcpy(page_address(copy), page_address(page), PAGE_SIZE);
		frame_put(page);
		page = copy;
		COUNT(vm_stats.file_copy);
	}
	*pte = mm_page_pte(vma, page);
	mm->resident_pages++;
	COUNT(vm_stats.file_fault);
	return 0;
}

#define FAULT_AROUND_PAGES 16

/* Map the cached file pages around address that are not mapped yet; pte is the
 * entry of address, in a leaf table this address space owns. */
static void fault_around(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address)
{
	const uint64_t window = FAULT_AROUND_PAGES * PAGE_SIZE;
	const uint64_t table_span = PAGE_SIZE / sizeof(pte_t) * PAGE_SIZE;
	uint64_t start = address & ~(window - 1);

	if (!vma->backing->ops->cached_page)
		return;
	if (start < vma->start)
		start = vma->start;
	/* 16 pages from where the window starts once inside the region, as Linux. */
	uint64_t end = start + window;
	if (end > vma->end)
		end = vma->end;
	if (end > (address & ~(table_span - 1)) + table_span)
		end = (address & ~(table_span - 1)) + table_span;
	for (uint64_t at = start; at < end; at += PAGE_SIZE) {
		pte_t *entry = pte + ((int64_t)(at - address) >> PAGE_SHIFT);
		if (at == address || pte_maps_frame(*entry))
			continue;
		struct page *page = vma->backing->ops->cached_page(vma->backing,
								    vma_file_index(vma, at));
		if (!page)
			continue;
		*entry = mm_page_pte(vma, page);
		mm->resident_pages++;
		COUNT(vm_stats.file_fault_around);
	}
}

/* The page exists; make its entry what the region says now. */
static void fix_entry(struct mm *mm, const struct vma *vma, pte_t *pte, uint64_t address)
{
	*pte = mm_page_pte(vma, pte_page(*pte));
	tlb_flush_page(mm, address);
}

/* Who asks for a page: see the top of this file. */
enum fault_by { FAULT_BY_ACCESS, FAULT_BY_KERNEL_WRITE };

static int zero_fill(struct mm *mm, const struct vma *vma, pte_t *pte, enum fault_by by)
{
	struct page *page = frame_alloc(PAGE_ANON, FRAME_ZERO);

	if (!page)
		return -ENOMEM;
	*pte = mm_page_pte(vma, page);
	mm->resident_pages++;
	/* Demand-zero faults are counted; the loader's pages are no fault. */
	if (by == FAULT_BY_ACCESS) {
		mm->counters.zero_fills++;
		COUNT(vm_stats.zero_fill);
	}
	return 0;
}

/* Do what was decided for the entry *pte of address in vma. Inlined into each
 * caller, so that the page-fault paths pay nothing for the loader's case. */
static inline __attribute__((always_inline)) int
carry_out(enum fault_decision decision, struct mm *mm, const struct vma *vma, pte_t *pte,
	  uint64_t address, enum fault_access access, enum fault_by by)
{
	switch (decision) {
	case FAULT_SIGNAL:
		return -EFAULT;
	case FAULT_ZERO_FILL:
		return zero_fill(mm, vma, pte, by);
	case FAULT_FILE: {
		int error = file_page(mm, vma, pte, address, access == FAULT_WRITE);
		if (!error && access != FAULT_WRITE)
			fault_around(mm, vma, pte, address & PAGE_MASK);
		return error;
	}
	case FAULT_COW:
		return break_cow(mm, vma, pte, address);
	case FAULT_FIX_FLAGS:
		fix_entry(mm, vma, pte, address);
		return 0;
	case FAULT_NOTHING:
		return 0;
	}
	return 0;
}

/*
 * Make the page at address present for access, as `by` asks, and leave its
 * entry in *entry.
 */
static inline __attribute__((always_inline)) int
resolve(struct mm *mm, uint64_t address, enum fault_access access, enum fault_by by,
	pte_t **entry)
{
	if (address >= MM_STACK_TOP)
		return -EFAULT;
	/* Only a program's own access grows the stack; the loader writes inside
	 * the regions it made. */
	struct vma *vma = by == FAULT_BY_ACCESS ? region_for(mm, address) :
						  mm_find_vma(mm, address);
	pte_t *pte = vma ? pt_lookup_create(mm->root, address) : NULL;
	if (vma && !pte)
		return -ENOMEM;

	*entry = pte;
	return carry_out(by == FAULT_BY_ACCESS ? decide_access(vma, pte ? *pte : 0, access) :
						 decide_kernel_write(vma, pte ? *pte : 0),
			 mm, vma, pte, address, access, by);
}

/* A program's fault resolved, by either path. */
static void count_fault(struct mm *mm)
{
	mm->counters.faults++;
	COUNT(vm_stats.pgfault);
}

int fault_page(struct mm *mm, uint64_t address, enum fault_access access)
{
	pte_t *pte;
	int error = resolve(mm, address, access, FAULT_BY_ACCESS, &pte);

	if (!error)
		count_fault(mm);
	return error;
}

int mm_fault(struct mm *mm, uint64_t address, enum fault_access access)
{
	mm_lock(mm);
	int error = fault_page(mm, address, access);
	mm_unlock(mm);
	return error;
}

/*
 * The fast path (mm_fault_fast, mm/mm.h): resolve() with nothing but the
 * address space's lock. Its regions cannot change under that lock, nor can its
 * own tables (no other address space reaches them; fork, the only one that could
 * share them, holds the lock); frames are reference counted atomically, so a
 * frame shared copy-on-write may lose its other owner at any moment, which only
 * turns a copy into a reuse for the next writer. That is safe because every
 * owner drops its reference only once no CPU can reach the frame through its
 * stale TLB entries any more (the unmap gather, break_cow). A file region's
 * pages come from its file's page cache, which has a lock of its own and keeps
 * truncation in step with faults (mm_backing_ops); the region holds the file.
 *
 * What it leaves to the slow path: a fault outside every region (the stack may
 * grow) or that the region forbids (a signal), shared anonymous memory (made
 * whole at mmap, so a fault there is rare), tables sharedpt shares, and every
 * error: no frame (the slow path kills) or a page past the end of the file
 * (SIGBUS). Each fails before changing anything, so the slow path starts over.
 */
static int resolve_fast(struct mm *mm, uint64_t address, enum fault_access access)
{
	struct vma *vma = mm_find_vma(mm, address);	/* no stack growth here */
	if (!vma || (!vma->backing && (vma->flags & VMA_SHARED)))
		return -EAGAIN;
	pte_t *pte = pt_lookup_create_owned(mm->root, address);
	if (!pte)
		return -EAGAIN;
	enum fault_decision decision = decide_access(vma, *pte, access);
	if (decision == FAULT_SIGNAL ||
	    carry_out(decision, mm, vma, pte, address, access, FAULT_BY_ACCESS))
		return -EAGAIN;
	count_fault(mm);
	COUNT(vm_stats.fault_fast);
	return 0;
}

/*
 * The audit checks every address space and frame at once, so it stops the fast
 * paths first: the kernel lock keeps everything else still. A fast path counts
 * itself in flight before it looks at the flag, the audit raises the flag before
 * it waits for the count to drop, both with full barriers, so one of them sees
 * the other.
 */
static uint32_t fast_paths_in_flight;
static bool fast_paths_paused;

/*
 * Threads of one process faulting at once wait for each other's few
 * microseconds; a holder that keeps the lock longer than this many turns is
 * doing more (a fork, an munmap, under the kernel lock), and the fast path
 * gives up: the slow way waits with a halt rather than a spin.
 */
#define FAST_PATH_TURNS 1000

static bool take_for_fast_path(struct mm *mm)
{
	for (unsigned turns = 0;; turns++) {
		if (__atomic_load_n(&mm->lock_wanted, __ATOMIC_RELAXED))
			return false;	/* a kernel-lock holder waits: give way */
		if (spin_trylock_keep_irqs(&mm->lock))
			return true;
		if (turns == FAST_PATH_TURNS)
			return false;
		hw_wait_turn();
	}
}

bool fast_path_enter(struct mm *mm)
{
	__atomic_fetch_add(&fast_paths_in_flight, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&fast_paths_paused, __ATOMIC_SEQ_CST) && take_for_fast_path(mm))
		return true;
	__atomic_fetch_sub(&fast_paths_in_flight, 1, __ATOMIC_RELEASE);
	return false;
}

void fast_path_leave(struct mm *mm)
{
	mm_unlock(mm);
	__atomic_fetch_sub(&fast_paths_in_flight, 1, __ATOMIC_RELEASE);
}

int mm_fault_fast(struct mm *mm, uint64_t address, enum fault_access access)
{
	if (address >= MM_STACK_TOP || !fast_path_enter(mm))
		return -EAGAIN;
	int result = resolve_fast(mm, address, access);
	fast_path_leave(mm);
	return result;
}

void fast_paths_pause(void)
{
	__atomic_store_n(&fast_paths_paused, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&fast_paths_in_flight, __ATOMIC_SEQ_CST))
		hw_wait_turn();
}

void fast_paths_resume(void)
{
	__atomic_store_n(&fast_paths_paused, false, __ATOMIC_RELEASE);
}

int fault_kernel_write(struct mm *mm, uint64_t address, struct page **page)
{
	pte_t *pte;
	int error = resolve(mm, address, FAULT_WRITE, FAULT_BY_KERNEL_WRITE, &pte);

	if (error)
		return error;
	*page = pte_page(*pte);
	return 0;
}
