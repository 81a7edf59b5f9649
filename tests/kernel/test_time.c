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

SELFTEST(clock_agrees_with_tick_count)
{
	wait_ticks(1);	/* start right after a tick */
	uint64_t ticks_before = timer_ticks();
	uint64_t ns_before = clock_monotonic_ns();

	wait_ticks(20);
	uint64_t elapsed_ticks = timer_ticks() - ticks_before;
	uint64_t elapsed_ns = clock_monotonic_ns() - ns_before;
	uint64_t tick_ns = 1000000000ull * PIT_DIVISOR / PIT_INPUT_HZ;

	/* The clock advanced by the ticks that happened, within one tick. */
	EXPECT(elapsed_ns + tick_ns >= elapsed_ticks * tick_ns);
	EXPECT(elapsed_ns <= (elapsed_ticks + 1) * tick_ns);
}
