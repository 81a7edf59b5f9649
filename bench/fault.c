/*
 * bench/fault.c - the cost of a page fault, per page.
 *
 *   demand_zero_fault: first write to each page of a fresh 16 MiB anonymous
 *     mapping (a fault, a zeroed frame, an entry);
 *   cow_fault: after fork, the child writes one byte to every page of the
 *     parent's 16 MiB (a copy-on-write fault and a copy per page; under
 *     fork_mode=copy the child already owns copies, and under sharedpt the first
 *     write under each 2 MiB also copies a page table).
 * Each is the time of the writes divided by the pages written.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define MIB 16
#define PAGES (MIB * 256)
#define PAGE 4096

static void touch_all(char *memory, char value)
{
	for (size_t page = 0; page < PAGES; page++)
		memory[page * PAGE] = value;
}

static char *map_region(void)
{
	char *memory = mmap(NULL, (size_t)PAGES * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		die("mmap");
	return memory;
}

static long long demand_zero(void *arg)
{
	(void)arg;
	char *memory = map_region();
	long long start = now_ns();
	touch_all(memory, 1);
	long long elapsed = now_ns() - start;
	munmap(memory, (size_t)PAGES * PAGE);
	return elapsed;
}

/* The child times its own writes and sends the figure back through a pipe. */
static long long cow(void *arg)
{
	char *memory = arg;
	int channel[2];
	long long elapsed = 0;

	if (pipe(channel))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		long long start = now_ns();
		touch_all(memory, 2);
		elapsed = now_ns() - start;
		if (write(channel[1], &elapsed, sizeof(elapsed)) != sizeof(elapsed))
			_exit(1);
		_exit(0);
	}
	if (read(channel[0], &elapsed, sizeof(elapsed)) != sizeof(elapsed))
		die("read");
	waitpid(pid, NULL, 0);
	close(channel[0]);
	close(channel[1]);
	return elapsed;
}

int main(void)
{
	report("demand_zero_fault", median_of(demand_zero, NULL, PAGES));
	char *memory = map_region();
	touch_all(memory, 1);
	report("cow_fault", median_of(cow, memory, PAGES));
	return 0;
}
