/*
 * Host tests for user address spaces: mm/pagetable.c, mm/vma.c, mm/mm.c and
 * mm/fault.c over the simulated machine of tests/host/mm_host.c.
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
	mm_fork_mode = FORK_MODE_COW;
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
static int user_write(struct mm *mm, uint64_t address, uint8_t value)
{
	int error = mm_fault(mm, address, FAULT_WRITE);
	if (!error)
		*page_of(mm, address) = value;
	return error;
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

/* Fork under memory pressure: every possible allocation failure leaks nothing. */
static void test_fork_out_of_memory(void **state)
{
	(void)state;
	struct mm *parent = mm_create();

	mm_map(parent, BASE, 8 * PAGE_SIZE, RW, 0);
	mm_map(parent, 0x40000000ul, 8 * PAGE_SIZE, RW, 0);	/* another page directory */
	mm_populate(parent, BASE, 8 * PAGE_SIZE);
	mm_populate(parent, 0x40000000ul, 8 * PAGE_SIZE);
	size_t before = frames_free();
	unsigned failed = 0;
	for (unsigned n = 1; n < 128; n++) {
		mm_fork_mode = n % 2 ? FORK_MODE_COPY : FORK_MODE_COW;
		mm_host_fail_nth((n + 1) / 2);
		struct mm *child = mm_fork(parent);
		mm_host_fail_nth(0);
		if (child)
			mm_put(child);
		else
			failed++;
		kmalloc_shrink();
		assert_int_equal(frames_free(), before);
	}
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

/* ------------------------------------------------------------ randomized */

#define SPACES 3
#define SLOTS 32	/* pages BASE .. BASE + SLOTS pages */

struct refcount_audit {
	size_t *mappings;	/* per pfn */
};

static int count_mapping(pte_t *pte, uint64_t address, void *context)
{
	(void)address;
	struct refcount_audit *audit = context;
	audit->mappings[(*pte & PTE_ADDR_MASK) >> PAGE_SHIFT]++;
	return 0;
}

/* Every user frame's reference count equals the entries that map it. */
static void audit_refcounts(struct mm **spaces)
{
	size_t count = mm_host_page_count();
	struct refcount_audit audit = { calloc(count, sizeof(size_t)) };

	for (int i = 0; i < SPACES; i++)
		if (spaces[i])
			pt_for_each_mapped(spaces[i]->root, 0, MM_STACK_TOP, count_mapping, &audit);
	for (size_t pfn = 0; pfn < count; pfn++) {
		struct page *page = pfn_to_page(pfn);
		if (page->kind == PAGE_ANON)
			assert_int_equal(page->refcount, audit.mappings[pfn]);
		else
			assert_int_equal(audit.mappings[pfn], 0);
	}
	free(audit.mappings);
	assert_int_equal(frames_check(), 0);
}

/*
 * What each page of each space must hold: the byte last written there by that
 * space (or, through fork, by its ancestor), 0 if never written since mapped. A
 * private write that showed through to another space breaks this.
 */
static uint8_t shadow[SPACES][SLOTS];

static void shadow_clear(int i, uint64_t address, uint64_t length)
{
	for (uint64_t at = address; at < address + length; at += PAGE_SIZE)
		if (at >= BASE && at < BASE + SLOTS * PAGE_SIZE)
			shadow[i][(at - BASE) / PAGE_SIZE] = 0;
}

static void audit_contents(struct mm **spaces)
{
	for (int i = 0; i < SPACES; i++) {
		for (int slot = 0; spaces[i] && slot < SLOTS; slot++) {
			uint64_t at = BASE + slot * PAGE_SIZE;
			struct vma *vma = mm_find_vma(spaces[i], at);
			uint8_t *byte = page_of(spaces[i], at);
			pte_t pte = pte_of(spaces[i], at);
			assert_int_equal(byte ? *byte : 0, shadow[i][slot]);
			/* The copy-on-write rule: writable and private means exclusive. */
			if (vma && !(vma->flags & VMA_SHARED) && (pte & PTE_WRITE))
				assert_int_equal(frame_of(spaces[i], at)->refcount, 1);
		}
	}
}

/* Shared regions make the shadow of every space sharing a frame change together;
 * keep the random test to private regions so the shadow stays simple. */
static void random_step(struct mm **spaces, unsigned *seed)
{
	int i = rand_r(seed) % SPACES;
	uint64_t slot = rand_r(seed) % SLOTS, pages = 1 + rand_r(seed) % 6;
	uint64_t address = BASE + slot * PAGE_SIZE, length = pages * PAGE_SIZE;

	if (!spaces[i]) {
		spaces[i] = mm_create();
		memset(shadow[i], 0, SLOTS);
		return;
	}
	switch (rand_r(seed) % 9) {
	case 0:
		if (mm_map(spaces[i], address, length, rand_r(seed) % 2 ? RW : PROT_READ, 0) == 0)
			shadow_clear(i, address, length);
		break;
	case 1: mm_unmap(spaces[i], address, length); shadow_clear(i, address, length); break;
	case 2: mm_protect(spaces[i], address, length, rand_r(seed) % 3 ? RW : PROT_READ); break;
	case 3: mm_fault(spaces[i], address, rand_r(seed) % 2 ? FAULT_WRITE : FAULT_READ); break;
	case 4: mm_populate(spaces[i], address, PAGE_SIZE); break;
	case 5: {
		int j = (i + 1) % SPACES;
		if (spaces[j])
			mm_put(spaces[j]);
		spaces[j] = mm_fork(spaces[i]);
		memcpy(shadow[j], shadow[i], SLOTS);
		break;
	}
	case 6:
		/* Even when a hole makes it fail (ENOMEM), the mapped part is discarded. */
		mm_discard(spaces[i], address, length);
		shadow_clear(i, address, length);
		break;
	case 7: if (rand_r(seed) % 4 == 0) { mm_put(spaces[i]); spaces[i] = NULL; } break;
	case 8: {
		uint8_t value = 1 + rand_r(seed) % 255;
		if (user_write(spaces[i], address, value) == 0)
			shadow[i][slot] = value;
		break;
	}
	}
}

static void random_sequences(enum fork_mode mode)
{
	for (unsigned run = 0; run < 20; run++) {
		unsigned seed = 1000 + run;
		struct mm *spaces[SPACES] = { 0 };
		mm_fork_mode = mode;
		for (int step = 0; step < 400; step++) {
			random_step(spaces, &seed);
			audit_refcounts(spaces);
			audit_contents(spaces);
		}
		for (int i = 0; i < SPACES; i++)
			if (spaces[i])
				mm_put(spaces[i]);
		check_no_leak();
	}
}

static void test_random_sequences_copy(void **state)
{
	(void)state;
	random_sequences(FORK_MODE_COPY);
}

static void test_random_sequences_cow(void **state)
{
	(void)state;
	random_sequences(FORK_MODE_COW);
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
		cmocka_unit_test_setup(test_cow_fault_out_of_memory, setup),
		cmocka_unit_test_setup(test_cow_survives_mprotect, setup),
		cmocka_unit_test_setup(test_cow_kernel_write, setup),
		cmocka_unit_test_setup(test_shared_stays_shared, setup),
		cmocka_unit_test_setup(test_fork_mode_names, setup),
		cmocka_unit_test_setup(test_unmap_frees_page_tables, setup),
		cmocka_unit_test_setup(test_random_sequences_copy, setup),
		cmocka_unit_test_setup(test_random_sequences_cow, setup),
	};
	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
