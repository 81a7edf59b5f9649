/*
 * arch/x86_64/boot_info.h - what the boot loader told us, copied into kernel memory.
 *
 * Filled by boot_info_parse from QEMU's PVH start_info (docs/boot.md) before any
 * memory is handed out, so nothing later depends on the loader's pages.
 */
#ifndef CALF_ARCH_BOOT_INFO_H
#define CALF_ARCH_BOOT_INFO_H

#include <stdint.h>
#include <stddef.h>

#define BOOT_MAX_RANGES 64
#define BOOT_CMDLINE_MAX 1024

enum memory_type { MEMORY_USABLE = 1, MEMORY_RESERVED = 2, MEMORY_ACPI = 3,
		   MEMORY_NVS = 4, MEMORY_BAD = 5 };

struct memory_range {
	uint64_t start, end;	/* physical, [start, end) */
	uint32_t type;		/* enum memory_type (e820 numbering) */
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];
	struct memory_range ranges[BOOT_MAX_RANGES];
	unsigned range_count;
	uint64_t initrd_start, initrd_end;	/* physical; both 0 when none */
	uint64_t usable_bytes;			/* sum of usable ranges */
	uint64_t max_usable;			/* end of the highest usable range */
	uint64_t rsdp;				/* ACPI RSDP, physical; 0 if not given */
};

extern struct boot_info boot_info;

/* Copy the loader's information. Panics if it is not a PVH start_info. */
void boot_info_parse(uint64_t start_info_phys);

#endif
