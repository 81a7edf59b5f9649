/*
 * arch/x86_64/tsc.c - the TSC's rate: from CPUID leaf 0x15 when it says, else
 * measured against the PIT clock.
 */
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

static uint64_t khz;
static bool from_cpuid;

static bool has_tsc(void)
{
	return cpuid(1, 0).edx & (1u << 4);
}

/* Leaf 0x15: TSC = crystal (ECX, Hz) * EBX / EAX; 0 when any of them is 0. */
static uint64_t khz_from_cpuid(void)
{
	if (cpuid(0, 0).eax < 0x15)
		return 0;
	struct cpuid_regs r = cpuid(0x15, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
}

/*
 * Both clocks at one moment: the TSC read on both sides of a PIT clock read (a few
 * port accesses) and taken half-way. Under a busy host the virtual CPU may be
 * preempted in between, which would skew the pair by up to the pause; of
 * SAMPLE_TRIES readings the narrowest bracket wins.
 */
#define SAMPLE_TRIES 8

static void sample(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = 0;

	for (int i = 0; i < SAMPLE_TRIES; i++) {
		uint64_t before = rdtsc();
		uint64_t now = clock_monotonic_ns();
		uint64_t width = rdtsc() - before;
		if (i == 0 || width < best) {
			best = width;
			*tsc = before + width / 2;
			*ns = now;
		}
	}
}

static uint64_t khz_measured(void)
{
	uint64_t tsc0, ns0, tsc1, ns1;

	sample(&tsc0, &ns0);
	do
		sample(&tsc1, &ns1);
	while (ns1 - ns0 < TSC_MEASURE_MS * 1000000ull);
	/* ticks per ns times 10^6; 20 ms of a 10 GHz TSC times 10^6 fits in 64 bits. */
	return (tsc1 - tsc0) * 1000000 / (ns1 - ns0);
}

void tsc_calibrate(void)
{
	if (!has_tsc())
		return;
	khz = khz_from_cpuid();
	from_cpuid = khz != 0;
	if (!khz)
		khz = khz_measured();
}

uint64_t tsc_khz(void)
{
	return khz;
}

bool tsc_rate_from_cpuid(void)
{
	return from_cpuid;
}
