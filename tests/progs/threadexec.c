/*
 * threadexec.c - execve in a threaded process (Linux's de_thread): the other
 * threads are killed, and when a thread other than the leader calls execve it
 * takes over the process id. The new program checks what it got and exits
 * with a bit per problem; the parent, which forked the threaded process, sees
 * that status under the pid it forked.
 */
#include "util.h"
#include "threadutil.h"

static const char *self;

/* The new program: argv[2] is the pid the process had before execve. */
static int check_after_exec(const char *old_pid)
{
	char buf[4096];
	int bad = 0;

	if (getpid() != atoi(old_pid))
		bad |= 1;
	if (sys_gettid() != getpid())
		bad |= 2;
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read_full(fd, buf, sizeof buf - 1) : 0;
	buf[n > 0 ? n : 0] = '\0';
	char *at = strstr(buf, "\nThreads:\t");
	if (!at || atoi(at + 10) != 1)
		bad |= 4;
	if (fd >= 0)
		close(fd);
	return bad;
}

static void *sleep_forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void *exec_self(void *arg)
{
	char pid[16];
	snprintf(pid, sizeof pid, "%d", getpid());
	execl(self, self, "after-exec", pid, (char *)NULL);
	return arg;	/* failed: the process stays, the parent sees it hang */
}

/* A process of three threads whose thread `who` (0: the leader) calls execve. */
static void threaded_exec(int from_leader)
{
	xthread(sleep_forever, NULL);
	if (from_leader) {
		xthread(sleep_forever, NULL);
		sleep_ms(10);
		exec_self(NULL);
		_exit(100);
	}
	xthread(exec_self, NULL);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "after-exec") == 0)
		return check_after_exec(argv[2]);
	self = self_path(argv[0]);
	plan(4);
	for (int from_leader = 1; from_leader >= 0; from_leader--) {
		const char *who = from_leader ? "the leader" : "a non-leader thread";
		pid_t pid = xfork();
		if (pid == 0)
			threaded_exec(from_leader);
		int st;
		pid_t got;
		do
			got = waitpid(-1, &st, 0);
		while (got < 0 && errno == EINTR);
		ok(got == pid, "execve by %s: wait reports the pid that was forked", who);
		ok_exit(st, 0, "... whose new program has that pid, one thread, tid == pid (%s)", who);
	}
	return done();
}
