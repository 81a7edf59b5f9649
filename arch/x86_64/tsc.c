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

/* The rate over one window of the PIT clock. */
static uint64_t khz_over_window(void)
{
	uint64_t tsc0, ns0, tsc1, ns1;

	sample(&tsc0, &ns0);
	do
		sample(&tsc1, &ns1);
	while (ns1 - ns0 < TSC_WINDOW_MS * 1000000ull);
	/* Ticks per ns times 10^6: fits in 64 bits for windows of up to half an hour
	 * of a 10 GHz TSC, however long a starved CPU stretches one. */
	return (tsc1 - tsc0) * 1000000 / (ns1 - ns0);
}

/*
 * The median of a few windows. The PIT clock counts whole ticks by their
 * interrupts, and a busy host that keeps this virtual CPU from running for a tick
 * or more throws a window off either way: two or more ticks held as one by the
 * PIC make it look short; a tick not yet taken when its start was read makes it
 * look long. Such windows are the exception, and the median ignores them.
 */
static uint64_t khz_measured(void)
{
	uint64_t windows[TSC_WINDOWS];

	for (int i = 0; i < TSC_WINDOWS; i++) {
		uint64_t khz = khz_over_window();
		int at = i;
		for (; at > 0 && windows[at - 1] > khz; at--)
			windows[at] = windows[at - 1];
		windows[at] = khz;
	}
	return windows[TSC_WINDOWS / 2];
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
