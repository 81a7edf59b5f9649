/*
 * Host tests for user address spaces: mm/pagetable.c, mm/pte.c, mm/vma.c, mm/mm.c,
 * mm/fork.c and mm/fault.c over the simulated machine of tests/host/mm_host.c.
 *
 * Every test ends by destroying its address spaces and checking that the free-frame
 * count is back at its baseline (nothing leaked) and that the allocator's own
 * invariants hold. The randomized test also checks, after every step, that each
 * frame's reference count equals the number of page-table entries mapping it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/fault.h"
#include "mm/tlb.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/mm_host.h"

#define MIB (1024ul * 1024ul)
#define BASE 0x400000ul		/* where tests put their regions */
#define RW (PROT_READ | PROT_WRITE)

static const struct mm_host_range ranges[] = { { 0x1000, 32 * MIB } };
static size_t baseline;

static int setup(void **state)
{
	(void)state;
	mm_host_boot(32 * MIB, ranges, 1);
	baseline = frames_free();
	/* The kernel's defaults; a test that changes them sets them back. */
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	mm_sharedpt_small_pages = 512;
	return 0;
}

static void check_no_leak(void)
{
	kmalloc_shrink();
	assert_int_equal(frames_free(), baseline);
	assert_int_equal(frames_check(), 0);
}

static unsigned count_vmas(struct mm *mm)
{
	struct list_node *node;
	unsigned n = 0;

	list_for_each(node, &mm->vmas)
		n++;
	return n;
}

static uint8_t *page_of(struct mm *mm, uint64_t address)
{
	pte_t *pte = pt_lookup(mm->root, address);

	if (!pte || !pte_maps_frame(*pte))
		return NULL;
	return (uint8_t *)phys_to_virt(*pte & PTE_ADDR_MASK) + (address & ~PAGE_MASK);
}

/* mm_audit with a workspace of its own. */
static int audit(struct mm *const *mms, size_t count, char *report, size_t size)
{
	uint32_t *workspace = calloc(frames_pfn_count(), sizeof(uint32_t));
	int result = mm_audit(mms, count, workspace, report, size);

	free(workspace);
	return result;
}

static void test_create_destroy(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	assert_non_null(mm);
	assert_int_equal(pt_count_tables(mm->root), 0);
	mm_put(mm);
	check_no_leak();
}

static void test_demand_zero(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	assert_int_equal(mm_map(mm, BASE, 4 * PAGE_SIZE, RW, 0), 0);
	assert_null(page_of(mm, BASE));			/* nothing until touched */
	assert_int_equal(mm_fault(mm, BASE + 5, FAULT_READ), 0);
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_WRITE), 0);
	assert_int_equal(mm->resident_pages, 2);
	assert_int_equal(page_of(mm, BASE)[0], 0);
	assert_int_equal(mm->counters.zero_fills, 2);
	/* Outside any region: a segmentation fault. */
	assert_int_equal(mm_fault(mm, BASE + 4 * PAGE_SIZE, FAULT_READ), -EFAULT);
	assert_int_equal(mm_fault(mm, 0, FAULT_READ), -EFAULT);
	mm_put(mm);
	check_no_leak();
}

static void test_access_rights(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	mm_map(mm, BASE, PAGE_SIZE, PROT_READ, 0);
	mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, PROT_NONE, 0);
	mm_map(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC, 0);
	assert_int_equal(mm_fault(mm, BASE, FAULT_WRITE), -EFAULT);
	assert_int_equal(mm_fault(mm, BASE, FAULT_EXEC), -EFAULT);
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), 0);
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_READ), -EFAULT);
	assert_int_equal(mm_fault(mm, BASE + 2 * PAGE_SIZE, FAULT_EXEC), 0);
	pte_t pte = *pt_lookup(mm->root, BASE);
	assert_true((pte & PTE_PRESENT) && (pte & PTE_USER) && !(pte & PTE_WRITE) && (pte & PTE_NX));
	pte = *pt_lookup(mm->root, BASE + 2 * PAGE_SIZE);
	assert_false(pte & PTE_NX);
	mm_put(mm);
	check_no_leak();
}

/*
 *   AAAAAAAAAA   ten pages, all touched
 *   AAAA  AAAA   unmap two in the middle: two regions, two frames freed
 */
static void test_unmap_splits(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	mm_map(mm, BASE, 10 * PAGE_SIZE, RW, 0);
	mm_populate(mm, BASE, 10 * PAGE_SIZE);
	size_t free_before = frames_free();
	assert_int_equal(mm_unmap(mm, BASE + 4 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	assert_int_equal(count_vmas(mm), 2);
	assert_int_equal(frames_free(), free_before + 2);
	assert_int_equal(mm->resident_pages, 8);
	assert_null(mm_find_vma(mm, BASE + 4 * PAGE_SIZE));
	assert_non_null(mm_find_vma(mm, BASE + 6 * PAGE_SIZE));
	/* Unaligned or empty requests are refused; holes are fine. */
	assert_int_equal(mm_unmap(mm, BASE + 1, PAGE_SIZE), -EINVAL);
	assert_int_equal(mm_unmap(mm, BASE, 0), -EINVAL);
	assert_int_equal(mm_unmap(mm, BASE + 3 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
	assert_int_equal(mm->resident_pages, 6);
	mm_put(mm);
	check_no_leak();
}

/*
 *   AAAAAA   read-write
 *   AABBAA   mprotect the middle read-only: three regions
 *   AAAAAA   and back: merged into one again
 */
static void test_protect_splits_and_merges(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	mm_map(mm, BASE, 6 * PAGE_SIZE, RW, 0);
	mm_populate(mm, BASE, 6 * PAGE_SIZE);
	assert_int_equal(mm_protect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(count_vmas(mm), 3);
	assert_false(*pt_lookup(mm->root, BASE + 2 * PAGE_SIZE) & PTE_WRITE);
	assert_true(*pt_lookup(mm->root, BASE) & PTE_WRITE);
	assert_int_equal(mm_fault(mm, BASE + 2 * PAGE_SIZE, FAULT_WRITE), -EFAULT);
	assert_int_equal(mm_protect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW), 0);
	assert_int_equal(count_vmas(mm), 1);
	/* PROT_NONE keeps the frame but nothing may touch it. */
	page_of(mm, BASE)[0] = 42;
	assert_int_equal(mm_protect(mm, BASE, PAGE_SIZE, PROT_NONE), 0);
	assert_false(*pt_lookup(mm->root, BASE) & PTE_PRESENT);
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), -EFAULT);
	assert_int_equal(mm_protect(mm, BASE, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(page_of(mm, BASE)[0], 42);
	/* A hole in the range: ENOMEM, like Linux. */
	assert_int_equal(mm_protect(mm, BASE, 7 * PAGE_SIZE, PROT_READ), -ENOMEM);
	mm_put(mm);
	check_no_leak();
}

static void test_fork_copies_private_shares_shared(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_fork_mode = FORK_MODE_COPY;
	mm_map(parent, BASE, 3 * PAGE_SIZE, RW, 0);
	mm_map(parent, BASE + 8 * PAGE_SIZE, PAGE_SIZE, RW, VMA_SHARED);
	mm_populate(parent, BASE, 3 * PAGE_SIZE);
	mm_populate(parent, BASE + 8 * PAGE_SIZE, PAGE_SIZE);
	page_of(parent, BASE)[0] = 'p';
	page_of(parent, BASE + 8 * PAGE_SIZE)[0] = 's';

	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_int_equal(child->counters.pages_copied_at_fork, 3);
	assert_int_equal(page_of(child, BASE)[0], 'p');
	assert_ptr_not_equal(page_of(child, BASE), page_of(parent, BASE));
	page_of(child, BASE)[0] = 'c';
	assert_int_equal(page_of(parent, BASE)[0], 'p');
	assert_ptr_equal(page_of(child, BASE + 8 * PAGE_SIZE), page_of(parent, BASE + 8 * PAGE_SIZE));
	struct page *shared = virt_to_page(page_of(parent, BASE + 8 * PAGE_SIZE));
	assert_int_equal(shared->refcount, 2);
	mm_put(parent);
	assert_int_equal(shared->refcount, 1);
	assert_int_equal(page_of(child, BASE + 8 * PAGE_SIZE)[0], 's');
	mm_put(child);
	check_no_leak();
}


static pte_t pte_of(struct mm *mm, uint64_t address)
{
	pte_t *pte = pt_lookup(mm->root, address);
	return pte ? *pte : 0;
}

static struct page *frame_of(struct mm *mm, uint64_t address)
{
	return virt_to_page(page_of(mm, address));
}

/* Touch (write) a page the way a user write would, and store a byte in it. */
/*
 * Would the MMU let a user write at address? Every level of the walk must allow
 * it (Intel SDM vol. 3, 4.6): an entry pointing at a shared table (sharedpt)
 * forbids writing anything under it, whatever the entries below say. Walked
 * here by hand, not with mm/pagetable.c, so that the test does not trust it.
 */
static bool hw_user_writable(struct mm *mm, uint64_t address)
{
	const pte_t needed = PTE_PRESENT | PTE_WRITE | PTE_USER;
	uint64_t table = mm->root;

	for (int level = 3; level >= 0; level--) {
		pte_t entry = ((pte_t *)phys_to_virt(table))[(address >> (12 + 9 * level)) & 511];
		if ((entry & needed) != needed)
			return false;
		table = entry & PTE_ADDR_MASK;
	}
	return true;
}

/*
 * A user write as the hardware does it: straight to the frame when every level
 * allows it, otherwise through a page fault, after which it must be allowed.
 * Writes that need no fault are what make a stale writable entry visible.
 */
static int user_write(struct mm *mm, uint64_t address, uint8_t value)
{
	if (!hw_user_writable(mm, address)) {
		int error = mm_fault(mm, address, FAULT_WRITE);
		if (error)
			return error;
		assert_true(hw_user_writable(mm, address));
	}
	*page_of(mm, address) = value;
	return 0;
}

/* sharedpt: fork shares the leaf tables themselves; the first write under a
 * table copies the table (then the page, as under cow); the last user of a
 * shared table takes it back without a copy; nothing leaks. */
static void test_sharedpt_shares_tables(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_level = 0;
	/* 2 MiB: smaller private writable regions are forked entry by entry. */
	mm_map(parent, BASE, 512 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a' + i % 4), 0);
	size_t free_before = frames_free();
	struct pt_stats before = pt_stats;

	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_int_equal(pt_stats.tables_shared - before.tables_shared, 1);
	/* The same leaf table, read-only above it; no frame gained a reference. */
	assert_ptr_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));
	assert_false(pt_table_entry(parent->root, BASE) & PTE_WRITE);
	assert_false(pt_table_entry(child->root, BASE) & PTE_WRITE);
	assert_int_equal(frame_of(parent, BASE)->refcount, 1);
	assert_int_equal(child->resident_pages, 64);
	/* The child's root and the tables above the shared one: 3 frames, no more. */
	assert_int_equal(free_before - frames_free(), 3);

	/* Without memory for a copy of the table, nothing the child asks of it
	 * changes anything: the write fault, munmap and mprotect fail cleanly. */
	mm_host_fail_nth(1);
	assert_int_equal(mm_fault(child, BASE, FAULT_WRITE), -ENOMEM);
	mm_host_fail_nth(1);
	assert_int_equal(mm_unmap(child, BASE, PAGE_SIZE), -ENOMEM);
	mm_host_fail_nth(1);
	assert_int_equal(mm_protect(child, BASE, PAGE_SIZE, PROT_READ), -ENOMEM);
	mm_host_fail_nth(0);
	assert_non_null(mm_find_vma(child, BASE));
	assert_int_equal(mm_find_vma(child, BASE)->prot, RW);
	assert_ptr_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));

	/* The child writes: its own table, then its own page. */
	assert_int_equal(user_write(child, BASE, 'c'), 0);
	assert_int_equal(pt_stats.tables_unshared - before.tables_unshared, 1);
	assert_ptr_not_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));
	assert_int_equal(*page_of(child, BASE), 'c');
	assert_int_equal(*page_of(parent, BASE), 'a');
	assert_ptr_equal(frame_of(parent, BASE + PAGE_SIZE), frame_of(child, BASE + PAGE_SIZE));
	assert_int_equal(frame_of(parent, BASE + PAGE_SIZE)->refcount, 2);
	/* Each frame now has a reference from each table: read-only in both. */
	assert_false(pte_of(parent, BASE + PAGE_SIZE) & PTE_WRITE);
	assert_false(pte_of(child, BASE + PAGE_SIZE) & PTE_WRITE);

	/* A grandchild shares the child's table; the child exits; the grandchild is
	 * the table's last user and takes it back in place. */
	struct mm *grandchild = mm_fork(child);
	assert_non_null(grandchild);
	mm_put(child);
	assert_int_equal(user_write(grandchild, BASE + 2 * PAGE_SIZE, 'g'), 0);
	assert_int_equal(pt_stats.tables_reclaimed - before.tables_reclaimed, 1);
	assert_int_equal(*page_of(grandchild, BASE), 'c');
	assert_int_equal(*page_of(grandchild, BASE + 2 * PAGE_SIZE), 'g');
	assert_int_equal(*page_of(parent, BASE + 2 * PAGE_SIZE), 'c');
	struct mm *live[] = { parent, grandchild };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);

	mm_put(parent);
	mm_put(grandchild);
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	check_no_leak();
}

/* pt_unshare takes exactly the tables serving its range, leaves the entries as
 * they were, and without memory for a copy takes nothing. */
static void test_sharedpt_unshare_range(void **state)
{
	(void)state;
	const uint64_t table_span = 512 * PAGE_SIZE;
	struct mm *parent = mm_create();

	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_level = 0;
	mm_map(parent, BASE, 2 * table_span, RW, 0);
	assert_int_equal(user_write(parent, BASE, 'a'), 0);
	assert_int_equal(user_write(parent, BASE + table_span, 'b'), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_ptr_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));

	assert_int_equal(pt_unshare(child->root, BASE, BASE + PAGE_SIZE), 0);
	assert_true(pt_table_entry(child->root, BASE) & PTE_WRITE);
	assert_ptr_not_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));
	assert_ptr_equal(frame_of(parent, BASE), frame_of(child, BASE));
	assert_int_equal(*page_of(child, BASE), 'a');
	/* The next table is not in the range: still shared. */
	assert_false(pt_table_entry(child->root, BASE + table_span) & PTE_WRITE);
	assert_ptr_equal(pt_lookup(parent->root, BASE + table_span),
			 pt_lookup(child->root, BASE + table_span));

	mm_host_fail_nth(1);
	assert_int_equal(pt_unshare(child->root, BASE + table_span, BASE + table_span + 1), -ENOMEM);
	mm_host_fail_nth(0);
	assert_ptr_equal(pt_lookup(parent->root, BASE + table_span),
			 pt_lookup(child->root, BASE + table_span));

	struct mm *live[] = { parent, child };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
	mm_put(child);
	mm_put(parent);
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	check_no_leak();
}

/* sharedpt forks a small process as cow does. */
static void test_sharedpt_small_process_forks_as_cow(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_map(parent, BASE, 4 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a' + i), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_ptr_not_equal(pt_lookup(parent->root, BASE), pt_lookup(child->root, BASE));
	assert_ptr_equal(frame_of(parent, BASE), frame_of(child, BASE));
	assert_int_equal(frame_of(parent, BASE)->refcount, 2);
	assert_int_equal(child->resident_pages, 4);
	assert_int_equal(user_write(child, BASE, 'c'), 0);
	assert_int_equal(*page_of(parent, BASE), 'a');
	mm_put(child);
	mm_put(parent);
	mm_fork_mode = FORK_MODE_COW;
	check_no_leak();
}

/* Sharing at each level, the tables between the root and the page are taken
 * one level at a time by the first writer: copies while shared, the write bit
 * back for the last user. */
static void test_sharedpt_upper_levels(void **state)
{
	(void)state;
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 0;	/* share even these small regions */
	for (int level = 0; level < MM_SHAREDPT_LEVELS; level++) {
		struct mm *parent = mm_create();
		mm_sharedpt_level = level;
		mm_map(parent, BASE, 8 * PAGE_SIZE, RW, 0);
		mm_map(parent, 0x40000000ul, 8 * PAGE_SIZE, RW, 0);	/* another directory */
		for (int i = 0; i < 8; i++) {
			assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a'), 0);
			assert_int_equal(user_write(parent, 0x40000000ul + i * PAGE_SIZE, 'b'), 0);
		}
		struct pt_stats before = pt_stats;
		struct vm_stats vm_before = vm_stats;
		struct mm *child = mm_fork(parent);
		assert_non_null(child);
		/* Two leaf tables, two directories, or the one table below the root. */
		assert_int_equal(pt_stats.tables_shared - before.tables_shared, level < 2 ? 2 : 1);
		assert_false(hw_user_writable(parent, BASE));
		assert_false(hw_user_writable(child, 0x40000000ul));
		assert_int_equal(frame_of(parent, BASE)->refcount, 1);

		/* The child writes: its own copy of each shared table down to the page. */
		assert_int_equal(user_write(child, BASE, 'c'), 0);
		assert_int_equal(pt_stats.tables_unshared - before.tables_unshared, level + 1);
		assert_int_equal(vm_stats.cow_copy - vm_before.cow_copy, 1);
		assert_int_equal(*page_of(parent, BASE), 'a');
		assert_int_equal(*page_of(child, BASE + PAGE_SIZE), 'a');
		/* The parent writes: the last user of the tables the child copied. */
		assert_int_equal(user_write(parent, BASE + PAGE_SIZE, 'p'), 0);
		assert_int_equal(pt_stats.tables_reclaimed - before.tables_reclaimed, level + 1);
		assert_int_equal(vm_stats.cow_copy - vm_before.cow_copy, 2);
		assert_int_equal(*page_of(child, BASE + PAGE_SIZE), 'a');
		/* The other directory is still shared below level 0 (or was copied
		 * whole with the table above it): writes there stay apart too. */
		assert_int_equal(user_write(child, 0x40000000ul, 'C'), 0);
		assert_int_equal(user_write(parent, 0x40000000ul + PAGE_SIZE, 'P'), 0);
		assert_int_equal(*page_of(parent, 0x40000000ul), 'b');
		assert_int_equal(*page_of(child, 0x40000000ul + PAGE_SIZE), 'b');
		struct mm *live[] = { parent, child };
		char report[256];
		assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
		mm_put(child);
		mm_put(parent);
		check_no_leak();
	}
	mm_sharedpt_level = 1;
	mm_sharedpt_min_resident = 1024;
	mm_fork_mode = FORK_MODE_COW;
}

/* sharedpt forks the stack entry by entry (both sides write it at once); the
 * tables above it are the child's own, and the rest under them is shared a
 * level lower, or forked entry by entry in the stack's own leaf table. */
static void test_sharedpt_stack_forked_by_entries(void **state)
{
	(void)state;
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 0;	/* only the stack is forked by entries */
	for (int level = 0; level < MM_SHAREDPT_LEVELS; level++) {
		struct mm *parent = mm_create();
		uint64_t stack = BASE + 16 * PAGE_SIZE, far = BASE + 4 * MIB;
		mm_sharedpt_level = level;
		mm_map(parent, BASE, 8 * PAGE_SIZE, RW, 0);	/* beside the stack */
		mm_map(parent, stack, 4 * PAGE_SIZE, RW, VMA_GROWSDOWN);
		mm_map(parent, far, 8 * PAGE_SIZE, RW, 0);	/* a leaf table of its own */
		for (int i = 0; i < 4; i++) {
			assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a'), 0);
			assert_int_equal(user_write(parent, stack + i * PAGE_SIZE, 's'), 0);
			assert_int_equal(user_write(parent, far + i * PAGE_SIZE, 'f'), 0);
		}
		struct pt_stats before = pt_stats;
		struct mm *child = mm_fork(parent);
		assert_non_null(child);
		/* The stack's leaf table is the child's own; its pages are cow. */
		assert_ptr_not_equal(pt_lookup(parent->root, stack), pt_lookup(child->root, stack));
		assert_ptr_equal(frame_of(parent, stack), frame_of(child, stack));
		assert_int_equal(frame_of(parent, stack)->refcount, 2);
		assert_false(pte_of(parent, stack) & PTE_WRITE);
		/* So are the pages beside it in that table. */
		assert_int_equal(frame_of(parent, BASE)->refcount, 2);
		/* The far table is shared, by itself at level 0 and no higher. */
		assert_ptr_equal(pt_lookup(parent->root, far), pt_lookup(child->root, far));
		assert_int_equal(frame_of(parent, far)->refcount, 1);
		assert_int_equal(pt_stats.tables_shared - before.tables_shared, 1);
		assert_int_equal(child->resident_pages, 12);

		assert_int_equal(user_write(child, stack, 'c'), 0);
		assert_int_equal(user_write(child, BASE, 'c'), 0);
		assert_int_equal(user_write(child, far, 'c'), 0);
		assert_int_equal(user_write(parent, stack + PAGE_SIZE, 'p'), 0);
		assert_int_equal(*page_of(parent, stack), 's');
		assert_int_equal(*page_of(parent, BASE), 'a');
		assert_int_equal(*page_of(parent, far), 'f');
		assert_int_equal(*page_of(child, stack + PAGE_SIZE), 's');
		struct mm *live[] = { parent, child };
		char report[256];
		assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
		mm_put(child);
		mm_put(parent);
		check_no_leak();
	}
	mm_sharedpt_level = 1;
	mm_sharedpt_min_resident = 1024;
	mm_fork_mode = FORK_MODE_COW;
}

/* With the default rule, small private writable regions (data, bss) are forked
 * entry by entry; read-only ones and big ones are shared. */
static void test_sharedpt_small_regions_forked_by_entries(void **state)
{
	(void)state;
	struct mm *parent = mm_create();
	uint64_t data = BASE, text = BASE + 4 * MIB, big = 0x40000000ul;

	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_map(parent, data, 8 * PAGE_SIZE, RW, 0);
	mm_map(parent, text, 8 * PAGE_SIZE, RW, 0);
	mm_map(parent, big, 600 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(user_write(parent, data + i * PAGE_SIZE, 'd'), 0);
		assert_int_equal(user_write(parent, text + i * PAGE_SIZE, 't'), 0);
		assert_int_equal(user_write(parent, big + i * PAGE_SIZE, 'b'), 0);
	}
	assert_int_equal(mm_protect(parent, text, 8 * PAGE_SIZE, PROT_READ), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_ptr_not_equal(pt_lookup(parent->root, data), pt_lookup(child->root, data));
	assert_int_equal(frame_of(parent, data)->refcount, 2);
	assert_ptr_equal(pt_lookup(parent->root, text), pt_lookup(child->root, text));
	assert_ptr_equal(pt_lookup(parent->root, big), pt_lookup(child->root, big));
	assert_int_equal(frame_of(parent, big)->refcount, 1);
	assert_int_equal(user_write(child, data, 'c'), 0);
	assert_int_equal(user_write(child, big, 'c'), 0);
	assert_int_equal(*page_of(parent, data), 'd');
	assert_int_equal(*page_of(parent, big), 'b');
	struct mm *live[] = { parent, child };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
	mm_put(child);
	mm_put(parent);
	check_no_leak();
	mm_sharedpt_min_resident = 1024;
	mm_fork_mode = FORK_MODE_COW;
}

/* What makes sharedpt's fork free: when the child is gone before the parent
 * writes, the parent takes its tables back and writes its pages without a
 * single copy-on-write fault - fork touched no leaf entry. */
static void test_sharedpt_parent_keeps_writing_after_child_exits(void **state)
{
	(void)state;
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	for (int level = 0; level < MM_SHAREDPT_LEVELS; level++) {
		struct mm *parent = mm_create();
		mm_sharedpt_level = level;
		mm_map(parent, BASE, 600 * PAGE_SIZE, RW, 0);	/* two leaf tables */
		for (int i = 0; i < 600; i++)
			assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a'), 0);
		struct mm *child = mm_fork(parent);
		assert_non_null(child);
		assert_int_equal(*page_of(child, BASE + 599 * PAGE_SIZE), 'a');
		mm_put(child);
		struct vm_stats before = vm_stats;
		struct pt_stats pt_before = pt_stats;
		for (int i = 0; i < 600; i++)
			assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'b'), 0);
		assert_int_equal(vm_stats.cow_fault - before.cow_fault, 0);
		assert_int_equal(pt_stats.tables_unshared - pt_before.tables_unshared, 0);
		assert_int_equal(pt_stats.tables_reclaimed - pt_before.tables_reclaimed,
				 level == 0 ? 2 : level == 1 ? 1 : 1);
		struct mm *live[] = { parent };
		char report[256];
		assert_int_equal(audit(live, 1, report, sizeof(report)), 0);
		mm_put(parent);
		check_no_leak();
	}
	mm_sharedpt_level = 1;
	mm_sharedpt_min_resident = 1024;
	mm_fork_mode = FORK_MODE_COW;
}

/* cow: fork shares every private frame read-only; the first write copies it, and a
 * write by the last owner takes it over in place. */
static void test_cow_shares_then_copies_then_reuses(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, 4 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a' + i), 0);
	size_t free_before = frames_free();
	struct vm_stats before = vm_stats;

	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_int_equal(child->counters.pages_copied_at_fork, 0);
	assert_int_equal(vm_stats.fork_pages_shared - before.fork_pages_shared, 4);
	for (int i = 0; i < 4; i++) {
		uint64_t at = BASE + i * PAGE_SIZE;
		assert_ptr_equal(frame_of(parent, at), frame_of(child, at));
		assert_int_equal(frame_of(parent, at)->refcount, 2);
		assert_false(pte_of(parent, at) & PTE_WRITE);
		assert_false(pte_of(child, at) & PTE_WRITE);
	}
	/* Only page tables were allocated: far less than the 4 pages of data. */
	assert_true(free_before - frames_free() < 4 + 8);

	/* The child writes page 1: it alone gets a copy. */
	struct page *original = frame_of(parent, BASE + PAGE_SIZE);
	assert_int_equal(user_write(child, BASE + PAGE_SIZE, 'C'), 0);
	assert_int_equal(vm_stats.cow_copy - before.cow_copy, 1);
	assert_ptr_not_equal(frame_of(child, BASE + PAGE_SIZE), original);
	assert_int_equal(*page_of(parent, BASE + PAGE_SIZE), 'b');
	assert_int_equal(original->refcount, 1);
	assert_true(pte_of(child, BASE + PAGE_SIZE) & PTE_WRITE);

	/* The parent, now the frame's last owner, writes it: no copy. */
	assert_int_equal(user_write(parent, BASE + PAGE_SIZE, 'P'), 0);
	assert_int_equal(vm_stats.cow_reuse - before.cow_reuse, 1);
	assert_int_equal(vm_stats.cow_copy - before.cow_copy, 1);
	assert_ptr_equal(frame_of(parent, BASE + PAGE_SIZE), original);
	assert_int_equal(*page_of(child, BASE + PAGE_SIZE), 'C');

	/* Reads never copy. */
	assert_int_equal(mm_fault(child, BASE + 2 * PAGE_SIZE, FAULT_READ), 0);
	assert_ptr_equal(frame_of(parent, BASE + 2 * PAGE_SIZE), frame_of(child, BASE + 2 * PAGE_SIZE));

	/* The child exits: the parent takes the rest over in place. */
	mm_put(child);
	assert_int_equal(user_write(parent, BASE + 3 * PAGE_SIZE, 'Z'), 0);
	assert_int_equal(vm_stats.cow_copy - before.cow_copy, 1);
	mm_put(parent);
	check_no_leak();
}

/* ------------------------------------------------------------ TLB shootdown */

/* Pretend CPU 1 has mm loaded: what a second CPU's tlb_activate leaves. */
static void loaded_elsewhere(struct mm *mm)
{
	mm_host_several_cpus = true;
	pfn_to_page(mm->root >> PAGE_SHIFT)->table.cpus |= 1ul << 1;
}

/* One shootdown since *count, to CPU 1 alone, for [start, end). */
static void expect_one_shootdown(unsigned *count, uint64_t start, uint64_t end)
{
	assert_int_equal(mm_host_shootdowns.count, *count + 1);
	assert_int_equal(mm_host_shootdowns.cpus, 1ul << 1);
	assert_int_equal(mm_host_shootdowns.start, start);
	assert_int_equal(mm_host_shootdowns.end, end);
	*count = mm_host_shootdowns.count;
}

/*
 * Every operation that removes or weakens entries of an address space loaded on
 * another CPU sends that CPU one shootdown for its whole range, not one per page;
 * frames unmapped meanwhile are freed only after it.
 */
static void test_shootdown_once_per_operation(void **state)
{
	(void)state;
	struct mm *mm = mm_create();
	unsigned count = 0;

	mm_map(mm, BASE, 16 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(user_write(mm, BASE + i * PAGE_SIZE, 'a' + i), 0);
	loaded_elsewhere(mm);
	assert_int_equal(tlb_cpus(mm), 1ul << 1);

	/* munmap across two regions (mprotect split them first). */
	assert_int_equal(mm_protect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	expect_one_shootdown(&count, BASE + 2 * PAGE_SIZE, BASE + 4 * PAGE_SIZE);
	size_t free_before = frames_free();
	assert_int_equal(mm_unmap(mm, BASE + PAGE_SIZE, 4 * PAGE_SIZE), 0);
	expect_one_shootdown(&count, BASE + PAGE_SIZE, BASE + 5 * PAGE_SIZE);
	assert_int_equal(frames_free() - free_before, 4);	/* after the flush */
	/* MADV_DONTNEED. */
	assert_int_equal(mm_discard(mm, BASE + 8 * PAGE_SIZE, 3 * PAGE_SIZE), 0);
	expect_one_shootdown(&count, BASE + 8 * PAGE_SIZE, BASE + 11 * PAGE_SIZE);
	/* fork write-protects the parent: one flush of everything. */
	struct mm *child = mm_fork(mm);
	assert_non_null(child);
	expect_one_shootdown(&count, 0, UINT64_MAX);
	/* A copy-on-write break: that page. */
	assert_int_equal(user_write(mm, BASE + 12 * PAGE_SIZE, 'z'), 0);
	expect_one_shootdown(&count, BASE + 12 * PAGE_SIZE, BASE + 13 * PAGE_SIZE);
	/* The child is loaded nowhere: its changes send nothing. */
	assert_int_equal(user_write(child, BASE + 13 * PAGE_SIZE, 'y'), 0);
	assert_int_equal(mm_unmap(child, BASE, 16 * PAGE_SIZE), 0);
	assert_int_equal(mm_host_shootdowns.count, count);
	mm_put(child);
	pfn_to_page(mm->root >> PAGE_SHIFT)->table.cpus = 0;
	mm_put(mm);
	check_no_leak();
}

/*
 * An unmap of an address space loaded on another CPU drops every reference only
 * after the shootdown, shared ones too: a frame the child shares copy-on-write
 * must not become the child's alone (its fault would reuse it in place, or copy
 * and free it) while the other CPU may still read it. More than a batch of them
 * flushes early, each batch before its references go.
 */
#define WATCHED 100
static struct page *watched[WATCHED];
static unsigned watched_dropped_early, watched_flushes;

/* At the n-th shootdown the batches before it have gone, and no reference since. */
static void check_watched(void)
{
	for (int i = 64 * watched_flushes; i < WATCHED; i++)
		watched_dropped_early += watched[i]->refcount != 2;
	watched_flushes++;
}

static void test_shootdown_before_shared_references_go(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, WATCHED * PAGE_SIZE, RW, 0);
	for (int i = 0; i < WATCHED; i++)
		assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a' + i % 26), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	for (int i = 0; i < WATCHED; i++) {
		watched[i] = frame_of(parent, BASE + i * PAGE_SIZE);
		assert_int_equal(watched[i]->refcount, 2);
	}
	loaded_elsewhere(parent);
	unsigned before = mm_host_shootdowns.count;
	watched_dropped_early = 0;
	watched_flushes = 0;
	mm_host_on_shootdown = check_watched;
	assert_int_equal(mm_unmap(parent, BASE, WATCHED * PAGE_SIZE), 0);
	mm_host_on_shootdown = NULL;
	assert_int_equal(watched_dropped_early, 0);
	assert_int_equal(mm_host_shootdowns.count - before, 2);	/* a full batch, the rest */
	for (int i = 0; i < WATCHED; i++) {
		assert_int_equal(watched[i]->refcount, 1);
		assert_int_equal(*page_of(child, BASE + i * PAGE_SIZE), 'a' + i % 26);
	}
	mm_put(child);
	pfn_to_page(parent->root >> PAGE_SHIFT)->table.cpus = 0;
	mm_put(parent);
	check_no_leak();
}

/* sharedpt: a child taking a shared table for its own in munmap flushes once. */
static void test_shootdown_sharedpt_unshare(void **state)
{
	(void)state;
	struct mm *parent = mm_create();
	unsigned count = 0;

	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_level = 0;
	mm_map(parent, BASE, 512 * PAGE_SIZE, RW, 0);
	assert_int_equal(user_write(parent, BASE, 'a'), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	loaded_elsewhere(child);
	/* munmap through a shared table: taking it and clearing, one flush of all. */
	assert_int_equal(mm_unmap(child, BASE + 256 * PAGE_SIZE, PAGE_SIZE), 0);
	expect_one_shootdown(&count, 0, UINT64_MAX);
	assert_true(pt_table_entry(child->root, BASE) & PTE_WRITE);
	/* Taken already: nothing to flush. */
	assert_int_equal(pt_unshare(child->root, BASE, BASE + PAGE_SIZE), 0);
	assert_int_equal(mm_host_shootdowns.count, count);
	/* An emptied table is kept while another CPU may walk it. */
	uint64_t tables = pt_count_tables(child->root);
	assert_int_equal(mm_unmap(child, BASE, 512 * PAGE_SIZE), 0);
	assert_int_equal(pt_count_tables(child->root), tables);
	pfn_to_page(child->root >> PAGE_SHIFT)->table.cpus = 0;
	mm_put(child);
	mm_put(parent);
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	check_no_leak();
}

/* A copy-on-write fault that finds no frame fails and changes nothing. */
static void test_cow_fault_out_of_memory(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, PAGE_SIZE, RW, 0);
	user_write(parent, BASE, 'p');
	struct mm *child = mm_fork(parent);
	mm_host_fail_nth(1);
	assert_int_equal(mm_fault(child, BASE, FAULT_WRITE), -ENOMEM);
	mm_host_fail_nth(0);
	assert_ptr_equal(frame_of(parent, BASE), frame_of(child, BASE));
	assert_int_equal(frame_of(parent, BASE)->refcount, 2);
	assert_false(pte_of(child, BASE) & PTE_WRITE);
	mm_put(child);
	mm_put(parent);
	check_no_leak();
}

/* mprotect may not make a shared copy-on-write page writable. */
static void test_cow_survives_mprotect(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, 2 * PAGE_SIZE, RW, 0);
	user_write(parent, BASE, 'p');
	struct mm *child = mm_fork(parent);
	assert_int_equal(mm_protect(parent, BASE, 2 * PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(mm_protect(parent, BASE, 2 * PAGE_SIZE, RW), 0);
	assert_false(pte_of(parent, BASE) & PTE_WRITE);
	assert_int_equal(user_write(parent, BASE, 'q'), 0);
	assert_int_equal(*page_of(child, BASE), 'p');
	mm_put(child);
	/* Exclusive again: mprotect may now grant writing directly. */
	assert_int_equal(mm_protect(parent, BASE, PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(mm_protect(parent, BASE, PAGE_SIZE, RW), 0);
	assert_true(pte_of(parent, BASE) & PTE_WRITE);
	mm_put(parent);
	check_no_leak();
}

/* The kernel's writes into a non-active address space (the loader's mm_copy_in)
 * break sharing like a user write. */
static void test_cow_kernel_write(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, PAGE_SIZE, RW, 0);
	user_write(parent, BASE, 'p');
	struct mm *child = mm_fork(parent);
	assert_int_equal(mm_copy_in(child, BASE, "k", 1), 0);
	assert_int_equal(*page_of(child, BASE), 'k');
	assert_int_equal(*page_of(parent, BASE), 'p');
	mm_put(child);
	mm_put(parent);
	check_no_leak();
}

/* The kernel's writes go through the one fault resolver, with their own rules:
 * protection does not apply, the stack does not grow, a frame someone else holds
 * is copied even where the entry stays read-only, and nothing counts as a fault. */
static void test_kernel_write_resolver(void **state)
{
	(void)state;
	struct mm *parent = mm_create();
	uint64_t top = MM_STACK_TOP;

	mm_map(parent, BASE, 2 * PAGE_SIZE, PROT_READ, 0);
	mm_map(parent, BASE + 4 * PAGE_SIZE, PAGE_SIZE, RW, VMA_SHARED);
	mm_map(parent, top - PAGE_SIZE, PAGE_SIZE, RW, VMA_GROWSDOWN | VMA_STACK);
	struct mm_counters counters = parent->counters;
	struct vm_stats stats = vm_stats;

	/* No region, or below the stack: -EFAULT, and the stack stays as it was. */
	assert_int_equal(mm_copy_in(parent, BASE + 2 * PAGE_SIZE, "x", 1), -EFAULT);
	assert_int_equal(mm_copy_in(parent, top - 2 * PAGE_SIZE, "x", 1), -EFAULT);
	assert_int_equal(mm_find_vma(parent, top - 1)->start, top - PAGE_SIZE);
	/* A read-only region: a zeroed frame, written, its entry read-only. */
	assert_int_equal(mm_copy_in(parent, BASE, "r", 1), 0);
	assert_int_equal(*page_of(parent, BASE), 'r');
	assert_false(pte_of(parent, BASE) & PTE_WRITE);
	assert_int_equal(parent->resident_pages, 1);
	assert_int_equal(parent->counters.faults, counters.faults);
	assert_int_equal(parent->counters.zero_fills, counters.zero_fills);
	assert_int_equal(vm_stats.zero_fill, stats.zero_fill);
	assert_int_equal(vm_stats.pgfault, stats.pgfault);

	/* Shared with a child: the writer's frame is copied, read-only entry or not. */
	assert_int_equal(mm_copy_in(parent, BASE + 4 * PAGE_SIZE, "s", 1), 0);
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_ptr_equal(frame_of(parent, BASE), frame_of(child, BASE));
	assert_int_equal(mm_copy_in(child, BASE, "c", 1), 0);
	assert_ptr_not_equal(frame_of(parent, BASE), frame_of(child, BASE));
	assert_int_equal(*page_of(child, BASE), 'c');
	assert_int_equal(*page_of(parent, BASE), 'r');
	assert_int_equal(vm_stats.cow_copy - stats.cow_copy, 1);
	/* The parent's frame is its own again: written in place, no fault of any kind. */
	assert_int_equal(mm_copy_in(parent, BASE, "R", 1), 0);
	assert_int_equal(*page_of(parent, BASE), 'R');
	assert_int_equal(vm_stats.cow_fault - stats.cow_fault, 1);
	/* A shared region's frame is everyone's: written in place, seen by both. */
	assert_int_equal(mm_copy_in(child, BASE + 4 * PAGE_SIZE, "S", 1), 0);
	assert_int_equal(*page_of(parent, BASE + 4 * PAGE_SIZE), 'S');

	struct mm *live[] = { parent, child };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
	mm_put(child);
	mm_put(parent);
	check_no_leak();
}

/* Shared regions stay shared in every mode, and stay writable. */
static void test_shared_stays_shared(void **state)
{
	(void)state;
	for (int mode = 0; mode < FORK_MODE_COUNT; mode++) {
		struct mm *parent = mm_create();
		mm_fork_mode = mode;
		mm_map(parent, BASE, PAGE_SIZE, RW, VMA_SHARED);
		user_write(parent, BASE, 'p');
		struct mm *child = mm_fork(parent);
		assert_true(pte_of(parent, BASE) & PTE_WRITE);
		assert_int_equal(user_write(child, BASE, 'c'), 0);
		assert_int_equal(*page_of(parent, BASE), 'c');
		mm_put(parent);
		mm_put(child);
		check_no_leak();
	}
}

static void test_fork_mode_names(void **state)
{
	(void)state;
	enum fork_mode mode;

	assert_int_equal(fork_mode_parse("copy\n", 5, &mode), 0);
	assert_int_equal(mode, FORK_MODE_COPY);
	assert_int_equal(fork_mode_parse("cow", 3, &mode), 0);
	assert_int_equal(mode, FORK_MODE_COW);
	assert_int_equal(fork_mode_parse("co", 2, &mode), -EINVAL);
	assert_int_equal(fork_mode_parse("cowx", 4, &mode), -EINVAL);
	assert_string_equal(fork_mode_name(FORK_MODE_COPY), "copy");
	assert_string_equal(fork_mode_name(FORK_MODE_COW), "cow");
	assert_int_equal(fork_mode_parse("sharedpt\n", 9, &mode), 0);
	assert_int_equal(mode, FORK_MODE_SHAREDPT);
	assert_string_equal(fork_mode_name(FORK_MODE_SHAREDPT), "sharedpt");
}

/* munmap gives back the page tables no region needs any more, and only those. */
static void test_unmap_frees_page_tables(void **state)
{
	(void)state;
	struct mm *mm = mm_create();
	uint64_t big = 0x40000000ul;	/* 1 GiB: its own page directory */

	mm_map(mm, BASE, PAGE_SIZE, RW, 0);
	mm_populate(mm, BASE, PAGE_SIZE);
	uint64_t tables = pt_count_tables(mm->root);
	mm_map(mm, big, 8 * MIB, RW, 0);
	mm_populate(mm, big, 8 * MIB);
	assert_int_equal(pt_count_tables(mm->root), tables + 1 + 4);	/* a PD, 4 PTs */
	/* Unmapping half keeps the tables the other half uses. */
	assert_int_equal(mm_unmap(mm, big, 4 * MIB), 0);
	assert_int_equal(pt_count_tables(mm->root), tables + 1 + 2);
	assert_int_equal(*page_of(mm, big + 4 * MIB), 0);
	assert_int_equal(mm_unmap(mm, big + 4 * MIB, 4 * MIB), 0);
	assert_int_equal(pt_count_tables(mm->root), tables);
	/* The first region's page is untouched, and new mappings there work again. */
	assert_non_null(page_of(mm, BASE));
	assert_int_equal(mm_map(mm, big, PAGE_SIZE, RW, 0), 0);
	assert_int_equal(user_write(mm, big, 'x'), 0);
	/* A small hole next to a live region keeps the shared table. */
	assert_int_equal(mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, VMA_SHARED), 0);
	assert_int_equal(user_write(mm, BASE + PAGE_SIZE, 'y'), 0);
	assert_int_equal(mm_unmap(mm, BASE + PAGE_SIZE, PAGE_SIZE), 0);
	assert_non_null(page_of(mm, BASE));
	mm_put(mm);
	check_no_leak();
}

/* The overcommit heuristic: one request for more than all of memory is refused,
 * unless it can never need frames of its own or asks not to be counted. */
static void test_overcommit_heuristic(void **state)
{
	(void)state;
	struct mm *mm = mm_create();
	uint64_t all = (frames_managed() + 1) * PAGE_SIZE;

	assert_int_equal(mm_map(mm, BASE, all, RW, 0), -ENOMEM);
	assert_int_equal(mm_map(mm, BASE, all, RW, VMA_SHARED), -ENOMEM);
	assert_int_equal(count_vmas(mm), 0);
	assert_int_equal(mm_map(mm, BASE, all, PROT_NONE, 0), 0);
	assert_int_equal(mm_map(mm, BASE, all, PROT_READ, 0), 0);
	assert_int_equal(mm_map(mm, BASE, all, RW, VMA_NORESERVE), 0);
	assert_int_equal(mm_map(mm, BASE, all - PAGE_SIZE, RW, 0), 0);
	mm_put(mm);
	check_no_leak();
}

static bool mentions(const char *text, const char *word)
{
	for (size_t n = strlen(word); *text; text++)
		if (strncmp(text, word, n) == 0)
			return true;
	return false;
}

/* mm_audit finds each kind of damage it is there to find. */
static void test_audit_finds_damage(void **state)
{
	(void)state;
	struct mm *parent = mm_create();
	char report[256];

	mm_map(parent, BASE, 2 * PAGE_SIZE, RW, 0);
	user_write(parent, BASE, 'p');
	user_write(parent, BASE + PAGE_SIZE, 'q');
	struct mm *child = mm_fork(parent);
	struct mm *both[2] = { parent, child };
	assert_int_equal(audit(both, 2, report, sizeof(report)), 0);

	/* A shared copy-on-write page made writable behind mm's back. */
	pte_t *pte = pt_lookup(child->root, BASE);
	*pte |= PTE_WRITE;
	assert_int_equal(audit(both, 2, report, sizeof(report)), -1);
	assert_true(mentions(report, "copy-on-write"));
	*pte &= ~PTE_WRITE;

	/* A lost reference, and a leaked one. */
	struct page *page = frame_of(parent, BASE + PAGE_SIZE);
	page->refcount++;
	assert_int_equal(audit(both, 2, report, sizeof(report)), -1);
	assert_true(mentions(report, "references"));
	page->refcount--;

	/* An address space missing from the list: its tables and frames look leaked. */
	assert_int_equal(audit(both, 1, report, sizeof(report)), -1);

	/* A wrong resident count. */
	child->resident_pages++;
	assert_int_equal(audit(both, 2, report, sizeof(report)), -1);
	assert_true(mentions(report, "resident"));
	child->resident_pages--;

	assert_int_equal(audit(both, 2, report, sizeof(report)), 0);
	mm_put(child);
	mm_put(parent);
	check_no_leak();
}

/* Fork under memory pressure: every possible allocation failure leaks nothing. */
static void test_fork_out_of_memory(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, 8 * PAGE_SIZE, RW, 0);
	mm_map(parent, 0x40000000ul, 8 * PAGE_SIZE, RW, 0);	/* another page directory */
	mm_map(parent, BASE + 16 * PAGE_SIZE, 4 * PAGE_SIZE, RW, VMA_GROWSDOWN);
	mm_populate(parent, BASE, 8 * PAGE_SIZE);
	mm_populate(parent, 0x40000000ul, 8 * PAGE_SIZE);
	mm_populate(parent, BASE + 16 * PAGE_SIZE, 4 * PAGE_SIZE);
	size_t before = frames_free();
	unsigned failed = 0;
	mm_sharedpt_min_resident = 0;
	/* copy, cow, and sharedpt sharing tables of each level in turn. */
	for (unsigned n = 1; n < 320; n++) {
		unsigned variant = n % 5;
		mm_fork_mode = variant < FORK_MODE_SHAREDPT ? variant : FORK_MODE_SHAREDPT;
		mm_sharedpt_level = variant < FORK_MODE_SHAREDPT ? 0 : variant - FORK_MODE_SHAREDPT;
		/* Small regions shared, or forked by entries beside the stack. */
		mm_sharedpt_small_pages = n / 5 % 2 ? 0 : 512;
		mm_host_fail_nth((n + 4) / 5);
		struct mm *child = mm_fork(parent);
		mm_host_fail_nth(0);
		if (child)
			mm_put(child);
		else
			failed++;
		kmalloc_shrink();
		assert_int_equal(frames_free(), before);
	}
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	mm_sharedpt_small_pages = 512;
	assert_true(failed > 10);
	mm_put(parent);
	check_no_leak();
}

static void test_brk(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	mm->brk_start = mm->brk = BASE + 0x123;
	assert_int_equal(mm_brk(mm, BASE + 0x123 + 3 * PAGE_SIZE), BASE + 0x123 + 3 * PAGE_SIZE);
	assert_int_equal(mm_fault(mm, BASE + 3 * PAGE_SIZE, FAULT_WRITE), 0);
	assert_true(mm_find_vma(mm, BASE + PAGE_SIZE)->flags & VMA_HEAP);
	assert_int_equal(mm_brk(mm, BASE), BASE + 0x123 + 3 * PAGE_SIZE);	/* below start */
	assert_int_equal(mm_brk(mm, BASE + 0x200), BASE + 0x200);
	assert_null(mm_find_vma(mm, BASE + PAGE_SIZE));
	assert_int_equal(mm->resident_pages, 0);
	/* Growing into another mapping fails and leaves the break alone. */
	mm_map(mm, BASE + 4 * PAGE_SIZE, PAGE_SIZE, RW, 0);
	assert_int_equal(mm_brk(mm, BASE + 8 * PAGE_SIZE), BASE + 0x200);
	mm_put(mm);
	check_no_leak();
}

static void test_stack_grows_down(void **state)
{
	(void)state;
	struct mm *mm = mm_create();
	uint64_t top = MM_STACK_TOP;

	mm_map(mm, top - 4 * PAGE_SIZE, 4 * PAGE_SIZE, RW, VMA_GROWSDOWN | VMA_STACK);
	assert_int_equal(mm_fault(mm, top - 100 * PAGE_SIZE, FAULT_WRITE), 0);
	assert_int_equal(mm_find_vma(mm, top - 1)->start, top - 100 * PAGE_SIZE);
	/* Beyond the 8 MiB limit: no. */
	assert_int_equal(mm_fault(mm, top - MM_STACK_LIMIT - PAGE_SIZE, FAULT_WRITE), -EFAULT);
	/* A mapping below keeps the guard gap free. */
	uint64_t below = top - 2 * MIB;
	mm_map(mm, below, PAGE_SIZE, RW, 0);
	assert_int_equal(mm_fault(mm, below + PAGE_SIZE + PAGE_SIZE, FAULT_WRITE), -EFAULT);
	mm_put(mm);
	check_no_leak();
}

static void test_find_free_top_down(void **state)
{
	(void)state;
	struct mm *mm = mm_create();

	uint64_t first = mm_find_free(mm, 0, 3 * PAGE_SIZE);
	assert_int_equal(first, MM_MMAP_BASE - 3 * PAGE_SIZE);
	mm_map(mm, first, 3 * PAGE_SIZE, RW, 0);
	assert_int_equal(mm_find_free(mm, 0, PAGE_SIZE), first - PAGE_SIZE);
	assert_int_equal(mm_find_free(mm, BASE, PAGE_SIZE), BASE);	/* a free hint wins */
	assert_int_equal(mm_find_free(mm, first, PAGE_SIZE), first - PAGE_SIZE);
	mm_put(mm);
	check_no_leak();
}

/* ------------------------------------------------------------ file mappings */

/*
 * A fake file for mm_backing: PAGE_CACHE frames allocated on first use (as ramfs
 * allocates a hole), holding the cache's own reference; `model` is what each page
 * must contain (every byte of page i is model[i]); `refs` counts the references
 * regions hold.
 */
#define FAKE_PAGES 64

struct fake_file {
	struct mm_backing backing;
	struct mm_object object;
	struct page *pages[FAKE_PAGES];
	uint8_t model[FAKE_PAGES];
	uint64_t size;		/* bytes */
	int refs;
};

static struct fake_file *fake_of(struct mm_backing *backing)
{
	return container_of(backing, struct fake_file, backing);
}

static uint64_t fake_pages(const struct fake_file *f)
{
	return (f->size + PAGE_SIZE - 1) / PAGE_SIZE;
}

static int fake_get_page(struct mm_backing *backing, uint64_t index, struct page **out)
{
	struct fake_file *f = fake_of(backing);

	if (index >= fake_pages(f))
		return -EIO;
	assert_true(index < FAKE_PAGES);
	if (!f->pages[index]) {
		f->pages[index] = frame_alloc(PAGE_CACHE, 0);
		if (!f->pages[index])
			return -ENOMEM;
		memset(page_address(f->pages[index]), f->model[index], PAGE_SIZE);
	}
	frame_get(f->pages[index]);
	*out = f->pages[index];
	return 0;
}

static void fake_get(struct mm_backing *backing)
{
	fake_of(backing)->refs++;
}

static void fake_put(struct mm_backing *backing)
{
	assert_true(fake_of(backing)->refs > 0);
	fake_of(backing)->refs--;
}

static void fake_identify(struct mm_backing *backing, struct mm_backing_id *id)
{
	(void)backing;
	*id = (struct mm_backing_id){ 0, 1, 42 };
}

static long fake_path(struct mm_backing *backing, char *buf, size_t size)
{
	(void)backing;
	if (size < 6)
		return -ERANGE;
	memcpy(buf, "/fake", 6);
	return 5;
}

/* Only the pages the file has in memory already: for fault-around. */
static struct page *fake_cached_page(struct mm_backing *backing, uint64_t index)
{
	struct fake_file *f = fake_of(backing);

	if (index >= fake_pages(f) || index >= FAKE_PAGES || !f->pages[index])
		return NULL;
	frame_get(f->pages[index]);
	return f->pages[index];
}

/* Without cached_page: a fault maps its own page only, which the tests below
 * count on; fake_around_ops adds it. */
static const struct mm_backing_ops fake_ops = {
	.get_page = fake_get_page, .get = fake_get, .put = fake_put,
	.identify = fake_identify, .path = fake_path,
};

static const struct mm_backing_ops fake_around_ops = {
	.get_page = fake_get_page, .cached_page = fake_cached_page, .get = fake_get,
	.put = fake_put, .identify = fake_identify, .path = fake_path,
};

static void fake_init(struct fake_file *f, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->backing.ops = &fake_ops;
	f->backing.object = &f->object;
	mm_object_init(&f->object);
	f->size = size;
	for (int i = 0; i < FAKE_PAGES; i++)
		f->model[i] = (uint8_t)(0x40 + i);
}

/* The file's own byte at offset (its page allocated if need be). */
static uint8_t *fake_byte(struct fake_file *f, uint64_t offset)
{
	struct page *page;

	assert_int_equal(fake_get_page(&f->backing, offset / PAGE_SIZE, &page), 0);
	frame_put(page);
	return (uint8_t *)page_address(page) + offset % PAGE_SIZE;
}

/* Shrink to whole pages the way fs/pagecache.c does: unmap, then drop the pages. */
static void fake_truncate(struct fake_file *f, uint64_t size)
{
	uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	mm_object_truncate(&f->object, keep);
	for (uint64_t i = keep; i < FAKE_PAGES; i++) {
		if (f->pages[i])
			frame_put(f->pages[i]);
		f->pages[i] = NULL;
		f->model[i] = 0;	/* growing again gives zero pages */
	}
	f->size = size;
}

/* Every region gone: give the cache's pages back. */
static void fake_release(struct fake_file *f)
{
	assert_int_equal(f->refs, 0);
	assert_true(list_empty(&f->object.vmas));
	for (int i = 0; i < FAKE_PAGES; i++)
		if (f->pages[i])
			frame_put(f->pages[i]);
	memset(f->pages, 0, sizeof(f->pages));
}

/*
 * The discard without the kernel lock (mm_discard_fast) does what mm_discard
 * does, holes and all, or nothing: -EAGAIN for a range over 2 MiB, under a table
 * sharedpt shares, or while the lock is held elsewhere or the audit runs.
 */
static void test_discard_fast(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, 1024 * PAGE_SIZE, RW, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mm_fault(parent, BASE + i * PAGE_SIZE, FAULT_WRITE), 0);
	*page_of(parent, BASE) = 'x';
	assert_int_equal(mm_discard_fast(parent, BASE, 2 * PAGE_SIZE), 0);
	assert_null(page_of(parent, BASE));
	assert_null(page_of(parent, BASE + PAGE_SIZE));
	assert_int_equal(parent->resident_pages, 2);
	/* Beyond the region: the part inside is discarded, the hole is ENOMEM. */
	assert_int_equal(mm_discard_fast(parent, BASE + 1023 * PAGE_SIZE, 2 * PAGE_SIZE), -ENOMEM);

	assert_int_equal(mm_discard_fast(parent, BASE, 513 * PAGE_SIZE), -EAGAIN);
	spin_lock_keep_irqs(&parent->lock);
	assert_int_equal(mm_discard_fast(parent, BASE + 2 * PAGE_SIZE, PAGE_SIZE), -EAGAIN);
	spin_unlock_keep_irqs(&parent->lock);
	fast_paths_pause();
	assert_int_equal(mm_discard_fast(parent, BASE + 2 * PAGE_SIZE, PAGE_SIZE), -EAGAIN);
	fast_paths_resume();
	assert_int_equal(parent->resident_pages, 2);

	/* sharedpt: the child's tables are the parent's until one of them writes. */
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 1;
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	assert_int_equal(mm_discard_fast(child, BASE + 2 * PAGE_SIZE, PAGE_SIZE), -EAGAIN);
	assert_int_equal(child->resident_pages, 2);
	assert_int_equal(mm_discard(child, BASE + 2 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(child->resident_pages, 1);
	assert_int_equal(mm_discard_fast(child, BASE + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(child->resident_pages, 0);
	assert_non_null(page_of(parent, BASE + 3 * PAGE_SIZE));
	struct mm *live[] = { parent, child };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);

	mm_put(child);
	mm_put(parent);
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_small_pages = 512;
	check_no_leak();
}

/*
 * The fault fast path (mm_fault_fast) resolves what it takes exactly as
 * mm_fault would: a first touch, a copy-on-write copy and a reuse in anonymous
 * private memory, a file's page (with those around it) and a private copy of
 * one. Everything else it leaves alone, -EAGAIN with nothing changed, for
 * mm_fault: a fault that must signal, a page past the end of its file, shared
 * anonymous memory, stack growth, a table sharedpt shares, no frame, its lock
 * held elsewhere, an audit.
 */
static void test_fast_path(void **state)
{
	(void)state;
	const uint64_t stack_top = MM_STACK_TOP;
	struct fake_file f;
	struct mm *parent = mm_create();
	struct vm_stats before = vm_stats;

	fake_init(&f, 4 * PAGE_SIZE);
	f.backing.ops = &fake_around_ops;
	mm_map(parent, BASE, 4 * PAGE_SIZE, RW, 0);
	mm_map(parent, BASE + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0);
	mm_map(parent, BASE + 16 * PAGE_SIZE, PAGE_SIZE, RW, VMA_SHARED);
	mm_map_file(parent, BASE + 32 * PAGE_SIZE, 8 * PAGE_SIZE, RW, 0, &f.backing, 0);
	mm_map(parent, stack_top - 4 * PAGE_SIZE, 4 * PAGE_SIZE, RW, VMA_GROWSDOWN | VMA_STACK);

	assert_int_equal(mm_fault_fast(parent, BASE + 5, FAULT_WRITE), 0);
	assert_int_equal(parent->resident_pages, 1);
	assert_int_equal(page_of(parent, BASE)[5], 0);
	assert_true(pte_of(parent, BASE) & PTE_WRITE);
	assert_int_equal(vm_stats.zero_fill - before.zero_fill, 1);
	assert_int_equal(vm_stats.fault_fast - before.fault_fast, 1);
	assert_int_equal(vm_stats.pgfault - before.pgfault, 1);
	*page_of(parent, BASE) = 'p';

	/* Left to mm_fault, untouched. */
	assert_int_equal(mm_fault_fast(parent, BASE + 8 * PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	assert_int_equal(mm_fault_fast(parent, BASE + 4 * PAGE_SIZE, FAULT_READ), -EAGAIN);
	assert_int_equal(mm_fault_fast(parent, BASE + 16 * PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	assert_int_equal(mm_fault_fast(parent, BASE + 37 * PAGE_SIZE, FAULT_READ), -EAGAIN);
	assert_int_equal(mm_fault_fast(parent, stack_top - 8 * PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	assert_int_equal(mm_find_vma(parent, stack_top - 1)->start, stack_top - 4 * PAGE_SIZE);
	mm_host_fail_nth(1);
	assert_int_equal(mm_fault_fast(parent, BASE + PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	mm_host_fail_nth(0);
	spin_lock_keep_irqs(&parent->lock);
	assert_int_equal(mm_fault_fast(parent, BASE + PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	spin_unlock_keep_irqs(&parent->lock);
	fast_paths_pause();
	assert_int_equal(mm_fault_fast(parent, BASE + PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	fast_paths_resume();
	assert_int_equal(parent->resident_pages, 1);
	assert_null(page_of(parent, BASE + 16 * PAGE_SIZE));
	assert_null(page_of(parent, BASE + 37 * PAGE_SIZE));
	assert_int_equal(vm_stats.fault_fast - before.fault_fast, 1);

	/* A file's page: a read maps the cache's frame, and the cached one beside
	 * it comes along; a first write to a private mapping copies at once. */
	fake_byte(&f, PAGE_SIZE);
	assert_int_equal(mm_fault_fast(parent, BASE + 32 * PAGE_SIZE, FAULT_READ), 0);
	assert_ptr_equal(frame_of(parent, BASE + 32 * PAGE_SIZE), f.pages[0]);
	assert_ptr_equal(frame_of(parent, BASE + 33 * PAGE_SIZE), f.pages[1]);
	assert_false(pte_of(parent, BASE + 32 * PAGE_SIZE) & PTE_WRITE);
	assert_int_equal(mm_fault_fast(parent, BASE + 34 * PAGE_SIZE, FAULT_WRITE), 0);
	assert_ptr_not_equal(frame_of(parent, BASE + 34 * PAGE_SIZE), f.pages[2]);
	assert_int_equal(*page_of(parent, BASE + 34 * PAGE_SIZE), f.model[2]);
	assert_int_equal(parent->resident_pages, 4);
	assert_int_equal(vm_stats.file_fault - before.file_fault, 2);
	assert_int_equal(vm_stats.file_fault_around - before.file_fault_around, 1);
	assert_int_equal(vm_stats.file_copy - before.file_copy, 1);
	assert_int_equal(vm_stats.fault_fast - before.fault_fast, 3);

	/* Copy-on-write: the child gets a copy, the parent then reuses its frame. */
	struct mm *child = mm_fork(parent);
	assert_non_null(child);
	struct page *original = frame_of(parent, BASE);
	assert_int_equal(mm_fault_fast(child, BASE, FAULT_WRITE), 0);
	assert_ptr_not_equal(frame_of(child, BASE), original);
	assert_int_equal(*page_of(child, BASE), 'p');
	assert_int_equal(vm_stats.cow_copy - before.cow_copy, 1);
	assert_int_equal(mm_fault_fast(parent, BASE, FAULT_WRITE), 0);
	assert_ptr_equal(frame_of(parent, BASE), original);
	assert_int_equal(vm_stats.cow_reuse - before.cow_reuse, 1);
	assert_true(pte_of(parent, BASE) & PTE_WRITE);
	struct mm *live[] = { parent, child };
	char report[256];
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);
	mm_put(child);

	/* sharedpt: under a shared table the slow path must take the table first. */
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_level = 0;
	mm_sharedpt_small_pages = 1;
	child = mm_fork(parent);
	assert_non_null(child);
	assert_false(pt_table_entry(child->root, BASE) & PTE_WRITE);
	assert_int_equal(mm_fault_fast(child, BASE + PAGE_SIZE, FAULT_WRITE), -EAGAIN);
	assert_int_equal(mm_fault_fast(child, BASE, FAULT_WRITE), -EAGAIN);
	assert_int_equal(mm_fault(child, BASE, FAULT_WRITE), 0);
	/* Taken: from now on the fast path may. */
	assert_int_equal(mm_fault_fast(child, BASE + PAGE_SIZE, FAULT_WRITE), 0);
	live[1] = child;
	assert_int_equal(audit(live, 2, report, sizeof(report)), 0);

	mm_put(child);
	mm_put(parent);
	fake_release(&f);
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	mm_sharedpt_small_pages = 512;
	check_no_leak();
}

/* Private: reading maps the file's frame read-only; the first write copies it and
 * leaves the file (and its frame) alone; until then the file's changes show. */
static void test_file_private_copy_on_write(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();
	struct vm_stats before = vm_stats;

	fake_init(&f, 4 * PAGE_SIZE);
	assert_int_equal(mm_map_file(mm, BASE, 4 * PAGE_SIZE, RW, 0, &f.backing, 0), 0);
	assert_int_equal(f.refs, 1);
	assert_null(page_of(mm, BASE));			/* nothing until touched */
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), 0);
	struct page *cached = f.pages[0];
	assert_ptr_equal(frame_of(mm, BASE), cached);
	assert_int_equal(cached->refcount, 2);		/* the cache's and the mapping's */
	assert_false(pte_of(mm, BASE) & PTE_WRITE);	/* never exclusive */
	assert_int_equal(*page_of(mm, BASE + 5), 0x40);
	assert_int_equal(mm->resident_pages, 1);
	assert_int_equal(vm_stats.file_fault - before.file_fault, 1);

	/* The file changes: an untouched private page shows it. */
	*fake_byte(&f, 6) = 'F';
	assert_int_equal(*page_of(mm, BASE + 6), 'F');

	/* The write: a copy with the contents, the file frame keeps only its cache ref. */
	assert_int_equal(user_write(mm, BASE + 7, 'P'), 0);
	assert_ptr_not_equal(frame_of(mm, BASE), cached);
	assert_int_equal(frame_of(mm, BASE)->kind, PAGE_ANON);
	assert_int_equal(frame_of(mm, BASE)->refcount, 1);
	assert_true(pte_of(mm, BASE) & PTE_WRITE);
	assert_int_equal(cached->refcount, 1);
	assert_int_equal(*page_of(mm, BASE + 5), 0x40);
	assert_int_equal(*page_of(mm, BASE + 6), 'F');
	assert_int_equal(*fake_byte(&f, 7), 0x40);	/* the file never sees it */
	assert_int_equal(vm_stats.cow_copy - before.cow_copy, 1);
	/* ... nor the copy the file's later changes. */
	*fake_byte(&f, 8) = 'G';
	assert_int_equal(*page_of(mm, BASE + 8), 0x40);

	/* A write as first touch copies at once, without mapping the file frame. */
	assert_int_equal(user_write(mm, BASE + PAGE_SIZE, 'Q'), 0);
	assert_int_equal(vm_stats.file_copy - before.file_copy, 1);
	assert_int_equal(f.pages[1]->refcount, 1);
	assert_int_equal(*fake_byte(&f, PAGE_SIZE), 0x41);
	assert_int_equal(page_of(mm, BASE + PAGE_SIZE)[1], 0x41);

	/* MADV_DONTNEED: the private copies go; the file's contents come back. */
	assert_int_equal(mm_discard(mm, BASE, 2 * PAGE_SIZE), 0);
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), 0);
	assert_ptr_equal(frame_of(mm, BASE), cached);
	assert_int_equal(*page_of(mm, BASE + 7), 0x40);
	assert_int_equal(*page_of(mm, BASE + 8), 'G');

	mm_put(mm);
	assert_int_equal(cached->refcount, 1);
	fake_release(&f);
	check_no_leak();
}

/*
 * Fault-around: a read fault maps the file's cached pages around it, 16 pages from
 * the 64 KiB boundary below or the region's start, without filling holes; a write
 * fault maps only its own page.
 */
static void test_file_fault_around(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();
	const uint64_t start = BASE + 3 * PAGE_SIZE;	/* not at a 64 KiB boundary */
	struct vm_stats before = vm_stats;

	fake_init(&f, 40 * PAGE_SIZE);
	f.backing.ops = &fake_around_ops;
	for (uint64_t i = 0; i < 40; i++)
		if (i != 5)				/* a hole */
			fake_byte(&f, i * PAGE_SIZE);
	assert_int_equal(mm_map_file(mm, start, 30 * PAGE_SIZE, RW, 0, &f.backing, 0), 0);

	assert_int_equal(mm_fault(mm, start, FAULT_READ), 0);
	for (uint64_t i = 0; i < 30; i++)
		assert_int_equal(page_of(mm, start + i * PAGE_SIZE) != NULL, i < 16 && i != 5);
	assert_int_equal(mm->resident_pages, 15);
	assert_int_equal(vm_stats.file_fault_around - before.file_fault_around, 14);
	assert_int_equal(vm_stats.file_fault - before.file_fault, 1);
	assert_false(pte_of(mm, start + PAGE_SIZE) & PTE_WRITE);	/* private: not yet */
	assert_int_equal(f.pages[1]->refcount, 2);

	/* Page 20: the window starts at the boundary below it, BASE + 16 pages. */
	assert_int_equal(mm_fault(mm, start + 20 * PAGE_SIZE, FAULT_READ), 0);
	for (uint64_t i = 0; i < 30; i++)
		assert_int_equal(page_of(mm, start + i * PAGE_SIZE) != NULL, i < 29 && i != 5);
	assert_int_equal(mm->resident_pages, 28);

	/* A write maps its own page (a private copy) and nothing around it. */
	assert_int_equal(user_write(mm, start + 29 * PAGE_SIZE, 'W'), 0);
	assert_null(page_of(mm, start + 5 * PAGE_SIZE));
	assert_int_equal(mm->resident_pages, 29);

	mm_put(mm);
	for (uint64_t i = 0; i < 40; i++)
		if (f.pages[i])
			assert_int_equal(f.pages[i]->refcount, 1);
	fake_release(&f);
	check_no_leak();
}

/* Shared: the file's frames themselves, writable, in every process that maps them. */
static void test_file_shared_writes_reach_file(void **state)
{
	(void)state;
	for (int mode = 0; mode < FORK_MODE_COUNT; mode++) {
		struct fake_file f;
		struct mm *parent = mm_create();

		mm_fork_mode = mode;
		fake_init(&f, 2 * PAGE_SIZE);
		assert_int_equal(mm_map_file(parent, BASE, 2 * PAGE_SIZE, RW, VMA_SHARED,
					     &f.backing, 0), 0);
		assert_int_equal(user_write(parent, BASE + 1, 'p'), 0);
		assert_ptr_equal(frame_of(parent, BASE), f.pages[0]);
		assert_true(pte_of(parent, BASE) & PTE_WRITE);
		assert_int_equal(*fake_byte(&f, 1), 'p');

		struct mm *child = mm_fork(parent);
		assert_non_null(child);
		assert_int_equal(f.refs, 2);
		assert_true(pte_of(parent, BASE) & PTE_WRITE);	/* shared stays writable */
		assert_int_equal(user_write(child, BASE + 2, 'c'), 0);
		assert_int_equal(page_of(parent, BASE)[2], 'c');
		assert_int_equal(*fake_byte(&f, 2), 'c');
		/* A page first touched after fork is the same frame on both sides. */
		assert_int_equal(user_write(child, BASE + PAGE_SIZE, 'd'), 0);
		assert_int_equal(mm_fault(parent, BASE + PAGE_SIZE, FAULT_READ), 0);
		assert_int_equal(*page_of(parent, BASE + PAGE_SIZE), 'd');
		assert_int_equal(f.pages[0]->refcount, 3);
		mm_put(child);
		mm_put(parent);
		assert_int_equal(f.pages[0]->refcount, 1);
		fake_release(&f);
		check_no_leak();
	}
}

/* fork of a private file mapping: in both modes the file's frames are shared (never
 * copied), the process's own copies follow the mode, and no write reaches the file. */
static void test_file_private_fork(void **state)
{
	(void)state;
	/* sharedpt shares even this small process's tables */
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 0;
	for (int mode = 0; mode < FORK_MODE_COUNT; mode++) {
		struct fake_file f;
		struct mm *parent = mm_create();

		mm_fork_mode = mode;
		fake_init(&f, 2 * PAGE_SIZE);
		mm_map_file(parent, BASE, 2 * PAGE_SIZE, RW, 0, &f.backing, 0);
		assert_int_equal(mm_fault(parent, BASE, FAULT_READ), 0);	/* file frame */
		assert_int_equal(user_write(parent, BASE + PAGE_SIZE, 'p'), 0);	/* own copy */
		struct vm_stats before = vm_stats;
		struct mm *child = mm_fork(parent);
		assert_non_null(child);
		assert_ptr_equal(frame_of(child, BASE), f.pages[0]);
		/* The cache's reference and one per leaf table mapping it: sharedpt's
		 * parent and child map it through the same table. */
		assert_int_equal(f.pages[0]->refcount, mode == FORK_MODE_SHAREDPT ? 2 : 3);
		assert_int_equal(vm_stats.fork_pages_copied - before.fork_pages_copied,
				 mode == FORK_MODE_COPY ? 1 : 0);
		assert_int_equal(vm_stats.fork_pages_shared - before.fork_pages_shared,
				 mode == FORK_MODE_COW ? 1 : 0);
		assert_int_equal(page_of(child, BASE + PAGE_SIZE)[0], 'p');
		assert_int_equal(user_write(child, BASE, 'c'), 0);
		assert_int_equal(*page_of(child, BASE), 'c');
		assert_int_equal(*page_of(parent, BASE), 0x40);
		assert_int_equal(*fake_byte(&f, 0), 0x40);
		assert_int_equal(f.pages[0]->refcount, 2);
		assert_int_equal(user_write(child, BASE + PAGE_SIZE, 'C'), 0);
		assert_int_equal(page_of(parent, BASE + PAGE_SIZE)[0], 'p');
		mm_put(parent);
		mm_put(child);
		fake_release(&f);
		check_no_leak();
	}
	mm_sharedpt_min_resident = 1024;
}

/* The file offset follows every split; merging needs the same file at contiguous
 * offsets; each region holds one reference. */
static void test_file_split_and_merge(void **state)
{
	(void)state;
	struct fake_file f, g;
	struct mm *mm = mm_create();

	fake_init(&f, 40 * PAGE_SIZE);
	fake_init(&g, 40 * PAGE_SIZE);
	assert_int_equal(mm_map_file(mm, BASE, 8 * PAGE_SIZE, RW, 0, &f.backing, 10), 0);
	assert_int_equal(mm_protect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(count_vmas(mm), 3);
	assert_int_equal(f.refs, 3);
	assert_int_equal(mm_find_vma(mm, BASE + 2 * PAGE_SIZE)->pgoff, 12);
	assert_int_equal(mm_find_vma(mm, BASE + 4 * PAGE_SIZE)->pgoff, 14);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(mm_fault(mm, BASE + i * PAGE_SIZE, FAULT_READ), 0);
		assert_int_equal(*page_of(mm, BASE + i * PAGE_SIZE), 0x40 + 10 + i);
	}
	/* Back to one protection: contiguous offsets merge again. */
	assert_int_equal(mm_protect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW), 0);
	assert_int_equal(count_vmas(mm), 1);
	assert_int_equal(f.refs, 1);
	/* A hole, then the same file at other offsets, or another file: no merging. */
	assert_int_equal(mm_unmap(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(mm_find_vma(mm, BASE + 4 * PAGE_SIZE)->pgoff, 14);
	assert_int_equal(f.refs, 2);
	assert_int_equal(mm_map_file(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE, RW, 0, &f.backing, 20), 0);
	assert_int_equal(count_vmas(mm), 3);
	assert_int_equal(mm_map_file(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE, RW, 0, &g.backing, 13), 0);
	assert_int_equal(count_vmas(mm), 3);
	assert_int_equal(g.refs, 1);
	assert_int_equal(*fake_byte(&f, 20 * PAGE_SIZE), 0x40 + 20);
	/* The same file at the right offset: one region again. */
	assert_int_equal(mm_map_file(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE, RW, 0, &f.backing, 13), 0);
	assert_int_equal(count_vmas(mm), 1);
	assert_int_equal(f.refs, 1);
	assert_int_equal(g.refs, 0);
	assert_int_equal(mm_fault(mm, BASE + 3 * PAGE_SIZE, FAULT_READ), 0);
	assert_int_equal(*page_of(mm, BASE + 3 * PAGE_SIZE), 0x40 + 13);
	/* An anonymous neighbour never merges with a file region. */
	assert_int_equal(mm_map(mm, BASE + 8 * PAGE_SIZE, PAGE_SIZE, RW, 0), 0);
	assert_int_equal(count_vmas(mm), 2);
	mm_put(mm);
	fake_release(&f);
	fake_release(&g);
	check_no_leak();
}

/* Past the end of the file: -EIO (SIGBUS), for faults, the loader and populate. */
static void test_file_end_of_file(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();

	fake_init(&f, 2 * PAGE_SIZE + 100);
	mm_map_file(mm, BASE, 4 * PAGE_SIZE, RW, 0, &f.backing, 0);
	assert_int_equal(mm_fault(mm, BASE + 2 * PAGE_SIZE + 3000, FAULT_READ), 0);	/* the tail */
	assert_int_equal(mm_fault(mm, BASE + 3 * PAGE_SIZE, FAULT_READ), -EIO);
	assert_int_equal(mm_fault(mm, BASE + 3 * PAGE_SIZE, FAULT_WRITE), -EIO);
	assert_int_equal(mm_copy_in(mm, BASE + 3 * PAGE_SIZE, "x", 1), -EIO);
	assert_int_equal(mm_populate(mm, BASE, 4 * PAGE_SIZE), 0);	/* stops quietly */
	assert_int_equal(mm->resident_pages, 3);
	/* An offset beyond the end: every page is past it. */
	mm_map_file(mm, BASE + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ, VMA_SHARED, &f.backing, 1ul << 40);
	assert_int_equal(mm_fault(mm, BASE + 8 * PAGE_SIZE, FAULT_READ), -EIO);

	/* Truncation takes the lost pages from every mapping, private copies too. */
	struct mm *other = mm_create();
	mm_map_file(other, BASE, 3 * PAGE_SIZE, RW, VMA_SHARED, &f.backing, 0);
	assert_int_equal(mm_populate(other, BASE, 3 * PAGE_SIZE), 0);
	assert_int_equal(user_write(mm, BASE + PAGE_SIZE, 'p'), 0);	/* a private copy */
	fake_truncate(&f, PAGE_SIZE);
	assert_int_equal(mm->resident_pages, 1);
	assert_int_equal(other->resident_pages, 1);
	assert_null(page_of(mm, BASE + PAGE_SIZE));
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_READ), -EIO);
	assert_int_equal(mm_fault(other, BASE + 2 * PAGE_SIZE, FAULT_WRITE), -EIO);
	assert_non_null(page_of(mm, BASE));
	/* Grown again: the pages are back, with the file's (new, zero) contents. */
	f.size = 3 * PAGE_SIZE;
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_READ), 0);
	assert_int_equal(*page_of(mm, BASE + PAGE_SIZE), 0);
	mm_put(other);
	mm_put(mm);
	fake_release(&f);
	check_no_leak();
}

/*
 * sharedpt: truncation cannot fail. With no frame for a table's copy, the lost
 * pages are cleared through the table still shared, which every address space
 * using it does alike; the anonymous pages under the same table stay, each
 * address space's resident count is right, and nothing leaks.
 */
static void test_sharedpt_truncate_without_memory(void **state)
{
	(void)state;
	mm_fork_mode = FORK_MODE_SHAREDPT;
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 0;	/* share every region's tables */
	for (int level = 0; level < MM_SHAREDPT_LEVELS; level++) {
		struct fake_file f;
		struct mm *parent = mm_create();

		mm_sharedpt_level = level;
		fake_init(&f, 8 * PAGE_SIZE);
		mm_map_file(parent, BASE, 8 * PAGE_SIZE, RW, 0, &f.backing, 0);
		mm_map(parent, BASE + 8 * PAGE_SIZE, 4 * PAGE_SIZE, RW, 0);
		assert_int_equal(mm_populate(parent, BASE, 8 * PAGE_SIZE), 0);
		assert_int_equal(user_write(parent, BASE, 'p'), 0);	/* a private copy */
		for (int i = 8; i < 12; i++)
			assert_int_equal(user_write(parent, BASE + i * PAGE_SIZE, 'a' + i), 0);
		struct mm *child = mm_fork(parent);
		struct mm *grandchild = mm_fork(child);
		assert_non_null(child);
		assert_non_null(grandchild);
		assert_ptr_equal(pt_lookup(parent->root, BASE), pt_lookup(grandchild->root, BASE));

		mm_host_fail_all(true);
		fake_truncate(&f, 2 * PAGE_SIZE);
		mm_host_fail_all(false);

		struct mm *spaces[] = { parent, child, grandchild };
		for (int s = 0; s < 3; s++) {
			struct mm *mm = spaces[s];
			assert_int_equal(mm->resident_pages, 2 + 4);
			assert_int_equal(*page_of(mm, BASE), 'p');
			assert_int_equal(*page_of(mm, BASE + PAGE_SIZE), 0x41);
			assert_null(page_of(mm, BASE + 2 * PAGE_SIZE));
			assert_int_equal(mm_fault(mm, BASE + 7 * PAGE_SIZE, FAULT_READ), -EIO);
			for (int i = 8; i < 12; i++)
				assert_int_equal(*page_of(mm, BASE + i * PAGE_SIZE), 'a' + i);
		}
		char report[256];
		assert_int_equal(audit(spaces, 3, report, sizeof(report)), 0);
		/* The tables are still shared, and work on as ever: the child writes. */
		assert_int_equal(user_write(child, BASE + 9 * PAGE_SIZE, 'c'), 0);
		assert_int_equal(*page_of(parent, BASE + 9 * PAGE_SIZE), 'a' + 9);
		assert_int_equal(audit(spaces, 3, report, sizeof(report)), 0);
		mm_put(grandchild);
		mm_put(child);
		mm_put(parent);
		fake_release(&f);
		check_no_leak();
	}
	mm_fork_mode = FORK_MODE_COW;
	mm_sharedpt_min_resident = 1024;
	mm_sharedpt_level = 1;
	mm_sharedpt_small_pages = 512;
}

/* A shared mapping of a file not open for writing may never become writable. */
static void test_file_nowrite(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();

	fake_init(&f, 4 * PAGE_SIZE);
	mm_map(mm, BASE, PAGE_SIZE, PROT_READ, 0);
	mm_map_file(mm, BASE + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ, VMA_SHARED | VMA_NOWRITE,
		    &f.backing, 0);
	assert_int_equal(mm_protect(mm, BASE, 3 * PAGE_SIZE, RW), -EACCES);
	assert_int_equal(mm_find_vma(mm, BASE)->prot, PROT_READ);	/* nothing changed */
	assert_int_equal(count_vmas(mm), 2);
	assert_int_equal(mm_protect(mm, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(mm_protect(mm, BASE, 3 * PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_WRITE), -EFAULT);
	mm_put(mm);
	fake_release(&f);
	check_no_leak();
}

/* The loader's writes into a private file region (exec zeroing the bss part of the
 * last data page) give the process its own copy; the file is untouched. */
static void test_file_loader_write(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();

	fake_init(&f, 2 * PAGE_SIZE);
	mm_map_file(mm, BASE, 2 * PAGE_SIZE, PROT_READ, 0, &f.backing, 0);
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), 0);
	assert_int_equal(mm_zero_in(mm, BASE + 100, PAGE_SIZE - 100), 0);
	assert_int_equal(mm_zero_in(mm, BASE + PAGE_SIZE + 100, PAGE_SIZE - 100), 0);
	for (int i = 0; i < 2; i++) {
		uint8_t *page = page_of(mm, BASE + i * PAGE_SIZE);
		assert_int_equal(frame_of(mm, BASE + i * PAGE_SIZE)->kind, PAGE_ANON);
		assert_int_equal(page[99], 0x40 + i);
		assert_int_equal(page[100], 0);
		assert_int_equal(page[PAGE_SIZE - 1], 0);
		assert_false(pte_of(mm, BASE + i * PAGE_SIZE) & PTE_WRITE);	/* PROT_READ */
		assert_int_equal(*fake_byte(&f, i * PAGE_SIZE + 100), 0x40 + i);
		assert_int_equal(f.pages[i]->refcount, 1);
	}
	mm_put(mm);
	fake_release(&f);
	check_no_leak();
}

/* Out of memory while mapping file pages: nothing leaks, nothing half-done. */
static void test_file_fault_out_of_memory(void **state)
{
	(void)state;
	struct fake_file f;
	struct mm *mm = mm_create();

	fake_init(&f, 2 * PAGE_SIZE);
	mm_map_file(mm, BASE, 2 * PAGE_SIZE, RW, 0, &f.backing, 0);
	assert_int_equal(mm_fault(mm, BASE, FAULT_READ), 0);	/* tables exist now */
	mm_host_fail_nth(1);		/* the cache page of page 1 */
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_READ), -ENOMEM);
	mm_host_fail_nth(2);		/* its private copy */
	assert_int_equal(mm_fault(mm, BASE + PAGE_SIZE, FAULT_WRITE), -ENOMEM);
	mm_host_fail_nth(0);
	assert_null(page_of(mm, BASE + PAGE_SIZE));
	assert_int_equal(f.pages[1]->refcount, 1);
	mm_host_fail_nth(1);		/* the copy-on-write copy */
	assert_int_equal(mm_fault(mm, BASE, FAULT_WRITE), -ENOMEM);
	mm_host_fail_nth(0);
	assert_ptr_equal(frame_of(mm, BASE), f.pages[0]);
	assert_int_equal(mm->resident_pages, 1);
	mm_put(mm);
	fake_release(&f);
	check_no_leak();
}

/* ------------------------------------------------------------ randomized */

/* The slots straddle a 1 GiB boundary, so that they use two leaf tables under
 * two directories: sharing and taking tables at every level meets there. */
#define RBASE (0x40000000ul - SLOTS / 2 * PAGE_SIZE)
#define SPACES 3
#define SLOTS 32	/* pages RBASE .. RBASE + SLOTS pages */

/* The one file the random sequences map, shared by all spaces. */
static struct fake_file random_file;
/* Operations pick slots below this: fewer slots, more interactions between spaces. */
static unsigned random_slots = SLOTS;

struct refcount_audit {
	size_t *mappings;	/* per pfn */
	size_t *tables_seen;	/* per pfn of a leaf table: visits */
};

/* A leaf table shared by several spaces (sharedpt) holds one reference per frame
 * it maps, however many spaces use it: count its entries on the first visit only. */
static int count_table(pte_t *entries, unsigned first, unsigned last, uint64_t address,
		       void *context)
{
	(void)address;
	struct refcount_audit *audit = context;
	size_t table = page_to_pfn(virt_to_page(entries));
	if (audit->tables_seen[table]++)
		return 0;
	for (unsigned i = first; i <= last; i++)
		if (pte_maps_frame(entries[i]))
			audit->mappings[(entries[i] & PTE_ADDR_MASK) >> PAGE_SHIFT]++;
	return 0;
}

/* Every user frame's reference count equals the entries that map it, plus one for
 * the page cache's own reference on a file page. */
static void audit_refcounts(struct mm **spaces)
{
	size_t count = mm_host_page_count();
	struct refcount_audit audit = { calloc(count, sizeof(size_t)), calloc(count, sizeof(size_t)) };

	for (int i = 0; i < SPACES; i++)
		if (spaces[i])
			pt_for_each_table(spaces[i]->root, 0, MM_STACK_TOP, count_table,
					  &audit);
	for (size_t pfn = 0; pfn < count; pfn++) {
		struct page *page = pfn_to_page(pfn);
		if (page->kind == PAGE_ANON)
			assert_int_equal(page->refcount, audit.mappings[pfn]);
		else if (page->kind == PAGE_CACHE)
			assert_int_equal(page->refcount, audit.mappings[pfn] + 1);
		else
			assert_int_equal(audit.mappings[pfn], 0);
	}
	free(audit.mappings);
	free(audit.tables_seen);
	assert_int_equal(frames_check(), 0);
}

/*
 * What each page of each space must hold. A page is either the space's own (the
 * byte last written there by that space or, through fork, by its ancestor; 0 if
 * never written since mapped), or, in a file region until the space writes it
 * privately, the file's: the file's current byte, 0 past its end. A private write
 * that showed through to another space or to the file breaks this; so does a
 * shared write that did not reach the file and every other space.
 */
struct expect {
	bool own;
	uint8_t byte;
};
static struct expect shadow[SPACES][SLOTS];

/* The file page index a slot maps, or -1 for anonymous memory and holes. */
static long slot_file_index(struct mm *mm, uint64_t at)
{
	struct vma *vma = mm_find_vma(mm, at);

	if (!vma || !vma->backing)
		return -1;
	return vma->pgoff + (at - vma->start) / PAGE_SIZE;
}

static uint8_t expected(struct mm *mm, int i, int slot)
{
	long index = slot_file_index(mm, RBASE + slot * PAGE_SIZE);

	if (shadow[i][slot].own || index < 0)
		return shadow[i][slot].byte;
	return (uint64_t)index < fake_pages(&random_file) ? random_file.model[index] : 0;
}

/* The slots in the range now show what their region maps afresh. */
static void shadow_reset(int i, uint64_t address, uint64_t length)
{
	for (uint64_t at = address; at < address + length; at += PAGE_SIZE)
		if (at >= RBASE && at < RBASE + SLOTS * PAGE_SIZE)
			shadow[i][(at - RBASE) / PAGE_SIZE] = (struct expect){ true, 0 };
}

/* ... except that a file region shows the file. */
static void shadow_remap(struct mm **spaces, int i, uint64_t address, uint64_t length)
{
	shadow_reset(i, address, length);
	for (uint64_t at = address; at < address + length; at += PAGE_SIZE)
		if (at >= RBASE && at < RBASE + SLOTS * PAGE_SIZE &&
		    slot_file_index(spaces[i], at) >= 0)
			shadow[i][(at - RBASE) / PAGE_SIZE].own = false;
}

static void audit_contents(struct mm **spaces)
{
	for (int i = 0; i < SPACES; i++) {
		for (int slot = 0; spaces[i] && slot < SLOTS; slot++) {
			uint64_t at = RBASE + slot * PAGE_SIZE;
			struct vma *vma = mm_find_vma(spaces[i], at);
			uint8_t *byte = page_of(spaces[i], at);
			pte_t pte = pte_of(spaces[i], at);
			/* A file page not yet touched shows the file only once faulted. */
			if (byte || shadow[i][slot].own || slot_file_index(spaces[i], at) < 0)
				assert_int_equal(byte ? *byte : 0, expected(spaces[i], i, slot));
			/* The copy-on-write rule: writable and private means exclusive. */
			if (vma && !(vma->flags & VMA_SHARED) && (pte & PTE_WRITE)) {
				assert_int_equal(frame_of(spaces[i], at)->kind, PAGE_ANON);
				assert_int_equal(frame_of(spaces[i], at)->refcount, 1);
			}
		}
	}
}

/* Anonymous shared regions make the shadow of every space sharing a frame change
 * together; the random test leaves them out. Shared file regions are in: their
 * writes go to the file's model, which every space reads. */
static void random_step(struct mm **spaces, unsigned *seed)
{
	int i = rand_r(seed) % SPACES;
	uint64_t slot = rand_r(seed) % random_slots, pages = 1 + rand_r(seed) % 6;
	uint64_t address = RBASE + slot * PAGE_SIZE, length = pages * PAGE_SIZE;

	if (!spaces[i]) {
		spaces[i] = mm_create();
		shadow_reset(i, RBASE, SLOTS * PAGE_SIZE);
		return;
	}
	switch (rand_r(seed) % 11) {
	case 0: {
		/* Now and then a stack: sharedpt forks it entry by entry. */
		unsigned flags = rand_r(seed) % 5 == 0 ? VMA_GROWSDOWN : 0;
		if (mm_map(spaces[i], address, length, rand_r(seed) % 2 ? RW : PROT_READ, flags) == 0)
			shadow_reset(i, address, length);
		break;
	}
	case 1: mm_unmap(spaces[i], address, length); shadow_reset(i, address, length); break;
	case 2: mm_protect(spaces[i], address, length, rand_r(seed) % 3 ? RW : PROT_READ); break;
	case 3: mm_fault(spaces[i], address, rand_r(seed) % 2 ? FAULT_WRITE : FAULT_READ); break;
	case 4: mm_populate(spaces[i], address, PAGE_SIZE); break;
	case 5: {
		int j = (i + 1) % SPACES;
		if (spaces[j])
			mm_put(spaces[j]);
		spaces[j] = mm_fork(spaces[i]);
		memcpy(shadow[j], shadow[i], sizeof(shadow[i]));
		break;
	}
	case 6:
		/* Even when a hole makes it fail (ENOMEM), the mapped part is discarded;
		 * private pages come back as their region maps them afresh. */
		mm_discard(spaces[i], address, length);
		for (uint64_t at = address; at < address + length; at += PAGE_SIZE) {
			struct vma *vma = mm_find_vma(spaces[i], at);
			if (!vma || !(vma->flags & VMA_SHARED))
				shadow_remap(spaces, i, at, PAGE_SIZE);
		}
		break;
	case 7: if (rand_r(seed) % 4 == 0) { mm_put(spaces[i]); spaces[i] = NULL; } break;
	case 8: {
		uint8_t value = 1 + rand_r(seed) % 255;
		/* The region is looked up after the write, which may grow a stack. */
		if (user_write(spaces[i], address, value) != 0)
			break;
		struct vma *vma = mm_find_vma(spaces[i], address);
		long index = slot_file_index(spaces[i], address);
		if (vma->flags & VMA_SHARED)
			random_file.model[index] = value;	/* the file's byte now */
		else
			shadow[i][slot] = (struct expect){ true, value };
		break;
	}
	case 9: {
		/* A file mapping, shared or private, at an offset that may pass the end. */
		unsigned flags = rand_r(seed) % 2 ? VMA_SHARED : 0;
		uint64_t pgoff = rand_r(seed) % (random_slots < SLOTS ? 8 : 24);
		if (mm_map_file(spaces[i], address, length, rand_r(seed) % 3 ? RW : PROT_READ, flags,
				&random_file.backing, pgoff) == 0)
			shadow_remap(spaces, i, address, length);
		break;
	}
	case 10:
		/* The file shrinks (whole pages; its lost pages leave every mapping and
		 * private copies of them with them), or grows back with zero pages. */
		if (rand_r(seed) % 2) {
			uint64_t size = (8 + rand_r(seed) % 24) * PAGE_SIZE;
			if (size < random_file.size) {
				uint64_t keep = size / PAGE_SIZE;
				for (int k = 0; k < SPACES; k++)
					for (int s = 0; spaces[k] && s < SLOTS; s++)
						if (slot_file_index(spaces[k], RBASE + s * PAGE_SIZE) >=
						    (long)keep)
							shadow[k][s].own = false;
				fake_truncate(&random_file, size);
			}
		} else {
			random_file.size = 32 * PAGE_SIZE;
		}
		break;
	}
}

/* mm_audit over the live spaces must find nothing. */
static void assert_audit_clean(struct mm **spaces)
{
	struct mm *live[SPACES];
	size_t count = 0;
	char report[256];

	for (int i = 0; i < SPACES; i++)
		if (spaces[i])
			live[count++] = spaces[i];
	int result = audit(live, count, report, sizeof(report));
	if (result != 0)
		fail_msg("mm_audit: %s", report);
}

static void random_sequences(enum fork_mode mode, unsigned runs)
{
	for (unsigned run = 0; run < runs; run++) {
		unsigned seed = 1000 + run;
		struct mm *spaces[SPACES] = { 0 };
		mm_fork_mode = mode;
		fake_init(&random_file, 28 * PAGE_SIZE);
		for (int step = 0; step < 400; step++) {
			random_step(spaces, &seed);
			audit_refcounts(spaces);
			audit_contents(spaces);
			assert_audit_clean(spaces);
		}
		for (int i = 0; i < SPACES; i++)
			if (spaces[i])
				mm_put(spaces[i]);
		fake_release(&random_file);
		check_no_leak();
	}
}

static void test_random_sequences_copy(void **state)
{
	(void)state;
	random_slots = SLOTS;
	random_sequences(FORK_MODE_COPY, 20);
}

static void test_random_sequences_cow(void **state)
{
	(void)state;
	random_slots = SLOTS;
	random_sequences(FORK_MODE_COW, 20);
}

/* The same crowded into a few pages, where spaces and the file meet more often. */
/* Every fork sharing tables, and a mix of sharing and cow-like forks. */
static void test_random_sequences_sharedpt(void **state)
{
	(void)state;
	random_slots = SLOTS;
	for (mm_sharedpt_level = 0; mm_sharedpt_level < MM_SHAREDPT_LEVELS; mm_sharedpt_level++) {
		/* Every region shared, then small writable ones forked by entries
		 * and small address spaces forked as cow. */
		mm_sharedpt_min_resident = 0;
		mm_sharedpt_small_pages = 0;
		random_sequences(FORK_MODE_SHAREDPT, 20);
		mm_sharedpt_min_resident = 8;
		mm_sharedpt_small_pages = 3;
		random_sequences(FORK_MODE_SHAREDPT, 20);
	}
	mm_sharedpt_small_pages = 512;
	mm_sharedpt_level = 1;
	mm_sharedpt_min_resident = 1024;
}

static void test_random_sequences_crowded(void **state)
{
	(void)state;
	random_slots = 10;
	random_sequences(FORK_MODE_COPY, 20);
	random_sequences(FORK_MODE_COW, 20);
	mm_sharedpt_min_resident = 0;
	mm_sharedpt_small_pages = 0;
	for (mm_sharedpt_level = 0; mm_sharedpt_level < MM_SHAREDPT_LEVELS; mm_sharedpt_level++)
		random_sequences(FORK_MODE_SHAREDPT, 20);
	mm_sharedpt_small_pages = 512;
	mm_sharedpt_level = 1;
	mm_sharedpt_min_resident = 1024;
	random_slots = SLOTS;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_destroy, setup),
		cmocka_unit_test_setup(test_demand_zero, setup),
		cmocka_unit_test_setup(test_access_rights, setup),
		cmocka_unit_test_setup(test_unmap_splits, setup),
		cmocka_unit_test_setup(test_protect_splits_and_merges, setup),
		cmocka_unit_test_setup(test_fork_copies_private_shares_shared, setup),
		cmocka_unit_test_setup(test_fork_out_of_memory, setup),
		cmocka_unit_test_setup(test_brk, setup),
		cmocka_unit_test_setup(test_stack_grows_down, setup),
		cmocka_unit_test_setup(test_find_free_top_down, setup),
		cmocka_unit_test_setup(test_cow_shares_then_copies_then_reuses, setup),
		cmocka_unit_test_setup(test_shootdown_once_per_operation, setup),
		cmocka_unit_test_setup(test_shootdown_sharedpt_unshare, setup),
		cmocka_unit_test_setup(test_shootdown_before_shared_references_go, setup),
		cmocka_unit_test_setup(test_sharedpt_shares_tables, setup),
		cmocka_unit_test_setup(test_sharedpt_unshare_range, setup),
		cmocka_unit_test_setup(test_sharedpt_small_process_forks_as_cow, setup),
		cmocka_unit_test_setup(test_sharedpt_upper_levels, setup),
		cmocka_unit_test_setup(test_sharedpt_stack_forked_by_entries, setup),
		cmocka_unit_test_setup(test_sharedpt_small_regions_forked_by_entries, setup),
		cmocka_unit_test_setup(test_sharedpt_parent_keeps_writing_after_child_exits, setup),
		cmocka_unit_test_setup(test_cow_fault_out_of_memory, setup),
		cmocka_unit_test_setup(test_cow_survives_mprotect, setup),
		cmocka_unit_test_setup(test_cow_kernel_write, setup),
		cmocka_unit_test_setup(test_kernel_write_resolver, setup),
		cmocka_unit_test_setup(test_shared_stays_shared, setup),
		cmocka_unit_test_setup(test_fork_mode_names, setup),
		cmocka_unit_test_setup(test_unmap_frees_page_tables, setup),
		cmocka_unit_test_setup(test_overcommit_heuristic, setup),
		cmocka_unit_test_setup(test_audit_finds_damage, setup),
		cmocka_unit_test_setup(test_file_private_copy_on_write, setup),
		cmocka_unit_test_setup(test_fast_path, setup),
		cmocka_unit_test_setup(test_discard_fast, setup),
		cmocka_unit_test_setup(test_file_shared_writes_reach_file, setup),
		cmocka_unit_test_setup(test_file_private_fork, setup),
		cmocka_unit_test_setup(test_file_split_and_merge, setup),
		cmocka_unit_test_setup(test_file_end_of_file, setup),
		cmocka_unit_test_setup(test_sharedpt_truncate_without_memory, setup),
		cmocka_unit_test_setup(test_file_nowrite, setup),
		cmocka_unit_test_setup(test_file_loader_write, setup),
		cmocka_unit_test_setup(test_file_fault_out_of_memory, setup),
		cmocka_unit_test_setup(test_file_fault_around, setup),
		cmocka_unit_test_setup(test_random_sequences_copy, setup),
		cmocka_unit_test_setup(test_random_sequences_cow, setup),
		cmocka_unit_test_setup(test_random_sequences_sharedpt, setup),
		cmocka_unit_test_setup(test_random_sequences_crowded, setup),
	};
	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
