/*
 * arch/x86_64/tsc.h - the time-stamp counter's rate, found once at boot.
 *
 * Nothing in calf keeps time with the TSC (the PIT is the clock, timer.h); the rate
 * is what /proc/cpuinfo reports as "cpu MHz" and, through Linux's delay-loop
 * arithmetic, "bogomips". Where CPUID leaf 0x15 gives the crystal frequency and
 * the TSC/crystal ratio (recent Intel CPUs), the rate is exact; otherwise it is
 * measured against the PIT clock, as Linux does when it has no better source:
 * the median of TSC_WINDOWS windows of TSC_WINDOW_MS (tsc.c says why). Leaf 0x16's "base frequency" is not used: it is a nominal
 * figure in whole MHz, not necessarily the TSC's rate.
 */
#ifndef CALF_ARCH_TSC_H
#define CALF_ARCH_TSC_H

#include <stdint.h>
#include <stdbool.h>

#define TSC_WINDOWS	5
#define TSC_WINDOW_MS	5

/* Find the rate: after timer_init, with interrupts on (the PIT must tick). */
void tsc_calibrate(void);

/* TSC ticks per millisecond; 0 when the CPU has no TSC or before tsc_calibrate. */
uint64_t tsc_khz(void);

/* Whether the rate came from CPUID leaf 0x15 (exact) rather than a measurement. */
bool tsc_rate_from_cpuid(void);

#endif
