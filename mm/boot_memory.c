/*
 * mm/boot_memory.c - from the boot memory map to a running frame allocator.
 *
 * Before the frame allocator exists, the page tables and the struct page array need
 * memory. They come from a bump allocator that takes frames right after the kernel
 * image; those frames are simply never released to the allocator, so they stay
 * PAGE_RESERVED like the image itself.
 */
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "mm/frame.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define LOW_MEMORY_END 0x100000		/* BIOS data, option ROMs, the PVH start_info */
#define BOOT_MAP_LIMIT (1ul << 30)	/* what boot.S's temporary tables reach */

extern char __image_end[];

static uint64_t bump_start, bump_next;

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) & ~(alignment - 1);
}

static bool overlaps(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
	return a_start < b_end && b_start < a_end;
}

/* `bytes` of zeroed physical memory, page-aligned, from after the image. */
static uint64_t bump_alloc(uint64_t bytes, uint64_t limit)
{
	uint64_t start = bump_next;
	uint64_t end = align_up(start + bytes, PAGE_SIZE);

	if (boot_info.initrd_end && overlaps(start, end, boot_info.initrd_start, boot_info.initrd_end))
		panic("boot: early allocations would overwrite the initrd");
	if (end > limit)
		panic("boot: no room for %lu bytes of early allocations", bytes);
	bump_next = end;
	memset(phys_to_virt(start), 0, end - start);
	return start;
}

static uint64_t alloc_table_frame(void)
{
	return bump_alloc(PAGE_SIZE, BOOT_MAP_LIMIT);
}

/* Release [start, end) minus what the kernel keeps. */
static void release_usable(uint64_t start, uint64_t end)
{
	const uint64_t keep[][2] = {
		{ 0, LOW_MEMORY_END },
		{ KERNEL_PHYS_BASE, bump_next },	/* image, tables, page array */
		{ boot_info.initrd_start, align_up(boot_info.initrd_end, PAGE_SIZE) },
	};
	const unsigned keep_count = sizeof(keep) / sizeof(keep[0]);

	for (unsigned i = 0; i < keep_count && start < end; i++) {
		if (keep[i][0] == keep[i][1] || !overlaps(start, end, keep[i][0], keep[i][1]))
			continue;
		if (start < keep[i][0])
			release_usable(start, keep[i][0]);
		start = keep[i][1];
	}
	if (start < end)
		frames_release(start, end);
}

void memory_init(void)
{
	bump_start = bump_next = align_up(virt_to_phys(__image_end), PAGE_SIZE);

	/* The direct map covers all of RAM, rounded up to what one table entry maps. */
	uint64_t max_phys = align_up(boot_info.max_usable, 1ul << 30);
	paging_init(max_phys, alloc_table_frame);
	printk("paging: direct map of %lu MiB with %s pages, kernel image %lu KiB\n",
	       max_phys >> 20, cpu_features.pdpe1gb ? "1 GiB" : "2 MiB",
	       paging_image_bytes() >> 10);

	size_t page_count = boot_info.max_usable >> PAGE_SHIFT;
	uint64_t array = bump_alloc(page_count * sizeof(struct page), boot_info.max_usable);
	frames_init(phys_to_virt(array), page_count);

	for (unsigned i = 0; i < boot_info.range_count; i++) {
		const struct memory_range *r = &boot_info.ranges[i];
		if (r->type == MEMORY_USABLE)
			release_usable(r->start, r->end);
	}
	printk("memory: %lu MiB usable, %lu frames free, %lu KiB taken at boot "
	       "(struct page array %lu KiB)\n",
	       boot_info.usable_bytes >> 20, frames_free(), (bump_next - bump_start) >> 10,
	       (page_count * sizeof(struct page)) >> 10);
}
