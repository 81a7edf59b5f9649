/*
 * arch/x86_64/boot_info.c - reading QEMU's PVH start_info.
 *
 * Layout from Xen's public arch-x86/hvm/start_info.h (version 1 adds the memory map):
 * QEMU's PVH option ROM fills it from fw_cfg, with -append as the command line and
 * -initrd as module 0.
 */
#include "arch/x86_64/boot_info.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t module_count;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

struct boot_info boot_info;

static void add_range(uint64_t start, uint64_t size, uint32_t type)
{
	if (boot_info.range_count == BOOT_MAX_RANGES || size == 0)
		return;
	boot_info.ranges[boot_info.range_count++] =
		(struct memory_range){ start, start + size, type };
	if (type == MEMORY_USABLE) {
		boot_info.usable_bytes += size;
		if (start + size > boot_info.max_usable)
			boot_info.max_usable = start + size;
	}
}

void boot_info_parse(uint64_t start_info_phys)
{
	const struct hvm_start_info *info = phys_to_virt(start_info_phys);

	if (info->magic != HVM_START_MAGIC)
		arch_fatal(NULL, "boot: no PVH start_info at %#lx (magic %#x)", start_info_phys, info->magic);
	if (info->version < 1 || info->memmap_entries == 0)
		arch_fatal(NULL, "boot: PVH start_info version %u has no memory map", info->version);

	if (info->cmdline_paddr)
		strlcpy(boot_info.cmdline, phys_to_virt(info->cmdline_paddr),
			sizeof(boot_info.cmdline));

	const struct hvm_memmap_entry *map = phys_to_virt(info->memmap_paddr);
	for (uint32_t i = 0; i < info->memmap_entries; i++)
		add_range(map[i].addr, map[i].size, map[i].type);

	boot_info.rsdp = info->rsdp_paddr;

	if (info->module_count > 0) {
		const struct hvm_modlist_entry *module = phys_to_virt(info->modlist_paddr);
		boot_info.initrd_start = module->paddr;
		boot_info.initrd_end = module->paddr + module->size;
	}
}
