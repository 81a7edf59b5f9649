/*
 * arch/x86_64/timer.h - the periodic timer and the monotonic clock.
 *
 * The PIT (8254) channel 0 interrupts TIMER_HZ times a second (exactly
 * PIT_INPUT_HZ / PIT_DIVISOR, about 99.998 Hz). The monotonic clock first counts PIT
 * input cycles (whole ticks plus the part of the current tick read from the
 * counter), then, once calibrated against them, the time-stamp counter. Both follow
 * QEMU's virtual time, which makes them deterministic under -icount.
 */
#ifndef CALF_ARCH_TIMER_H
#define CALF_ARCH_TIMER_H

#include <stdint.h>
#include <stdbool.h>

#define PIT_INPUT_HZ 1193182
#define TIMER_HZ     100
#define PIT_DIVISOR  ((PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ)

void timer_init(void);

/* Timer interrupts since timer_init. */
uint64_t timer_ticks(void);

/*
 * Nanoseconds since timer_init; never goes backwards. Read from the PIT at first;
 * meanwhile the PIT's first ticks measure the time-stamp counter (timer.c), and
 * from then on (about 30 ms after timer_init) the clock is the TSC: any CPU can
 * read it at any time, with no port I/O, and it does not depend on the boot CPU
 * taking its tick interrupts in time, which it cannot while it waits for the
 * kernel lock. timer_tsc_khz: the rate measured, 0 until then (or without a TSC).
 */
uint64_t clock_monotonic_ns(void);
uint64_t timer_tsc_khz(void);

/*
 * The other CPUs tick with their local APIC timers (on VECTOR_LOCAL_TIMER), set to
 * the PIT's rate by timer_calibrate_local, which the boot CPU runs once with
 * interrupts on, against the TSC once that is the clock (about 40 ms after
 * timer_init, a second at most). Each AP calls timer_start_local for itself.
 * Their ticks call the same hook; the clock advances only with the PIT's.
 */
#define VECTOR_LOCAL_TIMER 0xef
void timer_calibrate_local(void);
uint32_t timer_local_counts_per_tick(void);
void timer_start_local(void);
struct trap_frame;
void timer_local_interrupt(struct trap_frame *frame);

/* Called on every tick of every CPU, in interrupt context, after the clock advanced; from_user
 * says whether the tick interrupted user mode. */
void timer_set_tick_hook(void (*hook)(bool from_user));

#endif
