/*
 * bench/bench.h - what every benchmark shares: a clock, repetitions, a report.
 *
 * Each figure is measured REPETITIONS times (after one untimed warm-up) and the
 * median is reported, so one disturbed repetition (a timer tick that wakes
 * something, a page-cache miss) does not move it. Results are one line each,
 * "figure value unit", for tools/bench.sh to collect; value is in nanoseconds.
 * Under QEMU's -icount shift=0 a nanosecond is one guest instruction.
 */
#ifndef CALF_BENCH_H
#define CALF_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPETITIONS 5

static inline long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}

static int compare_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The median of `repetitions` (at most REPETITIONS) timings of `run(arg)`, each
 * divided by `per`, after one warm-up run. run returns the nanoseconds it
 * measured. */
static inline double median_of_n(long long (*run)(void *), void *arg, long long per,
				 int repetitions)
{
	long long times[REPETITIONS];

	run(arg);
	for (int i = 0; i < repetitions; i++)
		times[i] = run(arg);
	qsort(times, repetitions, sizeof(times[0]), compare_ll);
	return (double)times[repetitions / 2] / (double)per;
}

static inline double median_of(long long (*run)(void *), void *arg, long long per)
{
	return median_of_n(run, arg, per, REPETITIONS);
}

static inline void report(const char *figure, double ns)
{
	printf("%s %.0f ns\n", figure, ns);
	fflush(stdout);
}

/* `bytes` of private anonymous memory, every page written so that it is
 * resident (the fork figures' parent); NULL for 0 bytes. */
static inline char *resident_memory(size_t bytes)
{
	if (!bytes)
		return NULL;
	char *memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		die("mmap of the resident memory");
	for (size_t at = 0; at < bytes; at += 4096)
		memory[at] = 1;
	return memory;
}

/* fork, the child's immediate _exit, the parent's waitpid, `count` times: the
 * fork figures of fork.c, forkwriter.c and forkparallel.c. `what` names a failed
 * fork in the message. */
static inline void fork_exit_wait_loop(int count, const char *what)
{
	for (int i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die(what);
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

/* Fewer forks for bigger parents keep each size to a similar total time. */
static inline int fork_iterations(long mib)
{
	if (mib <= 16)
		return 40;
	if (mib <= 64)
		return 16;
	if (mib <= 256)
		return 6;
	return 3;
}

#endif
