/*
 * cowdemo - watch copy-on-write fork at work.
 *
 *     cowdemo [MiB [pages]]        (default: 64 MiB, 100 pages)
 *
 * The parent fills MiB of memory, then forks. At each step it prints how much
 * memory is free and what calf's counters (/proc/vmstat) say was copied:
 *
 *   1. after fork: with fork_mode=cow (the default) almost nothing is used, the
 *      child shares every page; with fork_mode=copy the whole MiB is copied;
 *   2. after the child writes `pages` pages: exactly those pages were copied;
 *   3. after a grandchild runs exec: nothing of the parent was copied, exec threw
 *      the shared pages away;
 *   4. after the child exits: the parent writes every page again and nothing is
 *      copied, because it is the only owner left (calf reuses the frame).
 *
 * Try it both ways:  echo copy > /proc/sys/vm/fork_mode; cowdemo
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmstat.h"

#define PAGE 4096

static struct vm_snapshot last;

/* Print a step: free memory and what the counters did since the last step. */
static void report(const char *step, const char *meaning)
{
	struct vm_snapshot now;

	vm_snapshot(&now);
	printf("%-34s %9ld kB %+9ld kB %7ld %7ld %9ld\n", step, now.mem_free_kb,
	       now.mem_free_kb - last.mem_free_kb, now.cow_copy - last.cow_copy,
	       now.cow_reuse - last.cow_reuse, now.fork_pages_copied - last.fork_pages_copied);
	if (meaning)
		printf("    -> %s\n", meaning);
	fflush(stdout);
	vm_snapshot(&last);
}

/* Let a pipe carry one byte: the two processes take turns. */
static void signal_other(int fd)
{
	if (write(fd, "x", 1) != 1)
		exit(1);
}

static void wait_other(int fd)
{
	char byte;

	if (read(fd, &byte, 1) != 1)
		exit(1);
}

static void child(char *memory, long pages_to_write, int to_parent, int from_parent)
{
	signal_other(to_parent);		/* 1: forked */
	wait_other(from_parent);
	for (long i = 0; i < pages_to_write; i++)
		memory[i * PAGE] = 'c';
	signal_other(to_parent);		/* 2: wrote */
	wait_other(from_parent);
	pid_t grandchild = fork();
	if (grandchild == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(grandchild, NULL, 0);
	signal_other(to_parent);		/* 3: grandchild exec'd and exited */
	wait_other(from_parent);
	_exit(0);
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	long pages = mib * 256, to_write = argc > 2 ? atol(argv[2]) : 100;
	int up[2], down[2];

	if (mib <= 0 || to_write < 0 || to_write > pages || pipe(up) || pipe(down)) {
		fprintf(stderr, "usage: cowdemo [MiB [pages to write]]\n");
		return 2;
	}
	printf("fork_mode is %s. The parent fills %ld MiB (%ld pages), then forks.\n\n",
	       vm_fork_mode(), mib, pages);
	printf("%-34s %12s %12s %7s %7s %9s\n", "step", "MemFree", "change", "copied",
	       "reused", "fork copy");
	vm_snapshot(&last);
	char *memory = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (long i = 0; i < pages; i++)
		memory[i * PAGE] = 'p';
	report("parent filled its memory", NULL);

	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0)
		child(memory, to_write, up[1], down[0]);
	wait_other(up[0]);
	report("after fork", "copy-on-write: nothing copied, only page tables made;"
	       " copy: every page copied");
	signal_other(down[1]);
	wait_other(up[0]);
	report("after the child wrote pages", "copy-on-write: exactly those pages copied");
	signal_other(down[1]);
	wait_other(up[0]);
	report("after a grandchild exec'd", "exec dropped the shared pages: nothing copied");
	signal_other(down[1]);
	waitpid(pid, NULL, 0);
	report("after the child exited", "the child's copies are freed");
	for (long i = 0; i < pages; i++)
		memory[i * PAGE] = 'q';
	report("parent wrote every page again", "sole owner again: pages reused, not copied");
	munmap(memory, pages * PAGE);
	report("parent freed its memory", NULL);
	return 0;
}
