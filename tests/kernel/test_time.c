/*
 * tests/kernel/test_time.c - the periodic timer and the monotonic clock.
 */
#include <stddef.h>
#include <stdint.h>
#include "init/selftest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "kernel/printk.h"

static void wait_ticks(uint64_t count)
{
	uint64_t until = timer_ticks() + count;

	while (timer_ticks() < until)
		cpu_idle();
}

SELFTEST(timer_ticks_advance)
{
	uint64_t before = timer_ticks();

	wait_ticks(5);
	EXPECT(timer_ticks() >= before + 5);
}

SELFTEST(clock_is_monotonic_and_fine_grained)
{
	uint64_t previous = clock_monotonic_ns();
	bool advanced_within_tick = false;

	for (int i = 0; i < 20000; i++) {
		uint64_t now = clock_monotonic_ns();
		EXPECT(now >= previous);
		if (now < previous)
			break;
		/* Sub-tick resolution: it moves by less than a whole 10 ms tick. */
		if (now > previous && now - previous < 1000000)
			advanced_within_tick = true;
		previous = now;
	}
	EXPECT(advanced_within_tick);
}

/*
 * The clock follows the TSC, measured against the PIT; the tick count follows the
 * PIT's interrupts, and under emulation the host may not run this CPU for a while,
 * so a tick comes late or not at all (QEMU drops the ones it missed). Over a
 * stretch, then, the clock never falls behind the ticks counted.
 */
#define CLOCK_TICKS 20

SELFTEST(clock_never_falls_behind_the_ticks)
{
	uint64_t tick_ns = 1000000000ull * PIT_DIVISOR / PIT_INPUT_HZ;

	wait_ticks(1);	/* start right after a tick */
	uint64_t ticks_before = timer_ticks();
	uint64_t ns_before = clock_monotonic_ns();
	wait_ticks(CLOCK_TICKS);
	uint64_t elapsed_ns = clock_monotonic_ns() - ns_before;
	uint64_t elapsed_ticks = timer_ticks() - ticks_before;

	EXPECT(elapsed_ns + tick_ns >= elapsed_ticks * tick_ns);
	if (elapsed_ns + tick_ns < elapsed_ticks * tick_ns)
		printk("# %lu ticks in %lu ns\n", elapsed_ticks, elapsed_ns);
}

/*
 * The rate, held against the PIT's channel 0 counter rather than its interrupts,
 * which a busy host loses: over a span shorter than one period (3 ms) the counter
 * says exactly how much time passed. Each end of a span is the clock read between
 * two reads of the counter, kept only if those are close. The host may also stop
 * this CPU within the span, for a whole period or more, and the counter cannot
 * tell; the clock, read all along, shows the gap, and such a span does not count.
 * The median of the clean spans must agree within 1%.
 */
#define RATE_SPANS	9
#define SPAN_TRIES	300
#define SPAN_NS		3000000ull
#define STALL_NS	100000ull	/* a gap between two reads: the host stopped us */
#define PAIR_SLACK	8		/* PIT cycles, 6.7 us */
#define PAIR_TRIES	1000

static uint16_t read_pit_counter(void)
{
	outb(0x43, 0x00);	/* latch channel 0 */
	uint8_t low = inb(0x40);
	uint8_t high = inb(0x40);
	return (uint16_t)(low | (high << 8));
}

static bool clock_at_pit_count(uint64_t *ns, uint32_t *count_x2)
{
	for (int i = 0; i < PAIR_TRIES; i++) {
		uint64_t flags = irq_save();
		uint16_t before = read_pit_counter();
		*ns = clock_monotonic_ns();
		uint16_t after = read_pit_counter();
		irq_restore(flags);
		/* It counts down and reloads at PIT_DIVISOR: a reload in between is a retry. */
		if (before >= after && before - after <= PAIR_SLACK) {
			*count_x2 = (uint32_t)before + after;
			return true;
		}
	}
	return false;
}

/* The clock's error over one span in parts per million, or false if it stalled. */
static bool span_error_ppm(int64_t *error)
{
	uint32_t start_x2, end_x2;
	uint64_t start_ns, end_ns;

	if (!clock_at_pit_count(&start_ns, &start_x2))
		return false;
	for (uint64_t last = start_ns, now; last < start_ns + SPAN_NS; last = now) {
		now = clock_monotonic_ns();
		if (now - last > STALL_NS)
			return false;
		cpu_relax();
	}
	if (!clock_at_pit_count(&end_ns, &end_x2) || end_ns - start_ns > SPAN_NS + STALL_NS)
		return false;
	uint64_t pit_x2 = (start_x2 + 2 * PIT_DIVISOR - end_x2) % (2 * PIT_DIVISOR);
	int64_t pit_ns = (int64_t)(pit_x2 * 1000000000ull / (2 * PIT_INPUT_HZ));

	*error = pit_ns ? ((int64_t)(end_ns - start_ns) - pit_ns) * 1000000 / pit_ns : INT64_MAX;
	return true;
}

SELFTEST(clock_runs_at_the_pit_rate)
{
	int64_t errors[RATE_SPANS], error;
	unsigned clean = 0, tries = 0;

	for (; clean < RATE_SPANS && tries < SPAN_TRIES; tries++) {
		if (!span_error_ppm(&error))
			continue;
		unsigned at = clean++;
		for (; at > 0 && errors[at - 1] > error; at--)
			errors[at] = errors[at - 1];
		errors[at] = error;
	}
	EXPECT(clean == RATE_SPANS);
	if (clean == 0)
		return;
	int64_t median = errors[clean / 2];
	EXPECT(median >= -10000 && median <= 10000);
	printk("# the clock against the PIT over %u clean spans of %llu us in %u: "
	       "%ld to %ld ppm, median %ld\n",
	       clean, SPAN_NS / 1000, tries, errors[0], errors[clean - 1], median);
}
