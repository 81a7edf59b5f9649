/*
 * Host tests for mm/kmalloc.c, over the real frame allocator on the simulated
 * machine of tests/host/mm_host.c.
 *
 * All tests share one machine. The group set-up uses every size class once, so
 * each class holds its one cached empty slab from the start: after a test frees
 * what it allocated, kmalloc_frames and frames_free must be back exactly where
 * they were before it (check_baseline). In these tests the heap is the only user
 * of PAGE_HEAP frames, so frames_of_kind(PAGE_HEAP) must always equal
 * kmalloc_frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/string.h"
#include "tests/host/mm_host.h"

#define MIB (1024ul * 1024ul)
#define NCLASSES 8
#define MAX_RUN_BYTES ((1ul << FRAME_MAX_ORDER) * PAGE_SIZE)

static const struct mm_host_range ranges[] = {
	{ 0x1000, 0x9f000 },
	{ 0x100000, 0x1000000 },	/* holds several whole max-order blocks */
};

static size_t base_heap, base_free;

static int group_setup(void **state)
{
	(void)state;
	mm_host_boot(16 * MIB, ranges, 2);
	for (unsigned c = 0; c < NCLASSES; c++)
		kfree(kmalloc(16u << c));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mm_host_shutdown();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	mm_host_fail_all(false);
	mm_host_fail_nth(0);
	base_heap = kmalloc_frames();
	base_free = frames_free();
	return 0;
}

/* What must hold between any two heap calls. */
static void check_consistent(void)
{
	assert_int_equal(mm_host_locks_held(), 0);
	assert_int_equal(frames_of_kind(PAGE_HEAP), kmalloc_frames());
	assert_int_equal(frames_check(), 0);
}

/* Everything a test allocated is back: the heap and the frame pool as before it. */
static void check_baseline(void)
{
	check_consistent();
	assert_int_equal(kmalloc_frames(), base_heap);
	assert_int_equal(frames_free(), base_free);
}

/* What ksize must say for a request of size bytes. */
static size_t expected_size(size_t size)
{
	size_t s = 16;

	if (size > KMALLOC_MAX_SLAB)
		return (size + PAGE_SIZE - 1) & PAGE_MASK;
	while (s < size)
		s <<= 1;
	return s;
}

/* A byte that depends on the object and the position, so misplaced bytes show. */
static unsigned char pattern(size_t id, size_t i)
{
	return (unsigned char)(id * 131 + i * 7 + (i >> 8) + 1);
}

static void fill(void *p, size_t n, size_t id)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = pattern(id, i);
}

static bool intact(const void *p, size_t n, size_t id)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i] != pattern(id, i))
			return false;
	}
	return true;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
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

/* ------------------------------------------------------------ sizes */

static void check_one_size(size_t size)
{
	size_t heap = kmalloc_frames();
	char *p = kmalloc(size);
	size_t usable = expected_size(size);
	size_t align = usable < PAGE_SIZE ? usable : PAGE_SIZE;

	assert_non_null(p);
	assert_int_equal(ksize(p), usable);
	assert_int_equal((uintptr_t)p % align, 0);
	assert_int_equal(virt_to_page(p)->kind, PAGE_HEAP);
	if (size > KMALLOC_MAX_SLAB)
		assert_int_equal(kmalloc_frames(), heap + usable / PAGE_SIZE);
	fill(p, usable, size);		/* all of ksize is usable */
	assert_true(intact(p, usable, size));
	kfree(p);
	assert_int_equal(kmalloc_frames(), heap);
}

static void test_every_size(void **state)
{
	static const size_t big[] = {
		2047, 2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193, 12289,
		65536, 65537, MIB - 1, MIB, 2 * MIB + 1, MAX_RUN_BYTES - 1, MAX_RUN_BYTES,
	};

	(void)state;
	for (size_t size = 1; size <= 4200; size++)
		check_one_size(size);
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		check_one_size(big[i]);
	check_baseline();
}

static void test_impossible_sizes(void **state)
{
	(void)state;
	assert_null(kmalloc(0));
	assert_null(kzalloc(0));
	assert_null(kmalloc(MAX_RUN_BYTES + 1));
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX - PAGE_SIZE + 2));	/* rounding up would wrap */
	assert_null(kzalloc(SIZE_MAX));
	kfree(NULL);
	assert_int_equal(ksize(NULL), 0);
	check_baseline();
}

/* ------------------------------------------------------------ accounting */

static void test_slab_accounting(void **state)
{
	void *objs[PAGE_SIZE / 16 * 3];
	size_t free0 = frames_free();

	(void)state;
	/* The cached empty slab of class 16 serves its 256 objects without a frame. */
	for (size_t i = 0; i < PAGE_SIZE / 16; i++) {
		objs[i] = kmalloc(1 + i % 16);
		assert_non_null(objs[i]);
		assert_int_equal(kmalloc_frames(), base_heap);
		assert_int_equal(frames_free(), free0);
	}
	/* The next one takes a frame, and so does every 256th after it. */
	for (size_t i = PAGE_SIZE / 16; i < PAGE_SIZE / 16 * 3; i++) {
		objs[i] = kmalloc(16);
		assert_non_null(objs[i]);
		assert_int_equal(kmalloc_frames(), base_heap + i / (PAGE_SIZE / 16));
		assert_int_equal(frames_free(), free0 - i / (PAGE_SIZE / 16));
	}
	check_consistent();
	/* Freeing from the front: the first slab becomes the cached one, later ones go. */
	for (size_t i = 0; i < PAGE_SIZE / 16 * 3; i++)
		kfree(objs[i]);
	check_baseline();
}

static void test_run_accounting(void **state)
{
	char *a, *b;

	(void)state;
	a = kmalloc(3 * PAGE_SIZE - 5);
	assert_non_null(a);
	assert_int_equal(kmalloc_frames(), base_heap + 3);
	assert_int_equal(frames_free(), base_free - 3);
	b = kmalloc(5 * PAGE_SIZE);
	assert_non_null(b);
	assert_int_equal(kmalloc_frames(), base_heap + 8);
	assert_int_equal(frames_free(), base_free - 8);
	check_consistent();
	kfree(a);
	assert_int_equal(kmalloc_frames(), base_heap + 5);
	kfree(b);
	check_baseline();
}

/* Alloc/free of one object in a loop neither takes nor releases a frame. */
static void test_no_thrash(void **state)
{
	void *full[PAGE_SIZE / 128];
	void *p;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		p = kmalloc(100);
		assert_non_null(p);
		kfree(p);
		assert_int_equal(frames_free(), base_free);
	}
	/* Same at a slab boundary: the 33rd 128-byte object opens a second slab once. */
	for (size_t i = 0; i < PAGE_SIZE / 128; i++)
		full[i] = kmalloc(128);
	for (int i = 0; i < 1000; i++) {
		p = kmalloc(128);
		assert_non_null(p);
		kfree(p);
		assert_int_equal(kmalloc_frames(), base_heap + 1);
	}
	for (size_t i = 0; i < PAGE_SIZE / 128; i++)
		kfree(full[i]);
	check_baseline();
}

/* ------------------------------------------------------------ contents */

#define MANY 3000

/* A size mostly small, sometimes up to a few pages. */
static size_t random_size(void)
{
	switch (rand() % 10) {
	case 0:
		return 1 + (size_t)rand() % (5 * PAGE_SIZE);
	case 1:
	case 2:
		return 1 + (size_t)rand() % KMALLOC_MAX_SLAB;
	default:
		return 1 + (size_t)rand() % 200;
	}
}

static void test_no_overlap(void **state)
{
	char **p = calloc(MANY, sizeof(*p));
	size_t *size = calloc(MANY, sizeof(*size));

	(void)state;
	assert_true(p && size);
	srand(12345);
	for (size_t i = 0; i < MANY; i++) {
		size[i] = random_size();
		p[i] = kmalloc(size[i]);
		assert_non_null(p[i]);
		size[i] = ksize(p[i]);
		fill(p[i], size[i], i);
	}
	check_consistent();
	for (size_t i = 0; i < MANY; i++)
		assert_true(intact(p[i], size[i], i));
	/* Free every third, refill with new objects, check everything again. */
	for (size_t i = 0; i < MANY; i += 3) {
		kfree(p[i]);
		p[i] = kmalloc(size[i]);
		assert_non_null(p[i]);
		fill(p[i], size[i], i + MANY);
	}
	for (size_t i = 0; i < MANY; i++)
		assert_true(intact(p[i], size[i], i % 3 ? i : i + MANY));
	check_consistent();
	/* Free in a scrambled order (stride coprime with MANY). */
	for (size_t k = 0, i = 0; k < MANY; k++, i = (i + 1237) % MANY)
		kfree(p[i]);
	free(p);
	free(size);
	check_baseline();
}

#define LIVE 1500
#define CHURN_STEPS 30000

/* Random allocs and frees; every object's bytes are checked when it is freed. */
static void churn(unsigned seed)
{
	char **p = calloc(LIVE, sizeof(*p));
	size_t *size = calloc(LIVE, sizeof(*size));
	size_t *id = calloc(LIVE, sizeof(*id));

	assert_true(p && size && id);
	srand(seed);
	for (size_t step = 0; step < CHURN_STEPS; step++) {
		size_t slot = (size_t)rand() % LIVE;

		if (p[slot]) {
			assert_true(intact(p[slot], size[slot], id[slot]));
			kfree(p[slot]);
			p[slot] = NULL;
		} else {
			size[slot] = random_size();
			bool zero = rand() % 4 == 0;

			p[slot] = zero ? kzalloc(size[slot]) : kmalloc(size[slot]);
			assert_non_null(p[slot]);
			if (zero)
				assert_true(all_zero(p[slot], ksize(p[slot])));
			assert_true(ksize(p[slot]) >= size[slot]);
			id[slot] = step;
			fill(p[slot], size[slot], step);
		}
		if (step % 1000 == 0)
			check_consistent();
	}
	for (size_t slot = 0; slot < LIVE; slot++) {
		if (p[slot]) {
			assert_true(intact(p[slot], size[slot], id[slot]));
			kfree(p[slot]);
		}
	}
	free(p);
	free(size);
	free(id);
	check_baseline();
}

static void test_churn_1(void **state)
{
	(void)state;
	churn(1);
}

static void test_churn_2(void **state)
{
	(void)state;
	churn(4242);
}

static void test_churn_3(void **state)
{
	(void)state;
	churn(0xdecaf);
}

static void test_kzalloc(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 512, 2000, 2048, 2049,
					4096, 3 * PAGE_SIZE + 1 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *dirty = kmalloc(sizes[i]);
		char *z;

		assert_non_null(dirty);
		memset(dirty, 0xff, ksize(dirty));
		kfree(dirty);
		/* Most likely the very same memory; zero either way. */
		z = kzalloc(sizes[i]);
		assert_non_null(z);
		assert_true(all_zero(z, ksize(z)));
		kfree(z);
	}
	check_baseline();
}

/* ------------------------------------------------------------ failures */

static void test_injected_failure(void **state)
{
	void *objs[PAGE_SIZE / 64];
	void *p;
	unsigned failures = mm_host_injected_failures();

	(void)state;
	mm_host_fail_all(true);
	assert_null(kmalloc(5000));
	assert_null(kzalloc(MAX_RUN_BYTES));
	check_baseline();

	/* A class with a free object needs no frame: the cached slab still serves. */
	for (size_t i = 0; i < PAGE_SIZE / 64; i++) {
		objs[i] = kmalloc(64);
		assert_non_null(objs[i]);
	}
	/* Now the slab is full; the next object would need a frame. */
	assert_null(kmalloc(64));
	assert_null(kzalloc(50));
	assert_int_equal(kmalloc_frames(), base_heap);
	assert_int_equal(frames_free(), base_free);
	check_consistent();

	mm_host_fail_all(false);
	mm_host_fail_nth(2);
	p = kmalloc(64);		/* first allocation: a new slab */
	assert_non_null(p);
	assert_int_equal(kmalloc_frames(), base_heap + 1);
	assert_null(kmalloc(3 * PAGE_SIZE));	/* the second fails */
	assert_int_equal(kmalloc_frames(), base_heap + 1);
	kfree(p);
	for (size_t i = 0; i < PAGE_SIZE / 64; i++)
		kfree(objs[i]);
	assert_int_equal(mm_host_injected_failures(), failures + 5);
	check_baseline();
}

static void test_bad_kfree(void **state)
{
	int on_stack = 0;
	char *a, *b, *run;
	struct page *frame;
	unsigned panics = mm_host_panics();

	(void)state;
	expect_assert_failure(kfree(&on_stack));
	assert_true(panicked_with("not a heap pointer"));
	check_consistent();

	a = kmalloc(32);
	b = kmalloc(32);
	assert_non_null(a);
	assert_non_null(b);
	expect_assert_failure(kfree(a + 1));
	assert_true(panicked_with("boundary"));
	expect_assert_failure(kfree(a + 16));
	expect_assert_failure(ksize(a + 8));
	check_consistent();

	/* Freed twice in a row. */
	kfree(a);
	expect_assert_failure(kfree(a));
	assert_true(panicked_with("freed twice"));
	check_consistent();

	/* Frames that are not the heap's: allocated for something else, or free. */
	frame = frame_alloc(PAGE_KERNEL, 0);
	assert_non_null(frame);
	expect_assert_failure(kfree(page_address(frame)));
	assert_true(panicked_with("not a heap pointer"));
	frame_put(frame);
	expect_assert_failure(kfree(page_address(frame)));
	check_consistent();

	/* The inside of a run, and a run freed twice. */
	run = kmalloc(3 * PAGE_SIZE);
	assert_non_null(run);
	expect_assert_failure(kfree(run + PAGE_SIZE));
	assert_true(panicked_with("inside a heap run"));
	expect_assert_failure(kfree(run + 2 * PAGE_SIZE + 64));
	expect_assert_failure(kfree(run + 16));
	check_consistent();
	kfree(run);
	expect_assert_failure(kfree(run));
	assert_true(panicked_with("not a heap pointer"));
	check_consistent();

	/* None of it disturbed the heap. */
	assert_int_equal(ksize(b), 32);
	kfree(b);
	assert_int_equal(mm_host_panics(), panics + 11);
	check_baseline();
}

/* mm_poison: a free object written to, in its body or its link, panics when it is
 * handed out again; put right, it is handed out as usual. */
static void test_poison_catches_write_after_free(void **state)
{
	(void)state;
	kmalloc_shrink();	/* the next slab is made with mm_poison on */
	mm_poison = true;
	char *a = kmalloc(64);
	assert_non_null(a);
	kfree(a);

	mm_host_unpoison(a, 64);
	assert_int_equal((unsigned char)a[20], MM_FREE_POISON);
	a[20] = 1;
	expect_assert_failure(kmalloc(64));
	assert_true(panicked_with("the free 64-byte object"));
	assert_true(panicked_with("was written after kfree: byte 20 is 0x1"));
	a[20] = (char)MM_FREE_POISON;

	void *link = *(void **)a;
	*(void **)a = a + 1;
	expect_assert_failure(kmalloc(64));
	assert_true(panicked_with("was written after kfree: its link is"));
	*(void **)a = link;

	assert_ptr_equal(kmalloc(64), a);
	kfree(a);
	mm_poison = false;
	kmalloc_shrink();
	for (unsigned c = 0; c < NCLASSES; c++)
		kfree(kmalloc(16u << c));
	check_baseline();
}

/* Shrinking gives back exactly the cached empty slabs, and the heap still works. */
static void test_shrink(void **state)
{
	(void)state;
	void *kept = kmalloc(100);	/* a half-used slab is never given back */

	assert_non_null(kept);
	size_t heap = kmalloc_frames(), free_before = frames_free();
	size_t released = kmalloc_shrink();
	/* The set-up left every class one cached slab; `kept` now uses one of them. */
	assert_int_equal(released, NCLASSES - 1);
	assert_int_equal(kmalloc_frames(), heap - released);
	assert_int_equal(frames_free(), free_before + released);
	assert_int_equal(kmalloc_shrink(), 0);
	assert_int_equal(frames_check(), 0);
	kfree(kept);
	/* Restore the cache the other tests' baseline expects. */
	for (unsigned c = 0; c < NCLASSES; c++)
		kfree(kmalloc(16u << c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_every_size, setup),
		cmocka_unit_test_setup(test_impossible_sizes, setup),
		cmocka_unit_test_setup(test_slab_accounting, setup),
		cmocka_unit_test_setup(test_run_accounting, setup),
		cmocka_unit_test_setup(test_no_thrash, setup),
		cmocka_unit_test_setup(test_no_overlap, setup),
		cmocka_unit_test_setup(test_churn_1, setup),
		cmocka_unit_test_setup(test_churn_2, setup),
		cmocka_unit_test_setup(test_churn_3, setup),
		cmocka_unit_test_setup(test_kzalloc, setup),
		cmocka_unit_test_setup(test_injected_failure, setup),
		cmocka_unit_test_setup(test_bad_kfree, setup),
		cmocka_unit_test_setup(test_shrink, setup),
		cmocka_unit_test_setup(test_poison_catches_write_after_free, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
