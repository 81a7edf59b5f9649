/*
 * arch/x86_64/cpu_caps.c - the capability words as Linux presents them: CPUID's
 * bits, plus the flags Linux derives from what it knows of the CPU, minus the
 * features it lists only once it has switched them on.
 *
 * Derived here by Linux's rules: constant_tsc and nonstop_tsc (an invariant TSC;
 * on Intel also by family and model), arch_perfmon, rep_good, acc_power, rapl,
 * nopl and cpuid (every 64-bit CPU), xtopology, extd_apicid, aperfmperf,
 * tsc_known_freq, cpb, epb, hw_pstate, proc_feedback, and on AMD vmmcall,
 * 3dnowprefetch and arat. For extd_apicid on families 0xf to 0x16 Linux asks the
 * northbridge; calf assumes the answer newer families give (and QEMU's missing
 * northbridge gives Linux).
 *
 * Not derived: what follows from Linux's own mitigations and its verdicts on the
 * CPU (pti, ibrs, ibpb, stibp, ssbd, ibrs_enhanced; the "bugs" line, which calf
 * leaves empty), what needs model-specific registers or tables calf does not read
 * (the VMX capabilities tpr_shadow, vnmi, flexpriority, ept, vpid and ept_ad;
 * pebs, bts, intel_ppin; cat_l3, cdp_l3, mba and the cqm flags; Linux's check that
 * fast strings are on before rep_good), and what describes the machine rather
 * than the CPU (up, amd_dcm, tsc_reliable, art).
 *
 * Removed: a feature the kernel must turn on in CR4 is listed only when this CPU's
 * CR4 has it on. That is Linux's own rule when it leaves one off (nosmep,
 * nofsgsbase, nopcid, noxsave, a kernel without 5-level paging), and it keeps a
 * program that trusts the flags from an instruction that would fault. calf turns
 * on neither XSAVE (so no AVX state), protection keys, FSGSBASE, UMIP, PCIDs nor
 * 5-level paging today, so under QEMU's -cpu max its line lacks the xsave, avx,
 * avx2, fma, f16c, mpx, xsaveopt, xgetbv1, vaes, pku, fsgsbase, umip and la57
 * that Linux lists, and ospke, which the CPU reports from CR4 itself. f16c is
 * calf's addition to the features Linux drops without XSAVE: its instructions
 * use the VEX encoding, which faults until the OS enables the AVX state.
 */
#include "arch/x86_64/cpu_identity.h"
#include "arch/x86_64/cpu.h"

#define CR4_UMIP	(1ul << 11)
#define CR4_LA57	(1ul << 12)
#define CR4_FSGSBASE	(1ul << 16)
#define CR4_PCIDE	(1ul << 17)
#define CR4_OSXSAVE	(1ul << 18)
#define CR4_PKE		(1ul << 22)

/* CPUID 0x80000007 EDX and CPUID 6 ECX bits the derived flags come from. */
#define POWER_HW_PSTATE		(1u << 7)
#define POWER_INVARIANT_TSC	(1u << 8)
#define POWER_CPB		(1u << 9)
#define POWER_PROC_FEEDBACK	(1u << 11)
#define POWER_ACC_POWER		(1u << 12)
#define POWER_RAPL		(1u << 14)
#define LEAF6_APERFMPERF	(1u << 0)
#define LEAF6_EPB		(1u << 3)

enum {
	APIC = CPU_CAP(CPU_WORD_1_EDX, 9),
	LM = CPU_CAP(CPU_WORD_80000001_EDX, 29),
	AMD_3DNOW = CPU_CAP(CPU_WORD_80000001_EDX, 31),
	CONSTANT_TSC = CPU_CAP(CPU_WORD_LINUX_AUX, 8),
	ARCH_PERFMON = CPU_CAP(CPU_WORD_LINUX_AUX, 11),
	REP_GOOD = CPU_CAP(CPU_WORD_LINUX_AUX, 16),
	ACC_POWER = CPU_CAP(CPU_WORD_LINUX_AUX, 19),
	NOPL = CPU_CAP(CPU_WORD_LINUX_AUX, 20),
	XTOPOLOGY = CPU_CAP(CPU_WORD_LINUX_AUX, 22),
	NONSTOP_TSC = CPU_CAP(CPU_WORD_LINUX_AUX, 24),
	HAS_CPUID = CPU_CAP(CPU_WORD_LINUX_AUX, 25),
	EXTD_APICID = CPU_CAP(CPU_WORD_LINUX_AUX, 26),
	APERFMPERF = CPU_CAP(CPU_WORD_LINUX_AUX, 28),
	RAPL = CPU_CAP(CPU_WORD_LINUX_AUX, 29),
	TSC_KNOWN_FREQ = CPU_CAP(CPU_WORD_LINUX_AUX, 31),
	PCID = CPU_CAP(CPU_WORD_1_ECX, 17),
	XSAVE = CPU_CAP(CPU_WORD_1_ECX, 26),
	PREFETCHW = CPU_CAP(CPU_WORD_80000001_ECX, 8),
	TOPOEXT = CPU_CAP(CPU_WORD_80000001_ECX, 22),
	CPB = CPU_CAP(CPU_WORD_LINUX_SCATTERED, 2),
	EPB = CPU_CAP(CPU_WORD_LINUX_SCATTERED, 3),
	HW_PSTATE = CPU_CAP(CPU_WORD_LINUX_SCATTERED, 8),
	PROC_FEEDBACK = CPU_CAP(CPU_WORD_LINUX_SCATTERED, 9),
	VMMCALL = CPU_CAP(CPU_WORD_LINUX_VIRT, 15),
	FSGSBASE = CPU_CAP(CPU_WORD_7_0_EBX, 0),
	SMEP = CPU_CAP(CPU_WORD_7_0_EBX, 7),
	SMAP = CPU_CAP(CPU_WORD_7_0_EBX, 20),
	ARAT = CPU_CAP(CPU_WORD_6_EAX, 2),
	UMIP = CPU_CAP(CPU_WORD_7_0_ECX, 2),
	PKU = CPU_CAP(CPU_WORD_7_0_ECX, 3),
	LA57 = CPU_CAP(CPU_WORD_7_0_ECX, 16),
};

/* What cannot be used until the OS enables XSAVE and the AVX state: Linux's
 * dependencies on XSAVE, direct and through AVX and AVX-512, and f16c. */
static const unsigned needs_xsave[] = {
	XSAVE,
	CPU_CAP(CPU_WORD_1_ECX, 12),		/* fma */
	CPU_CAP(CPU_WORD_1_ECX, 28),		/* avx */
	CPU_CAP(CPU_WORD_1_ECX, 29),		/* f16c */
	CPU_CAP(CPU_WORD_D_1_EAX, 0),		/* xsaveopt */
	CPU_CAP(CPU_WORD_D_1_EAX, 1),		/* xsavec */
	CPU_CAP(CPU_WORD_D_1_EAX, 2),		/* xgetbv1 */
	CPU_CAP(CPU_WORD_D_1_EAX, 3),		/* xsaves */
	CPU_CAP(CPU_WORD_7_0_EBX, 5),		/* avx2 */
	CPU_CAP(CPU_WORD_7_0_EBX, 14),		/* mpx */
	CPU_CAP(CPU_WORD_7_0_EBX, 16),		/* avx512f */
	CPU_CAP(CPU_WORD_7_0_EBX, 17),		/* avx512dq */
	CPU_CAP(CPU_WORD_7_0_EBX, 21),		/* avx512ifma */
	CPU_CAP(CPU_WORD_7_0_EBX, 26),		/* avx512pf */
	CPU_CAP(CPU_WORD_7_0_EBX, 27),		/* avx512er */
	CPU_CAP(CPU_WORD_7_0_EBX, 28),		/* avx512cd */
	CPU_CAP(CPU_WORD_7_0_EBX, 30),		/* avx512bw */
	CPU_CAP(CPU_WORD_7_0_EBX, 31),		/* avx512vl */
	CPU_CAP(CPU_WORD_7_1_EAX, 4),		/* avx_vnni */
	CPU_CAP(CPU_WORD_7_1_EAX, 5),		/* avx512_bf16 */
	CPU_CAP(CPU_WORD_7_0_ECX, 1),		/* avx512vbmi */
	PKU,
	CPU_CAP(CPU_WORD_7_0_ECX, 6),		/* avx512_vbmi2 */
	CPU_CAP(CPU_WORD_7_0_ECX, 9),		/* vaes */
	CPU_CAP(CPU_WORD_7_0_ECX, 10),		/* vpclmulqdq */
	CPU_CAP(CPU_WORD_7_0_ECX, 11),		/* avx512_vnni */
	CPU_CAP(CPU_WORD_7_0_ECX, 12),		/* avx512_bitalg */
	CPU_CAP(CPU_WORD_7_0_ECX, 14),		/* avx512_vpopcntdq */
	CPU_CAP(CPU_WORD_7_0_EDX, 2),		/* avx512_4vnniw */
	CPU_CAP(CPU_WORD_7_0_EDX, 3),		/* avx512_4fmaps */
	CPU_CAP(CPU_WORD_7_0_EDX, 8),		/* avx512_vp2intersect */
	CPU_CAP(CPU_WORD_7_0_EDX, 22),		/* amx_bf16 */
	CPU_CAP(CPU_WORD_7_0_EDX, 23),		/* avx512_fp16 */
	CPU_CAP(CPU_WORD_7_0_EDX, 24),		/* amx_tile */
	CPU_CAP(CPU_WORD_7_0_EDX, 25),		/* amx_int8 */
};

/* Each feature with the CR4 bit it needs. */
static const struct { unsigned cap; uint64_t cr4; } needs_cr4[] = {
	{ FSGSBASE, CR4_FSGSBASE }, { SMEP, CR4_SMEP }, { SMAP, CR4_SMAP },
	{ PCID, CR4_PCIDE }, { UMIP, CR4_UMIP }, { PKU, CR4_PKE }, { LA57, CR4_LA57 },
};

static void set_if(struct cpu_identity *c, unsigned cap, bool condition)
{
	if (condition)
		c->words[cap / 32] |= 1u << (cap % 32);
}

static void clear(struct cpu_identity *c, unsigned cap)
{
	c->words[cap / 32] &= ~(1u << (cap % 32));
}

/* Linux's Intel rules: an invariant TSC, or families and models known to keep a
 * constant rate; architectural performance monitoring with more than one counter;
 * fast string moves on family 6. */
static void derive_intel(struct cpu_identity *c)
{
	set_if(c, CONSTANT_TSC, (c->family == 0xf && c->model >= 3) ||
				(c->family == 6 && c->model >= 0xe));
	if (c->max_leaf >= 0xa) {
		uint32_t eax = cpuid(0xa, 0).eax;
		set_if(c, ARCH_PERFMON, (eax & 0xff) && ((eax >> 8) & 0xff) > 1);
	}
	set_if(c, REP_GOOD, c->family == 6);
}

/* Linux's AMD rules: fast string moves from family 0x10 and on late K8 revisions;
 * the extended APIC id from family 0xf; PREFETCHW with 3DNow! or long mode; the
 * APIC timer runs in deep C-states (arat) after family 0x11; VMMCALL preferred. */
static void derive_amd(struct cpu_identity *c)
{
	uint32_t sig = c->signature;

	set_if(c, REP_GOOD, c->family >= 0x10 ||
			    (c->family == 0xf && ((sig >= 0xf48 && sig < 0xf50) || sig >= 0xf58)));
	set_if(c, ACC_POWER, c->power & POWER_ACC_POWER);
	set_if(c, RAPL, c->power & POWER_RAPL);
	set_if(c, EXTD_APICID, c->family >= 0xf && cpu_has(c, APIC));
	set_if(c, PREFETCHW, cpu_has(c, AMD_3DNOW) || cpu_has(c, LM));
	set_if(c, ARAT, c->family > 0x11);
	set_if(c, VMMCALL, true);
}

static void derive(struct cpu_identity *c)
{
	set_if(c, CONSTANT_TSC, c->power & POWER_INVARIANT_TSC);
	set_if(c, NONSTOP_TSC, c->power & POWER_INVARIANT_TSC);
	if (cpu_is_intel(c))
		derive_intel(c);
	if (cpu_is_amd(c))
		derive_amd(c);
	set_if(c, NOPL, true);
	set_if(c, HAS_CPUID, true);
	/* Linux reads leaf 0xb on AMD only with topology extensions. */
	set_if(c, XTOPOLOGY, c->extended_topology && (!cpu_is_amd(c) || cpu_has(c, TOPOEXT)));
	set_if(c, APERFMPERF, c->leaf6_ecx & LEAF6_APERFMPERF);
	/* TSC_KNOWN_FREQ stays off: calf measures the rate (timer.c), as Linux does
	 * without CPUID leaf 0x15. */
	set_if(c, CPB, c->power & POWER_CPB);
	set_if(c, EPB, c->leaf6_ecx & LEAF6_EPB);
	set_if(c, HW_PSTATE, c->power & POWER_HW_PSTATE);
	set_if(c, PROC_FEEDBACK, c->power & POWER_PROC_FEEDBACK);
}

static void remove_disabled(struct cpu_identity *c)
{
	uint64_t cr4 = read_cr4();

	if (!(cr4 & CR4_OSXSAVE))
		for (unsigned i = 0; i < sizeof(needs_xsave) / sizeof(needs_xsave[0]); i++)
			clear(c, needs_xsave[i]);
	for (unsigned i = 0; i < sizeof(needs_cr4) / sizeof(needs_cr4[0]); i++)
		if (!(cr4 & needs_cr4[i].cr4))
			clear(c, needs_cr4[i].cap);
}

void cpu_caps_adjust(struct cpu_identity *c)
{
	derive(c);
	remove_disabled(c);
}
