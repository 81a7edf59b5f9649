/*
 * arch/x86_64/cpu.c - CPU feature discovery and the protection bits calf turns on.
 */
#include "arch/x86_64/cpu.h"

struct cpu_features cpu_features;

static void read_features(void)
{
	struct cpuid_regs vendor = cpuid(0, 0);
	uint32_t max_leaf = vendor.eax;
	uint32_t *name = (uint32_t *)cpu_features.vendor;

	name[0] = vendor.ebx;
	name[1] = vendor.edx;
	name[2] = vendor.ecx;
	cpu_features.vendor[12] = '\0';

	struct cpuid_regs basic = cpuid(1, 0);
	cpu_features.fxsr = basic.edx & (1u << 24);
	cpu_features.xsave = basic.ecx & (1u << 26);
	if (max_leaf >= 7) {
		struct cpuid_regs ext = cpuid(7, 0);
		cpu_features.smep = ext.ebx & (1u << 7);
		cpu_features.smap = ext.ebx & (1u << 20);
	}
	struct cpuid_regs amd = cpuid(0x80000001, 0);
	cpu_features.nx = amd.edx & (1u << 20);
	cpu_features.pdpe1gb = amd.edx & (1u << 26);
}

void cpu_init(void)
{
	read_features();
	cpu_enable_protections();
}

void cpu_enable_protections(void)
{
	/* boot.S already set EFER.NXE and CR0.WP; state them again so this is the one
	 * place that says which protections are on. */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);

	uint64_t cr4 = read_cr4() | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
}

void user_access_begin(void)
{
	if (cpu_features.smap)
		__asm__ volatile("stac" ::: "memory");
}

void user_access_end(void)
{
	if (cpu_features.smap)
		__asm__ volatile("clac" ::: "memory");
}
