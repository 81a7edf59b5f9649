/*
 * tests/kernel/test_cpu.c - the protections and tables the rest of calf relies on.
 */
#include <stddef.h>
#include "init/selftest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"

extern char __text_start[], __rodata_start[], __data_start[], __bss_start[];

SELFTEST(cpu_protections_on)
{
	EXPECT(read_cr0() & CR0_WP);
	EXPECT(rdmsr(MSR_EFER) & EFER_NXE);
	EXPECT(!cpu_features.smep || (read_cr4() & CR4_SMEP));
	EXPECT(!cpu_features.smap || (read_cr4() & CR4_SMAP));
	/* calf's QEMU runs -cpu max, which has both: say so if that ever changes. */
	EXPECT(cpu_features.smep && cpu_features.smap);
	/* SMAP is closed outside the user-access routines. */
	EXPECT(!(read_rflags() & RFLAGS_AC));
}

SELFTEST(cpu_interrupts_enabled)
{
	EXPECT(irq_enabled());
	uint64_t flags = irq_save();
	EXPECT(!irq_enabled());
	irq_restore(flags);
	EXPECT(irq_enabled());
}

SELFTEST(cpu_segments_match_linux)
{
	uint16_t cs, ss;

	__asm__ volatile("movw %%cs, %0; movw %%ss, %1" : "=r"(cs), "=r"(ss));
	EXPECT(cs == SEL_KERNEL_CODE);
	EXPECT(ss == SEL_KERNEL_DATA);
	EXPECT(this_cpu()->self == this_cpu());
	EXPECT(this_cpu()->tss != NULL);
	EXPECT(this_cpu()->tss->ist[IST_DOUBLE_FAULT - 1] != 0);
}

/* The leaf entry mapping virt in the current tables, with its level (0 = 4 KiB). */
static uint64_t lookup_entry(uint64_t virt, int *level)
{
	uint64_t *table = phys_to_virt(read_cr3() & PTE_ADDR_MASK);

	for (int l = 3; l >= 0; l--) {
		uint64_t entry = table[(virt >> (12 + 9 * l)) & 511];
		if (!(entry & PTE_PRESENT) || l == 0 || (entry & PTE_HUGE)) {
			*level = l;
			return entry;
		}
		table = phys_to_virt(entry & PTE_ADDR_MASK);
	}
	return 0;
}

SELFTEST(paging_sections_have_their_permissions)
{
	int level;
	uint64_t text = lookup_entry((uint64_t)__text_start, &level);
	EXPECT((text & PTE_PRESENT) && !(text & PTE_WRITE) && !(text & PTE_NX) && level == 0);
	uint64_t rodata = lookup_entry((uint64_t)__rodata_start, &level);
	EXPECT((rodata & PTE_PRESENT) && !(rodata & PTE_WRITE) && (rodata & PTE_NX));
	uint64_t data = lookup_entry((uint64_t)__data_start, &level);
	EXPECT((data & PTE_PRESENT) && (data & PTE_WRITE) && (data & PTE_NX));
	uint64_t bss = lookup_entry((uint64_t)__bss_start, &level);
	EXPECT((bss & PTE_PRESENT) && (bss & PTE_WRITE) && (bss & PTE_NX));
	/* Nothing of the kernel is reachable from user mode. */
	EXPECT(!(text & PTE_USER) && !(data & PTE_USER));
}

SELFTEST(paging_direct_map_and_no_identity_map)
{
	int level;
	uint64_t direct = lookup_entry(DIRECT_MAP_BASE + 0x200000, &level);
	EXPECT((direct & PTE_PRESENT) && (direct & PTE_WRITE) && (direct & PTE_NX));
	EXPECT(!(direct & PTE_USER));
	/* boot.S's identity map must be gone: user space starts empty. */
	uint64_t low = lookup_entry(0x200000, &level);
	EXPECT(!(low & PTE_PRESENT));
	/* The direct map and the kernel image alias the same bytes. */
	EXPECT(*(volatile uint64_t *)phys_to_virt(virt_to_phys(__data_start)) ==
	       *(volatile uint64_t *)__data_start);
}
