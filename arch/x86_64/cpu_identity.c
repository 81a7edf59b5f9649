/*
 * arch/x86_64/cpu_identity.c - reading what a CPU says it is from CPUID, on the
 * CPU itself: vendor and signature, brand string, microcode revision, topology,
 * cache and TLB sizes, address sizes and the capability words, each decoded by
 * the rule Linux uses for /proc/cpuinfo.
 */
#include "arch/x86_64/cpu_identity.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "lib/string.h"

/* IA32_BIOS_SIGN_ID on Intel (revision in the high half, after a write of 0 and a
 * CPUID), PATCH_LEVEL on AMD (the low half). */
#define MSR_MICROCODE_REVISION	0x8b

#define LEAF1_EDX_CLFLUSH	(1u << 19)
#define LEAF1_EDX_HTT		(1u << 28)

static const struct cpu_identity *identities[SMP_MAX_CPUS];

bool cpu_is_intel(const struct cpu_identity *c)
{
	return !strcmp(c->vendor, "GenuineIntel");
}

bool cpu_is_amd(const struct cpu_identity *c)
{
	return !strcmp(c->vendor, "AuthenticAMD") || !strcmp(c->vendor, "HygonGenuine");
}

static bool is_centaur_or_zhaoxin(const struct cpu_identity *c)
{
	return !strcmp(c->vendor, "CentaurHauls") || !strcmp(c->vendor, "  Shanghai  ");
}

static void read_vendor(struct cpu_identity *c)
{
	struct cpuid_regs r = cpuid(0, 0);

	c->max_leaf = r.eax;
	memcpy(c->vendor, &r.ebx, 4);
	memcpy(c->vendor + 4, &r.edx, 4);
	memcpy(c->vendor + 8, &r.ecx, 4);
	c->vendor[12] = '\0';
	/* A CPU without extended leaves answers 0x80000000 with something else. */
	uint32_t max = cpuid(0x80000000, 0).eax;
	c->max_extended_leaf = (max & 0xffff0000) == 0x80000000 ? max : 0;
}

/* Family, model and stepping; the extended fields count from family 0xf (family)
 * and family 6 (model), as Intel's and AMD's manuals define them. */
static void read_signature(struct cpu_identity *c)
{
	uint32_t sig = cpuid(1, 0).eax;

	c->signature = sig;
	c->family = (sig >> 8) & 0xf;
	if (c->family == 0xf)
		c->family += (sig >> 20) & 0xff;
	c->model = (sig >> 4) & 0xf;
	if (c->family >= 6)
		c->model += ((sig >> 16) & 0xf) << 4;
	c->stepping = sig & 0xf;
}

static bool is_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* The 48-byte brand string, without leading blanks or trailing white space. */
static void read_model_name(struct cpu_identity *c)
{
	char raw[49] = { 0 };
	size_t start = 0, end;

	c->model_name[0] = '\0';
	if (c->max_extended_leaf < 0x80000004)
		return;
	for (unsigned i = 0; i < 3; i++) {
		struct cpuid_regs r = cpuid(0x80000002 + i, 0);
		memcpy(raw + 16 * i, &r, 16);	/* eax, ebx, ecx, edx: the string's order */
	}
	while (raw[start] == ' ')
		start++;
	end = strlen(raw);
	while (end > start && is_space(raw[end - 1]))
		end--;
	memcpy(c->model_name, raw + start, end - start);
	c->model_name[end - start] = '\0';
}

static uint32_t read_microcode(const struct cpu_identity *c)
{
	if (cpu_is_intel(c)) {
		wrmsr(MSR_MICROCODE_REVISION, 0);
		cpuid(1, 0);
		return rdmsr(MSR_MICROCODE_REVISION) >> 32;
	}
	if (cpu_is_amd(c))
		return (uint32_t)rdmsr(MSR_MICROCODE_REVISION);
	return 0;
}

/* The number of bits that can count to n: ceil(log2(n)). */
static unsigned bits_for(unsigned n)
{
	unsigned bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

/* Leaf 0xb: each level gives the APIC id bits below its next level up; the SMT
 * level's are the thread bits, the last level's everything below the package. */
static bool read_extended_topology(struct cpu_identity *c)
{
	if (c->max_leaf < 0xb || !(cpuid(0xb, 0).ebx & 0xffff))
		return false;
	for (unsigned sub = 0; sub < 8; sub++) {
		struct cpuid_regs r = cpuid(0xb, sub);
		unsigned type = (r.ecx >> 8) & 0xff;
		if (!type)
			break;
		if (type == 1)
			c->smt_shift = r.eax & 0x1f;
		c->package_shift = r.eax & 0x1f;
	}
	c->initial_apic_id = cpuid(0xb, 0).edx;
	c->extended_topology = true;
	return true;
}

/* Without leaf 0xb: AMD's core-id size (0x80000008 ECX), else leaf 1's count of
 * logical CPUs per package and leaf 4's of cores. */
static void read_topology(struct cpu_identity *c)
{
	struct cpuid_regs basic = cpuid(1, 0);

	c->initial_apic_id = basic.ebx >> 24;
	if (read_extended_topology(c))
		return;
	if (cpu_is_amd(c) && c->max_extended_leaf >= 0x80000008) {
		uint32_t ecx = cpuid(0x80000008, 0).ecx;
		c->package_shift = (ecx >> 12) & 0xf ? (ecx >> 12) & 0xf : bits_for((ecx & 0xff) + 1);
		return;
	}
	if (!(basic.edx & LEAF1_EDX_HTT))
		return;
	unsigned logical = (basic.ebx >> 16) & 0xff;
	unsigned cores = c->max_leaf >= 4 ? (cpuid(4, 0).eax >> 26) + 1 : 1;
	c->package_shift = bits_for(logical);
	c->smt_shift = bits_for(logical / cores);
}

/* Intel: leaf 4's largest level - the L3, else the L2, else both L1s. */
static unsigned intel_cache_kib(const struct cpu_identity *c)
{
	unsigned l1 = 0, l2 = 0, l3 = 0;

	for (unsigned sub = 0; c->max_leaf >= 4 && sub < 16; sub++) {
		struct cpuid_regs r = cpuid(4, sub);
		if (!(r.eax & 0x1f))
			break;
		unsigned kib = ((r.ebx >> 22) + 1) * (((r.ebx >> 12) & 0x3ff) + 1) *
			       ((r.ebx & 0xfff) + 1) * (r.ecx + 1) / 1024;
		switch ((r.eax >> 5) & 7) {
		case 1: l1 += kib; break;
		case 2: l2 = kib; break;
		case 3: l3 = kib; break;
		}
	}
	return l3 ? l3 : l2 ? l2 : l1;
}

/* The L2 (0x80000006), else both L1s (0x80000005); the L2 TLB's 4K entries, data
 * and instruction (64-bit Linux leaves out the L1 TLB, which the L2 includes). */
static void read_caches(struct cpu_identity *c)
{
	c->cache_kib = cpu_is_intel(c) ? intel_cache_kib(c) : 0;
	if (c->max_extended_leaf >= 0x80000006) {
		struct cpuid_regs r = cpuid(0x80000006, 0);
		if (!c->cache_kib)
			c->cache_kib = r.ecx >> 16;
		c->tlb_pages = ((r.ebx >> 16) & 0xfff) + (r.ebx & 0xfff);
	} else if (!c->cache_kib && c->max_extended_leaf >= 0x80000005) {
		struct cpuid_regs r = cpuid(0x80000005, 0);
		c->cache_kib = (r.ecx >> 24) + (r.edx >> 24);
	}
}

/* Cache line and address sizes, with Linux's 64-bit defaults when CPUID is mute.
 * Linux aligns to two lines on Intel's family 15 (the Pentium 4's sectors). */
static void read_sizes(struct cpu_identity *c)
{
	struct cpuid_regs basic = cpuid(1, 0);

	c->clflush_bytes = basic.edx & LEAF1_EDX_CLFLUSH ? ((basic.ebx >> 8) & 0xff) * 8 : 64;
	c->cache_alignment = c->clflush_bytes;
	if (cpu_is_intel(c) && c->family == 15)
		c->cache_alignment *= 2;
	c->physical_bits = 36;
	c->virtual_bits = 48;
	if (c->max_extended_leaf >= 0x80000008) {
		uint32_t eax = cpuid(0x80000008, 0).eax;
		c->physical_bits = eax & 0xff;
		c->virtual_bits = (eax >> 8) & 0xff;
	}
}

/* The CPUID registers that are capability words, each when its leaf exists. */
static void read_words(struct cpu_identity *c)
{
	uint32_t *w = c->words;
	struct cpuid_regs r = cpuid(1, 0);

	w[CPU_WORD_1_EDX] = r.edx;
	w[CPU_WORD_1_ECX] = r.ecx;
	if (c->max_leaf >= 6) {
		r = cpuid(6, 0);
		w[CPU_WORD_6_EAX] = r.eax;
		c->leaf6_ecx = r.ecx;
	}
	if (c->max_leaf >= 7) {
		r = cpuid(7, 0);
		w[CPU_WORD_7_0_EBX] = r.ebx;
		w[CPU_WORD_7_0_ECX] = r.ecx;
		w[CPU_WORD_7_0_EDX] = r.edx;
		if (r.eax >= 1)
			w[CPU_WORD_7_1_EAX] = cpuid(7, 1).eax;
	}
	if (c->max_leaf >= 0xd)
		w[CPU_WORD_D_1_EAX] = cpuid(0xd, 1).eax;
	if (c->max_extended_leaf >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		w[CPU_WORD_80000001_EDX] = r.edx;
		w[CPU_WORD_80000001_ECX] = r.ecx;
	}
	if (c->max_extended_leaf >= 0x80000007) {
		r = cpuid(0x80000007, 0);
		w[CPU_WORD_80000007_EBX] = r.ebx;
		c->power = r.edx;
	}
	if (c->max_extended_leaf >= 0x80000008)
		w[CPU_WORD_80000008_EBX] = cpuid(0x80000008, 0).ebx;
	if (c->max_extended_leaf >= 0x8000000a)
		w[CPU_WORD_8000000A_EDX] = cpuid(0x8000000a, 0).edx;
	if (c->max_extended_leaf >= 0x8000001f)
		w[CPU_WORD_8000001F_EAX] = cpuid(0x8000001f, 0).eax;
	if (is_centaur_or_zhaoxin(c) && cpuid(0xc0000000, 0).eax >= 0xc0000001)
		w[CPU_WORD_C0000001_EDX] = cpuid(0xc0000001, 0).edx;
}

void cpu_identity_read(void *identity)
{
	struct cpu_identity *c = identity;

	memset(c, 0, sizeof(*c));
	read_vendor(c);
	read_signature(c);
	read_model_name(c);
	c->microcode = read_microcode(c);
	read_topology(c);
	read_caches(c);
	read_sizes(c);
	read_words(c);
	cpu_caps_adjust(c);
}

void cpu_identity_set(unsigned id, const struct cpu_identity *identity)
{
	if (id < SMP_MAX_CPUS)
		__atomic_store_n(&identities[id], identity, __ATOMIC_RELEASE);
}

const struct cpu_identity *cpu_identity(unsigned id)
{
	return id < SMP_MAX_CPUS ? __atomic_load_n(&identities[id], __ATOMIC_ACQUIRE) : NULL;
}
