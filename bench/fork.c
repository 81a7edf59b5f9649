/*
 * bench/fork.c - fork against the parent's resident memory.
 *
 * Usage: fork MiB...   (e.g. fork 0 16 64 256 1024)
 *
 * For each size the parent maps that much private anonymous memory and writes
 * every page, so it is resident; then two figures:
 *   fork_exit_wait_<N>MiB: fork, the child's immediate _exit, the parent's
 *     waitpid. This is the cost fork's strategy decides: copying memory
 *     (fork_mode=copy), copying page-table entries (cow, Linux without huge
 *     pages), or sharing page tables (sharedpt). The child touches nothing, so
 *     no copy-on-write fault is counted here (see fault.c).
 *   fork_parent_writes_<N>MiB (N up to 256): after fork, while the child
 *     sleeps, the parent writes one byte to every page; the time of the writes
 *     per page. What a strategy defers from fork is paid here: under cow a
 *     copy-on-write fault per page, under sharedpt also a table copy per 2 MiB
 *     (Redis's snapshot does exactly this: the parent keeps writing while the
 *     child saves).
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

	fork_exit_wait_loop(r->iterations, "fork");
	return now_ns() - start;
}

struct write_run {
	char *memory;
	size_t bytes;
	char value;
};

/* The child waits for the parent to close the pipe, so it lives through the
 * writes and shares every page until then. */
static long long parent_writes(void *arg)
{
	struct write_run *r = arg;
	int channel[2];
	char byte;

	if (pipe(channel))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(channel[1]);
		_exit(read(channel[0], &byte, 1) == 0 ? 0 : 1);
	}
	close(channel[0]);
	r->value++;
	long long start = now_ns();
	for (size_t at = 0; at < r->bytes; at += 4096)
		r->memory[at] = r->value;
	long long elapsed = now_ns() - start;
	close(channel[1]);
	if (waitpid(pid, NULL, 0) != pid)
		die("waitpid");
	return elapsed;
}

int main(int argc, char **argv)
{
	for (int a = 1; a < argc; a++) {
		long mib = atol(argv[a]);
		size_t bytes = (size_t)mib << 20;
		char *memory = resident_memory(bytes);
		struct fork_run r = { fork_iterations(mib) };
		char figure[64];
		snprintf(figure, sizeof(figure), "fork_exit_wait_%ldMiB", mib);
		report(figure, median_of(fork_exit_wait, &r, r.iterations));
		/* Each run copies every page (Linux: 11 us a page under icount), so
		 * this figure stops at 256 MiB and takes the median of three. */
		if (bytes && mib <= 256) {
			struct write_run w = { memory, bytes, 1 };
			snprintf(figure, sizeof(figure), "fork_parent_writes_%ldMiB", mib);
			report(figure, median_of_n(parent_writes, &w, (long long)(bytes / 4096), 3));
		}
		if (bytes)
			munmap(memory, bytes);
	}
	return 0;
}
