/*
 * proc/cpuinfo.c - /proc/cpuinfo: one stanza per online CPU, in Linux's x86
 * format, field for field, from what each CPU recorded of itself at boot
 * (arch/x86_64/cpu_identity.h).
 *
 * Where calf's text differs from Linux's on the same machine, and why:
 * - flags: arch/x86_64/cpu_caps.c says which flags Linux derives that calf does
 *   not, and which features calf lists only once it turns them on (XSAVE and AVX,
 *   protection keys, FSGSBASE, UMIP, PCIDs and 5-level paging, all off today).
 * - bugs: empty. Linux's list is its verdict on the CPU's errata and speculation
 *   vulnerabilities; calf makes none.
 * - cpu MHz: the TSC's rate, measured once at boot (arch/x86_64/timer.h), for every
 *   CPU; Linux shows its own calibration of the same rate, per CPU only where
 *   APERF/MPERF let it sample the actual clock.
 * - bogomips: what Linux's TSC-based delay loop would count, tsc kHz / 500 - Linux's
 *   figure for the boot CPU. Linux calibrates each other CPU's loop again, and under
 *   QEMU those figures scatter.
 * - No "vmx flags" line for Intel CPUs with VMX: it comes from the VMX capability
 *   registers, which calf does not read.
 * A CPU whose identity could not be recorded at boot (no memory; the log says so)
 * is left out.
 */
#include <stdarg.h>
#include "proc/cpuinfo.h"
#include "arch/x86_64/cpu_identity.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "lib/format.h"

#define CAP_FPU	CPU_CAP(CPU_WORD_1_EDX, 0)
#define CAP_TSC	CPU_CAP(CPU_WORD_1_EDX, 4)

/* Where a CPU sits: its package and core, from its APIC id. */
struct place {
	uint32_t package, core;
};

static struct place place_of(unsigned id, const struct cpu_identity *c)
{
	uint32_t apic = smp_cpu(id)->apic_id;
	uint32_t below_package = c->package_shift >= 32 ? apic : apic & ((1u << c->package_shift) - 1);

	return (struct place){
		.package = c->package_shift >= 32 ? 0 : apic >> c->package_shift,
		.core = c->smt_shift >= 32 ? 0 : below_package >> c->smt_shift,
	};
}

/* An online CPU with a recorded identity: its place, or false. */
static bool placed(unsigned id, struct place *place)
{
	const struct cpu_identity *c = smp_cpu(id) ? cpu_identity(id) : NULL;

	if (c)
		*place = place_of(id, c);
	return c != NULL;
}

/* Linux's siblings and cpu cores: the online CPUs in this package, and the
 * distinct cores among them. */
static void count_package(uint32_t package, unsigned *siblings, unsigned *cores)
{
	struct place p, q;

	*siblings = *cores = 0;
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		if (!placed(id, &p) || p.package != package)
			continue;
		++*siblings;
		bool seen = false;
		for (unsigned earlier = 0; earlier < id && !seen; earlier++)
			seen = placed(earlier, &q) && q.package == package && q.core == p.core;
		if (!seen)
			++*cores;
	}
}

static void put_topology(struct text *t, unsigned id, const struct cpu_identity *c)
{
	struct place p = place_of(id, c);
	unsigned siblings, cores;

	count_package(p.package, &siblings, &cores);
	text_add(t, "physical id\t: %u\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n"
	    "apicid\t\t: %u\ninitial apicid\t: %u\n", p.package, siblings, p.core, cores,
	    smp_cpu(id)->apic_id, c->initial_apic_id);
}

static void put_flags(struct text *t, const struct cpu_identity *c)
{
	text_add(t, "flags\t\t:");
	for (unsigned cap = 0; cap < CPU_WORDS * 32; cap++) {
		const char *name = cpu_flag_name(cap);
		if (cpu_has(c, cap) && name)
			text_add(t, " %s", name);
	}
	text_add(t, "\n");
}

static void put_power(struct text *t, const struct cpu_identity *c)
{
	text_add(t, "power management:");
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(c->power & (1u << bit)))
			continue;
		const char *name = cpu_power_flag_name(bit);
		if (!name)
			text_add(t, " [%u]", bit);
		else if (*name)
			text_add(t, " %s", name);
	}
	text_add(t, "\n\n");
}

static void put_identity(struct text *t, unsigned id, const struct cpu_identity *c)
{
	uint64_t khz = timer_tsc_khz();

	text_add(t, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
	    "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x%x\n", id, c->vendor,
	    c->family, c->model, c->model_name[0] ? c->model_name : "unknown", c->stepping,
	    c->microcode);
	if (cpu_has(c, CAP_TSC))
		text_add(t, "cpu MHz\t\t: %lu.%03lu\n", khz / 1000, khz % 1000);
	if (c->cache_kib)
		text_add(t, "cache size\t: %u KB\n", c->cache_kib);
	put_topology(t, id, c);
	const char *fpu = cpu_has(c, CAP_FPU) ? "yes" : "no";
	text_add(t, "fpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\n", fpu, fpu,
	    c->max_leaf);
	put_flags(t, c);
	/* Linux's delay loop counts loops_per_jiffy = khz * 1000 / HZ; bogomips is
	 * that times HZ / 500000, two decimals cut off. */
	text_add(t, "bugs\t\t:\nbogomips\t: %lu.%02lu\n", khz / 500, (khz / 5) % 100);
	if (c->tlb_pages)
		text_add(t, "TLB size\t: %u 4K pages\n", c->tlb_pages);
	text_add(t, "clflush size\t: %u\ncache_alignment\t: %u\naddress sizes\t: %u bits physical, "
	    "%u bits virtual\n", c->clflush_bytes, c->cache_alignment, c->physical_bits,
	    c->virtual_bits);
	put_power(t, c);
}

long cpuinfo_show(int pid, char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	(void)pid;
	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		const struct cpu_identity *c = smp_cpu(id) ? cpu_identity(id) : NULL;
		if (c)
			put_identity(&t, id, c);
	}
	return t.length;
}
