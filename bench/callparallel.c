/*
 * bench/callparallel.c - a system call that needs nothing shared, made by
 * several threads at once: the -smp part of `make bench` (bench/run-smp.sh).
 *
 * Usage: callparallel K...   (e.g. callparallel 1 2 4)
 *
 * For each K, K threads of one process start together (released by closing a
 * pipe they all read) and each makes CALLS clock_gettime(CLOCK_MONOTONIC) calls
 * through syscall(2), so that Linux's vDSO does not answer them in user mode;
 * the time is from the release until the last thread has been joined.
 *   call_parallel_<K>: that time divided by the K * CALLS calls, in ns per call
 *     (one more line gives the same as calls per second: 1e9 / ns).
 * A kernel that serves the call on every CPU at once keeps the ns per call
 * falling as K grows (wall clock); one that serves it under one lock keeps it
 * flat, or worse, as CPUs queue for the lock. Under -icount the clock counts
 * every CPU's instructions, so there it is the work per call, waiting included.
 */
#include <pthread.h>
#include <sys/syscall.h>
#include "bench.h"

#define CALLS 4096
#define MAX_CALLERS 64

static int gate[2];

static void *caller(void *arg)
{
	struct timespec ts;
	char byte;

	(void)arg;
	if (read(gate[0], &byte, 1) != 0)
		return (void *)1;	/* nobody writes: only end of file releases */
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return NULL;
}

static long long parallel_calls(void *arg)
{
	int callers = *(int *)arg;
	pthread_t threads[MAX_CALLERS];

	if (pipe(gate))
		die("callparallel: pipe");
	for (int k = 0; k < callers; k++)
		if (pthread_create(&threads[k], NULL, caller, NULL))
			die("callparallel: pthread_create");
	long long start = now_ns();
	close(gate[1]);
	for (int k = 0; k < callers; k++) {
		void *result;
		if (pthread_join(threads[k], &result) || result)
			die("callparallel: a caller failed");
	}
	long long elapsed = now_ns() - start;
	close(gate[0]);
	return elapsed;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: callparallel CALLERS...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		int callers = atoi(argv[a]);
		char figure[64];

		if (callers < 1 || callers > MAX_CALLERS) {
			fprintf(stderr, "callparallel: %s callers: 1 to %d\n", argv[a], MAX_CALLERS);
			return 2;
		}
		snprintf(figure, sizeof(figure), "call_parallel_%d", callers);
		double ns = median_of(parallel_calls, &callers, (long long)callers * CALLS);
		report(figure, ns);
		printf("%s %.0f calls/s\n", figure, 1e9 / ns);
		fflush(stdout);
	}
	return 0;
}
