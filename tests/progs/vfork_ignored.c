/*
 * vfork_ignored.c - vfork when the parent ignores SIGCHLD.
 *
 * Such a child leaves no zombie: init reaps it as soon as it exits, possibly
 * before its vfork parent wakes up. The parent must still wake up and go on. (On
 * calf the parent once waited on a flag in the child's struct proc, which was
 * freed by then and soon reused: the parent slept for good. Found by the fuzzer.)
 * Children forking in the background make it likely that freed process slots
 * are reused at once.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>

#include "util.h"

#define ROUNDS 100

static void churn(void)
{
	for (int i = 0; i < 1000; i++)
		if (fork() == 0)
			_exit(0);
	_exit(0);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "not ok 1 - a vfork parent hung\n";
	write(1, msg, sizeof msg - 1);
	_exit(1);
}

static volatile int resumed, child_pids;

int main(void)
{
	plan(2);
	signal(SIGCHLD, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(60);
	pid_t helpers[2];
	for (int h = 0; h < 2; h++) {
		helpers[h] = fork();
		if (helpers[h] == 0)
			churn();
	}
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = vfork();
		if (pid == 0)
			_exit(0);
		resumed++;
		child_pids += pid > 0;
	}
	alarm(0);
	ok(resumed == ROUNDS && child_pids == ROUNDS,
	   "a vfork parent that ignores SIGCHLD resumes after each child's exit");
	for (int h = 0; h < 2; h++)
		kill(helpers[h], SIGKILL);
	ok_errno(waitpid(-1, NULL, 0), ECHILD, "and its children leave no zombies to wait for");
	return done();
}
