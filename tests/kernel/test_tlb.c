/*
 * tests/kernel/test_tlb.c - IPIs and TLB shootdown between CPUs (docs/smp.md,
 * step 2). Named smp_* so that tests/guest/smp.sh runs them at -smp 4; at -smp 1
 * they check that nothing is sent.
 */
#include <stddef.h>
#include "init/selftest.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/tlb.h"

size_t arch_user_copy(void *dst, const void *src, size_t size);

#define AT 0x400000ul

static uint64_t others(void)
{
	return smp_online_mask() & ~(1ul << this_cpu()->id);
}

static unsigned count(uint64_t mask)
{
	unsigned n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static void check_lint0(void *arg)
{
	*(bool *)arg = lapic_lint0_masked() && irq_enabled() == false;
}

SELFTEST(smp_ipi_flush_reaches_every_ap)
{
	struct ipi_stats before = ipi_stats;

	ipi_tlb_flush(smp_online_mask(), 0, TLB_FLUSH_ALL);
	EXPECT(ipi_stats.tlb_received - before.tlb_received == count(others()));
	EXPECT(ipi_stats.tlb_sent - before.tlb_sent == (others() ? 1 : 0));
	ipi_tlb_flush(smp_online_mask(), AT, AT + 3 * PAGE_SIZE);	/* page by page */
	EXPECT(ipi_stats.tlb_received - before.tlb_received == 2 * count(others()));
}

/* The PIC reaches the boot CPU only: every AP keeps LINT0 masked (and runs the
 * call in its handler, interrupts off). */
SELFTEST(smp_aps_never_see_the_pic)
{
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		bool masked = false;
		if (id == this_cpu()->id || !smp_cpu(id))
			continue;
		EXPECT(ipi_call(id, check_lint0, &masked));
		EXPECT(masked);
	}
	EXPECT(!ipi_call(this_cpu()->id, check_lint0, NULL));
}

/* What the AP does for the next test, each in its own call. */
static void ap_load(void *mm)
{
	mm_activate(mm);
}

static void ap_read(void *byte)
{
	user_access_begin();
	size_t left = arch_user_copy(byte, (const void *)AT, 1);
	user_access_end();
	if (left)
		*(char *)byte = '?';
}

static void ap_leave(void *unused)
{
	(void)unused;
	mm_switch_to_kernel();
}

/*
 * An AP loads an address space and reads a page through it (its TLB now maps the
 * frame); the boot CPU discards the page (MADV_DONTNEED) and maps a new one with
 * other contents. Without the shootdown the AP would go on reading the old frame
 * through its stale entry (QEMU's TLB keeps it until INVLPG or a CR3 load).
 */
SELFTEST(smp_shootdown_reaches_the_cpu_using_the_mm)
{
	unsigned ap = 1;

	if (!smp_cpu(ap))
		return;
	struct mm *mm = mm_create();
	EXPECT(mm != NULL);
	if (!mm)
		return;
	char seen = 0;
	EXPECT(mm_map(mm, AT, PAGE_SIZE, PROT_READ | PROT_WRITE, 0) == 0);
	EXPECT(mm_copy_in(mm, AT, "A", 1) == 0);
	EXPECT(ipi_call(ap, ap_load, mm) && ipi_call(ap, ap_read, &seen));
	EXPECT(seen == 'A');
	EXPECT(tlb_cpus(mm) == 1ul << ap);

	struct ipi_stats before = ipi_stats;
	EXPECT(mm_discard(mm, AT, PAGE_SIZE) == 0);
	EXPECT(mm_copy_in(mm, AT, "B", 1) == 0);
	/* One shootdown for the one operation that removed a mapping. */
	EXPECT(ipi_stats.tlb_sent - before.tlb_sent == 1);
	EXPECT(ipi_stats.tlb_received - before.tlb_received == 1);
	EXPECT(ipi_call(ap, ap_read, &seen));
	EXPECT(seen == 'B');

	EXPECT(ipi_call(ap, ap_leave, NULL));
	EXPECT(tlb_cpus(mm) == 0);
	mm_put(mm);
}

/* This CPU's own flushes are counted too, one per page or one whole. */
SELFTEST(smp_local_flushes_are_counted)
{
	struct mm *mm = mm_create();
	EXPECT(mm != NULL);
	if (!mm)
		return;
	uint64_t saved = read_cr3();
	EXPECT(mm_map(mm, AT, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0) == 0);
	EXPECT(mm_copy_in(mm, AT, "x", 1) == 0);
	mm_activate(mm);
	struct tlb_stats before = tlb_stats;
	EXPECT(mm_protect(mm, AT, 2 * PAGE_SIZE, PROT_READ) == 0);
	EXPECT(tlb_stats.local_flush_one - before.local_flush_one == 2);
	EXPECT(mm_protect(mm, AT, 64 * PAGE_SIZE, PROT_READ) == 0);
	EXPECT(tlb_stats.local_flush_all - before.local_flush_all == 1);
	mm_switch_to_kernel();
	write_cr3(saved);
	mm_put(mm);
}
