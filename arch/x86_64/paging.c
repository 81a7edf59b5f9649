/*
 * arch/x86_64/paging.c - the kernel half of every address space.
 *
 * The direct map uses 1 GiB pages when the CPU has them and 2 MiB pages otherwise;
 * it is writable and never executable. The kernel image is mapped with 4 KiB pages so
 * each section gets exactly its permissions: text read-execute, rodata and the symbol
 * table read-only, data and bss read-write. Kernel mappings are global (kept in the
 * TLB across address-space switches). The identity map boot.S needed is gone.
 */
#include <stddef.h>
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"

#define ENTRIES 512
#define INDEX(addr, level) (((addr) >> (12 + 9 * (level))) & (ENTRIES - 1))
#define SIZE_1G (1ul << 30)
#define SIZE_2M (1ul << 21)

extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[],
	__rodata_end[], __data_start[], __bss_end[], __ksyms_start[], __image_end[];

static uint64_t kernel_root;
static uint64_t direct_map_end;
static uint64_t (*allocate)(void);

/*
 * The MMIO window: device registers (the local APIC, later the I/O APIC) and
 * firmware tables above the direct map get 4 KiB uncached pages here. Its one leaf
 * table is made by paging_init with the boot allocator, because arch/ has no frame
 * allocator of its own afterwards; the window only grows (nothing is unmapped).
 */
static uint64_t *mmio_table;
static unsigned mmio_used;	/* pages of the window handed out */

uint64_t paging_kernel_root(void)
{
	return kernel_root;
}

/* The table the entry points to, allocating it if absent. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_PRESENT))
		*entry = allocate() | PTE_PRESENT | PTE_WRITE;
	return phys_to_virt(*entry & PTE_ADDR_MASK);
}

static void map_direct(uint64_t *pml4, uint64_t max_phys)
{
	const uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX | PTE_HUGE;

	for (uint64_t phys = 0; phys < max_phys;) {
		uint64_t virt = DIRECT_MAP_BASE + phys;
		uint64_t *pdpt = next_table(&pml4[INDEX(virt, 3)]);

		if (cpu_features.pdpe1gb) {
			pdpt[INDEX(virt, 2)] = phys | flags;
			phys += SIZE_1G;
		} else {
			uint64_t *pd = next_table(&pdpt[INDEX(virt, 2)]);
			pd[INDEX(virt, 1)] = phys | flags;
			phys += SIZE_2M;
		}
	}
}

static uint64_t image_page_flags(const char *virt)
{
	const uint64_t base = PTE_PRESENT | PTE_GLOBAL;

	if (virt >= __text_start && virt < __text_end)
		return base;
	if (virt >= __rodata_start && virt < __rodata_end)
		return base | PTE_NX;
	if (virt >= __data_start && virt < __bss_end)
		return base | PTE_WRITE | PTE_NX;
	return base | PTE_NX;	/* the symbol table */
}

static void map_image(uint64_t *pml4)
{
	for (const char *virt = __kernel_start; virt < __image_end; virt += 4096) {
		uint64_t addr = (uint64_t)virt;
		uint64_t *pdpt = next_table(&pml4[INDEX(addr, 3)]);
		uint64_t *pd = next_table(&pdpt[INDEX(addr, 2)]);
		uint64_t *pt = next_table(&pd[INDEX(addr, 1)]);

		pt[INDEX(addr, 0)] = virt_to_phys(virt) | image_page_flags(virt);
	}
}

/* The window's leaf table; it shares slot 511 with the image, which already exists
 * in every address space, so mapping into it later needs no copying. */
static void make_mmio_window(uint64_t *pml4)
{
	uint64_t *pdpt = next_table(&pml4[INDEX(MMIO_WINDOW_BASE, 3)]);
	uint64_t *pd = next_table(&pdpt[INDEX(MMIO_WINDOW_BASE, 2)]);

	mmio_table = next_table(&pd[INDEX(MMIO_WINDOW_BASE, 1)]);
}

void paging_init(uint64_t max_phys, uint64_t (*alloc_table)(void))
{
	allocate = alloc_table;
	kernel_root = allocate();
	direct_map_end = max_phys;
	uint64_t *pml4 = phys_to_virt(kernel_root);

	/* Pre-create every kernel-half top-level entry the direct map needs, so user
	 * address spaces can copy the kernel half once and never miss an update. */
	map_direct(pml4, max_phys);
	map_image(pml4);
	make_mmio_window(pml4);
	write_cr3(kernel_root);
}

uint64_t paging_direct_map_end(void)
{
	return direct_map_end;
}

void *paging_map_mmio(uint64_t phys, uint64_t size)
{
	const uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_PCD | PTE_PWT | PTE_GLOBAL | PTE_NX;
	uint64_t first = phys & ~0xffful;
	unsigned pages = (unsigned)((phys + size - first + 0xfff) >> 12);

	if (size == 0 || pages > MMIO_WINDOW_PAGES - mmio_used)
		return NULL;
	uint64_t virt = MMIO_WINDOW_BASE + ((uint64_t)mmio_used << 12);
	for (unsigned i = 0; i < pages; i++)
		mmio_table[mmio_used + i] = (first + ((uint64_t)i << 12)) | flags;
	mmio_used += pages;
	return (void *)(virt + (phys - first));
}

uint64_t paging_image_bytes(void)
{
	return (uint64_t)(__image_end - __kernel_start);
}
