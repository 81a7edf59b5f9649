/*
 * mm/audit.c - mm_audit: every invariant of user memory, checked at once.
 *
 * The rest of mm/ keeps these invariants one operation at a time; this file checks
 * that they all still hold together, from scratch, so that a bug anywhere (a lost
 * reference, a stale writable entry, a leaked page table) is reported where it is
 * first visible instead of as a corruption much later. The kernel runs it when
 * /proc/sys/vm/mm_audit is read and, with `mm_audit` on the command line, after
 * every process exit; the host tests run it after every step of their random runs.
 *
 * What is checked:
 *   - regions: page aligned, non-empty, sorted, not overlapping, in user space;
 *   - entries: each maps a frame of a user kind, lies inside a region, is a user
 *     entry whose write, execute and PROT_NONE bits agree with the region, and, in
 *     a private region, is writable only if its frame is exclusive (copy-on-write);
 *   - counts: each address space's resident_pages is its mapped entries; each
 *     anonymous frame's reference count is the entries mapping it, each page-cache
 *     frame's one more (the cache's own); no anonymous frame is unmapped;
 *   - page tables: the frames of kind PAGE_TABLE are exactly the address spaces'
 *     roots and tables, each with one reference per entry pointing at it (a root:
 *     one, its address space's); a table shared by several address spaces
 *     (sharedpt, at any level) is reached only through read-only entries, and
 *     its own entries are counted once, not once per address space;
 *   - the frame allocator's own invariants (frames_check).
 */
#include <stdarg.h>
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/fault.h"
#include "lib/format.h"

struct audit {
	uint32_t *mappings;		/* per pfn: entries mapping the frame, or
					 * pointing at the table (roots: one more) */
	size_t pfns;
	struct mm *mm;			/* the address space being walked */
	uint64_t entries;		/* its mapped entries */
	/* Per level: is the table being walked at that level reached for the first
	 * time? Only then do its entries count as references. */
	bool first_visit[4];
	char *report;
	size_t size;
	bool failed;
};

static int fail(struct audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the first violation; returns 1 so that walks stop. */
static int fail(struct audit *a, const char *fmt, ...)
{
	va_list args;

	if (!a->failed) {
		va_start(args, fmt);
		vsnprintf(a->report, a->size, fmt, args);
		va_end(args);
		a->failed = true;
	}
	return 1;
}

static int check_regions(struct audit *a, struct mm *mm)
{
	struct list_node *node;
	uint64_t previous_end = 0;

	list_for_each(node, &mm->vmas) {
		struct vma *vma = list_entry(node, struct vma, link);
		if ((vma->start | vma->end) & ~PAGE_MASK || vma->start >= vma->end ||
		    vma->end > MM_STACK_TOP)
			return fail(a, "region %#lx-%#lx is malformed", vma->start, vma->end);
		if (vma->start < previous_end)
			return fail(a, "region %#lx-%#lx overlaps or is out of order", vma->start,
				    vma->end);
		if (vma->mm != mm)
			return fail(a, "region %#lx-%#lx belongs to another address space",
				    vma->start, vma->end);
		previous_end = vma->end;
	}
	return 0;
}

/* The entry bits the region allows, apart from write (checked separately). */
static int check_entry_bits(struct audit *a, const struct vma *vma, pte_t pte, uint64_t address)
{
	pte_t allowed = mm_pte_flags(vma);

	if (!(allowed & PTE_PRESENT))
		return (pte & PTE_PRESENT) ? fail(a, "entry at %#lx is present in a PROT_NONE "
						  "region", address) : 0;
	if (!(pte & PTE_PRESENT) || !(pte & PTE_USER))
		return fail(a, "entry at %#lx is not a present user entry (%#lx)", address, pte);
	if ((pte & PTE_WRITE) && !(allowed & PTE_WRITE))
		return fail(a, "entry at %#lx is writable in a read-only region", address);
	if ((pte & PTE_NX) != (allowed & PTE_NX))
		return fail(a, "entry at %#lx has the wrong execute permission", address);
	return 0;
}

static int audit_entry(pte_t pte, uint64_t address, struct audit *a)
{
	uint64_t pfn = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
	struct page *page = pfn_to_page(pfn);
	struct vma *vma = mm_find_vma(a->mm, address);

	if (!page || (page->kind != PAGE_ANON && page->kind != PAGE_CACHE))
		return fail(a, "entry at %#lx maps frame %#lx of kind %d", address, pfn,
			    page ? page->kind : -1);
	if (!vma)
		return fail(a, "entry at %#lx (frame %#lx) is outside every region", address, pfn);
	if (check_entry_bits(a, vma, pte, address))
		return 1;
	bool shared = vma->flags & VMA_SHARED;
	if (!shared && (pte & PTE_WRITE) && !page_exclusive(page))
		return fail(a, "entry at %#lx is writable but frame %#lx has %u references "
			    "(copy-on-write broken)", address, pfn, page->refcount);
	if (shared && vma->backing && page->kind != PAGE_CACHE)
		return fail(a, "entry at %#lx in a shared file region maps an anonymous frame",
			    address);
	if (!vma->backing && page->kind != PAGE_ANON)
		return fail(a, "entry at %#lx in an anonymous region maps a page-cache frame",
			    address);
	a->entries++;
	return 0;
}

static unsigned count_present(const pte_t *entries, unsigned slots)
{
	unsigned count = 0;

	for (unsigned i = 0; i < slots; i++)
		count += (entries[i] & PTE_PRESENT) != 0;
	return count;
}

/* The entries of a leaf table, against this address space's regions. */
static int audit_leaves(struct audit *a, const pte_t *entries, uint64_t address, bool counting)
{
	for (int i = 0; i < 512; i++, address += PAGE_SIZE) {
		if (!pte_maps_frame(entries[i]))
			continue;
		if (audit_entry(entries[i], address, a))
			return 1;
		a->mappings[(entries[i] & PTE_ADDR_MASK) >> PAGE_SHIFT] += counting;
	}
	return 0;
}

/*
 * A table, each time some address space reaches it: the entry leading to it
 * counts as one of its references only when the table holding that entry is
 * seen for the first time; a leaf table's entries are checked against every
 * address space that reaches it.
 */
static int audit_table(const pte_t *entries, int level, uint64_t base, pte_t entry,
		       void *context)
{
	struct audit *a = context;
	struct page *table = virt_to_page(entries);
	uint64_t pfn = page_to_pfn(table);
	bool first = false;

	if (table->kind != PAGE_TABLE)
		return fail(a, "the level-%d table for %#lx is frame %#lx of kind %d", level, base,
			    pfn, table->kind);
	if ((entry & (PTE_USER | PTE_PROTNONE | PTE_ADDR_MASK)) != (PTE_USER | page_to_phys(table)))
		return fail(a, "the entry for the level-%d table at %#lx is malformed (%#lx)",
			    level, base, entry);
	if (table->refcount > 1 && (entry & PTE_WRITE))
		return fail(a, "level-%d table %#lx has %u users but is writable at %#lx", level,
			    pfn, table->refcount, base);
	if (a->first_visit[level + 1])
		first = a->mappings[pfn]++ == 0;
	a->first_visit[level] = first;
	if (first && level > 0 && count_present(entries, 512) != table->table.present)
		return fail(a, "level-%d table %#lx counts %u present entries but has %u", level,
			    pfn, table->table.present, count_present(entries, 512));
	return level == 0 ? audit_leaves(a, entries, base, first) : 0;
}

static int audit_mm(struct audit *a, struct mm *mm)
{
	struct page *root = pfn_to_page(mm->root >> PAGE_SHIFT);

	if (check_regions(a, mm))
		return 1;
	if (!root || root->kind != PAGE_TABLE || a->mappings[page_to_pfn(root)]++)
		return fail(a, "an address space's root %#lx is not a page table of its own",
			    mm->root);
	if (count_present(phys_to_virt(mm->root), 256) != root->table.present)
		return fail(a, "an address space's root counts %u present entries but has %u",
			    root->table.present, count_present(phys_to_virt(mm->root), 256));
	a->mm = mm;
	a->entries = 0;
	a->first_visit[3] = true;
	if (pt_walk_tree(mm->root, audit_table, a))
		return 1;
	if (a->entries != mm->resident_pages)
		return fail(a, "an address space counts %lu resident pages but maps %lu",
			    mm->resident_pages, a->entries);
	return 0;
}

static int audit_frames(struct audit *a)
{
	for (size_t pfn = 0; pfn < a->pfns; pfn++) {
		struct page *page = pfn_to_page(pfn);
		uint32_t expected = a->mappings[pfn];

		if (page->kind == PAGE_CACHE && page->refcount != expected + 1)
			return fail(a, "page-cache frame %#lx has %u references, %u mappings + 1 "
				    "expected", pfn, page->refcount, expected);
		if (page->kind == PAGE_ANON && page->refcount != expected)
			return fail(a, "anonymous frame %#lx has %u references but %u mappings%s",
				    pfn, page->refcount, expected,
				    expected ? "" : " (leaked)");
		if (page->kind == PAGE_TABLE && page->refcount != expected)
			return fail(a, "page table %#lx has %u references but %u users%s", pfn,
				    page->refcount, expected, expected ? "" : " (leaked)");
	}
	return 0;
}

static void audit_all(struct audit *a, struct mm *const *mms, size_t count)
{
	if (frames_check() != 0) {
		snprintf(a->report, a->size, "the frame allocator's own check failed");
		a->failed = true;
		return;
	}
	memset(a->mappings, 0, a->pfns * sizeof(*a->mappings));
	for (size_t i = 0; i < count && !a->failed; i++)
		audit_mm(a, mms[i]);
	if (!a->failed)
		audit_frames(a);
	if (!a->failed)
		snprintf(a->report, a->size, "clean: %zu address spaces, %zu frames", count,
			 a->pfns);
}

int mm_audit(struct mm *const *mms, size_t count, uint32_t *workspace, char *report,
	     size_t size)
{
	struct audit a = { .mappings = workspace, .pfns = frames_pfn_count(), .report = report,
			   .size = size };

	/* The kernel lock keeps everything else still (mm/fault.c). */
	fast_paths_pause();
	audit_all(&a, mms, count);
	fast_paths_resume();
	return a.failed ? -1 : 0;
}
