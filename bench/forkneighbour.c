/*
 * bench/forkneighbour.c - what a large fork costs the rest of the machine: the
 * -smp part of `make bench` (bench/run-smp.sh).
 *
 * Usage: forkneighbour MiB...   (e.g. forkneighbour 0 256 1024)
 *
 * For each size a neighbour process (small: forked before the memory is
 * mapped) calls getppid in a loop, and meanwhile the parent, with that much
 * private anonymous memory resident, does FORKS rounds of fork, the child's
 * _exit and waitpid:
 *   fork_neighbour_<N>MiB: the neighbour's time divided by its calls, in ns
 *     per getppid while the forks run.
 * getppid needs nothing the fork changes; a kernel that copies the parent's
 * page tables (and frees the child's) under a lock every system call takes
 * makes the neighbour wait for each copy, and the figure grows with N. With
 * CPUs to spare it should stay what getppid costs alone. Under -icount the
 * clock counts every CPU's instructions, the forker's included, so there it
 * is not the neighbour's wait: read the wall-clock column (docs/benchmarks.md).
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include "bench.h"

#define FORKS 16
#define PAGE 4096

struct neighbour_run {
	volatile long *shared;	/* [0]: stop, [1]: the neighbour's calls */
};

/* The neighbour: wait for the release, call until told to stop, report. */
static void neighbour(int gate[2], volatile long *shared)
{
	char byte;
	long calls = 0;

	close(gate[1]);
	if (read(gate[0], &byte, 1) != 0)
		_exit(2);
	while (!__atomic_load_n(&shared[0], __ATOMIC_RELAXED)) {
		syscall(SYS_getppid);
		calls++;
	}
	__atomic_store_n(&shared[1], calls, __ATOMIC_RELEASE);
	_exit(0);
}

static long long forks_beside_a_neighbour(void *arg)
{
	struct neighbour_run *r = arg;
	int gate[2], status;

	if (pipe(gate))
		die("forkneighbour: pipe");
	r->shared[0] = r->shared[1] = 0;
	pid_t pid = fork();
	if (pid < 0)
		die("forkneighbour: fork of the neighbour");
	if (pid == 0)
		neighbour(gate, r->shared);
	close(gate[0]);
	long long start = now_ns();
	close(gate[1]);
	fork_exit_wait_loop(FORKS, "forkneighbour: fork");
	__atomic_store_n(&r->shared[0], 1, __ATOMIC_RELEASE);
	long long elapsed = now_ns() - start;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("forkneighbour: the neighbour failed");
	long calls = r->shared[1];
	return calls > 0 ? elapsed / calls : elapsed;
}

int main(int argc, char **argv)
{
	struct neighbour_run r;

	if (argc < 2) {
		fprintf(stderr, "usage: forkneighbour MiB...\n");
		return 2;
	}
	r.shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r.shared == MAP_FAILED)
		die("forkneighbour: mmap of the shared page");
	for (int a = 1; a < argc; a++) {
		long mib = atol(argv[a]);
		char figure[64];
		char *memory = resident_memory((size_t)mib << 20);
		snprintf(figure, sizeof(figure), "fork_neighbour_%ldMiB", mib);
		report(figure, median_of(forks_beside_a_neighbour, &r, 1));
		if (memory)
			munmap(memory, mib << 20);
	}
	return 0;
}
