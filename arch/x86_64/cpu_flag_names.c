/*
 * arch/x86_64/cpu_flag_names.c - the names Linux gives the capability bits in
 * /proc/cpuinfo's "flags" and the power-management bits, as Debian's Linux 6.1
 * prints them.
 *
 * A bit without a name here is one Linux never prints: unassigned, hidden (the
 * bits of CPUID 0x80000001 EDX that repeat leaf 1's, osxsave, the speculation
 * controls it reports through its own flags instead), or one this table leaves
 * out (word 2, Transmeta's, which calf never reads).
 */
#include <stddef.h>
#include "arch/x86_64/cpu_identity.h"

static const char *const flag_names[CPU_WORDS][32] = {
	[CPU_WORD_1_EDX] = {
		[0] = "fpu", [1] = "vme", [2] = "de", [3] = "pse", [4] = "tsc",
		[5] = "msr", [6] = "pae", [7] = "mce", [8] = "cx8", [9] = "apic",
		[11] = "sep", [12] = "mtrr", [13] = "pge", [14] = "mca", [15] = "cmov",
		[16] = "pat", [17] = "pse36", [18] = "pn", [19] = "clflush",
		[21] = "dts", [22] = "acpi", [23] = "mmx", [24] = "fxsr", [25] = "sse",
		[26] = "sse2", [27] = "ss", [28] = "ht", [29] = "tm", [30] = "ia64",
		[31] = "pbe",
	},
	[CPU_WORD_80000001_EDX] = {
		[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
		[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
		[30] = "3dnowext", [31] = "3dnow",
	},
	[CPU_WORD_LINUX_AUX] = {
		[0] = "cxmmx", [1] = "k6_mtrr", [2] = "cyrix_arr", [3] = "centaur_mcr",
		[8] = "constant_tsc", [9] = "up", [10] = "art", [11] = "arch_perfmon",
		[12] = "pebs", [13] = "bts", [16] = "rep_good", [17] = "amd_lbr_v2",
		[19] = "acc_power", [20] = "nopl", [22] = "xtopology",
		[23] = "tsc_reliable", [24] = "nonstop_tsc", [25] = "cpuid",
		[26] = "extd_apicid", [27] = "amd_dcm", [28] = "aperfmperf",
		[29] = "rapl", [30] = "nonstop_tsc_s3", [31] = "tsc_known_freq",
	},
	[CPU_WORD_1_ECX] = {
		[0] = "pni", [1] = "pclmulqdq", [2] = "dtes64", [3] = "monitor",
		[4] = "ds_cpl", [5] = "vmx", [6] = "smx", [7] = "est", [8] = "tm2",
		[9] = "ssse3", [10] = "cid", [11] = "sdbg", [12] = "fma", [13] = "cx16",
		[14] = "xtpr", [15] = "pdcm", [17] = "pcid", [18] = "dca",
		[19] = "sse4_1", [20] = "sse4_2", [21] = "x2apic", [22] = "movbe",
		[23] = "popcnt", [24] = "tsc_deadline_timer", [25] = "aes",
		[26] = "xsave", [28] = "avx", [29] = "f16c", [30] = "rdrand",
		[31] = "hypervisor",
	},
	[CPU_WORD_C0000001_EDX] = {
		[2] = "rng", [3] = "rng_en", [6] = "ace", [7] = "ace_en", [8] = "ace2",
		[9] = "ace2_en", [10] = "phe", [11] = "phe_en", [12] = "pmm",
		[13] = "pmm_en",
	},
	[CPU_WORD_80000001_ECX] = {
		[0] = "lahf_lm", [1] = "cmp_legacy", [2] = "svm", [3] = "extapic",
		[4] = "cr8_legacy", [5] = "abm", [6] = "sse4a", [7] = "misalignsse",
		[8] = "3dnowprefetch", [9] = "osvw", [10] = "ibs", [11] = "xop",
		[12] = "skinit", [13] = "wdt", [15] = "lwp", [16] = "fma4",
		[17] = "tce", [19] = "nodeid_msr", [21] = "tbm", [22] = "topoext",
		[23] = "perfctr_core", [24] = "perfctr_nb", [26] = "bpext",
		[27] = "ptsc", [28] = "perfctr_llc", [29] = "mwaitx",
	},
	[CPU_WORD_LINUX_SCATTERED] = {
		[0] = "ring3mwait", [1] = "cpuid_fault", [2] = "cpb", [3] = "epb",
		[4] = "cat_l3", [5] = "cat_l2", [6] = "cdp_l3", [7] = "invpcid_single",
		[8] = "hw_pstate", [9] = "proc_feedback", [11] = "pti",
		[14] = "intel_ppin", [15] = "cdp_l2", [17] = "ssbd", [18] = "mba",
		[20] = "perfmon_v2", [25] = "ibrs", [26] = "ibpb", [27] = "stibp",
		[30] = "ibrs_enhanced",
	},
	[CPU_WORD_LINUX_VIRT] = {
		[0] = "tpr_shadow", [1] = "vnmi", [2] = "flexpriority", [3] = "ept",
		[4] = "vpid", [15] = "vmmcall", [17] = "ept_ad", [22] = "tdx_guest",
	},
	[CPU_WORD_7_0_EBX] = {
		[0] = "fsgsbase", [1] = "tsc_adjust", [2] = "sgx", [3] = "bmi1",
		[4] = "hle", [5] = "avx2", [7] = "smep", [8] = "bmi2", [9] = "erms",
		[10] = "invpcid", [11] = "rtm", [12] = "cqm", [14] = "mpx",
		[15] = "rdt_a", [16] = "avx512f", [17] = "avx512dq", [18] = "rdseed",
		[19] = "adx", [20] = "smap", [21] = "avx512ifma", [23] = "clflushopt",
		[24] = "clwb", [25] = "intel_pt", [26] = "avx512pf", [27] = "avx512er",
		[28] = "avx512cd", [29] = "sha_ni", [30] = "avx512bw",
		[31] = "avx512vl",
	},
	[CPU_WORD_D_1_EAX] = {
		[0] = "xsaveopt", [1] = "xsavec", [2] = "xgetbv1", [3] = "xsaves",
	},
	[CPU_WORD_7_1_EAX] = {
		[4] = "avx_vnni", [5] = "avx512_bf16",
	},
	[CPU_WORD_80000008_EBX] = {
		[0] = "clzero", [1] = "irperf", [2] = "xsaveerptr", [4] = "rdpru",
		[9] = "wbnoinvd", [23] = "amd_ppin", [25] = "virt_ssbd", [27] = "cppc",
		[31] = "brs",
	},
	[CPU_WORD_6_EAX] = {
		[0] = "dtherm", [1] = "ida", [2] = "arat", [4] = "pln", [6] = "pts",
		[7] = "hwp", [8] = "hwp_notify", [9] = "hwp_act_window",
		[10] = "hwp_epp", [11] = "hwp_pkg_req", [19] = "hfi",
	},
	[CPU_WORD_8000000A_EDX] = {
		[0] = "npt", [1] = "lbrv", [2] = "svm_lock", [3] = "nrip_save",
		[4] = "tsc_scale", [5] = "vmcb_clean", [6] = "flushbyasid",
		[7] = "decodeassists", [10] = "pausefilter", [12] = "pfthreshold",
		[13] = "avic", [15] = "v_vmsave_vmload", [16] = "vgif", [18] = "x2avic",
		[20] = "v_spec_ctrl",
	},
	[CPU_WORD_7_0_ECX] = {
		[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke",
		[5] = "waitpkg", [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes",
		[10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg",
		[13] = "tme", [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid",
		[24] = "bus_lock_detect", [25] = "cldemote", [27] = "movdiri",
		[28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc",
	},
	[CPU_WORD_80000007_EBX] = {
		[0] = "overflow_recov", [1] = "succor", [3] = "smca",
	},
	[CPU_WORD_7_0_EDX] = {
		[2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
		[8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
		[16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt",
		[22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile",
		[25] = "amx_int8", [28] = "flush_l1d", [29] = "arch_capabilities",
	},
	[CPU_WORD_8000001F_EAX] = {
		[0] = "sme", [1] = "sev", [3] = "sev_es",
	},
};

/* CPUID 0x80000007 EDX. Bit 8, the invariant TSC, Linux shows as nothing here
 * (constant_tsc and nonstop_tsc say it); bits past these as "[N]". */
static const char *const power_names[] = {
	"ts", "fid", "vid", "ttp", "tm", "stc", "100mhzsteps", "hwpstate", "", "cpb",
	"eff_freq_ro", "proc_feedback", "acc_power",
};

const char *cpu_flag_name(unsigned cap)
{
	return cap < CPU_WORDS * 32 ? flag_names[cap / 32][cap % 32] : NULL;
}

const char *cpu_power_flag_name(unsigned bit)
{
	return bit < sizeof(power_names) / sizeof(power_names[0]) ? power_names[bit] : NULL;
}
