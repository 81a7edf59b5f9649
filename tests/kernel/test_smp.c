/*
 * tests/kernel/test_smp.c - what starting the other CPUs must leave behind: every
 * online CPU a proper per-CPU area, the temporary tables gone, the trampoline's
 * frame never in the allocator. Meaningful with -smp N (tests/guest/smp.sh runs
 * them at -smp 4); at -smp 1 they check the boot CPU alone.
 */
#include <stddef.h>
#include "init/selftest.h"
#include "init/smp.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "mm/frame.h"

SELFTEST(smp_every_listed_cpu_is_online)
{
	EXPECT(smp_cpus_online() == smp_cpus_listed());
	EXPECT(smp_cpu(0) == this_cpu());
	/* CPU ids are dense: 0 .. online - 1. */
	EXPECT(smp_online_mask() == (1ul << smp_cpus_online()) - 1);
}

SELFTEST(smp_per_cpu_areas_are_their_own)
{
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		struct cpu *cpu = smp_cpu(id);
		if (!cpu)
			continue;
		EXPECT(cpu->self == cpu);
		EXPECT(cpu->id == id);
		EXPECT(cpu->tss != NULL && cpu->tss->ist[IST_DOUBLE_FAULT - 1] != 0 &&
		       cpu->tss->ist[IST_NMI - 1] != 0);
		/* Each CPU read its APIC id from its own APIC: they all differ. */
		for (unsigned other = 0; other < id; other++)
			EXPECT(!smp_cpu(other) || smp_cpu(other)->apic_id != cpu->apic_id);
		for (unsigned other = 0; other < id; other++)
			EXPECT(!smp_cpu(other) || smp_cpu(other)->tss != cpu->tss);
	}
	if (smp_cpus_listed() > 1)
		EXPECT(this_cpu()->apic_id == lapic_id());
}

SELFTEST(smp_start_up_leaves_nothing_behind)
{
	EXPECT(!smp_boot_tables_held());
	EXPECT(smp_trampoline_cr3() == 0);
	/* The trampoline's frame belongs to no one: never free, never allocated. */
	struct page *trampoline = pfn_to_page(TRAMPOLINE_PHYS >> PAGE_SHIFT);
	EXPECT(trampoline != NULL && trampoline->kind == PAGE_RESERVED);
}
