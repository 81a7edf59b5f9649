/*
 * bench/exec.c - starting a program: fork + exec + wait, and vfork + exec + wait,
 * of bench/tiny (a static program that only exits). The parent is this small
 * program, so the figures are dominated by process creation and exec itself.
 */
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define ITERATIONS 40
static char *const tiny_argv[] = { "tiny", NULL };
static char *const no_env[] = { NULL };

static void check_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("tiny");
}

static long long fork_exec(void *arg)
{
	(void)arg;
	long long start = now_ns();

	for (int i = 0; i < ITERATIONS; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve("/bench/tiny", tiny_argv, no_env);
			_exit(127);
		}
		check_exit(pid);
	}
	return now_ns() - start;
}

/* vfork is called directly (not through a pointer), so the compiler knows it
 * returns twice on one stack. */
static long long vfork_exec(void *arg)
{
	(void)arg;
	long long start = now_ns();

	for (int i = 0; i < ITERATIONS; i++) {
		pid_t pid = vfork();
		if (pid < 0)
			die("vfork");
		if (pid == 0) {
			execve("/bench/tiny", tiny_argv, no_env);
			_exit(127);
		}
		check_exit(pid);
	}
	return now_ns() - start;
}

int main(void)
{
	report("fork_exec_wait", median_of(fork_exec, NULL, ITERATIONS));
	report("vfork_exec_wait", median_of(vfork_exec, NULL, ITERATIONS));
	return 0;
}
