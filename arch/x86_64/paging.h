/*
 * arch/x86_64/paging.h - the kernel's view of virtual memory on x86-64.
 *
 * Layout of the 48-bit address space:
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (PML4 slots 0..255)
 *   0xffff800000000000 ..                     direct map of all physical memory
 *   0xffffffff80000000 ..                     the kernel image (-2 GiB, mcmodel=kernel)
 *   0xffffffffc0000000 .. +2 MiB              the MMIO window (paging_map_mmio)
 * The kernel image is loaded at physical KERNEL_PHYS_BASE and linked at
 * KERNEL_VIRT_BASE + its physical address.
 */
#ifndef CALF_ARCH_PAGING_H
#define CALF_ARCH_PAGING_H

#define DIRECT_MAP_BASE  0xffff800000000000
#define KERNEL_VIRT_BASE 0xffffffff80000000
#define KERNEL_PHYS_BASE 0x100000
#define MMIO_WINDOW_BASE 0xffffffffc0000000
#define MMIO_WINDOW_PAGES 512

#include "arch/x86_64/pte_bits.h"

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(phys + DIRECT_MAP_BASE);
}

/* Only for direct-map and kernel-image addresses. */
static inline uint64_t virt_to_phys(const void *virt)
{
	uint64_t addr = (uint64_t)virt;

	if (addr >= KERNEL_VIRT_BASE)
		return addr - KERNEL_VIRT_BASE;
	return addr - DIRECT_MAP_BASE;
}

/*
 * Build and load the kernel's final page tables: the direct map of [0, max_phys)
 * and the kernel image with per-section permissions. alloc_table returns the
 * physical address of a zeroed frame reachable through the boot-time map.
 */
void paging_init(uint64_t max_phys, uint64_t (*alloc_table)(void));

/* The size of the kernel image, from its first section to __image_end. */
uint64_t paging_image_bytes(void);

/* Physical address of the kernel's top-level table, shared by every address space. */
uint64_t paging_kernel_root(void);

/* The end of the direct map: phys_to_virt works for [0, this). */
uint64_t paging_direct_map_end(void);

/*
 * Map the physical range [phys, phys + size) uncached (device registers, or
 * firmware tables beyond the direct map) and return the virtual address of phys,
 * or NULL when the window (MMIO_WINDOW_PAGES pages in all) is full. Boot-time only:
 * one CPU, no lock; mappings stay for good.
 */
void *paging_map_mmio(uint64_t phys, uint64_t size);

#endif
#endif
