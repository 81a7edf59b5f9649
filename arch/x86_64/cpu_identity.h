/*
 * arch/x86_64/cpu_identity.h - what one CPU says it is: CPUID decoded into what
 * /proc/cpuinfo shows (a reduced Linux struct cpuinfo_x86).
 *
 * Each CPU reads its own (cpu_identity_read runs on the CPU it describes): its
 * APIC id and what calf switched on in its CR4 are its own. The rest is the same
 * on every CPU of any machine calf knows of, but nothing here assumes so. init/smp.c
 * reads the boot CPU's and each AP's as it comes online (through ipi_call) and
 * publishes them with cpu_identity_set; proc/cpuinfo.c formats them.
 *
 * The capability words are numbered as Linux numbers them
 * (arch/x86/include/asm/cpufeatures.h), so that printing their bits in order gives
 * the flags in Linux's order: most are CPUID registers, as read; 3, 7 and 8 hold
 * the flags Linux derives itself (cpu_caps.c says which calf derives too).
 */
#ifndef CALF_ARCH_CPU_IDENTITY_H
#define CALF_ARCH_CPU_IDENTITY_H

#include <stdint.h>
#include <stdbool.h>

enum cpu_word {
	CPU_WORD_1_EDX = 0,
	CPU_WORD_80000001_EDX = 1,
	CPU_WORD_LINUX_AUX = 3,		/* derived: constant_tsc, nopl, cpuid, ... */
	CPU_WORD_1_ECX = 4,
	CPU_WORD_C0000001_EDX = 5,	/* Centaur and Zhaoxin */
	CPU_WORD_80000001_ECX = 6,
	CPU_WORD_LINUX_SCATTERED = 7,	/* derived: cpb, epb, hw_pstate, ... */
	CPU_WORD_LINUX_VIRT = 8,	/* derived: vmmcall */
	CPU_WORD_7_0_EBX = 9,
	CPU_WORD_D_1_EAX = 10,
	CPU_WORD_7_1_EAX = 12,
	CPU_WORD_80000008_EBX = 13,
	CPU_WORD_6_EAX = 14,
	CPU_WORD_8000000A_EDX = 15,
	CPU_WORD_7_0_ECX = 16,
	CPU_WORD_80000007_EBX = 17,
	CPU_WORD_7_0_EDX = 18,
	CPU_WORD_8000001F_EAX = 19,
	CPU_WORDS = 20,
};

/* A capability: its word and bit in one number, as Linux's X86_FEATURE_*. */
#define CPU_CAP(word, bit)	((word) * 32 + (bit))

struct cpu_identity {
	char vendor[13];		/* CPUID 0: "GenuineIntel", "AuthenticAMD" */
	char model_name[49];		/* the brand string, trimmed; "" when none */
	uint32_t signature;		/* CPUID 1 EAX */
	unsigned family, model, stepping;
	uint32_t max_leaf, max_extended_leaf;	/* 0 when no extended leaves */
	uint32_t microcode;		/* the revision the CPU reports */
	uint32_t initial_apic_id;	/* CPUID's (leaf 0xb's when it has one) */
	unsigned smt_shift;		/* APIC id bits below the core */
	unsigned package_shift;		/* APIC id bits below the package */
	bool extended_topology;		/* the shifts came from leaf 0xb */
	unsigned cache_kib;		/* the "cache size" Linux reports; 0: none */
	unsigned tlb_pages;		/* AMD's L2 TLB entries for 4K pages; 0: none */
	unsigned clflush_bytes, cache_alignment;
	unsigned physical_bits, virtual_bits;
	uint32_t power;			/* CPUID 0x80000007 EDX: power management */
	uint32_t leaf6_ecx;		/* CPUID 6 ECX: aperfmperf, epb */
	uint32_t words[CPU_WORDS];
};

static inline bool cpu_has(const struct cpu_identity *c, unsigned cap)
{
	return c->words[cap / 32] & (1u << (cap % 32));
}

bool cpu_is_intel(const struct cpu_identity *c);
bool cpu_is_amd(const struct cpu_identity *c);	/* AMD or Hygon */

/* Fill the struct cpu_identity at identity from the CPU this runs on. The
 * signature suits ipi_call. */
void cpu_identity_read(void *identity);

/* Publish CPU id's identity; the caller keeps it for good. */
void cpu_identity_set(unsigned id, const struct cpu_identity *identity);

/* CPU id's identity, or NULL when none was published. */
const struct cpu_identity *cpu_identity(unsigned id);

/* cpu_caps.c: add the flags Linux derives and drop those calf did not switch on
 * (run by cpu_identity_read, on the CPU described). */
void cpu_caps_adjust(struct cpu_identity *c);

/* cpu_flag_names.c: the name Linux prints for a capability and for a bit of the
 * power-management word, or NULL for none ("" for power bits shown as nothing). */
const char *cpu_flag_name(unsigned cap);
const char *cpu_power_flag_name(unsigned bit);

#endif
