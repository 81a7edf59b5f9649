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

static bool tsc_measurement_over(void);

void timer_calibrate_local(void)
{
	/* Against the TSC, once it is the clock: the PIT's clock counts ticks, which
	 * a busy host loses, and the APs would tick slow. A second at most. */
	uint64_t give_up = ticks + TIMER_HZ;
	while (!tsc_measurement_over() && ticks < give_up)
		cpu_idle();

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

/* A channel's counter, latched so that its two bytes belong together. */
static uint16_t read_pit_counter(uint8_t latch_command, uint16_t channel_port)
{
	outb(PIT_COMMAND, latch_command);
	uint8_t low = inb(channel_port);
	uint8_t high = inb(channel_port);
	return (uint16_t)(low | (high << 8));
}

static uint16_t read_counter(void)
{
	return read_pit_counter(PIT_LATCH_CHANNEL0, PIT_CHANNEL0);
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
 * (QEMU keeps one for the machine). It is measured against the PIT's channel 2,
 * counting down once from 0xffff (55 ms) while the boot goes on, so the boot pays
 * nothing: the tick handlers take a (counter, TSC) pair at the first tick and
 * another once MEASURE_PIT_CYCLES have passed. Channel 0 cannot serve: under
 * emulation the host may not run this CPU for a whole period, the tick is lost,
 * and a counter that reloads every tick cannot tell one period from two; a host
 * that busy lost most ticks and the clock ran at half speed. Channel 2 counts
 * through, and its OUT line (port 0x61) says if the count ran out between two
 * pairs; then the measurement starts again. A pair is two counter reads around
 * one TSC read, kept only if the reads are close, so a host that preempts this
 * CPU between them costs a retry, not an error.
 * ns = base_ns + (tsc - base_tsc) * ns_per_cycle, the factor in 32.32 fixed
 * point, the product in 128 bits.
 */
#define PIT_CHANNEL2            0x42
#define PIT_MODE_CH2_ONE_SHOT   0xb0	/* channel 2, lobyte/hibyte, mode 0 */
#define PIT_LATCH_CHANNEL2      0x80
#define PORT_B                  0x61
#define PORT_B_GATE2            0x01
#define PORT_B_SPEAKER          0x02
#define PORT_B_OUT2             0x20
#define MEASURE_PIT_CYCLES      30000	/* 25 ms: a pair's slack is 1/4000 of it */
#define PAIR_SLACK_PIT_CYCLES   8
#define PAIR_TRIES              4

static struct {
	bool ready, failed;
	bool counting, have_base;
	uint32_t base_count_x2;		/* twice the counter, the middle of a pair */
	uint64_t base_tsc;
	uint64_t clock_base_tsc, clock_base_ns;
	uint64_t ns_per_cycle_32;
} tsc_clock;

static void start_channel2(void)
{
	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_MODE_CH2_ONE_SHOT);
	outb(PIT_CHANNEL2, 0xff);
	outb(PIT_CHANNEL2, 0xff);
}

static uint16_t read_channel2(void)
{
	return read_pit_counter(PIT_LATCH_CHANNEL2, PIT_CHANNEL2);
}

static bool channel2_ran_out(void)
{
	return inb(PORT_B) & PORT_B_OUT2;
}

/* The counter (doubled, to keep the half) at the moment of one TSC read. */
static bool read_pair(uint32_t *count_x2, uint64_t *tsc)
{
	for (int i = 0; i < PAIR_TRIES; i++) {
		uint16_t before = read_channel2();
		uint64_t now = rdtsc();
		uint16_t after = read_channel2();
		if (before >= after && before - after <= PAIR_SLACK_PIT_CYCLES) {
			*count_x2 = (uint32_t)before + after;
			*tsc = now;
			return true;
		}
	}
	return false;
}

static void finish_measurement(uint64_t pit_cycles_x2, uint64_t tsc_cycles)
{
	outb(PORT_B, inb(PORT_B) & ~PORT_B_GATE2);
	if (tsc_cycles == 0) {
		tsc_clock.failed = true;	/* no usable TSC: the PIT stays the clock */
		return;
	}
	/* The PIT cycles in ns, 32.32 fixed point, whole and fraction apart so that
	 * no product overflows 64 bits; then per TSC cycle. */
	uint64_t ns_x_hz = pit_cycles_x2 * 1000000000ull, hz = 2ull * PIT_INPUT_HZ;
	uint64_t ns_32 = (ns_x_hz / hz) << 32 | ((ns_x_hz % hz) << 32) / hz;
	tsc_clock.ns_per_cycle_32 = ns_32 / tsc_cycles;
	tsc_clock.clock_base_ns = pit_clock_ns();
	tsc_clock.clock_base_tsc = rdtsc();
	__atomic_store_n(&tsc_clock.ready, true, __ATOMIC_RELEASE);
}

/* In the PIT's interrupt, until the TSC is the clock. */
static void measure_tsc(void)
{
	uint32_t count_x2;
	uint64_t tsc;

	if (tsc_clock.ready || tsc_clock.failed)
		return;
	if (!tsc_clock.counting) {
		start_channel2();
		tsc_clock.counting = true;
		tsc_clock.have_base = false;
		return;		/* the count loads at the PIT's next input cycle */
	}
	if (!read_pair(&count_x2, &tsc))
		return;		/* preempted each time: try at the next tick */
	if (channel2_ran_out() || (tsc_clock.have_base && count_x2 > tsc_clock.base_count_x2)) {
		tsc_clock.counting = false;	/* a long stall: start again */
		return;
	}
	if (!tsc_clock.have_base) {
		tsc_clock.base_count_x2 = count_x2;
		tsc_clock.base_tsc = tsc;
		tsc_clock.have_base = true;
		return;
	}
	uint32_t passed_x2 = tsc_clock.base_count_x2 - count_x2;
	if (passed_x2 >= 2 * MEASURE_PIT_CYCLES)
		finish_measurement(passed_x2, tsc - tsc_clock.base_tsc);
}

static bool tsc_measurement_over(void)
{
	return __atomic_load_n(&tsc_clock.ready, __ATOMIC_ACQUIRE) || tsc_clock.failed;
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
	uint64_t cycles = rdtsc() - tsc_clock.clock_base_tsc;
	return tsc_clock.clock_base_ns +
	       (uint64_t)(((unsigned __int128)cycles * tsc_clock.ns_per_cycle_32) >> 32);
}
