/*
 * tests/kernel/test_time.c - the periodic timer and the monotonic clock.
 */
#include <stddef.h>
#include "init/selftest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

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
 * stretch, then, the clock never falls behind the ticks counted, and from one
 * tick to the next it advances by a tick's worth: the median of those steps, late
 * and lost ticks being outliers.
 */
#define CLOCK_STEPS 20

SELFTEST(clock_agrees_with_tick_count)
{
	uint64_t tick_ns = 1000000000ull * PIT_DIVISOR / PIT_INPUT_HZ;
	uint64_t steps[CLOCK_STEPS];

	wait_ticks(1);	/* start right after a tick */
	uint64_t ticks_before = timer_ticks();
	uint64_t ns_before = clock_monotonic_ns(), ns_last = ns_before;
	for (unsigned i = 0; i < CLOCK_STEPS; i++) {
		wait_ticks(1);
		uint64_t now = clock_monotonic_ns();
		uint64_t step = now - ns_last;
		unsigned at = i;
		for (; at > 0 && steps[at - 1] > step; at--)
			steps[at] = steps[at - 1];
		steps[at] = step;
		ns_last = now;
	}
	uint64_t elapsed_ticks = timer_ticks() - ticks_before;
	uint64_t elapsed_ns = ns_last - ns_before;
	uint64_t median = steps[CLOCK_STEPS / 2];

	EXPECT(elapsed_ns + tick_ns >= elapsed_ticks * tick_ns);
	EXPECT(median >= tick_ns - tick_ns / 100 && median <= tick_ns + tick_ns / 100);
}
