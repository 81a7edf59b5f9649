/*
 * stack.c - the stack grows on demand, up to RLIMIT_STACK, and no further.
 *
 * Deep recursion within the limit works; past it the process gets SIGSEGV (and a
 * handler on an alternate signal stack can catch it), never a kernel crash. The
 * limit is read when the stack grows, so setrlimit takes effect at once.
 */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "util.h"

#define KIB 1024

/* Use about `depth` KiB of stack, one KiB-sized frame per call, touching each. */
static int recurse(int depth)
{
	volatile char frame[KIB];

	frame[0] = (char)depth;
	frame[KIB - 1] = (char)depth;
	if (depth <= 1)
		return frame[0];
	return recurse(depth - 1) + frame[KIB - 1] - frame[0];
}

static int set_stack_limit(rlim_t bytes)
{
	struct rlimit limit = { bytes, RLIM_INFINITY };

	return setrlimit(RLIMIT_STACK, &limit);
}

static int deep_in_child(rlim_t limit, int depth_kib)
{
	pid_t pid = xfork();

	if (pid == 0) {
		if (limit && set_stack_limit(limit) < 0)
			_exit(2);
		recurse(depth_kib);
		_exit(0);
	}
	return wait_status(pid);
}

static void on_segv(int sig)
{
	_exit(sig == SIGSEGV ? 7 : 8);
}

/* Overflow the stack with a SIGSEGV handler that runs on an alternate stack. */
static int overflow_with_handler(void *unused)
{
	static char altstack[64 * KIB];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_ONSTACK };

	(void)unused;
	if (set_stack_limit(512 * KIB) < 0 || sigaltstack(&ss, NULL) < 0 ||
	    sigaction(SIGSEGV, &sa, NULL) < 0)
		return 2;
	recurse(4096);
	return 0;
}

int main(void)
{
	plan(4);
	ok_exit(deep_in_child(0, 4096), 0, "4 MiB of recursion fits the default 8 MiB limit");
	ok_exit(deep_in_child(2048 * KIB, 1024), 0, "1 MiB of recursion fits a 2 MiB limit");
	ok_killed(deep_in_child(1024 * KIB, 4096), SIGSEGV,
		  "4 MiB of recursion under a 1 MiB limit: SIGSEGV");
	ok_exit(run_child(overflow_with_handler, NULL), 7,
		"a SIGSEGV handler on an alternate stack catches the overflow");
	return done();
}
