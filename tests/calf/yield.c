/*
 * yield.c - sched_yield gives way to a thread waiting for the caller's CPU
 * (docs/smp.md, "System calls without the kernel lock"): the caller, pinned to
 * a CPU, yields until a new thread pinned to the same CPU has run, and that
 * takes a yield or two, not a whole time slice of them (47671 before calf's
 * yield gave way). calf's own: Linux's CFS may keep the caller running for a
 * few milliseconds more after a yield when the other thread is new (1724 yields
 * in one boot), so the bound holds for calf alone. Run at -smp 1 and 4 by
 * tests/guest/smp.sh.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include "../progs/util.h"
#include "../progs/threadutil.h"

static volatile int other_ran;

static void *note_running(void *arg)
{
	(void)arg;
	other_ran = 1;
	return NULL;
}

int main(void)
{
	cpu_set_t allowed, one;
	long yields = 0;
	int last = -1;

	plan(2);
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		bail("sched_getaffinity failed: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			last = c;
	CPU_ZERO(&one);
	CPU_SET(last, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		bail("sched_setaffinity failed: %s", strerror(errno));
	ok(syscall(SYS_sched_yield) == 0, "sched_yield alone on its CPU: 0");
	pthread_t other = xthread(note_running, NULL);	/* pinned there too */
	while (!other_ran && yields < 1000000) {
		syscall(SYS_sched_yield);
		yields++;
	}
	pthread_join(other, NULL);
	ok(other_ran && yields < 10, "sched_yield lets a thread waiting for the same CPU run at once");
	if (yields >= 10)
		diag("%ld yields before the other thread ran", yields);
	return done();
}
