/*
 * mm/pagetable.c - walking and building user page tables.
 *
 * Levels are numbered from the leaves: a leaf table (its entries map pages) is
 * level 0, a directory (2 MiB per entry) level 1, a directory-pointer table
 * (1 GiB per entry) level 2, the root (PML4) level 3. An entry at level l + 1
 * points at a table at level l.
 *
 * Intermediate entries are created present, writable and user-accessible: the leaf
 * entry alone decides what a user page allows, so changing a protection never has to
 * touch more than one entry.
 *
 * The one exception is a shared table (fork_mode=sharedpt): several address
 * spaces reach the same table below their roots, its frame's reference count is
 * the number of entries pointing at it, and each of those entries has its write
 * bit clear. The processor needs the write bit at every level, so that one clear
 * bit makes everything under the table read-only for everyone at once - whatever
 * the entries below say, so fork leaves them alone. What a shared table points
 * at holds one reference for the table, not one per address space: a writable
 * leaf entry still maps an exclusive frame.
 *
 * Nothing writes an entry of a shared table except to clear its write bit (which
 * every sharer may do): whoever means to change one first takes the table for
 * its own (own_table) - a copy if others still use it, or just the write bit
 * back if it is the last user - and so on down from the root, one level at a
 * time. That is the one step every change makes first: pt_unshare for a range,
 * pt_lookup_create for the one page of a fault. The only other writer is
 * truncation without memory for a copy, which clears entries every sharer
 * loses alike (mm_object_truncate says why that is right). Walks read through
 * shared tables (pt_for_each_table, pt_lookup), and the walk that tears an
 * address space down drops its references on them (pt_release). Outside this
 * file only fork (which shares them), the audit (which checks them) and the
 * reports that count a page's users (smaps, pagemap) know tables can be shared.
 */
#include "mm/internal.h"
#include "mm/frame.h"
#include "mm/pagetable.h"
#include "mm/tlb.h"

#define ENTRIES 512
#define USER_ENTRIES 256	/* PML4 slots 0..255 are user space */
#define ROOT_LEVEL 3
#define LEVEL_SHIFT(level) (PAGE_SHIFT + 9 * (level))
#define INDEX(address, level) (((address) >> LEVEL_SHIFT(level)) & (ENTRIES - 1))
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)
#define USER_END ((uint64_t)USER_ENTRIES << LEVEL_SHIFT(ROOT_LEVEL))

static pte_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys);
}

uint64_t pt_create(void)
{
	struct page *page = frame_alloc(PAGE_TABLE, FRAME_ZERO);

	if (!page)
		return 0;
	page->table.present = 0;	/* counts user entries only */
	page->table.cpus = 0;		/* loaded nowhere yet (mm/tlb.h) */
	uint64_t root = page_to_phys(page);
	memcpy(table_at(root) + USER_ENTRIES, table_at(hw_kernel_root()) + USER_ENTRIES,
	       USER_ENTRIES * sizeof(pte_t));
	return root;
}

struct pt_stats pt_stats;

/* The frame of the table (or page) an entry, or a physical address, points at.
 * Entries are trusted to point at memory that has a struct page. */
static struct page *table_page(uint64_t entry)
{
	return &frame_pages[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT];
}

/*
 * The references the entries pointing at a table hold on it (or a leaf entry
 * on its frame, in a table's copy). Entries are trusted to point at what they
 * should (mm_audit checks that they do), so these skip frame_get's and
 * frame_put's checks: they are, per shared table, all that fork and exit do,
 * and per page, what a table's copy adds to the faults that follow.
 */
static inline void table_get(struct page *table)
{
	__atomic_add_fetch(&table->refcount, 1, __ATOMIC_RELAXED);
}

static inline void table_put(struct page *table)
{
	if (__atomic_sub_fetch(&table->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		frame_free_last(table);
}

static bool table_is_owned(pte_t entry)
{
	return entry & PTE_WRITE;
}

/* The frame holding an entry of a table; above the leaves it counts the table's
 * present entries (struct page's table.present), so that freeing a directory
 * stops once it has seen them all. */
static struct page *holder(const pte_t *entry)
{
	return virt_to_page(entry);
}

/*
 * Drop one user of the table at `level`; the last one frees it and the tables
 * under it that it alone used. A leaf table's entries must be unmapped already
 * (mm_audit would find their frames leaked otherwise); a directory's are read
 * only as far as its count of present entries says there are any.
 */
static void free_subtree(uint64_t table, int level)
{
	pte_t *entries = table_at(table);
	struct page *page = table_page(table);

	if (page->refcount > 1) {
		/* Shared: the other users keep it, and everything under it. */
		frame_put(page);
		return;
	}
	for (int i = 0; level > 0 && page->table.present > 0 && i < ENTRIES; i++) {
		if (entries[i] & PTE_PRESENT) {
			free_subtree(entries[i] & PTE_ADDR_MASK, level - 1);
			entries[i] = 0;
			page->table.present--;
		}
	}
	frame_put(page);
}

void pt_destroy(uint64_t root)
{
	pte_t *pml4 = table_at(root);
	struct page *page = table_page(root);

	/* The user half only: the kernel's half is everyone's. */
	for (int i = 0; page->table.present > 0 && i < USER_ENTRIES; i++) {
		if (pml4[i] & PTE_PRESENT) {
			free_subtree(pml4[i] & PTE_ADDR_MASK, ROOT_LEVEL - 1);
			pml4[i] = 0;
			page->table.present--;
		}
	}
	frame_put(page);
}

/*
 * The entries of a copy of a shared table at `level`: each thing an entry points
 * at gains the copy's reference. Then nothing the table points at is exclusive
 * any more, so its entries lose their write bit in both tables: in a leaf table
 * the next write to each anonymous page is an ordinary copy-on-write fault; in
 * a directory the tables below are now shared, and the next write under each is
 * a copy of that table in turn. (Fork left them writable: while the table was
 * shared, the read-only entry above it was what kept every sharer from writing.)
 * The other users reach the old table only through read-only entries, so
 * clearing bits in it is safe. A shared anonymous mapping's leaf entries lose
 * the bit too; their next write finds the region shared and puts it back.
 */
static void copy_shared_table(pte_t *from, pte_t *to, int level)
{
	for (int i = 0; level > 0 && i < ENTRIES; i++) {
		pte_t entry = from[i];
		if (entry & PTE_PRESENT) {
			table_get(table_page(entry));
			from[i] = entry &= ~PTE_WRITE;
		}
		to[i] = entry;
	}
	for (int i = 0; level == 0 && i < ENTRIES; i++) {
		pte_t entry = from[i];
		if (entry & (PTE_PRESENT | PTE_PROTNONE)) {
			struct page *page = table_page(entry);
			table_get(page);	/* a frame: the same count, trusted alike */
			if (page->kind == PAGE_ANON)
				from[i] = entry &= ~PTE_WRITE;
		}
		to[i] = entry;
	}
}

/*
 * Make the table at `level` that `entry` points at this address space's own, so
 * that its entries may be written: a private copy while others share it, or,
 * for its last user, just the write bit back. 0, or -ENOMEM.
 */
static int own_table(pte_t *entry, int level)
{
	struct page *table = table_page(*entry);

	if (table->refcount == 1) {
		*entry |= PTE_WRITE;
		pt_stats.tables_reclaimed++;
		return 0;
	}
	struct page *copy = frame_alloc(PAGE_TABLE, 0);
	if (!copy)
		return -ENOMEM;
	copy_shared_table(table_at(*entry & PTE_ADDR_MASK), page_address(copy), level);
	copy->table.present = table->table.present;
	frame_put(table);
	*entry = page_to_phys(copy) | TABLE_FLAGS;
	pt_stats.tables_unshared++;
	return 0;
}

/*
 * Make a missing table for `entry` to point at, empty, owned (writable above),
 * and count it among the present entries of the table holding `entry` (which
 * is above the leaves: only those count theirs). false when out of memory.
 */
static bool make_table(pte_t *entry)
{
	struct page *page = frame_alloc(PAGE_TABLE, FRAME_ZERO);

	if (!page)
		return false;
	page->table.present = 0;
	*entry = page_to_phys(page) | TABLE_FLAGS;
	holder(entry)->table.present++;
	return true;
}

/*
 * The entry at `level` (0: the leaf entry) that serves address, or NULL when a
 * table on the way is missing. With `create`, the caller means to write the
 * entry: missing tables on the way are made and shared ones taken for this
 * address space; NULL then means out of memory.
 *
 * Taking a table needs one INVLPG, not a full flush: INVLPG empties every
 * paging-structure cache (Intel SDM vol. 3, 4.10.4.1), so no walk starts from
 * the old table again; and a TLB entry for another page under it maps the same
 * frame as the new table does, read-only, because the entry above was. Only the
 * permission can be stale, and only too strict: the write that finds it faults
 * and is fixed like any (a spurious fault; SDM 4.10.4.3). A full flush per
 * table, besides the refills it costs hardware, made QEMU's emulated TLB thrash:
 * writes after fork ran four times slower in real time.
 */
enum descent { LOOK, CREATE, CREATE_OWNED };

static pte_t *descend(uint64_t root, uint64_t address, int level, enum descent how)
{
	const pte_t owned = PTE_PRESENT | PTE_WRITE;
	pte_t *table = table_at(root);

	for (int l = ROOT_LEVEL; l > level; l--) {
		pte_t *entry = &table[INDEX(address, l)];
		/* One test on the way of every fault: present and this space's own. */
		if ((*entry & owned) != owned) {
			if (!(*entry & PTE_PRESENT)) {
				if (how == LOOK || !make_table(entry))
					return NULL;
			} else if (how == CREATE_OWNED) {
				return NULL;
			} else if (how == CREATE) {
				if (own_table(entry, l - 1))
					return NULL;
				tlb_flush_root(root, address, address + PAGE_SIZE);
			}
		}
		table = table_at(*entry & PTE_ADDR_MASK);
	}
	return &table[INDEX(address, level)];
}

pte_t pt_table_entry(uint64_t root, uint64_t address)
{
	pte_t *entry = descend(root, address, 1, LOOK);

	return entry ? *entry : 0;
}

pte_t *pt_lookup(uint64_t root, uint64_t address)
{
	return descend(root, address, 0, LOOK);
}

pte_t *pt_lookup_users(uint64_t root, uint64_t address, uint64_t *users)
{
	pte_t *table = table_at(root);
	uint64_t product = 1;

	for (int l = ROOT_LEVEL; l > 0; l--) {
		pte_t entry = table[INDEX(address, l)];
		if (!(entry & PTE_PRESENT))
			return NULL;
		product *= table_page(entry)->refcount;
		table = table_at(entry & PTE_ADDR_MASK);
	}
	*users = product;
	return &table[INDEX(address, 0)];
}

pte_t *pt_lookup_create(uint64_t root, uint64_t address)
{
	return descend(root, address, 0, CREATE);
}

pte_t *pt_lookup_create_owned(uint64_t root, uint64_t address)
{
	return descend(root, address, 0, CREATE_OWNED);
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
			count += count_below(pml4[i] & PTE_ADDR_MASK, ROOT_LEVEL - 1);
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

/*
 * What a walk does with a table it reaches that other address spaces use too
 * (the public walks below): this is the only place walks tell shared
 * tables from their own.
 */
enum walk_shared {
	WALK_THROUGH,	/* visit the leaf tables under it, as any other */
	WALK_UNSHARE,	/* take it for this address space first (own_table) */
	WALK_DROP,	/* drop this address space's reference and skip it */
	WALK_REFUSE,	/* stop: -EAGAIN */
};

struct pt_walk {
	pt_table_fn fn;		/* NULL: nothing to do with the leaf tables */
	void *context;
	enum walk_shared shared;
	bool *changed;		/* a table was taken: flush at the end */
};

/*
 * Hand each leaf table under the table at `level` (mapping from `base`) that
 * serves [start, end) to fn, with the slots that overlap the range. Absent
 * subtrees are skipped in one step, which is what makes walks fast on sparse
 * address spaces; shared ones are treated as w->shared says.
 */
static int walk_tables(uint64_t table, int level, uint64_t base, uint64_t start,
		       uint64_t end, const struct pt_walk *w)
{
	pte_t *entries = table_at(table);
	unsigned slots = level == ROOT_LEVEL ? USER_ENTRIES : ENTRIES, first, last, dropped = 0;
	int result = 0;

	slot_range(level, base, start, end, slots, &first, &last);
	if (level == 0)
		return w->fn ? w->fn(entries, first, last, base + ((uint64_t)first << PAGE_SHIFT),
				     w->context) : 0;
	for (unsigned i = first; i <= last && !result; i++) {
		pte_t entry = entries[i];
		if (!(entry & PTE_PRESENT))
			continue;
		if (!table_is_owned(entry)) {
			struct page *below = table_page(entry);
			if (w->shared == WALK_REFUSE)
				return -EAGAIN;
			if (w->shared == WALK_DROP && below->refcount > 1) {
				table_put(below);
				entries[i] = 0;
				dropped++;
				continue;
			}
			if (w->shared == WALK_UNSHARE) {
				if (own_table(&entries[i], level - 1))
					return -ENOMEM;
				*w->changed = true;
			}
		}
		result = walk_tables(entries[i] & PTE_ADDR_MASK, level - 1,
				     base + ((uint64_t)i << LEVEL_SHIFT(level)), start, end, w);
	}
	table_page(table)->table.present -= dropped;
	return result;
}

/* taken: NULL to flush root here when a table was taken, else the caller will
 * (and learns whether it must). */
static int walk_reporting(uint64_t root, uint64_t start, uint64_t end,
			  enum walk_shared shared, pt_table_fn fn, void *context, bool *taken)
{
	bool changed = false;
	struct pt_walk w = { fn, context, shared, &changed };

	if (end > USER_END)
		end = USER_END;
	if (start >= end)
		return 0;
	int result = walk_tables(root, ROOT_LEVEL, 0, start, end, &w);
	if (taken)
		*taken |= changed;
	else if (changed)
		tlb_flush_root_all(root);
	return result;
}

static int walk(uint64_t root, uint64_t start, uint64_t end, enum walk_shared shared,
		pt_table_fn fn, void *context)
{
	return walk_reporting(root, start, end, shared, fn, context, NULL);
}

int pt_for_each_table(uint64_t root, uint64_t start, uint64_t end, pt_table_fn fn,
		      void *context)
{
	return walk(root, start, end, WALK_THROUGH, fn, context);
}

int pt_unshare(uint64_t root, uint64_t start, uint64_t end)
{
	return walk(root, start, end, WALK_UNSHARE, NULL, NULL);
}

bool pt_range_owned(uint64_t root, uint64_t start, uint64_t end)
{
	return walk(root, start, end, WALK_REFUSE, NULL, NULL) == 0;
}

int pt_unshare_deferred(uint64_t root, uint64_t start, uint64_t end, bool *taken)
{
	return walk_reporting(root, start, end, WALK_UNSHARE, NULL, NULL, taken);
}

void pt_release(uint64_t root, uint64_t start, uint64_t end, pt_table_fn fn, void *context)
{
	walk(root, start, end, WALK_DROP, fn, context);
}

struct entry_walk {
	pt_visit_fn visit;
	void *context;
};

static int visit_entries(pte_t *entries, unsigned first, unsigned last, uint64_t address,
			 void *opaque)
{
	struct entry_walk *e = opaque;

	for (unsigned i = first; i <= last; i++, address += PAGE_SIZE) {
		if (!pte_maps_frame(entries[i]))
			continue;
		int result = e->visit(&entries[i], address, e->context);
		if (result)
			return result;
	}
	return 0;
}

int pt_for_each_mapped(uint64_t root, uint64_t start, uint64_t end, pt_visit_fn visit,
		       void *context)
{
	struct entry_walk w = { visit, context };

	return pt_for_each_table(root, start, end, visit_entries, &w);
}

static int tree_level(const pte_t *entries, int level, uint64_t base, unsigned slots,
		      pt_tree_fn fn, void *context)
{
	for (unsigned i = 0; i < slots; i++) {
		if (!(entries[i] & PTE_PRESENT))
			continue;
		uint64_t lo = base + ((uint64_t)i << LEVEL_SHIFT(level));
		const pte_t *below = table_at(entries[i] & PTE_ADDR_MASK);
		int result = fn(below, level - 1, lo, entries[i], context);
		if (!result && level > 1)
			result = tree_level(below, level - 1, lo, ENTRIES, fn, context);
		if (result)
			return result;
	}
	return 0;
}

int pt_walk_tree(uint64_t root, pt_tree_fn fn, void *context)
{
	return tree_level(table_at(root), ROOT_LEVEL, 0, USER_ENTRIES, fn, context);
}

struct share_walk {
	uint64_t start, end;
	int level;		/* of the tables to share */
	pt_table_fn fill;	/* for leaf tables the child has of its own */
	void *context;
};

static int share_below(pte_t *from, pte_t *to, int level, uint64_t lo,
		       const struct share_walk *s);

/*
 * Make the child's table `to` (at `level`, mapping from `base`, like the
 * parent's `from`) use the parent's tables of s->level and below that serve
 * [start, end), write bit clear in both: they are shared from now on (see the
 * top of this file). Where the child already has a table of its own, its
 * tables below are shared instead, and the entries of a leaf table of its own
 * are left to s->fill. The child's tables on the way are made as needed.
 * The two trees are walked side by side: fork's cost is this loop.
 */
static int share_level(pte_t *from, pte_t *to, int level, uint64_t base,
		       const struct share_walk *s)
{
	unsigned slots = level == ROOT_LEVEL ? USER_ENTRIES : ENTRIES, first, last, shared = 0;
	bool share_here = level - 1 <= s->level;
	int error = 0;

	slot_range(level, base, s->start, s->end, slots, &first, &last);
	for (unsigned i = first; i <= last && !error; i++) {
		pte_t entry = from[i];
		if (!(entry & PTE_PRESENT))
			continue;
		if (share_here && !(to[i] & PTE_PRESENT)) {
			entry &= ~PTE_WRITE;
			from[i] = to[i] = entry;
			table_get(table_page(entry));
			shared++;
		} else if ((to[i] & PTE_ADDR_MASK) != (entry & PTE_ADDR_MASK)) {
			/* Not shared already (for a region before this one): go down. */
			error = share_below(&from[i], &to[i], level,
					    base + ((uint64_t)i << LEVEL_SHIFT(level)), s);
		}
	}
	holder(to)->table.present += shared;
	pt_stats.tables_shared += shared;
	return error;
}

/* share_level one level down, under the entries *from and *to (the child's
 * table made if it has none); at the bottom, the child's own leaf table is
 * filled by s->fill. */
static int share_below(pte_t *from, pte_t *to, int level, uint64_t lo,
		       const struct share_walk *s)
{
	if (!(*to & PTE_PRESENT) && !make_table(to))
		return -ENOMEM;
	pte_t *from_below = table_at(*from & PTE_ADDR_MASK);
	pte_t *to_below = table_at(*to & PTE_ADDR_MASK);
	if (level > 1)
		return share_level(from_below, to_below, level - 1, lo, s);
	unsigned first, last;
	slot_range(0, lo, s->start, s->end, ENTRIES, &first, &last);
	return s->fill(from_below, first, last, lo + ((uint64_t)first << PAGE_SHIFT), s->context);
}

int pt_share_tables(uint64_t from_root, uint64_t to_root, uint64_t start, uint64_t end,
		    int level, pt_table_fn fill, void *context)
{
	struct share_walk s = { start, end < USER_END ? end : USER_END, level, fill, context };

	if (level < 0 || level >= ROOT_LEVEL)
		return -EINVAL;
	if (s.start >= s.end)
		return 0;
	return share_level(table_at(from_root), table_at(to_root), ROOT_LEVEL, 0, &s);
}

/*
 * Free the tables below `table` (at `level`, mapping from `base`) that serve
 * [start, end) and whose whole span lies within [floor, ceiling): no region uses
 * any of it, so they are empty. Only the slots that serve the range are visited
 * at every level, which keeps an exit's cost to the tables it has. Only tables
 * this address space owns are changed; a shared one keeps its empty tables
 * until its users are done with it. Returns whether anything was freed.
 */
static bool prune_level(uint64_t table, int level, uint64_t base, const struct pt_range *r)
{
	pte_t *entries = table_at(table);
	int shift = LEVEL_SHIFT(level);
	unsigned slots = level == ROOT_LEVEL ? USER_ENTRIES : ENTRIES, first, last, freed = 0;
	bool freed_below = false;

	slot_range(level, base, r->start, r->end, slots, &first, &last);
	for (unsigned i = first; i <= last; i++) {
		pte_t entry = entries[i];
		uint64_t lo = base + ((uint64_t)i << shift);
		if (!(entry & PTE_PRESENT))
			continue;
		if (level > 1 && (table_is_owned(entry) || table_page(entry)->refcount == 1))
			freed_below |= prune_level(entry & PTE_ADDR_MASK, level - 1, lo, r);
		if (lo < r->floor || lo + (1ul << shift) > r->ceiling)
			continue;
		/* What is left under it is outside the range: rarely anything. A
		 * leaf table has nothing under it to free (its entries are gone). */
		if (level == 1)
			table_put(table_page(entry));
		else
			free_subtree(entry & PTE_ADDR_MASK, level - 1);
		entries[i] = 0;
		freed++;
	}
	table_page(table)->table.present -= freed;
	return freed || freed_below;
}

void pt_prune(uint64_t root, const struct pt_range *range)
{
	struct pt_range r = *range;

	if (r.end > USER_END)
		r.end = USER_END;
	/*
	 * Another CPU with root loaded may walk a table through its cached upper
	 * entries until it has flushed, so a table freed now could be reused under
	 * it: the empty tables stay for a later prune or the exit (memory only).
	 */
	if (hw_several_cpus() && tlb_loaded_elsewhere(root))
		return;
	/* The CPU may cache upper-level entries: none may lead to a freed table. */
	if (r.start < r.end && prune_level(root, ROOT_LEVEL, 0, &r))
		tlb_flush_root_all(root);
}


