/*
 * arch/x86_64/paging.c - the kernel half of every address space.
 *
 * The direct map uses 1 GiB pages when the CPU has them and 2 MiB pages otherwise;
 * it is writable and never executable. The kernel image is mapped with 4 KiB pages so
 * each section gets exactly its permissions: text read-execute, rodata and the symbol
 * table read-only, data and bss read-write. Kernel mappings are global (kept in the
 * TLB across address-space switches). The identity map boot.S needed is gone.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"

#define ENTRIES 512
#define INDEX(addr, level) (((addr) >> (12 + 9 * (level))) & (ENTRIES - 1))
#define SIZE_1G (1ul << 30)
#define SIZE_2M (1ul << 21)

extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[],
	__rodata_end[], __data_start[], __bss_end[], __ksyms_start[], __image_end[];

static uint64_t kernel_root;
static uint64_t (*allocate)(void);

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

void paging_init(uint64_t max_phys, uint64_t (*alloc_table)(void))
{
	allocate = alloc_table;
	kernel_root = allocate();
	uint64_t *pml4 = phys_to_virt(kernel_root);

	/* Pre-create every kernel-half top-level entry the direct map needs, so user
	 * address spaces can copy the kernel half once and never miss an update. */
	map_direct(pml4, max_phys);
	map_image(pml4);
	write_cr3(kernel_root);
}

uint64_t paging_image_bytes(void)
{
	return (uint64_t)(__image_end - __kernel_start);
}
