/*
 * bench/fork.c - fork + child exit + wait, against the parent's resident memory.
 *
 * Usage: fork MiB...   (e.g. fork 0 16 64 256 1024)
 *
 * For each size the parent maps that much private anonymous memory and writes
 * every page, so it is resident; then it times fork, the child's immediate
 * _exit, and the parent's waitpid. This is the cost fork's strategy decides:
 * copying memory (fork_mode=copy), copying page-table entries (cow, Linux
 * without huge pages), or sharing page tables (sharedpt). The child touches
 * nothing, so no copy-on-write fault is counted here (see fault.c).
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

struct fork_run {
	int iterations;
};

static long long fork_exit_wait(void *arg)
{
	struct fork_run *r = arg;
	long long start = now_ns();

	for (int i = 0; i < r->iterations; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
	return now_ns() - start;
}

/* Fewer forks for bigger parents keep each size to a similar total time. */
static int iterations_for(long mib)
{
	if (mib <= 16)
		return 40;
	if (mib <= 64)
		return 16;
	if (mib <= 256)
		return 6;
	return 3;
}

int main(int argc, char **argv)
{
	for (int a = 1; a < argc; a++) {
		long mib = atol(argv[a]);
		size_t bytes = (size_t)mib << 20;
		char *memory = NULL;

		if (bytes) {
			memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (memory == MAP_FAILED)
				die("mmap");
			for (size_t at = 0; at < bytes; at += 4096)
				memory[at] = 1;
		}
		struct fork_run r = { iterations_for(mib) };
		char figure[64];
		snprintf(figure, sizeof(figure), "fork_exit_wait_%ldMiB", mib);
		report(figure, median_of(fork_exit_wait, &r, r.iterations));
		if (bytes)
			munmap(memory, bytes);
	}
	return 0;
}
