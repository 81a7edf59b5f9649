/*
 * mm/fork.c - the child's address space at fork, by one of the fork strategies.
 *
 * Every strategy gives the child the same regions and the same contents; they
 * differ in when private pages are copied:
 *   copy  every private page now, as Unix did before copy-on-write: fork costs a
 *         copy of the parent's resident memory;
 *   cow   none now: both sides map the frame read-only with its reference count
 *         raised, and the first write by either copies it (mm/fault.c). fork costs
 *         one page-table entry per resident page.
 *   sharedpt  not even the page-table entries: the child points at the parent's
 *         tables of mm_sharedpt_level (by default the directories, 1 GiB each;
 *         or the leaf tables, 2 MiB; or those below the root, 512 GiB),
 *         read-only at the level above (mm/pagetable.c), and no leaf entry
 *         changes. The first write by either side under a table copies it (512
 *         entries, a reference on each thing they point at, and the write bit
 *         cleared below in both copies), then each table below on the way, then
 *         the page, as under cow; if the other side has gone by then, the
 *         writer takes the table back without a copy, and its pages are still
 *         writable. fork costs one entry per shared table, whatever is
 *         resident. The stack and small private writable regions are forked
 *         entry by entry (forked_by_entries), and a small process as under cow
 *         (mm_sharedpt_min_resident).
 * Shared regions (MAP_SHARED) are shared in every mode, and so are the page-cache
 * frames a private file mapping has not yet copied: they are the file's, not the
 * process's, and must keep showing the file's current contents in both.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/vma.h"

enum fork_mode mm_fork_mode = FORK_MODE_COW;

static const char *const mode_names[FORK_MODE_COUNT] = {
	[FORK_MODE_COPY] = "copy",
	[FORK_MODE_COW] = "cow",
	[FORK_MODE_SHAREDPT] = "sharedpt",
};

const char *fork_mode_name(enum fork_mode mode)
{
	return mode < FORK_MODE_COUNT ? mode_names[mode] : "?";
}

int fork_mode_parse(const char *text, size_t length, enum fork_mode *mode)
{
	if (length > 0 && text[length - 1] == '\n')
		length--;
	for (int m = 0; m < FORK_MODE_COUNT; m++) {
		if (strlen(mode_names[m]) == length && memcmp(mode_names[m], text, length) == 0) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

struct fork_context {
	struct mm *parent, *child;
	const struct vma *vma;
	enum fork_mode mode;
	int error;
};

/* The child's own copy of a private page. */
static int copy_page(struct fork_context *c, pte_t *child_pte, pte_t pte)
{
	struct page *copy = frame_alloc(PAGE_ANON, 0);

	if (!copy)
		return -ENOMEM;
	memcpy(page_address(copy), page_address(pte_page(pte)), PAGE_SIZE);
	*child_pte = mm_page_pte(c->vma, copy);
	c->child->counters.pages_copied_at_fork++;
	vm_stats.fork_pages_copied++;
	return 0;
}

/*
 * Share a run of entries with the child: one more reference to each frame, and
 * in a private region neither side may write an anonymous page any more. This
 * loop is fork's whole cost per resident page under fork_mode=cow, so it does
 * nothing else. Returns the number of pages made copy-on-write.
 */
static uint64_t share_entries(pte_t *parent, pte_t *child, unsigned first, unsigned last,
			      bool private)
{
	uint64_t cow = 0;

	for (unsigned i = first; i <= last; i++) {
		pte_t pte = parent[i];
		if (!pte_maps_frame(pte))
			continue;
		struct page *page = pte_page(pte);
		frame_get(page);
		if (private && page->kind == PAGE_ANON) {
			pte &= ~PTE_WRITE;
			parent[i] = pte;
			cow++;
		}
		child[i] = pte;
	}
	return cow;
}

/* fork_mode=copy: the child gets its own copy of every private anonymous page. */
static int copy_entries(struct fork_context *c, pte_t *parent, pte_t *child, unsigned first,
			unsigned last)
{
	for (unsigned i = first; i <= last; i++) {
		if (!pte_maps_frame(parent[i]))
			continue;
		if (pte_page(parent[i])->kind != PAGE_ANON)
			share_entries(parent, child, i, i, false);
		else if (copy_page(c, &child[i], parent[i]))
			return -ENOMEM;
	}
	return 0;
}

static uint64_t count_mapped(const pte_t *entries, unsigned first, unsigned last)
{
	uint64_t count = 0;

	for (unsigned i = first; i <= last; i++)
		count += pte_maps_frame(entries[i]);
	return count;
}

/*
 * The child's entries for one leaf table of the parent's. The child's table is
 * found (or made) once for the whole run, not walked from the root per page.
 */
static int fork_table(pte_t *parent, unsigned first, unsigned last, uint64_t address,
		      void *opaque)
{
	struct fork_context *c = opaque;
	pte_t *child = pt_lookup_create(c->child->root, address);
	bool private = !(c->vma->flags & VMA_SHARED);

	if (!child)
		return c->error = -ENOMEM;
	child -= first;		/* index it like the parent's table */
	if (c->mode == FORK_MODE_COPY && private) {
		if ((c->error = copy_entries(c, parent, child, first, last)))
			return c->error;
	} else {
		vm_stats.fork_pages_shared += share_entries(parent, child, first, last, private);
	}
	c->child->resident_pages += count_mapped(child, first, last);
	return 0;
}

/* The child's entries for one region, by the strategy of fork_mode copy or cow. */
static int fork_region(struct mm *parent, struct mm *child, const struct vma *vma,
		       enum fork_mode mode)
{
	struct fork_context context = { parent, child, vma, mode, 0 };

	pt_for_each_table(parent->root, vma->start, vma->end, fork_table, &context);
	return context.error;
}

/*
 * fork_mode=copy while sibling threads run on other CPUs: they would go on
 * writing the parent's pages while fork copies them one by one, and the child
 * would see some pages from before a write and others from after it (threadfork
 * at -smp 4 saw it). So first every private anonymous page loses its write bit
 * and the other CPUs flush: from then on a sibling's write faults and waits for
 * the address space's lock, which fork holds until the child is complete, and every page
 * is copied as it was at that flush. Each side takes its page back without a copy
 * on its next write (the frame is its own: mm/fault.c reuses it).
 */
static int protect_table(pte_t *entries, unsigned first, unsigned last, uint64_t address,
			 void *opaque)
{
	(void)address;
	(void)opaque;
	for (unsigned i = first; i <= last; i++)
		if (pte_maps_frame(entries[i]) && pte_page(entries[i])->kind == PAGE_ANON)
			entries[i] &= ~PTE_WRITE;
	return 0;
}

static void stop_sibling_writes(struct mm *parent)
{
	struct list_node *node;

	list_for_each(node, &parent->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		if (!(vma->flags & VMA_SHARED))
			pt_for_each_table(parent->root, vma->start, vma->end, protect_table, NULL);
	}
	tlb_flush_mm(parent);
}

static int fork_entries(struct mm *parent, struct mm *child, enum fork_mode mode)
{
	struct list_node *node;

	if (mode == FORK_MODE_COPY && tlb_loaded_elsewhere(parent->root))
		stop_sibling_writes(parent);
	list_for_each(node, &parent->vmas) {
		int error = fork_region(parent, child, list_entry(node, struct vma, link), mode);
		if (error)
			return error;
	}
	return 0;
}

/*
 * sharedpt pays off once a process has memory to speak of: a small one's few
 * tables are written at once by both sides (stack, data), and copying a whole
 * table on that first write costs more than forking its entries as cow does. So a
 * parent with fewer resident pages than this forks as under cow. Tests lower it.
 */
unsigned mm_sharedpt_min_resident = 1024;

/* The level of the tables sharedpt shares (1: directories; see mm.h). */
int mm_sharedpt_level = 1;

/*
 * Some regions both sides write the moment fork returns: the stack (a call is
 * a write), and the C library's data (its fork takes and drops locks), which
 * is small. Sharing their tables would only make each side copy them at once
 * (512 entries each), so they are forked entry by entry, as under cow, which
 * costs the few entries they have: the stack, and every private writable
 * region smaller than a leaf table's 2 MiB (data, bss, a small heap). The
 * tables above them are the child's own, and the rest is shared below them.
 */
unsigned mm_sharedpt_small_pages = 512;

static bool forked_by_entries(const struct vma *vma)
{
	bool small = (vma->end - vma->start) / PAGE_SIZE < mm_sharedpt_small_pages;
	bool private_writable = !(vma->flags & VMA_SHARED) && (vma->prot & PROT_WRITE);

	return (vma->flags & VMA_GROWSDOWN) || (small && private_writable);
}

/*
 * fork_mode=sharedpt: the child uses the parent's tables of mm_sharedpt_level
 * (or lower ones, under a table the child has of its own). Not one leaf entry
 * is touched: the read-only entries above the shared tables keep both sides
 * from writing any page under them, and the first writer's copy of a table
 * write-protects what it maps then (mm/pagetable.c, own_table).
 */
static int share_tables(struct mm *parent, struct mm *child)
{
	struct list_node *node;
	int error = 0;

	list_for_each(node, &parent->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		if (forked_by_entries(vma) &&
		    (error = fork_region(parent, child, vma, FORK_MODE_COW)))
			return error;
	}
	/* Region by region, not the whole address space: most of it is empty. */
	list_for_each(node, &parent->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		struct fork_context context = { parent, child, vma, FORK_MODE_COW, 0 };
		if (!forked_by_entries(vma) &&
		    (error = pt_share_tables(parent->root, child->root, vma->start, vma->end,
					     mm_sharedpt_level, fork_table, &context)))
			return error;
	}
	child->resident_pages = parent->resident_pages;
	return 0;
}

static int clone_regions(struct mm *parent, struct mm *child)
{
	struct list_node *node;

	list_for_each(node, &parent->vmas) {
		struct vma *copy = vma_clone(list_entry(node, struct vma, link));
		if (!copy)
			return -ENOMEM;
		vma_insert(child, copy);
	}
	return 0;
}

static void copy_layout(struct mm *child, const struct mm *parent)
{
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->start_code = parent->start_code;
	child->end_code = parent->end_code;
	child->start_data = parent->start_data;
	child->end_data = parent->end_data;
	child->start_stack = parent->start_stack;
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->env_start = parent->env_start;
	child->env_end = parent->env_end;
	child->stack_limit = parent->stack_limit;
}

static struct mm *fork_locked(struct mm *parent)
{
	struct mm *child = mm_create();
	enum fork_mode mode = mm_fork_mode;

	if (mode == FORK_MODE_SHAREDPT && parent->resident_pages < mm_sharedpt_min_resident)
		mode = FORK_MODE_COW;
	if (!child)
		return NULL;
	copy_layout(child, parent);
	int error = clone_regions(parent, child);
	if (!error)
		error = mode == FORK_MODE_SHAREDPT ? share_tables(parent, child) :
						     fork_entries(parent, child, mode);
	/* The parent's entries may have lost their write bit: no stale TLB entry may
	 * let it write a frame the child now shares. (Also after a failure: the
	 * entries stay read-only, and the next write takes the frame back in place.) */
	tlb_flush_mm(parent);
	if (error) {
		mm_put(child);
		return NULL;
	}
	return child;
}

struct mm *mm_fork(struct mm *parent)
{
	mm_lock(parent);
	struct mm *child = fork_locked(parent);
	mm_unlock(parent);
	return child;
}
