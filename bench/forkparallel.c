/*
 * bench/forkparallel.c - fork throughput with several processes forking at once:
 * the -smp part of `make bench` (bench/run-smp.sh).
 *
 * Usage: forkparallel K...   (e.g. forkparallel 1 2 4)
 *
 * For each K, K forker processes start together (released by closing a pipe they
 * all read) and each does FORKS rounds of fork, the child's immediate _exit and
 * waitpid; the time is from the release until the last forker has been reaped.
 *   fork_parallel_<K>: that time divided by the K * FORKS forks, in ns per fork
 *     (one more line gives the same as forks per second: 1e9 / ns).
 * With K CPUs to run them on, a kernel that forks in parallel keeps the ns per
 * fork falling as K grows (wall clock); one that runs everything on one CPU keeps
 * it flat. Under -icount the clock counts every CPU's instructions, so there it
 * is the work per fork, all CPUs together: docs/benchmarks.md.
 */
#include "bench.h"

#define FORKS 64
#define MAX_FORKERS 64

struct parallel_run {
	int forkers;
};

/* One forker: wait for the release, fork FORKS times, report failure by status. */
static void forker(int gate[2])
{
	char byte;

	close(gate[1]);
	if (read(gate[0], &byte, 1) != 0)
		_exit(2);	/* nobody writes: only end of file releases */
	close(gate[0]);
	fork_exit_wait_loop(FORKS, "forkparallel: fork in a forker");
	_exit(0);
}

static void reap_forkers(const pid_t *pids, int forkers)
{
	for (int k = 0; k < forkers; k++) {
		int status;
		if (waitpid(pids[k], &status, 0) != pids[k])
			die("forkparallel: waitpid for a forker");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "forkparallel: forker %d of %d failed (wait status %#x)\n",
				k + 1, forkers, status);
			exit(1);
		}
	}
}

static long long parallel_forks(void *arg)
{
	struct parallel_run *r = arg;
	pid_t pids[MAX_FORKERS];
	int gate[2];

	if (pipe(gate))
		die("forkparallel: pipe");
	for (int k = 0; k < r->forkers; k++) {
		pids[k] = fork();
		if (pids[k] < 0)
			die("forkparallel: fork of a forker");
		if (pids[k] == 0)
			forker(gate);
	}
	close(gate[0]);
	long long start = now_ns();
	close(gate[1]);
	reap_forkers(pids, r->forkers);
	return now_ns() - start;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: forkparallel FORKERS...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		struct parallel_run r = { atoi(argv[a]) };
		char figure[64];

		if (r.forkers < 1 || r.forkers > MAX_FORKERS) {
			fprintf(stderr, "forkparallel: %s forkers: 1 to %d\n", argv[a], MAX_FORKERS);
			return 2;
		}
		snprintf(figure, sizeof(figure), "fork_parallel_%d", r.forkers);
		double ns = median_of(parallel_forks, &r, (long long)r.forkers * FORKS);
		report(figure, ns);
		printf("%s %.0f forks/s\n", figure, 1e9 / ns);
		fflush(stdout);
	}
	return 0;
}
