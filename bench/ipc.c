/*
 * bench/ipc.c - the kernel's fixed costs:
 *   null_syscall: getppid, which does no work, so the figure is the cost of
 *     entering and leaving the kernel;
 *   pipe_round_trip: two processes bounce one byte over a pair of pipes; each
 *     round trip is two writes, two reads and two switches between processes.
 */
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

#define CALLS 100000
#define ROUND_TRIPS 2000

static long long null_syscall(void *arg)
{
	(void)arg;
	long long start = now_ns();
	for (int i = 0; i < CALLS; i++)
		getppid();
	return now_ns() - start;
}

static long long ping_pong(void *arg)
{
	(void)arg;
	int there[2], back[2];
	char byte = 0;

	if (pipe(there) || pipe(back))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (int i = 0; i < ROUND_TRIPS; i++)
			if (read(there[0], &byte, 1) != 1 || write(back[1], &byte, 1) != 1)
				_exit(1);
		_exit(0);
	}
	long long start = now_ns();
	for (int i = 0; i < ROUND_TRIPS; i++)
		if (write(there[1], &byte, 1) != 1 || read(back[0], &byte, 1) != 1)
			die("ping-pong");
	long long elapsed = now_ns() - start;
	waitpid(pid, NULL, 0);
	close(there[0]), close(there[1]), close(back[0]), close(back[1]);
	return elapsed;
}

int main(void)
{
	report("null_syscall", median_of(null_syscall, NULL, CALLS));
	report("pipe_round_trip", median_of(ping_pong, NULL, ROUND_TRIPS));
	return 0;
}
