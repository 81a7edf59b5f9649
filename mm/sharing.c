/*
 * mm/sharing.c - how the pages of an address space are shared, region by region:
 * the figures of /proc/PID/smaps.
 *
 * Linux calls a page shared when more than one page-table entry maps it (its
 * mapcount), and charges each mapper 1/mapcount of it (the proportional set size,
 * Pss). calf keeps no mapcount, but a frame's reference count is one per entry
 * mapping it, plus one the page cache holds on a file page. One entry may count
 * for several address spaces, though: under fork_mode=sharedpt the table holding
 * it can be shared, and every address space using the table maps the page through
 * it. So a page's mappers are counted as its entries other than the one walked,
 * plus the address spaces using the tables the walk went through (the product of
 * their reference counts). That is exact unless some other entry of the page is
 * itself in a shared table, where it counts for one.
 *
 * Nothing in calf is ever written back: anonymous pages and file pages (ramfs,
 * like Linux's tmpfs) are all dirty, as Linux shows pages of tmpfs and anonymous
 * memory. Only reads entries: shared tables are walked, never taken.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pte.h"
#include "mm/sharing.h"
#include "mm/vma.h"

#define TREE_LEVELS 3	/* the tables below the root: levels 0 (leaf) to 2 */

struct sharing_walk {
	struct mm *mm;
	struct vma *vma;			/* the region the last page was in */
	struct mm_page_sharing *figures;	/* one per region, in address order */
	size_t index;				/* of vma in figures */
	uint64_t users[TREE_LEVELS];		/* address spaces using the table at each
						 * level of the path walked */
};

/* The region holding address, moving forward from the last one (the walk goes
 * up the address space); NULL between regions. */
static struct vma *region_at(struct sharing_walk *w, uint64_t address)
{
	while (w->vma && w->vma->end <= address) {
		w->vma = vma_next(w->mm, w->vma);
		w->index++;
	}
	return w->vma && w->vma->start <= address ? w->vma : NULL;
}

uint64_t page_entries(const struct page *page)
{
	if (page->kind == PAGE_ANON)
		return page->refcount;
	if (page->kind == PAGE_CACHE && page->refcount > 0)
		return page->refcount - 1;
	return 0;
}

uint64_t page_mappers(const struct page *page, uint64_t path_users)
{
	uint64_t entries = page_entries(page);

	return (entries > 1 ? entries - 1 : 0) + path_users;
}

static void count_page(struct mm_page_sharing *f, const struct page *page, uint64_t path_users)
{
	uint64_t mappers = page_mappers(page, path_users);
	uint64_t share = ((uint64_t)PAGE_SIZE << MM_PSS_SHIFT) / (mappers ? mappers : 1);
	bool anonymous = page->kind == PAGE_ANON;

	f->rss += PAGE_SIZE;
	f->pss += share;
	f->pss_dirty += share;
	if (anonymous) {
		f->anonymous += PAGE_SIZE;
		f->pss_anon += share;
	} else {
		f->pss_file += share;
	}
	if (mappers > 1)
		f->shared_dirty += PAGE_SIZE;
	else
		f->private_dirty += PAGE_SIZE;
}

static int visit_table(const pte_t *entries, int level, uint64_t base, pte_t entry,
		       void *context)
{
	struct sharing_walk *w = context;

	w->users[level] = pte_page(entry)->refcount;
	if (level > 0)
		return 0;
	uint64_t path_users = w->users[0] * w->users[1] * w->users[2];
	for (unsigned i = 0; i < PAGE_SIZE / sizeof(pte_t); i++) {
		uint64_t address = base + (uint64_t)i * PAGE_SIZE;
		if (!pte_maps_frame(entries[i]) || !region_at(w, address))
			continue;
		count_page(&w->figures[w->index], pte_page(entries[i]), path_users);
	}
	return 0;
}

int mm_page_sharing(struct mm *mm, mm_sharing_fn fn, void *context)
{
	struct sharing_walk w = { mm, NULL, NULL, 0, { 1, 1, 1 } };
	struct list_node *node;
	size_t regions = 0;

	list_for_each(node, &mm->vmas)
		regions++;
	if (regions == 0)
		return 0;
	w.figures = kzalloc(regions * sizeof(*w.figures));
	if (!w.figures)
		return -ENOMEM;
	w.vma = list_entry(mm->vmas.next, struct vma, link);
	mm_lock(mm);
	pt_walk_tree(mm->root, visit_table, &w);
	mm_unlock(mm);
	size_t index = 0;
	list_for_each(node, &mm->vmas)
		fn(list_entry(node, struct vma, link), &w.figures[index++], context);
	kfree(w.figures);
	return 0;
}
