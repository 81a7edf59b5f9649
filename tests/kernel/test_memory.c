/*
 * tests/kernel/test_memory.c - the frame allocator and kernel heap on real memory.
 */
#include <stddef.h>
#include "init/selftest.h"
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/paging.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/string.h"

extern char __kernel_start[], __image_end[];

SELFTEST(memory_map_fully_released)
{
	uint64_t image = (uint64_t)(__image_end - __kernel_start);
	uint64_t kept = 0x100000 + image + (boot_info.initrd_end - boot_info.initrd_start);
	/* The struct page array is about 1% of memory; allow 2% plus the tables. */
	uint64_t slack = boot_info.usable_bytes / 50 + (64 << 10);

	EXPECT(frames_managed() * PAGE_SIZE + kept + slack >= boot_info.usable_bytes);
	EXPECT(frames_managed() * PAGE_SIZE <= boot_info.usable_bytes);
	EXPECT(frames_free() <= frames_managed());
	EXPECT(frames_check() == 0);
}

SELFTEST(memory_kernel_image_is_reserved)
{
	struct page *text = virt_to_page(phys_to_virt(virt_to_phys(__kernel_start)));

	EXPECT(text != NULL && text->kind == PAGE_RESERVED);
	EXPECT(pfn_to_page(0) != NULL && pfn_to_page(0)->kind == PAGE_RESERVED);
}

SELFTEST(memory_frame_alloc_and_free)
{
	size_t before = frames_free();
	struct page *page = frame_alloc(PAGE_KERNEL, FRAME_ZERO);

	EXPECT(page != NULL);
	if (!page)
		return;
	EXPECT(page->refcount == 1 && page->kind == PAGE_KERNEL);
	EXPECT(frames_free() == before - 1);
	const uint8_t *bytes = page_address(page);
	bool zero = true;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zero &= bytes[i] == 0;
	EXPECT(zero);
	EXPECT(virt_to_page(bytes) == page);
	EXPECT(pfn_to_page(page_to_pfn(page)) == page);
	frame_get(page);
	frame_put(page);
	EXPECT(frames_free() == before - 1);
	frame_put(page);
	EXPECT(frames_free() == before);
	EXPECT(page->kind == PAGE_FREE);
}

SELFTEST(memory_contiguous_runs)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 16, 100, 513, 1024 };

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t before = frames_free();
		struct page *run = frame_alloc_run(sizes[i], PAGE_KERNEL, 0);
		EXPECT(run != NULL);
		if (!run)
			continue;
		EXPECT(frames_free() == before - sizes[i]);
		bool contiguous = true;
		for (size_t f = 0; f < sizes[i]; f++)
			contiguous &= page_to_pfn(run + f) == page_to_pfn(run) + f &&
				      run[f].refcount == 1;
		EXPECT(contiguous);
		/* Writable all the way through the direct map. */
		memset(page_address(run), 0xab, sizes[i] * PAGE_SIZE);
		frame_free_run(run, sizes[i]);
		EXPECT(frames_free() == before);
	}
	EXPECT(frames_check() == 0);
}

SELFTEST(memory_exhaust_and_recover)
{
	size_t before = frames_free();
	struct page *chain = NULL;
	size_t taken = 0;
	struct page *page;

	/* Take every frame, linking them through their own first word. */
	while ((page = frame_alloc(PAGE_KERNEL, 0)) != NULL) {
		*(struct page **)page_address(page) = chain;
		chain = page;
		taken++;
	}
	EXPECT(taken == before);
	EXPECT(frames_free() == 0);
	EXPECT(frame_alloc_run(2, PAGE_KERNEL, 0) == NULL);
	while (chain) {
		struct page *next = *(struct page **)page_address(chain);
		frame_put(chain);
		chain = next;
	}
	EXPECT(frames_free() == before);
	EXPECT(frames_check() == 0);
	/* Freed frames merged back: a maximal run is possible again. */
	struct page *big = frame_alloc_run(1u << FRAME_MAX_ORDER, PAGE_KERNEL, 0);
	EXPECT(big != NULL);
	if (big)
		frame_free_run(big, 1u << FRAME_MAX_ORDER);
}

SELFTEST(memory_kmalloc_sizes)
{
	static const size_t sizes[] = { 1, 8, 16, 17, 100, 512, 2048, 2049, 4096, 10000, 100000 };
	void *blocks[sizeof(sizes) / sizeof(sizes[0])];
	const unsigned count = sizeof(sizes) / sizeof(sizes[0]);

	for (unsigned i = 0; i < count; i++) {
		blocks[i] = kmalloc(sizes[i]);
		EXPECT(blocks[i] != NULL);
		if (blocks[i]) {
			EXPECT(ksize(blocks[i]) >= sizes[i]);
			memset(blocks[i], (int)i, sizes[i]);
		}
	}
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *bytes = blocks[i];
		bool intact = bytes != NULL;
		for (size_t b = 0; intact && b < sizes[i]; b++)
			intact = bytes[b] == i;
		EXPECT(intact);
		kfree(blocks[i]);
	}
	EXPECT(kmalloc(0) == NULL);
	kfree(NULL);
	uint8_t *zeroed = kzalloc(300);
	EXPECT(zeroed && zeroed[0] == 0 && zeroed[299] == 0);
	kfree(zeroed);
}
