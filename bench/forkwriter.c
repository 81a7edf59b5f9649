/*
 * bench/forkwriter.c - fork while another thread of the same process writes
 * memory: the -smp part of `make bench` (bench/run-smp.sh).
 *
 * Usage: forkwriter MiB...   (e.g. forkwriter 0 256 1024)
 *
 * For each size the process maps that much private anonymous memory and writes
 * every page, so it is resident; then two figures:
 *   fork_exit_wait_<N>MiB: fork, the child's _exit, waitpid, as bench/fork.c
 *     times it, with no other thread: the same figure on this machine;
 *   fork_writer_<N>MiB: the same while a second thread (pthread_create, so the
 *     same address space) writes one byte to each of its own WRITER_PAGES pages,
 *     pass after pass, without ever sleeping.
 * What the writer adds: fork write-protects the writer's pages with the rest
 * while the writer may be using them on another CPU, so the parent's TLB must be
 * flushed there too (a shootdown); after every fork the writer's next write to
 * each of its pages is a copy-on-write fault (a copy while the child lives, a
 * reuse after it has gone); and where the writer shares a CPU with the forker
 * (calf until its scheduler uses the other CPUs) it takes CPU time from it.
 * Nothing pins the threads: each kernel's scheduler places them.
 *
 * Under -icount the guest clock counts the instructions of every CPU, the
 * writer's included: docs/benchmarks.md says how to read the figures.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include "bench.h"

#define PAGE 4096
#define WRITER_PAGES 32

struct writer {
	volatile char *pages;
	atomic_int stop;
	atomic_long passes;
	pthread_t thread;
};

struct fork_run {
	int iterations;
};

static void *write_pages(void *arg)
{
	struct writer *w = arg;

	for (long pass = 1; !atomic_load_explicit(&w->stop, memory_order_relaxed); pass++) {
		for (int page = 0; page < WRITER_PAGES; page++)
			w->pages[page * PAGE] = (char)pass;
		atomic_store_explicit(&w->passes, pass, memory_order_relaxed);
		/* Under -icount QEMU runs the CPUs in turn, and PAUSE is where a
		 * CPU gives up its turn: without it this thread's CPU keeps it
		 * until the next timer deadline, and every IPI or wake-up the fork
		 * sends to another CPU waits for that (docs/benchmarks.md). */
		__builtin_ia32_pause();
	}
	return NULL;
}

/* Start the writer and return once it has written all its pages once, so that
 * it is running (and its pages are resident) when the timing starts. */
static void writer_start(struct writer *w)
{
	void *pages = mmap(NULL, WRITER_PAGES * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		die("forkwriter: mmap of the writer's pages");
	w->pages = pages;
	atomic_store(&w->stop, 0);
	atomic_store(&w->passes, 0);
	int error = pthread_create(&w->thread, NULL, write_pages, w);
	if (error) {
		fprintf(stderr, "forkwriter: pthread_create: %s\n", strerror(error));
		exit(1);
	}
	while (atomic_load(&w->passes) == 0)
		sched_yield();
}

static void writer_stop(struct writer *w)
{
	atomic_store(&w->stop, 1);
	int error = pthread_join(w->thread, NULL);
	if (error) {
		fprintf(stderr, "forkwriter: pthread_join: %s\n", strerror(error));
		exit(1);
	}
	munmap((void *)w->pages, WRITER_PAGES * PAGE);
}

static long long fork_exit_wait(void *arg)
{
	struct fork_run *r = arg;
	long long start = now_ns();

	fork_exit_wait_loop(r->iterations, "forkwriter: fork");
	return now_ns() - start;
}

/*
 * The same loop beside the writer, with a PAUSE after each round. Under
 * -icount the CPUs run in turn and PAUSE is where one gives up its turn: a
 * forker that never sleeps (its child has exited before it waits) kept its
 * turn but for its own waits for the writer's TLB flushes, and the writer then
 * made a page of progress per fork, or none in a whole run (both kernels, by
 * where their schedulers put the three tasks). With it the writer has a turn
 * per fork whatever the placement. On hardware and under TCG's wall clock a
 * PAUSE is a few nanoseconds.
 */
static long long fork_exit_wait_beside_writer(void *arg)
{
	struct fork_run *r = arg;
	long long start = now_ns();

	for (int i = 0; i < r->iterations; i++) {
		fork_exit_wait_loop(1, "forkwriter: fork");
		__builtin_ia32_pause();
	}
	return now_ns() - start;
}

/* The figure with the writer running; a writer that made no progress while the
 * forks were timed would make it the plain figure again, so that is an error. */
static void report_with_writer(long mib, struct fork_run *r)
{
	struct writer w;
	char figure[64];

	writer_start(&w);
	long before = atomic_load(&w.passes);
	snprintf(figure, sizeof(figure), "fork_writer_%ldMiB", mib);
	double ns = median_of(fork_exit_wait_beside_writer, r, r->iterations);
	long after = atomic_load(&w.passes);
	writer_stop(&w);
	if (after == before) {
		fprintf(stderr, "forkwriter: the writer thread never ran while %s was timed\n",
			figure);
		exit(1);
	}
	report(figure, ns);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: forkwriter MiB...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		long mib = atol(argv[a]);
		size_t bytes = (size_t)mib << 20;
		char *memory = resident_memory(bytes);
		struct fork_run r = { fork_iterations(mib) };
		char figure[64];

		snprintf(figure, sizeof(figure), "fork_exit_wait_%ldMiB", mib);
		report(figure, median_of(fork_exit_wait, &r, r.iterations));
		report_with_writer(mib, &r);
		if (memory)
			munmap(memory, bytes);
	}
	return 0;
}
