/*
 * mm/mm.c - creating, copying and changing user address spaces.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/fault.h"
#include "mm/vma.h"

static uint64_t page_down(uint64_t address) { return address & PAGE_MASK; }
static uint64_t page_up(uint64_t address) { return (address + PAGE_SIZE - 1) & PAGE_MASK; }

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->root = pt_create();
	if (!mm->root) {
		kfree(mm);
		return NULL;
	}
	mm->lock = (struct spinlock)SPINLOCK_INIT_LEVEL("mm", LOCK_LEVEL_MM);
	list_init(&mm->vmas);
	mm->users = 1;
	mm->stack_limit = MM_STACK_LIMIT;
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->users++;
}

/*
 * One unmapping operation (Linux's mmu_gather, reduced): the span it cleared, for
 * one TLB flush at the end, and the references to frames it cleared entries of
 * while another CPU had the address space loaded. That CPU may still reach those
 * frames through stale entries, so every reference is dropped only after the
 * flush has been acknowledged (unmap_finish), not just a last one: a frame shared
 * copy-on-write with another address space would otherwise be that one's alone
 * at once, and its fault (mm_fault_fast, which waits for no one here) could
 * write it in place or free it while the stale entries still read it. When the
 * batch is full, everything so far is flushed early. With no other CPU in the
 * mask when the operation starts, references are dropped at once: a CPU can join
 * only by loading the root, and (step 3's rule) not while an operation on its
 * address space runs.
 */
#define GATHER_FRAMES 64

struct unmap_gather {
	struct mm *mm;
	uint64_t *resident_pages;	/* the address space's, or truncation's scratch */
	uint64_t start, end;		/* what was cleared; start > end: nothing */
	bool all;			/* a shared table was taken: flush it all */
	bool defer;			/* other CPUs have it loaded */
	unsigned held;			/* references waiting for the flush, */
	struct page *frames[GATHER_FRAMES];	/* in frames[0 .. held) */
};

static void unmap_begin(struct unmap_gather *g, struct mm *mm, uint64_t *resident_pages)
{
	g->mm = mm;
	g->resident_pages = resident_pages;
	g->start = UINT64_MAX;
	g->end = 0;
	g->all = false;
	g->defer = hw_several_cpus() && (tlb_cpus(mm) & ~(1ul << hw_cpu_id()));
	g->held = 0;
}

static void put_gathered(struct unmap_gather *g)
{
	for (unsigned i = 0; i < g->held; i++)
		frame_put(g->frames[i]);
	g->held = 0;
}

/* Hold the reference until the flush; a full batch flushes the whole address
 * space now (the walk is midway through a region: its span is not known yet). */
static void defer_frame(struct unmap_gather *g, struct page *page)
{
	if (g->held == GATHER_FRAMES) {
		tlb_flush_mm(g->mm);
		put_gathered(g);
	}
	g->frames[g->held++] = page;
}

/*
 * Clear the entries of one leaf table and drop their frames, taking each off the
 * resident count (see mm_object_truncate for truncation's scratch count).
 */
static void __attribute__((noinline)) unmap_table_deferring(pte_t *entries, unsigned first,
							    unsigned last, struct unmap_gather *g)
{
	for (unsigned i = first; i <= last; i++) {
		pte_t pte = entries[i];
		if (!pte_maps_frame(pte))
			continue;
		entries[i] = 0;
		(*g->resident_pages)--;
		defer_frame(g, pte_page(pte));
	}
}

/* The loop every exit runs over every page: kept as lean as before SMP. */
static int unmap_table(pte_t *entries, unsigned first, unsigned last, uint64_t address,
		       void *opaque)
{
	struct unmap_gather *g = opaque;
	uint64_t *resident_pages = g->resident_pages;

	(void)address;
	if (g->defer) {
		unmap_table_deferring(entries, first, last, g);
		return 0;
	}
	for (unsigned i = first; i <= last; i++) {
		pte_t pte = entries[i];
		if (!pte_maps_frame(pte))
			continue;
		entries[i] = 0;
		(*resident_pages)--;
		frame_put(pte_page(pte));
	}
	return 0;
}

/* Unmap [start, end), which pt_unshare has made this address space's own. */
static void unmap_pages(struct unmap_gather *g, uint64_t start, uint64_t end)
{
	pt_for_each_table(g->mm->root, start, end, unmap_table, g);
	if (start < g->start)
		g->start = start;
	if (end > g->end)
		g->end = end;
}

/* One flush for everything the operation cleared, then the references held back. */
static inline void unmap_finish(struct unmap_gather *g)
{
	if (g->all)
		tlb_flush_mm(g->mm);
	else if (g->start < g->end)
		tlb_flush_range(g->mm, g->start, g->end);
	if (g->held)
		put_gathered(g);
}

void mm_put(struct mm *mm)
{
	struct list_node *node, *next;

	if (--mm->users > 0)
		return;
	/*
	 * Region by region, in address order: the pages, then the tables no region
	 * after this one needs (those before it are gone already). A table others
	 * still use is dropped whole, entries and all (pt_release).
	 */
	struct unmap_gather g;
	unmap_begin(&g, mm, &mm->resident_pages);
	list_for_each_safe(node, next, &mm->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		struct pt_range range = { vma->start, vma->end, 0, UINT64_MAX };
		if (next != &mm->vmas)
			range.ceiling = list_entry(next, struct vma, link)->start;
		pt_release(mm->root, vma->start, vma->end, unmap_table, &g);
		pt_prune(mm->root, &range);
		vma_destroy(vma);
	}
	/* Loaded nowhere by now (mm_put's contract), so this flushes nothing. */
	g.start = 0;
	g.end = MM_STACK_TOP;
	unmap_finish(&g);
	pt_destroy(mm->root);
	kfree(mm);
}

/* ------------------------------------------------------------------ regions */

/* Give back the page tables of the hole [start, end) that no region still needs;
 * next is the first region after the hole (NULL if none). */
static void free_unused_tables(struct mm *mm, uint64_t start, uint64_t end, struct vma *next)
{
	struct vma *prev = next ? vma_prev(mm, next) : NULL;
	struct pt_range range = { start, end, 0, MM_STACK_TOP };

	if (!next && !list_empty(&mm->vmas))
		prev = list_entry(mm->vmas.prev, struct vma, link);
	if (prev)
		range.floor = prev->end;
	if (next)
		range.ceiling = next->start;
	pt_prune(mm->root, &range);
}

/* mm_unmap, with the address space's lock held. */
static int unmap_range(struct mm *mm, uint64_t start, uint64_t length)
{
	uint64_t end = start + page_up(length);

	if ((start & ~PAGE_MASK) || length == 0 || end < start)
		return -EINVAL;
	/* Nothing mapped there (every mmap without a hint, and exec's): no entry to
	 * clear, no table to unshare or give back, since unmapping prunes as it goes. */
	struct vma *first = vma_first_ending_after(mm, start);
	if (!first || first->start >= end)
		return 0;
	struct unmap_gather g;
	unmap_begin(&g, mm, &mm->resident_pages);
	if (pt_unshare_deferred(mm->root, start, end, &g.all) || vma_split(mm, start) ||
	    vma_split(mm, end)) {
		unmap_finish(&g);
		return -ENOMEM;
	}

	struct vma *vma = vma_first_ending_after(mm, start);
	for (struct vma *v = vma; v && v->start < end; v = vma_next(mm, v))
		unmap_pages(&g, v->start, v->end);
	/* The regions go only after the flush: destroying one may drop a file's last
	 * reference and with it the page cache's frames, which stale entries on other
	 * CPUs could still reach until then. */
	unmap_finish(&g);
	while (vma && vma->start < end) {
		struct vma *next = vma_next(mm, vma);
		vma_destroy(vma);
		vma = next;
	}
	free_unused_tables(mm, start, end, vma);
	return 0;
}

int mm_unmap(struct mm *mm, uint64_t start, uint64_t length)
{
	mm_lock(mm);
	int error = unmap_range(mm, start, length);
	mm_unlock(mm);
	return error;
}

/*
 * The overcommit policy, Linux's heuristic (vm.overcommit_memory = 0): memory is
 * promised freely and provided on first touch, but a single request for more than
 * all of memory is refused. Only memory that may need frames of its own counts:
 * private writable mappings and shared anonymous ones, unless MAP_NORESERVE.
 */
bool mm_exceeds_memory(uint64_t length)
{
	return length / PAGE_SIZE > frames_managed();
}

static bool exceeds_memory(uint64_t length, unsigned prot, unsigned flags,
			   const struct mm_backing *backing)
{
	bool shared = flags & VMA_SHARED;
	bool accountable = shared ? !backing : (prot & PROT_WRITE);

	return accountable && !(flags & VMA_NORESERVE) && mm_exceeds_memory(length);
}

int mm_map_file(struct mm *mm, uint64_t start, uint64_t length, unsigned prot,
		unsigned flags, struct mm_backing *backing, uint64_t pgoff)
{
	uint64_t end = start + page_up(length);
	int error;

	if ((start & ~PAGE_MASK) || length == 0 || end < start)
		return -EINVAL;
	if (exceeds_memory(end - start, prot, flags, backing))
		return -ENOMEM;
	if (!(flags & (VMA_SHARED | VMA_NORESERVE)) && (prot & PROT_WRITE))
		flags |= VMA_ACCOUNT;
	/* Allocate first, so failing leaves the old mappings in place. */
	struct vma *vma = vma_new(start, end, prot, flags);
	if (!vma)
		return -ENOMEM;
	if (backing)
		vma_set_backing(vma, backing, pgoff);
	mm_lock(mm);
	error = unmap_range(mm, start, end - start);
	if (!error) {
		vma_insert(mm, vma);
		vma_merge_around(mm, vma);
	}
	mm_unlock(mm);
	if (error)
		vma_destroy(vma);
	return error;
}

int mm_map(struct mm *mm, uint64_t start, uint64_t length, unsigned prot, unsigned flags)
{
	return mm_map_file(mm, start, length, prot, flags, NULL, 0);
}

void mm_object_init(struct mm_object *object)
{
	list_init(&object->vmas);
}

/* The part of vma that maps file pages from index first on, [*from, vma->end);
 * false when it maps none. */
static bool truncated_part(const struct vma *vma, uint64_t first, uint64_t *from)
{
	if (vma_file_index(vma, vma->end) <= first)
		return false;
	*from = vma->start;
	if (vma->pgoff < first)
		*from += (first - vma->pgoff) << PAGE_SHIFT;
	return true;
}

static int count_mapped(pte_t *entries, unsigned first, unsigned last, uint64_t address,
			void *opaque)
{
	uint64_t *count = opaque;

	(void)address;
	for (unsigned i = first; i <= last; i++)
		*count += pte_maps_frame(entries[i]);
	return 0;
}

/*
 * Truncation cannot fail: the file has shrunk already, and a page past its end
 * must not stay mapped. Like every change to entries it unshares the range
 * first, keeping sharedpt's tables out of the way, but when no frame is left
 * for a table's copy it clears the entries through the table still shared. That
 * is what every address space using the table would do anyway: a table stays
 * shared only while no one using it has changed the regions or entries it
 * serves (each such change takes the table first; only a stack growing into
 * its span may change a region without it, and a stack maps no file), so all
 * of them map this file there alike, are on the object's list, and lose the
 * same pages now.
 * Whichever comes first clears them, once, for all (each entry holds one
 * reference however many use its table); so each address space's resident
 * count is lowered beforehand, while every one of them still sees the
 * entries, and the clearing itself counts nothing.
 */
void mm_object_truncate(struct mm_object *object, uint64_t first)
{
	struct list_node *node;
	uint64_t from, uncounted = 0;

	list_for_each(node, &object->vmas) {
		struct vma *vma = list_entry(node, struct vma, object_link);
		uint64_t mapped = 0;
		if (!truncated_part(vma, first, &from))
			continue;
		mm_lock(vma->mm);
		pt_for_each_table(vma->mm->root, from, vma->end, count_mapped, &mapped);
		vma->mm->resident_pages -= mapped;
		mm_unlock(vma->mm);
	}
	list_for_each(node, &object->vmas) {
		struct vma *vma = list_entry(node, struct vma, object_link);
		if (!truncated_part(vma, first, &from))
			continue;
		struct unmap_gather g;
		mm_lock(vma->mm);
		unmap_begin(&g, vma->mm, &uncounted);
		/* failing is fine: above */
		pt_unshare_deferred(vma->mm->root, from, vma->end, &g.all);
		unmap_pages(&g, from, vma->end);
		unmap_finish(&g);
		mm_unlock(vma->mm);
	}
}

/* Is [start, end) free of regions, and clear of the stack's guard gap? */
static bool range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *next = vma_first_ending_after(mm, start);

	if (start < MM_MIN_ADDRESS || end > MM_STACK_TOP || end < start)
		return false;
	if (!next)
		return true;
	if (next->start < end)
		return false;
	if ((next->flags & VMA_GROWSDOWN) && next->start - end < MM_STACK_GUARD)
		return false;
	return true;
}

uint64_t mm_find_free(struct mm *mm, uint64_t hint, uint64_t length)
{
	length = page_up(length);
	if (length == 0 || length > MM_MMAP_BASE)
		return 0;
	hint = page_down(hint);
	if (hint && range_free(mm, hint, hint + length))
		return hint;

	/* Top down from the mmap base: try just below each region in turn. */
	uint64_t candidate = MM_MMAP_BASE - length;
	for (;;) {
		struct vma *next = vma_first_ending_after(mm, candidate);
		if (!next || next->start >= candidate + length)
			return candidate >= MM_MIN_ADDRESS ? candidate : 0;
		if (next->start < length + MM_MIN_ADDRESS)
			return 0;
		candidate = next->start - length;
	}
}

static int discard_range(struct mm *mm, uint64_t start, uint64_t length)
{
	uint64_t end = start + page_up(length), reached = start;
	bool hole = false;

	struct unmap_gather g;
	unmap_begin(&g, mm, &mm->resident_pages);
	if (pt_unshare_deferred(mm->root, start, end, &g.all)) {
		unmap_finish(&g);
		return -ENOMEM;
	}
	/* Like Linux, the mapped parts are discarded even when the range has holes. */
	for (struct vma *vma = vma_first_ending_after(mm, start); vma && vma->start < end;
	     vma = vma_next(mm, vma)) {
		uint64_t from = vma->start > start ? vma->start : start;
		uint64_t to = vma->end < end ? vma->end : end;
		hole |= from > reached;
		if (!(vma->flags & VMA_SHARED))
			unmap_pages(&g, from, to);
		reached = to;
	}
	unmap_finish(&g);
	return hole || reached < end ? -ENOMEM : 0;
}

int mm_discard(struct mm *mm, uint64_t start, uint64_t length)
{
	mm_lock(mm);
	int error = discard_range(mm, start, length);
	mm_unlock(mm);
	return error;
}

/*
 * A discard changes entries only, never regions, so the address space's lock
 * suffices for it, as for a page fault (mm_fault_fast), when its tables are
 * its own (taking a table sharedpt shares needs the kernel lock:
 * mm/pagetable.c). Interrupts stay off throughout (mm/fault.h says why), so the
 * range is bounded: a longer one waits for the kernel lock instead.
 */
#define FAST_DISCARD_PAGES 512

int mm_discard_fast(struct mm *mm, uint64_t start, uint64_t length)
{
	int result = -EAGAIN;

	if (page_up(length) / PAGE_SIZE > FAST_DISCARD_PAGES)
		return result;
	uint64_t flags = hw_irq_save();
	if (fast_path_enter(mm)) {
		if (pt_range_owned(mm->root, start, start + page_up(length)))
			result = discard_range(mm, start, length);
		fast_path_leave(mm);
	}
	hw_irq_restore(flags);
	return result;
}

struct protect_context {
	struct mm *mm;
	const struct vma *vma;
};

/* The new permissions, except that a shared copy-on-write page stays read-only. */
static int protect_one(pte_t *pte, uint64_t address, void *opaque)
{
	struct protect_context *c = opaque;

	(void)address;
	*pte = mm_page_pte(c->vma, pte_page(*pte));
	return 0;
}

static int protect_range(struct mm *mm, uint64_t start, uint64_t length, unsigned prot)
{
	uint64_t end = start + page_up(length);

	if ((start & ~PAGE_MASK) || end < start)
		return -EINVAL;
	if (length == 0)
		return 0;
	/* The whole range must be mapped, and may become writable: check it all first. */
	for (uint64_t at = start; at < end;) {
		struct vma *vma = mm_find_vma(mm, at);
		if (!vma)
			return -ENOMEM;
		if ((prot & PROT_WRITE) && (vma->flags & VMA_NOWRITE))
			return -EACCES;
		at = vma->end;
	}
	bool taken = false;
	if (pt_unshare_deferred(mm->root, start, end, &taken) || vma_split(mm, start) ||
	    vma_split(mm, end)) {
		if (taken)
			tlb_flush_mm(mm);
		return -ENOMEM;
	}

	struct vma *vma = mm_find_vma(mm, start);
	while (vma && vma->start < end) {
		if ((prot & PROT_WRITE) && !(vma->prot & PROT_WRITE) &&
		    !(vma->flags & (VMA_SHARED | VMA_NORESERVE)))
			vma->flags |= VMA_ACCOUNT;
		vma->prot = prot;
		struct protect_context context = { mm, vma };
		pt_for_each_mapped(mm->root, vma->start, vma->end, protect_one, &context);
		vma = vma_next(mm, vma);
	}
	/* Once, for every region changed (and every table taken). */
	if (taken)
		tlb_flush_mm(mm);
	else
		tlb_flush_range(mm, start, end);
	vma_merge_range(mm, start, end);
	return 0;
}

int mm_protect(struct mm *mm, uint64_t start, uint64_t length, unsigned prot)
{
	mm_lock(mm);
	int error = protect_range(mm, start, length, prot);
	mm_unlock(mm);
	return error;
}

uint64_t mm_brk(struct mm *mm, uint64_t new_brk)
{
	uint64_t old_end = page_up(mm->brk), new_end = page_up(new_brk);

	/* Below the heap, or so high that rounding up wraps (it must not look like a
	 * shrink to address 0): the break stays. */
	if (new_brk < mm->brk_start || new_end < new_brk)
		return mm->brk;
	if (new_end > old_end) {
		if (!range_free(mm, old_end, new_end) ||
		    mm_map(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, VMA_HEAP))
			return mm->brk;
	} else if (new_end < old_end) {
		if (mm_unmap(mm, new_end, old_end - new_end))
			return mm->brk;
	}
	mm->brk = new_brk;
	return new_brk;
}

int mm_populate(struct mm *mm, uint64_t start, uint64_t length)
{
	for (uint64_t at = page_down(start); at < start + length; at += PAGE_SIZE) {
		int error = mm_fault(mm, at, FAULT_READ);
		if (error == -EIO)
			break;		/* the end of a mapped file: nothing more to create */
		if (error)
			return error;
	}
	return 0;
}

static int fill_in(struct mm *mm, uint64_t address, const void *src, size_t length)
{
	while (length > 0) {
		struct page *frame;
		int error = fault_kernel_write(mm, address, &frame);
		if (error)
			return error;
		uint8_t *page = page_address(frame);
		size_t offset = address & ~PAGE_MASK;
		size_t chunk = PAGE_SIZE - offset < length ? PAGE_SIZE - offset : length;
		if (src) {
			memcpy(page + offset, src, chunk);
			src = (const uint8_t *)src + chunk;
		} else {
			memset(page + offset, 0, chunk);
		}
		address += chunk;
		length -= chunk;
	}
	return 0;
}

static int fill_in_locked(struct mm *mm, uint64_t address, const void *src, size_t length)
{
	mm_lock(mm);
	int error = fill_in(mm, address, src, length);
	mm_unlock(mm);
	return error;
}

int mm_copy_in(struct mm *mm, uint64_t address, const void *src, size_t length)
{
	return fill_in_locked(mm, address, src, length);
}

int mm_zero_in(struct mm *mm, uint64_t address, size_t length)
{
	return fill_in_locked(mm, address, NULL, length);
}

size_t mm_copy_out(struct mm *mm, uint64_t address, void *dst, size_t length)
{
	size_t done = 0;

	mm_lock(mm);
	while (done < length) {
		pte_t *pte = pt_lookup(mm->root, address + done);
		if (!pte || !(*pte & PTE_PRESENT))
			break;
		size_t offset = (address + done) & ~PAGE_MASK;
		size_t chunk = PAGE_SIZE - offset < length - done ? PAGE_SIZE - offset : length - done;
		memcpy((uint8_t *)dst + done, (uint8_t *)phys_to_virt(*pte & PTE_ADDR_MASK) + offset,
		       chunk);
		done += chunk;
	}
	mm_unlock(mm);
	return done;
}

uint64_t mm_page_tables(struct mm *mm)
{
	mm_lock(mm);
	uint64_t tables = pt_count_tables(mm->root);
	mm_unlock(mm);
	return tables;
}

void mm_usage(struct mm *mm, struct mm_usage *usage)
{
	struct list_node *node;

	*usage = (struct mm_usage){ 0 };
	list_for_each(node, &mm->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		uint64_t size = vma->end - vma->start;
		usage->total += size;
		if (vma->flags & VMA_STACK)
			usage->stack += size;
		else if (vma->prot & PROT_EXEC)
			usage->exec += size;
		else if ((vma->prot & PROT_WRITE) && !(vma->flags & VMA_SHARED))
			usage->data += size;
	}
}

void mm_activate(struct mm *mm)
{
	tlb_activate(mm->root);
}

/* The kernel's own table holds no user mapping: the CPU waits there while the
 * address space it left may be freed (exit, execve). */
void mm_switch_to_kernel(void)
{
	tlb_activate(hw_kernel_root());
}
