/*
 * arch/x86_64/timer.c - PIT channel 0 as the periodic tick and the clock source.
 */
#include "arch/x86_64/timer.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_controller.h"
#include "arch/x86_64/trap.h"

#define PIT_CHANNEL0 0x40
#define PIT_COMMAND  0x43
#define PIT_MODE_RATE_GENERATOR 0x34	/* channel 0, lobyte/hibyte, mode 2 */
#define PIT_LATCH_CHANNEL0      0x00

static volatile uint64_t ticks;
static uint64_t last_cycles;	/* keeps the clock monotonic across read races */
static void (*tick_hook)(bool from_user);

static void measure_tsc(void);

static void timer_interrupt(struct trap_frame *frame)
{
	ticks++;
	measure_tsc();
	if (tick_hook)
		tick_hook((frame->cs & 3) == 3);
}

/* The other CPUs' tick: their local APIC timer, at the PIT's rate. */
#define CALIBRATION_NS	10000000ull
static uint32_t apic_counts_per_tick;

void timer_calibrate_local(void)
{
	uint64_t counted = lapic_timer_calibrate(CALIBRATION_NS);

	apic_counts_per_tick = counted * (1000000000ull / TIMER_HZ) / CALIBRATION_NS;
	if (apic_counts_per_tick == 0)
		apic_counts_per_tick = 1;
}

uint32_t timer_local_counts_per_tick(void)
{
	return apic_counts_per_tick;
}

void timer_start_local(void)
{
	lapic_timer_start_periodic(apic_counts_per_tick, VECTOR_LOCAL_TIMER);
}

void timer_local_interrupt(struct trap_frame *frame)
{
	lapic_end_of_interrupt();
	if (tick_hook)
		tick_hook((frame->cs & 3) == 3);
}

void timer_init(void)
{
	outb(PIT_COMMAND, PIT_MODE_RATE_GENERATOR);
	outb(PIT_CHANNEL0, PIT_DIVISOR & 0xff);
	outb(PIT_CHANNEL0, PIT_DIVISOR >> 8);
	irq_register(IRQ_TIMER, timer_interrupt);
}

uint64_t timer_ticks(void)
{
	return ticks;
}

void timer_set_tick_hook(void (*hook)(bool from_user))
{
	tick_hook = hook;
}

static uint16_t read_counter(void)
{
	outb(PIT_COMMAND, PIT_LATCH_CHANNEL0);
	uint8_t low = inb(PIT_CHANNEL0);
	uint8_t high = inb(PIT_CHANNEL0);
	return (uint16_t)(low | (high << 8));
}

/*
 * PIT input cycles since timer_init. The counter counts down from PIT_DIVISOR and
 * reloads when it raises the interrupt; if it has reloaded but the interrupt has not
 * been handled yet (we run with interrupts off), the tick count is one behind. A
 * pending interrupt with a counter still low means the reload came just after our
 * read, so that tick is not ours yet.
 */
static uint64_t elapsed_cycles(void)
{
	uint64_t flags = irq_save();
	uint64_t whole = ticks;
	uint16_t counter = read_counter();
	uint64_t cycles;

	if (irq_line_is_pending(IRQ_TIMER) && counter > PIT_DIVISOR / 2)
		whole++;
	cycles = whole * PIT_DIVISOR + (PIT_DIVISOR - counter);
	/* Belt and braces: a clock that goes backwards breaks every user of it. */
	if (cycles < last_cycles)
		cycles = last_cycles;
	last_cycles = cycles;
	irq_restore(flags);
	return cycles;
}

static uint64_t pit_clock_ns(void)
{
	uint64_t cycles = elapsed_cycles();

	/* Split so neither product overflows 64 bits for centuries of uptime. */
	return (cycles / PIT_INPUT_HZ) * 1000000000ull +
	       (cycles % PIT_INPUT_HZ) * 1000000000ull / PIT_INPUT_HZ;
}

/*
 * Once measured: the clock is the time-stamp counter, which every CPU reads alike
 * (QEMU keeps one for the machine). The PIT's own interrupts measure it while the
 * boot goes on, so the boot pays nothing: each of the first TSC_SAMPLES ticks
 * reads the TSC and the PIT's counter together. The counter says how far past its
 * tick the handler runs, so a tick handled late still gives an exact pair: between
 * two handlers, one PIT period plus the difference of the two readings. Under
 * emulation a tick may also be lost (the host did not run this CPU for a whole
 * period): that interval is a period short of the truth, an outlier, so the rate
 * is the median of the intervals'. ns = base_ns + (tsc - base_tsc) * ns_per_cycle,
 * the factor in 32.32 fixed point, the product in 128 bits.
 */
#define TSC_SAMPLES 9
static struct {
	bool ready, failed;
	unsigned samples;
	uint64_t tsc_at_tick[TSC_SAMPLES];
	uint16_t counter_at_tick[TSC_SAMPLES];
	uint64_t base_tsc, base_ns;
	uint64_t ns_per_cycle_32;
} tsc_clock;

/* TSC cycles per PIT period, from the interval between samples i and i + 1. */
static uint64_t interval_tick_cycles(unsigned i)
{
	uint64_t tsc = tsc_clock.tsc_at_tick[i + 1] - tsc_clock.tsc_at_tick[i];
	/* The counter counts down from PIT_DIVISOR and reloads at each tick. */
	int64_t pit = PIT_DIVISOR + (int64_t)tsc_clock.counter_at_tick[i] -
		      tsc_clock.counter_at_tick[i + 1];

	return pit > 0 ? tsc * PIT_DIVISOR / (uint64_t)pit : 0;
}

static uint64_t median_tick_cycles(void)
{
	uint64_t cycles[TSC_SAMPLES - 1];

	for (unsigned i = 0; i < TSC_SAMPLES - 1; i++) {
		uint64_t interval = interval_tick_cycles(i);
		unsigned at = i;
		for (; at > 0 && cycles[at - 1] > interval; at--)
			cycles[at] = cycles[at - 1];
		cycles[at] = interval;
	}
	return cycles[(TSC_SAMPLES - 1) / 2];
}

/* In the PIT's interrupt, until the TSC is the clock. */
static void measure_tsc(void)
{
	if (tsc_clock.ready || tsc_clock.failed)
		return;
	uint64_t now_tsc = rdtsc();
	tsc_clock.counter_at_tick[tsc_clock.samples] = read_counter();
	tsc_clock.tsc_at_tick[tsc_clock.samples++] = now_tsc;
	if (tsc_clock.samples < TSC_SAMPLES)
		return;
	uint64_t cycles = median_tick_cycles();
	if (cycles == 0 || now_tsc <= tsc_clock.tsc_at_tick[0]) {
		tsc_clock.failed = true;	/* no usable TSC: the PIT stays the clock */
		return;
	}
	/* One PIT period is PIT_DIVISOR / PIT_INPUT_HZ seconds: in ns, 32.32 fixed
	 * point, whole and fraction apart so that no product overflows 64 bits. */
	uint64_t period_ns_x_hz = PIT_DIVISOR * 1000000000ull;
	uint64_t period_ns_32 = (period_ns_x_hz / PIT_INPUT_HZ) << 32 |
				((period_ns_x_hz % PIT_INPUT_HZ) << 32) / PIT_INPUT_HZ;
	tsc_clock.ns_per_cycle_32 = period_ns_32 / cycles;
	tsc_clock.base_ns = pit_clock_ns();
	tsc_clock.base_tsc = rdtsc();
	__atomic_store_n(&tsc_clock.ready, true, __ATOMIC_RELEASE);
}

uint64_t timer_tsc_khz(void)
{
	if (!tsc_clock.ready)
		return 0;
	return (1000000ull << 32) / tsc_clock.ns_per_cycle_32;
}

uint64_t clock_monotonic_ns(void)
{
	if (!__atomic_load_n(&tsc_clock.ready, __ATOMIC_ACQUIRE))
		return pit_clock_ns();
	uint64_t cycles = rdtsc() - tsc_clock.base_tsc;
	return tsc_clock.base_ns +
	       (uint64_t)(((unsigned __int128)cycles * tsc_clock.ns_per_cycle_32) >> 32);
}
