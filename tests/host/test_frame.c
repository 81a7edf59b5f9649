/*
 * Host tests for mm/frame.c, on the simulated machine of tests/host/mm_host.c.
 *
 * Most tests keep a model of what the counters must say (model_*) and compare it
 * with frames_free/frames_managed/frames_of_kind, and run frames_check, after every
 * operation. The randomized test also keeps a per-frame shadow of kind and refcount
 * and a tag written into each allocated frame, so a frame handed out twice shows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "mm/frame.h"
#include "lib/string.h"
#include "tests/host/mm_host.h"

#define KIB 1024ul
#define MIB (1024ul * KIB)
#define MAX_RUN (1ul << FRAME_MAX_ORDER)
#define JUNK 0x6b	/* what mm_host fills the arena with */

/*
 * The standard machine: 16 MiB (4096 frames) with holes, unaligned ends, two
 * adjacent ranges, and exactly two fully usable max-order blocks
 * ([1024, 2048) and [2048, 3072)).
 */
static const struct mm_host_range std_ranges[] = {
	{ 0x1234, 0x9f800 },		/* frames [2, 159): both ends trimmed */
	{ 0x100000, 0x600000 },		/* [256, 1536) */
	{ 0x600000, 0x800000 },		/* [1536, 2048), adjacent to the previous */
	{ 0xa00000, 0xc00000 },		/* [2560, 3072), released before its neighbour */
	{ 0x800000, 0xa00000 },		/* [2048, 2560) */
	{ 0xd00005, 0x1000000 },	/* [3329, 4096) */
};
#define STD_SIZE (16 * MIB)
#define STD_NRANGES (sizeof(std_ranges) / sizeof(std_ranges[0]))
#define STD_MAX_BLOCKS 2

static struct page *pages;
static size_t npages;

/* ------------------------------------------------------------ the model */

static size_t model_kind[PAGE_KIND_COUNT];
static size_t model_managed;

static bool in_ranges(uint64_t pfn, const struct mm_host_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t first = (r[i].start + PAGE_SIZE - 1) / PAGE_SIZE;
		uint64_t last = r[i].end / PAGE_SIZE;

		if (pfn >= first && pfn < last)
			return true;
	}
	return false;
}

/* Boot a machine and set the model from the ranges, computed independently. */
static void boot(uint64_t size, const struct mm_host_range *r, size_t n)
{
	pages = mm_host_boot(size, r, n);
	npages = mm_host_page_count();
	for (unsigned k = 0; k < PAGE_KIND_COUNT; k++)
		model_kind[k] = 0;
	model_managed = 0;
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		if (in_ranges(pfn, r, n))
			model_managed++;
	}
	model_kind[PAGE_FREE] = model_managed;
	model_kind[PAGE_RESERVED] = npages - model_managed;
}

static void model_move(enum page_kind from, enum page_kind to, size_t n)
{
	assert_true(model_kind[from] >= n);
	model_kind[from] -= n;
	model_kind[to] += n;
}

/* Everything the allocator reports agrees with the model, and its invariants hold. */
static void check_model(void)
{
	assert_int_equal(frames_check(), 0);
	assert_int_equal(mm_host_locks_held(), 0);
	assert_int_equal(frames_free(), model_kind[PAGE_FREE]);
	assert_int_equal(frames_managed(), model_managed);
	for (unsigned k = 0; k < PAGE_KIND_COUNT; k++)
		assert_int_equal(frames_of_kind(k), model_kind[k]);
}

static int std_setup(void **state)
{
	(void)state;
	boot(STD_SIZE, std_ranges, STD_NRANGES);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_host_shutdown();
	return 0;
}

/* Whether the latest panic's message contains `text`. */
static bool panicked_with(const char *text)
{
	const char *msg = mm_host_last_panic();
	size_t n = strlen(text);

	for (; *msg; msg++) {
		if (strncmp(msg, text, n) == 0)
			return true;
	}
	return false;
}

static uint64_t pfn_of(const struct page *p)
{
	return page_to_pfn(p);
}

/* ------------------------------------------------------------ set-up */

static void test_init_layout(void **state)
{
	(void)state;
	assert_int_equal(npages, 4096);
	assert_int_equal(model_managed, 157 + 1280 + 512 + 512 + 512 + 767);
	check_model();
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		struct page *p = pfn_to_page(pfn);

		assert_ptr_equal(p, &pages[pfn]);
		assert_int_equal(page_to_pfn(p), pfn);
		if (in_ranges(pfn, std_ranges, STD_NRANGES)) {
			assert_int_equal(p->kind, PAGE_FREE);
			assert_int_equal(p->refcount, 0);
		} else {
			assert_int_equal(p->kind, PAGE_RESERVED);
			assert_int_not_equal(p->refcount, 0);
		}
	}
	/* The trimmed edges stayed reserved. */
	assert_int_equal(pages[1].kind, PAGE_RESERVED);
	assert_int_equal(pages[2].kind, PAGE_FREE);
	assert_int_equal(pages[158].kind, PAGE_FREE);
	assert_int_equal(pages[159].kind, PAGE_RESERVED);
	assert_int_equal(pages[3328].kind, PAGE_RESERVED);
	assert_int_equal(pages[3329].kind, PAGE_FREE);
	assert_null(pfn_to_page(npages));
	assert_null(pfn_to_page(UINT64_MAX));
}

static void test_conversions(void **state)
{
	char *arena = mm_host_arena();
	struct page *p = frame_alloc(PAGE_KERNEL, 0);
	char *addr;

	(void)state;
	assert_non_null(p);
	addr = page_address(p);
	assert_ptr_equal(addr, arena + pfn_of(p) * PAGE_SIZE);
	assert_int_equal(page_to_phys(p), pfn_of(p) * PAGE_SIZE);
	assert_ptr_equal(virt_to_page(addr), p);
	assert_ptr_equal(virt_to_page(addr + 123), p);
	assert_ptr_equal(virt_to_page(addr + PAGE_SIZE - 1), p);
	assert_ptr_equal(virt_to_page(addr + PAGE_SIZE), p + 1);
	assert_ptr_equal(virt_to_page(arena), &pages[0]);
	assert_null(virt_to_page((void *)((uintptr_t)arena - 1)));
	assert_null(virt_to_page(arena + mm_host_arena_size()));
	frame_put(p);
	check_model();
}

/* Release 8 MiB as chunks in a scrambled order: it must end as 8 maximal blocks. */
static void test_release_merges(void **state)
{
	uint64_t cuts[] = { 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987,
			    1024, 1597, 2047, 2048, 2584, 4095, 4096, 4181, 6765, 8192 };
	size_t ncuts = sizeof(cuts) / sizeof(cuts[0]);
	size_t order[32];
	struct page *runs[8];

	(void)state;
	boot(8 * MIB, NULL, 0);
	assert_int_equal(frames_managed(), 0);
	check_model();

	/* A fixed shuffle of the chunk indices. */
	for (size_t i = 0; i + 1 < ncuts; i++)
		order[i] = i;
	srand(7);
	for (size_t i = ncuts - 2; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	/* The cuts are in KiB, so many chunk edges fall inside a frame. */
	for (size_t i = 0; i + 1 < ncuts; i++) {
		uint64_t lo = cuts[order[i]] * KIB, hi = cuts[order[i] + 1] * KIB;
		uint64_t first = (lo + PAGE_SIZE - 1) / PAGE_SIZE, last = hi / PAGE_SIZE;

		frames_release(lo, hi);
		if (last > first) {
			model_managed += last - first;
			model_move(PAGE_RESERVED, PAGE_FREE, last - first);
		}
		check_model();
	}
	/* Frames split by an unaligned cut stay reserved; now release them too. */
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		if (pages[pfn].kind == PAGE_RESERVED) {
			frames_release(pfn * PAGE_SIZE, (pfn + 1) * PAGE_SIZE);
			model_managed++;
			model_move(PAGE_RESERVED, PAGE_FREE, 1);
			check_model();
		}
	}
	assert_int_equal(frames_managed(), 2048);
	for (int i = 0; i < 2; i++) {
		runs[i] = frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0);
		assert_non_null(runs[i]);
		assert_int_equal(pfn_of(runs[i]) % MAX_RUN, 0);
	}
	assert_null(frame_alloc(PAGE_KERNEL, 0));
	frame_free_run(runs[0], MAX_RUN);
	frame_free_run(runs[1], MAX_RUN);
	check_model();
}

static void test_release_edge_cases(void **state)
{
	(void)state;
	boot(1 * MIB, NULL, 0);
	frames_release(0x5000, 0x5000);		/* empty */
	frames_release(0x5001, 0x5fff);		/* no whole frame */
	frames_release(0x7000, 0x6000);		/* backwards */
	frames_release(UINT64_MAX - 10, UINT64_MAX);
	check_model();

	frames_release(0x5001, 0x7000);		/* just frame 6 */
	model_managed++;
	model_move(PAGE_RESERVED, PAGE_FREE, 1);
	check_model();
	assert_int_equal(pages[6].kind, PAGE_FREE);

	frames_release(0xf0000, 0x200000);	/* clamped to the machine: frames 240..255 */
	model_managed += 16;
	model_move(PAGE_RESERVED, PAGE_FREE, 16);
	check_model();

	/* Releasing a frame twice is a boot bug, caught before anything changes. */
	expect_assert_failure(frames_release(0x4000, 0x8000));
	assert_true(panicked_with("released twice"));
	assert_int_equal(pages[4].kind, PAGE_RESERVED);
	check_model();
}

/* mm_poison: a frame written after it was freed panics when it is handed out again. */
static void test_poison_catches_write_after_free(void **state)
{
	struct page **got = calloc(npages, sizeof(*got));
	size_t n = 0;
	struct page *p;

	(void)state;
	assert_non_null(got);
	while ((p = frame_alloc(PAGE_KERNEL, 0)) != NULL)
		got[n++] = p;
	/* The only free frame, so the next allocation is this one. */
	mm_poison = true;
	struct page *victim = got[n / 2];
	unsigned char *bytes = page_address(victim);
	frame_put(victim);
	mm_host_unpoison(bytes + 100, 1);
	assert_int_equal(bytes[100], MM_FREE_POISON);
	bytes[100] = 1;
	expect_assert_failure(frame_alloc(PAGE_ANON, 0));
	assert_true(panicked_with("was written after it was freed: byte 0x64 is 0x1"));
	/* The panic left the allocator half way (the next test boots afresh). */
	mm_poison = false;
	free(got);
}

/* ------------------------------------------------------------ allocation */

static void test_alloc_until_exhausted(void **state)
{
	static const enum page_kind kinds[] = { PAGE_KERNEL, PAGE_HEAP, PAGE_TABLE,
						PAGE_ANON, PAGE_CACHE };
	struct page **got = calloc(npages, sizeof(*got));
	bool *seen = calloc(npages, sizeof(*seen));
	size_t n = 0;
	struct page *p;

	(void)state;
	assert_non_null(got);
	assert_non_null(seen);
	while ((p = frame_alloc(kinds[n % 5], 0)) != NULL) {
		uint64_t pfn = pfn_of(p);

		assert_true(pfn < npages);
		assert_false(seen[pfn]);
		assert_true(in_ranges(pfn, std_ranges, STD_NRANGES));
		assert_int_equal(p->kind, kinds[n % 5]);
		assert_int_equal(p->refcount, 1);
		seen[pfn] = true;
		model_move(PAGE_FREE, kinds[n % 5], 1);
		got[n++] = p;
		check_model();
	}
	assert_int_equal(n, model_managed);
	assert_int_equal(frames_free(), 0);
	assert_null(frame_alloc(PAGE_KERNEL, 0));
	assert_null(frame_alloc_run(1, PAGE_KERNEL, 0));
	check_model();

	/* Free in a scrambled order (stride coprime with n). */
	for (size_t i = 0, j = 0; i < n; i++, j = (j + 1031) % n) {
		model_move(got[j]->kind, PAGE_FREE, 1);
		frame_put(got[j]);
		check_model();
	}
	assert_int_equal(frames_free(), model_managed);

	/* Everything merged back: both max-order blocks are whole again. */
	for (int i = 0; i < STD_MAX_BLOCKS; i++) {
		got[i] = frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0);
		assert_non_null(got[i]);
	}
	assert_null(frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0));
	for (int i = 0; i < STD_MAX_BLOCKS; i++)
		frame_free_run(got[i], MAX_RUN);
	check_model();
	free(got);
	free(seen);
}

static bool is_power_of_two(size_t n)
{
	return (n & (n - 1)) == 0;
}

/* Every run length: contiguous, right kind and count, and exactly count frames used. */
static void test_runs_every_size(void **state)
{
	(void)state;
	for (size_t count = 1; count <= MAX_RUN; count++) {
		struct page *p = frame_alloc_run(count, PAGE_ANON, 0);
		size_t block = 1;
		char *mem;

		assert_non_null(p);
		while (block < count)
			block <<= 1;
		/* Aligned like the power-of-two block it was cut from. */
		assert_int_equal(pfn_of(p) % block, 0);
		model_move(PAGE_FREE, PAGE_ANON, count);
		check_model();
		for (size_t i = 0; i < count; i++) {
			assert_int_equal(p[i].kind, PAGE_ANON);
			assert_int_equal(p[i].refcount, 1);
		}
		/* The tail of the block went back: the frame right after the run is free. */
		if (!is_power_of_two(count))
			assert_int_equal(p[count].kind, PAGE_FREE);
		/* Physically contiguous: one memory range, all of it usable. */
		mem = page_address(p);
		assert_ptr_equal(page_address(&p[count - 1]), mem + (count - 1) * PAGE_SIZE);
		memset(mem, (int)count, count * PAGE_SIZE);

		frame_free_run(p, count);
		model_move(PAGE_ANON, PAGE_FREE, count);
		check_model();
	}
	/* After all that, nothing is left split. */
	for (int i = 0; i < STD_MAX_BLOCKS; i++)
		assert_non_null(frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0));
}

/*
 * Many odd-length runs at once: each gives the tail of its block back, the next
 * ones are cut from those tails, and none may overlap another.
 */
static void test_runs_disjoint(void **state)
{
	struct page *runs[40];
	size_t counts[40];

	(void)state;
	for (int i = 0; i < 40; i++) {
		counts[i] = 3 + (size_t)(i % 3) * 2;	/* 3, 5, 7 */
		runs[i] = frame_alloc_run(counts[i], PAGE_KERNEL, 0);
		assert_non_null(runs[i]);
		model_move(PAGE_FREE, PAGE_KERNEL, counts[i]);
		check_model();
	}
	/* Distinct and non-overlapping. */
	for (int i = 0; i < 40; i++) {
		for (int j = 0; j < i; j++) {
			uint64_t a = pfn_of(runs[i]), b = pfn_of(runs[j]);

			assert_true(a + counts[i] <= b || b + counts[j] <= a);
		}
	}
	/* Free every other one, then the rest; check each step. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = pass; i < 40; i += 2) {
			frame_free_run(runs[i], counts[i]);
			model_move(PAGE_KERNEL, PAGE_FREE, counts[i]);
			check_model();
		}
	}
	assert_int_equal(frames_free(), model_managed);
}

static void test_run_limits(void **state)
{
	struct page *big[STD_MAX_BLOCKS];

	(void)state;
	assert_null(frame_alloc_run(MAX_RUN + 1, PAGE_KERNEL, 0));
	assert_null(frame_alloc_run(SIZE_MAX, PAGE_KERNEL, 0));
	check_model();
	expect_assert_failure(frame_alloc_run(0, PAGE_KERNEL, 0));
	assert_true(panicked_with("count 0"));
	check_model();

	for (int i = 0; i < STD_MAX_BLOCKS; i++) {
		big[i] = frame_alloc_run(MAX_RUN, PAGE_CACHE, 0);
		assert_non_null(big[i]);
		model_move(PAGE_FREE, PAGE_CACHE, MAX_RUN);
	}
	/* Plenty of frames are free, but no 1024 contiguous ones, nor 513. */
	assert_true(frames_free() > MAX_RUN);
	assert_null(frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0));
	assert_null(frame_alloc_run(513, PAGE_KERNEL, 0));
	check_model();
	for (int i = 0; i < STD_MAX_BLOCKS; i++) {
		frame_free_run(big[i], MAX_RUN);
		model_move(PAGE_CACHE, PAGE_FREE, MAX_RUN);
	}
	check_model();
}

static void test_bad_kind_panics(void **state)
{
	(void)state;
	expect_assert_failure(frame_alloc(PAGE_FREE, 0));
	expect_assert_failure(frame_alloc(PAGE_RESERVED, 0));
	expect_assert_failure(frame_alloc_run(2, PAGE_KIND_COUNT, 0));
	assert_true(panicked_with("kind"));
	check_model();
}

/* ------------------------------------------------------------ references */

static void test_refcount(void **state)
{
	struct page *p = frame_alloc(PAGE_CACHE, 0);
	struct page *run;

	(void)state;
	assert_non_null(p);
	model_move(PAGE_FREE, PAGE_CACHE, 1);
	for (unsigned i = 2; i <= 4; i++) {
		frame_get(p);
		assert_int_equal(p->refcount, i);
		check_model();
	}
	for (unsigned i = 3; i >= 1; i--) {
		frame_put(p);
		assert_int_equal(p->refcount, i);
		assert_int_equal(p->kind, PAGE_CACHE);
		check_model();
	}
	frame_put(p);
	model_move(PAGE_CACHE, PAGE_FREE, 1);
	assert_int_equal(p->kind, PAGE_FREE);
	assert_int_equal(p->refcount, 0);
	check_model();

	/* frame_free_run is frame_put on each frame: an extra reference survives it. */
	run = frame_alloc_run(6, PAGE_KERNEL, 0);
	assert_non_null(run);
	model_move(PAGE_FREE, PAGE_KERNEL, 6);
	frame_get(&run[2]);
	frame_get(&run[5]);
	frame_free_run(run, 6);
	model_move(PAGE_KERNEL, PAGE_FREE, 4);
	check_model();
	assert_int_equal(run[2].kind, PAGE_KERNEL);
	assert_int_equal(run[2].refcount, 1);
	assert_int_equal(run[0].kind, PAGE_FREE);
	frame_put(&run[2]);
	frame_put(&run[5]);
	model_move(PAGE_KERNEL, PAGE_FREE, 2);
	check_model();

	/* Individual puts on a run's frames work too. */
	run = frame_alloc_run(5, PAGE_TABLE, 0);
	assert_non_null(run);
	model_move(PAGE_FREE, PAGE_TABLE, 5);
	for (int i = 4; i >= 0; i--) {
		frame_put(&run[i]);
		model_move(PAGE_TABLE, PAGE_FREE, 1);
		check_model();
	}
}

static void test_bad_put_panics(void **state)
{
	struct page *p = frame_alloc(PAGE_KERNEL, 0);
	struct page *run;

	(void)state;
	assert_non_null(p);
	frame_put(p);
	check_model();

	expect_assert_failure(frame_put(p));
	assert_true(panicked_with("already free"));
	check_model();
	expect_assert_failure(frame_get(p));
	check_model();
	expect_assert_failure(frame_put(&pages[0]));
	assert_true(panicked_with("reserved"));
	check_model();
	expect_assert_failure(frame_put(NULL));
	assert_true(panicked_with("not a struct page"));
	expect_assert_failure(frame_put((struct page *)((char *)&pages[10] + 4)));
	expect_assert_failure(frame_put(&pages[npages]));
	check_model();

	/* An allocated frame whose count has (wrongly) dropped to 0. */
	p = frame_alloc(PAGE_KERNEL, 0);
	assert_non_null(p);
	model_move(PAGE_FREE, PAGE_KERNEL, 1);
	p->refcount = 0;
	expect_assert_failure(frame_put(p));
	assert_true(panicked_with("refcount 0"));
	p->refcount = 1;
	check_model();

	/* A run with a free frame inside: panics, and nothing was freed. */
	run = frame_alloc_run(4, PAGE_KERNEL, 0);
	assert_non_null(run);
	model_move(PAGE_FREE, PAGE_KERNEL, 4);
	frame_put(&run[2]);
	model_move(PAGE_KERNEL, PAGE_FREE, 1);
	expect_assert_failure(frame_free_run(run, 4));
	check_model();
	assert_int_equal(run[0].refcount, 1);
	frame_put(&run[0]);
	frame_put(&run[1]);
	frame_put(&run[3]);
	frame_put(p);
	model_move(PAGE_KERNEL, PAGE_FREE, 4);
	check_model();
	assert_int_equal(mm_host_panics(), 8);
}

/* ------------------------------------------------------------ zeroing */

static bool all_bytes(const void *mem, size_t n, unsigned char byte)
{
	const unsigned char *b = mem;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != byte)
			return false;
	}
	return true;
}

static void test_zero(void **state)
{
	struct page *p, *run;

	(void)state;
	/* Without FRAME_ZERO a fresh frame holds whatever was there (the arena's junk). */
	p = frame_alloc(PAGE_KERNEL, 0);
	assert_non_null(p);
	assert_true(all_bytes(page_address(p), PAGE_SIZE, JUNK));
	memset(page_address(p), 0xab, PAGE_SIZE);
	frame_put(p);

	/* Every frame handed out with FRAME_ZERO is zero, whichever it is. */
	for (int i = 0; i < 50; i++) {
		p = frame_alloc(PAGE_KERNEL, FRAME_ZERO);
		assert_non_null(p);
		assert_true(all_bytes(page_address(p), PAGE_SIZE, 0));
		memset(page_address(p), 0xcd, PAGE_SIZE);
		frame_put(p);
	}
	for (size_t count = 1; count <= 33; count += 4) {
		run = frame_alloc_run(count, PAGE_ANON, FRAME_ZERO);
		assert_non_null(run);
		assert_true(all_bytes(page_address(run), count * PAGE_SIZE, 0));
		memset(page_address(run), 0xef, count * PAGE_SIZE);
		frame_free_run(run, count);
	}
	check_model();
}

/* ------------------------------------------------------------ failure injection */

static void test_injected_failure(void **state)
{
	struct page *a, *b, *c;

	(void)state;
	mm_host_fail_nth(1);
	assert_null(frame_alloc(PAGE_KERNEL, 0));
	check_model();
	a = frame_alloc(PAGE_KERNEL, 0);
	assert_non_null(a);
	model_move(PAGE_FREE, PAGE_KERNEL, 1);
	check_model();

	mm_host_fail_nth(3);
	b = frame_alloc(PAGE_KERNEL, 0);
	c = frame_alloc_run(7, PAGE_KERNEL, 0);
	assert_non_null(b);
	assert_non_null(c);
	model_move(PAGE_FREE, PAGE_KERNEL, 8);
	assert_null(frame_alloc_run(7, PAGE_KERNEL, FRAME_ZERO));
	check_model();
	frame_put(b);
	frame_free_run(c, 7);
	model_move(PAGE_KERNEL, PAGE_FREE, 8);

	mm_host_fail_all(true);
	for (size_t n = 1; n <= MAX_RUN; n *= 2)
		assert_null(frame_alloc_run(n, PAGE_ANON, 0));
	assert_null(frame_alloc(PAGE_TABLE, FRAME_ZERO));
	check_model();
	mm_host_fail_all(false);
	b = frame_alloc(PAGE_TABLE, 0);
	assert_non_null(b);
	frame_put(b);
	frame_put(a);
	model_move(PAGE_KERNEL, PAGE_FREE, 1);
	check_model();
	assert_int_equal(mm_host_injected_failures(), 2 + 11 + 1);
	for (int i = 0; i < STD_MAX_BLOCKS; i++)
		assert_non_null(frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0));
}

/* ------------------------------------------------------------ frames_check */

/* Each corruption is caught; undoing it makes the allocator whole again. */
static void test_check_detects(void **state)
{
	struct page *p = frame_alloc_run(4, PAGE_KERNEL, 0);
	struct page *head = NULL;
	uint8_t saved;

	(void)state;
	assert_non_null(p);
	model_move(PAGE_FREE, PAGE_KERNEL, 4);
	check_model();
	for (uint64_t pfn = 0; pfn < npages && !head; pfn++) {
		if (pages[pfn].kind == PAGE_FREE && pages[pfn].order >= 2 &&
		    pages[pfn].order <= FRAME_MAX_ORDER)
			head = &pages[pfn];
	}
	assert_non_null(head);

	p[1].refcount = 0;
	assert_true(frames_check() < 0);
	p[1].refcount = 1;
	assert_int_equal(frames_check(), 0);

	p[2].kind = PAGE_TABLE;			/* counters disagree */
	assert_true(frames_check() < 0);
	p[2].kind = PAGE_KERNEL;

	head[1].kind = PAGE_ANON;		/* allocated frame inside a free block */
	head[1].refcount = 1;
	assert_true(frames_check() < 0);
	head[1].kind = PAGE_FREE;
	head[1].refcount = 0;

	head[1].order = 0;			/* a second head inside a block */
	assert_true(frames_check() < 0);
	head[1].order = 0xff;

	saved = head->order;
	head->order = saved - 1;		/* wrong list, and half the block orphaned */
	assert_true(frames_check() < 0);
	head->order = saved;

	head->kind = 200;
	assert_true(frames_check() < 0);
	head->kind = PAGE_FREE;
	assert_int_equal(frames_check(), 0);

	frame_free_run(p, 4);
	model_move(PAGE_KERNEL, PAGE_FREE, 4);
	check_model();
}

/* ------------------------------------------------------------ randomized */

#define RAND_STEPS 4000
#define MAX_RUNS 4096

/* A small xorshift generator, so the sequences do not depend on the C library. */
static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t rand_below(size_t n)
{
	return (size_t)(next_rand() % n);
}

struct shadow {
	uint32_t *refs;		/* expected refcount per pfn (0: free or reserved) */
	uint8_t *kind;		/* expected kind per pfn */
	uint64_t *live;		/* pfns with refs > 0, in no order */
	size_t *live_at;	/* index of a pfn in live[] */
	size_t nlive;
	struct { uint64_t pfn; size_t count; } runs[MAX_RUNS];
	size_t nruns;
	uint64_t seed;
};

static uint64_t tag_of(const struct shadow *s, uint64_t pfn)
{
	return (pfn * 0x9e3779b97f4a7c15ull) ^ s->seed;
}

static void shadow_take(struct shadow *s, struct page *p, size_t count, enum page_kind kind)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t pfn = pfn_of(p) + i;

		assert_true(pfn < npages);
		assert_int_equal(s->kind[pfn], PAGE_FREE);	/* never handed out twice */
		s->refs[pfn] = 1;
		s->kind[pfn] = kind;
		s->live_at[pfn] = s->nlive;
		s->live[s->nlive++] = pfn;
		*(uint64_t *)page_address(&p[i]) = tag_of(s, pfn);
	}
	model_move(PAGE_FREE, kind, count);
	if (count > 1 && s->nruns < MAX_RUNS) {
		s->runs[s->nruns].pfn = pfn_of(p);
		s->runs[s->nruns++].count = count;
	}
}

/* Account for one put on pfn; checks the frame's tag before it is freed. */
static void shadow_put(struct shadow *s, uint64_t pfn)
{
	assert_true(s->refs[pfn] > 0);
	if (--s->refs[pfn] > 0)
		return;
	assert_int_equal(*(uint64_t *)page_address(&pages[pfn]), tag_of(s, pfn));
	model_move(s->kind[pfn], PAGE_FREE, 1);
	s->kind[pfn] = PAGE_FREE;
	s->live[s->live_at[pfn]] = s->live[--s->nlive];
	s->live_at[s->live[s->live_at[pfn]]] = s->live_at[pfn];
}

static void shadow_compare(const struct shadow *s)
{
	for (uint64_t pfn = 0; pfn < npages; pfn++) {
		if (s->kind[pfn] == PAGE_RESERVED)
			continue;
		assert_int_equal(pages[pfn].kind, s->kind[pfn]);
		assert_int_equal(pages[pfn].refcount, s->refs[pfn]);
	}
}

static enum page_kind random_kind(void)
{
	return PAGE_KERNEL + rand_below(PAGE_KIND_COUNT - PAGE_KERNEL);
}

static size_t random_run_length(void)
{
	if (rand_below(20) == 0)
		return 1 + rand_below(MAX_RUN);
	return 1 + rand_below(40);
}

/*
 * Cumulative percentages of alloc, alloc_run, get, put, free_run; the rest injects
 * a failure. Filling runs memory out, draining lets it merge back.
 */
static const unsigned fill_mix[5] = { 78, 90, 93, 97, 98 };
static const unsigned drain_mix[5] = { 12, 18, 25, 82, 97 };

static void random_step(struct shadow *s, const unsigned mix[5])
{
	size_t op = rand_below(100);
	enum page_kind kind = random_kind();
	struct page *p;

	if (op < mix[0]) {
		p = frame_alloc(kind, rand_below(4) == 0 ? FRAME_ZERO : 0);
		if (p)
			shadow_take(s, p, 1, kind);
		else
			assert_int_equal(frames_free(), 0);
	} else if (op < mix[1]) {
		size_t count = random_run_length();

		p = frame_alloc_run(count, kind, 0);
		if (p)
			shadow_take(s, p, count, kind);
	} else if (op < mix[2]) {
		if (s->nlive) {
			uint64_t pfn = s->live[rand_below(s->nlive)];

			frame_get(&pages[pfn]);
			s->refs[pfn]++;
		}
	} else if (op < mix[3]) {
		if (s->nlive) {
			uint64_t pfn = s->live[rand_below(s->nlive)];

			shadow_put(s, pfn);
			frame_put(&pages[pfn]);
		}
	} else if (op < mix[4]) {
		/* Free a recorded run if all of it is still allocated. */
		if (s->nruns) {
			size_t r = rand_below(s->nruns);
			uint64_t pfn = s->runs[r].pfn;
			size_t count = s->runs[r].count;
			bool whole = true;

			s->runs[r] = s->runs[--s->nruns];
			for (size_t i = 0; i < count; i++)
				whole = whole && s->refs[pfn + i] > 0;
			if (whole) {
				for (size_t i = 0; i < count; i++)
					shadow_put(s, pfn + i);
				frame_free_run(&pages[pfn], count);
			}
		}
	} else {
		mm_host_fail_nth(1);
		if (op % 2)
			assert_null(frame_alloc(kind, 0));
		else
			assert_null(frame_alloc_run(random_run_length(), kind, 0));
	}
}

static void run_random(uint64_t seed)
{
	static const struct mm_host_range ranges[] = {
		{ 0x3000, 0x1ff000 },
		{ 0x205321, 0x380000 },
		{ 0x400000, 0x800000 },		/* one whole max-order block */
	};
	struct shadow *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	boot(8 * MIB, ranges, 3);
	rng = seed;
	s->seed = seed;
	s->refs = calloc(npages, sizeof(*s->refs));
	s->kind = calloc(npages, sizeof(*s->kind));
	s->live = calloc(npages, sizeof(*s->live));
	s->live_at = calloc(npages, sizeof(*s->live_at));
	assert_true(s->refs && s->kind && s->live && s->live_at);
	for (uint64_t pfn = 0; pfn < npages; pfn++)
		s->kind[pfn] = pages[pfn].kind;

	for (int step = 0; step < RAND_STEPS; step++) {
		random_step(s, (step / 1000) % 2 ? drain_mix : fill_mix);
		check_model();
		if (step % 64 == 0)
			shadow_compare(s);
	}
	shadow_compare(s);
	/* Drop every reference left; everything must merge back. */
	while (s->nlive) {
		uint64_t pfn = s->live[s->nlive - 1];

		shadow_put(s, pfn);
		frame_put(&pages[pfn]);
	}
	check_model();
	assert_int_equal(frames_free(), frames_managed());
	assert_non_null(frame_alloc_run(MAX_RUN, PAGE_KERNEL, 0));

	free(s->refs);
	free(s->kind);
	free(s->live);
	free(s->live_at);
	free(s);
}

static void test_random_1(void **state)
{
	(void)state;
	run_random(1);
}

static void test_random_2(void **state)
{
	(void)state;
	run_random(0x2545f4914f6cdd1dull);
}

static void test_random_3(void **state)
{
	(void)state;
	run_random(0xc0ffee);
}

static void test_random_4(void **state)
{
	(void)state;
	run_random(20240601);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_layout, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversions, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_merges, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_edge_cases, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_until_exhausted, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_poison_catches_write_after_free, std_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_runs_every_size, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_disjoint, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_limits, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_kind_panics, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_put_panics, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected_failure, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_1, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_2, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_3, std_setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_4, std_setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
