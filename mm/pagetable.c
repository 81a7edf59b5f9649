/*
 * mm/pagetable.c - walking and building user page tables.
 *
 * Intermediate entries are created present, writable and user-accessible: the leaf
 * entry alone decides what a user page allows, so changing a protection never has to
 * touch more than one entry.
 *
 * The one exception is a shared leaf table (fork_mode=sharedpt): several address
 * spaces point at the same leaf table, its frame's reference count is the number of
 * entries pointing at it, and each of those entries has its write bit clear, which
 * makes all 512 pages read-only for everyone at once. Nothing writes a leaf entry
 * of a shared table: whoever means to first takes the table for its own
 * (own_table) - a copy if others still use it, or just the write bit back if it is
 * the last user. Readers (pt_lookup, the audit) read through shared tables.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/pagetable.h"

#define ENTRIES 512
#define USER_ENTRIES 256	/* PML4 slots 0..255 are user space */
#define LEVEL_SHIFT(level) (PAGE_SHIFT + 9 * (level))
#define INDEX(address, level) (((address) >> LEVEL_SHIFT(level)) & (ENTRIES - 1))
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

static pte_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys);
}

uint64_t pt_create(void)
{
	struct page *page = frame_alloc(PAGE_TABLE, FRAME_ZERO);

	if (!page)
		return 0;
	uint64_t root = page_to_phys(page);
	memcpy(table_at(root) + USER_ENTRIES, table_at(hw_kernel_root()) + USER_ENTRIES,
	       USER_ENTRIES * sizeof(pte_t));
	return root;
}

struct pt_stats pt_stats;

static struct page *table_page(uint64_t table)
{
	return pfn_to_page(table >> PAGE_SHIFT);
}

static void free_subtree(uint64_t table, int level)
{
	pte_t *entries = table_at(table);

	if (level == 0 && table_page(table)->refcount > 1) {
		/* A shared leaf table: the other users keep it, and its entries. */
		frame_put(table_page(table));
		return;
	}
	if (level > 0) {
		for (int i = 0; i < ENTRIES; i++)
			if (entries[i] & PTE_PRESENT)
				free_subtree(entries[i] & PTE_ADDR_MASK, level - 1);
	} else {
		for (int i = 0; i < ENTRIES; i++)
			if (entries[i] & (PTE_PRESENT | PTE_PROTNONE))
				panic("pt_destroy: leaf entry %d still maps %#lx", i,
				      entries[i] & PTE_ADDR_MASK);
	}
	frame_put(pfn_to_page(table >> PAGE_SHIFT));
}

void pt_destroy(uint64_t root)
{
	pte_t *pml4 = table_at(root);

	for (int i = 0; i < USER_ENTRIES; i++)
		if (pml4[i] & PTE_PRESENT)
			free_subtree(pml4[i] & PTE_ADDR_MASK, 2);
	frame_put(pfn_to_page(root >> PAGE_SHIFT));
}

/*
 * Make the leaf table that `entry` (a level-1 entry) points at this address
 * space's own, so that its entries may be written: a private copy while others
 * share it, each frame it maps gaining the copy's reference; or, for its last
 * user, just the write bit back. 0, or -ENOMEM.
 */
static int own_table(pte_t *entry)
{
	struct page *table = table_page(*entry & PTE_ADDR_MASK);

	if (table->refcount > 1) {
		struct page *copy = frame_alloc(PAGE_TABLE, 0);
		if (!copy)
			return -ENOMEM;
		const pte_t *from = table_at(*entry & PTE_ADDR_MASK);
		pte_t *to = page_address(copy);
		for (int i = 0; i < ENTRIES; i++) {
			to[i] = from[i];
			if (from[i] & (PTE_PRESENT | PTE_PROTNONE))
				frame_get(pfn_to_page((from[i] & PTE_ADDR_MASK) >> PAGE_SHIFT));
		}
		frame_put(table);
		*entry = page_to_phys(copy) | TABLE_FLAGS;
		pt_stats.tables_unshared++;
	} else {
		*entry |= PTE_WRITE;
		pt_stats.tables_reclaimed++;
	}
	return 0;
}

static bool table_is_owned(pte_t entry)
{
	return entry & PTE_WRITE;
}

/*
 * The entry at `level` (3: the root's) that serves address; with `create`, the
 * missing tables above it are made. NULL when absent or out of memory.
 */
/* Make a missing table for `entry` to point at; false when out of memory. */
static bool make_table(pte_t *entry)
{
	struct page *page = frame_alloc(PAGE_TABLE, FRAME_ZERO);

	if (!page)
		return false;
	*entry = page_to_phys(page) | TABLE_FLAGS;
	return true;
}

static pte_t *upper_walk(uint64_t root, uint64_t address, int level, bool create)
{
	pte_t *table = table_at(root);

	for (int l = 3; l > level; l--) {
		pte_t *entry = &table[INDEX(address, l)];
		if (!(*entry & PTE_PRESENT) && (!create || !make_table(entry)))
			return NULL;
		table = table_at(*entry & PTE_ADDR_MASK);
	}
	return &table[INDEX(address, level)];
}

/*
 * The leaf entry for address. With `create`, missing tables are made and a shared
 * leaf table is taken for this address space (the caller means to write the entry;
 * the whole address space's TLB is flushed when a table changes under it).
 */
static pte_t *walk(uint64_t root, uint64_t address, bool create)
{
	pte_t *entry = upper_walk(root, address, 1, create);

	if (!entry)
		return NULL;
	if (!(*entry & PTE_PRESENT)) {
		if (!create || !make_table(entry))
			return NULL;
	} else if (create && !table_is_owned(*entry)) {
		if (own_table(entry))
			return NULL;
		pt_flush_all(root);
	}
	return &table_at(*entry & PTE_ADDR_MASK)[INDEX(address, 0)];
}

pte_t pt_table_entry(uint64_t root, uint64_t address)
{
	pte_t *entry = upper_walk(root, address, 1, false);

	return entry ? *entry : 0;
}

pte_t *pt_lookup(uint64_t root, uint64_t address)
{
	return walk(root, address, false);
}

pte_t *pt_lookup_create(uint64_t root, uint64_t address)
{
	return walk(root, address, true);
}

static uint64_t count_below(uint64_t table, int level)
{
	pte_t *entries = table_at(table);
	uint64_t count = 1;

	if (level > 0)
		for (int i = 0; i < ENTRIES; i++)
			if (entries[i] & PTE_PRESENT)
				count += count_below(entries[i] & PTE_ADDR_MASK, level - 1);
	return count;
}

uint64_t pt_count_tables(uint64_t root)
{
	pte_t *pml4 = table_at(root);
	uint64_t count = 0;

	for (int i = 0; i < USER_ENTRIES; i++)
		if (pml4[i] & PTE_PRESENT)
			count += count_below(pml4[i] & PTE_ADDR_MASK, 2);
	return count;
}

/*
 * The slots [*first, *last] of a table at `level` mapping from `base` that
 * overlap [start, end), which must overlap the table's span. Walks index straight
 * to them instead of testing all 512 slots, which matters because every region
 * of every fork walks its own range.
 */
static void slot_range(int level, uint64_t base, uint64_t start, uint64_t end,
		       unsigned slots, unsigned *first, unsigned *last)
{
	int shift = LEVEL_SHIFT(level);
	uint64_t last_slot = (end - 1 - base) >> shift;

	*first = start > base ? (start - base) >> shift : 0;
	*last = last_slot < slots ? last_slot : slots - 1;
}

struct pt_walk {
	pt_table_fn fn;
	void *context;
	enum pt_shared shared;
	bool *changed;		/* a level-1 entry changed: flush at the end */
};

/*
 * Hand each leaf table under the table at `level` (mapping from `base`) that
 * serves [start, end) to fn, with the slots that overlap the range. Absent
 * subtrees are skipped in one step, which is what makes walks fast on sparse
 * address spaces.
 */
static int walk_tables(uint64_t table, int level, uint64_t base, uint64_t start,
		       uint64_t end, const struct pt_walk *w)
{
	pte_t *entries = table_at(table);
	unsigned slots = level == 3 ? USER_ENTRIES : ENTRIES, first, last;

	slot_range(level, base, start, end, slots, &first, &last);
	if (level == 0)
		return w->fn(entries, first, last, base + ((uint64_t)first << PAGE_SHIFT),
			     w->context);
	for (unsigned i = first; i <= last; i++) {
		if (!(entries[i] & PTE_PRESENT))
			continue;
		if (level == 1 && !table_is_owned(entries[i])) {
			if (w->shared == PT_SKIP_SHARED && table_page(entries[i])->refcount > 1)
				continue;
			if (w->shared == PT_OWN_SHARED) {
				if (own_table(&entries[i]))
					return -ENOMEM;
				*w->changed = true;
			}
		}
		int result = walk_tables(entries[i] & PTE_ADDR_MASK, level - 1,
					 base + ((uint64_t)i << LEVEL_SHIFT(level)), start, end, w);
		if (result)
			return result;
	}
	return 0;
}

int pt_for_each_table(uint64_t root, uint64_t start, uint64_t end, enum pt_shared shared,
		      pt_table_fn fn, void *context)
{
	uint64_t user_end = (uint64_t)USER_ENTRIES << LEVEL_SHIFT(3);
	bool changed = false;
	struct pt_walk w = { fn, context, shared, &changed };

	if (end > user_end)
		end = user_end;
	if (start >= end)
		return 0;
	int result = walk_tables(root, 3, 0, start, end, &w);
	if (changed)
		pt_flush_all(root);
	return result;
}

struct entry_walk {
	pt_visit_fn visit;
	void *context;
};

static int visit_entries(pte_t *entries, unsigned first, unsigned last, uint64_t address,
			 void *opaque)
{
	struct entry_walk *walk = opaque;

	for (unsigned i = first; i <= last; i++, address += PAGE_SIZE) {
		if (!pte_maps_frame(entries[i]))
			continue;
		int result = walk->visit(&entries[i], address, walk->context);
		if (result)
			return result;
	}
	return 0;
}

int pt_for_each_mapped(uint64_t root, uint64_t start, uint64_t end, enum pt_shared shared,
			pt_visit_fn visit, void *context)
{
	struct entry_walk walk = { visit, context };

	return pt_for_each_table(root, start, end, shared, visit_entries, &walk);
}

/*
 * Point `to`'s level-1 entries for [start, end) at `from`'s leaf tables, write
 * bit clear in both: the tables are shared from now on (see the top of this
 * file). Upper tables of `to` are made as needed. 0, or -ENOMEM part way (the
 * tables shared so far are properly referenced; destroying `to` undoes them).
 */
static int share_level(uint64_t from, uint64_t to_root, int level, uint64_t base,
		       uint64_t start, uint64_t end)
{
	pte_t *entries = table_at(from);
	unsigned slots = level == 3 ? USER_ENTRIES : ENTRIES, first, last;

	slot_range(level, base, start, end, slots, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		uint64_t lo = base + ((uint64_t)i << LEVEL_SHIFT(level));
		if (!(entries[i] & PTE_PRESENT))
			continue;
		if (level > 1) {
			int error = share_level(entries[i] & PTE_ADDR_MASK, to_root, level - 1,
						lo, start, end);
			if (error)
				return error;
			continue;
		}
		pte_t *to_entry = upper_walk(to_root, lo, 1, true);
		if (!to_entry)
			return -ENOMEM;
		if (*to_entry & PTE_PRESENT)
			continue;	/* shared already, for a region before this one */
		entries[i] &= ~PTE_WRITE;
		frame_get(table_page(entries[i] & PTE_ADDR_MASK));
		*to_entry = entries[i];
		pt_stats.tables_shared++;
	}
	return 0;
}

int pt_share_tables(uint64_t from_root, uint64_t to_root, uint64_t start, uint64_t end)
{
	uint64_t user_end = (uint64_t)USER_ENTRIES << LEVEL_SHIFT(3);

	if (end > user_end)
		end = user_end;
	return start < end ? share_level(from_root, to_root, 3, 0, start, end) : 0;
}

/*
 * Free the tables below `table` (at `level`, mapping from `base`) that serve
 * [start, end) and whose whole span lies within [floor, ceiling): no region uses
 * any of it, so they are empty. Returns whether anything was freed.
 */
static bool prune_level(uint64_t table, int level, uint64_t base, const struct pt_range *r)
{
	pte_t *entries = table_at(table);
	uint64_t span = 1ul << LEVEL_SHIFT(level);
	unsigned slots = level == 3 ? USER_ENTRIES : ENTRIES, first, last;
	bool freed = false;

	slot_range(level, base, r->start, r->end, slots, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		uint64_t lo = base + (uint64_t)i * span, hi = lo + span;
		if (!(entries[i] & PTE_PRESENT))
			continue;
		if (lo >= r->floor && hi <= r->ceiling) {
			free_subtree(entries[i] & PTE_ADDR_MASK, level - 1);
			entries[i] = 0;
			freed = true;
		} else if (level > 1) {
			freed |= prune_level(entries[i] & PTE_ADDR_MASK, level - 1, lo, r);
		}
	}
	return freed;
}

void pt_prune(uint64_t root, const struct pt_range *range)
{
	uint64_t user_end = (uint64_t)USER_ENTRIES << LEVEL_SHIFT(3);
	struct pt_range r = *range;

	if (r.end > user_end)
		r.end = user_end;
	/* The PML4 is level 3; its user half is all a process owns. The CPU may cache
	 * upper-level entries: none may lead to a freed table. */
	if (r.start < r.end && prune_level(root, 3, 0, &r))
		pt_flush_all(root);
}

void pt_flush_page(uint64_t root, uint64_t address)
{
	if (hw_active_root() == root)
		hw_flush_page(address);
}

void pt_flush_all(uint64_t root)
{
	if (hw_active_root() == root)
		hw_flush_all();
}

void pt_activate(uint64_t root)
{
	if (hw_active_root() != root)
		hw_activate(root);
}
