/*
 * proc - processes: fork, wait status encoding, orphans, vfork, process
 * groups and sessions, credentials.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <sys/syscall.h>

/* A pid that no process has: a child we forked and reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = xfork();
	if (pid == 0)
		_exit(0);
	wait_status(pid);
	return pid;
}

/*
 * The child is told apart by getpid(), not by fork's return value, so that the
 * value fork returned in the child can itself be checked.
 */
static void test_fork_returns(void)
{
	pid_t parent = getpid();
	int fds[2];
	xpipe(fds);

	pid_t pid = fork();
	if (pid < 0)
		bail("fork failed: errno %d", errno);
	if (getpid() != parent) {
		long seen[3] = { pid, getpid(), getppid() };
		write(fds[1], seen, sizeof seen);
		_exit(0);
	}
	close(fds[1]);
	long seen[3] = { -1, -1, -1 };
	read_full(fds[0], seen, sizeof seen);
	close(fds[0]);
	int st;
	pid_t w = waitpid(pid, &st, 0);

	ok(pid > 0, "fork returns a positive pid in the parent");
	ok(seen[0] == 0, "fork returns 0 in the child");
	ok(seen[1] == pid, "child's getpid is the pid fork returned to the parent");
	ok(seen[2] == parent, "child's getppid is the parent's pid");
	ok(w == pid, "waitpid returns the child's pid");
}

static pid_t spawn_exit(int code)
{
	pid_t pid = xfork();
	if (pid == 0)
		_exit(code);
	return pid;
}

static int null_write(void *unused)
{
	(void)unused;
	/* Both volatiles matter: gcc may neither see that p is NULL nor drop the store. */
	volatile int *volatile p = NULL;
	*p = 1;
	return 0;
}

static void test_wait_status(void)
{
	int st;

	st = wait_status(spawn_exit(0));
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit(0): WIFEXITED, WEXITSTATUS 0");
	ok(!WIFSIGNALED(st) && !WIFSTOPPED(st), "exit(0): not WIFSIGNALED, not WIFSTOPPED");
	st = wait_status(spawn_exit(3));
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 3, "exit(3): WIFEXITED, WEXITSTATUS 3");
	ok(st == 0x300, "exit(3): raw status is 0x0300");
	st = wait_status(spawn_exit(255));
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 255, "exit(255): WEXITSTATUS 255");
	st = wait_status(spawn_exit(256 + 7));
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit(263): only the low 8 bits are kept");

	pid_t pid = spawn_exit(4);
	struct rusage ru;
	ok(wait4(pid, &st, 0, &ru) == pid && WEXITSTATUS(st) == 4,
	   "wait4 with rusage returns the pid and status");

	pid = xfork();
	if (pid == 0)
		for (;;)
			pause();
	kill(pid, SIGKILL);
	st = wait_status(pid);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && !WIFEXITED(st),
	   "SIGKILL: WIFSIGNALED, WTERMSIG SIGKILL");
	ok(st == SIGKILL, "SIGKILL: raw status is the signal number");

	st = run_child(null_write, NULL);
	ok_killed(st, SIGSEGV, "null write: WIFSIGNALED, WTERMSIG SIGSEGV");
}

static void test_wait_selection(void)
{
	int st;
	pid_t a = spawn_exit(1);
	pid_t b = spawn_exit(2);
	ok(waitpid(b, &st, 0) == b && WEXITSTATUS(st) == 2,
	   "waitpid(pid) reaps that child even if another exited first");
	ok(waitpid(-1, &st, 0) == a && WEXITSTATUS(st) == 1,
	   "waitpid(-1) reaps the remaining child");
	ok_errno(waitpid(-1, &st, 0), ECHILD, "waitpid(-1) with no children: ECHILD");
	ok_errno(wait(&st), ECHILD, "wait with no children: ECHILD");
	ok_errno(waitpid(getppid(), &st, 0), ECHILD, "waitpid on a non-child: ECHILD");
	ok_errno(waitpid(-1, &st, 0x1000 /* no such option */), EINVAL,
		 "waitpid with an unknown option: EINVAL");

	/* A child blocked on a pipe is running; WNOHANG must not wait for it. */
	int fds[2];
	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 9 : 1);
	}
	close(fds[0]);
	ok(waitpid(pid, &st, WNOHANG) == 0, "waitpid(WNOHANG) on a running child returns 0");
	close(fds[1]);			/* EOF lets the child finish */
	ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	   "the child then exits and is reaped");
}

/*
 * A grandchild whose parent exits is re-parented to init (pid 1). The exit and
 * the re-parenting take a moment, so poll for up to 5 seconds.
 */
static void test_orphan(void)
{
	int fds[2];
	xpipe(fds);
	pid_t child = xfork();
	if (child == 0) {
		pid_t grandchild = fork();
		if (grandchild == 0) {
			close(fds[0]);
			for (int i = 0; i < 500 && getppid() != 1; i++)
				sleep_ms(10);
			char verdict = getppid() == 1 ? 'y' : 'n';
			write(fds[1], &verdict, 1);
			_exit(0);
		}
		_exit(grandchild > 0 ? 0 : 1);
	}
	close(fds[1]);
	int st = wait_status(child);
	char verdict = 0;
	read_full(fds[0], &verdict, 1);	/* the grandchild holds the write end */
	close(fds[0]);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "middle child forks a grandchild and exits");
	ok(verdict == 'y', "orphaned grandchild is re-parented to pid 1");
}

/*
 * vfork: the child borrows the parent's memory and the parent is suspended
 * until the child calls _exit (or execve). The child only stores to memory and
 * makes raw system calls, which is all that is safe in a vfork child.
 */
static volatile int vfork_global;

static void test_vfork(void)
{
	volatile int local = 0;
	long long start = mono_ns();

	pid_t pid = vfork();
	if (pid == 0) {
		struct timespec ts = { 0, 50 * 1000000L };
		syscall(SYS_nanosleep, &ts, NULL);
		local = 1;
		vfork_global = 2;
		_exit(7);
	}
	long long waited = mono_ns() - start;
	if (pid < 0)
		bail("vfork failed: errno %d", errno);
	ok(local == 1 && vfork_global == 2, "vfork child's stores are seen by the parent");
	ok(waited >= 50 * 1000000LL, "vfork parent resumes only after the child's _exit");
	int st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "vfork child's exit status is collected");
}

/* Many short-lived children, each reaped with the status it exited with. */
static void test_many_forks(void)
{
	int good = 0;
	for (int i = 0; i < 200; i++) {
		pid_t pid = spawn_exit(i & 0xff);
		int st = wait_status(pid);
		good += WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff);
	}
	ok(good == 200, "200 sequential fork+exit+wait all reaped with the right status");
	int st;
	ok_errno(waitpid(-1, &st, WNOHANG), ECHILD, "no child is left over");
}

/* Bits a child sets for the checks that failed; see test_groups. */
static int leader_then_setsid(void *unused)
{
	(void)unused;
	int bad = 0;
	if (setpgid(0, 0) != 0)
		bad |= 1;
	if (getpgid(0) != getpid() || getpgrp() != getpid())
		bad |= 2;
	if (setsid() != -1 || errno != EPERM)
		bad |= 4;
	return bad;
}

static int new_session(void *unused)
{
	(void)unused;
	int bad = 0;
	if (getpgid(0) == getpid())
		bad |= 1;		/* a fresh child is not a group leader */
	if (setsid() != getpid())
		bad |= 2;
	if (getsid(0) != getpid() || getpgid(0) != getpid())
		bad |= 4;
	if (setpgid(0, 0) != -1 || errno != EPERM)
		bad |= 8;		/* a session leader cannot change its group */
	return bad;
}

static void test_groups(void)
{
	pid_t gone = dead_pid();

	ok(getpid() > 1, "getpid returns a pid above 1");
	ok(getpgid(0) == getpgrp() && getpgid(0) == getpgid(getpid()),
	   "getpgid(0), getpgid(getpid()) and getpgrp agree");
	ok(getsid(0) > 0 && getsid(0) == getsid(getpid()), "getsid(0) succeeds");
	ok_errno(getpgid(gone), ESRCH, "getpgid of a nonexistent pid: ESRCH");
	ok_errno(getsid(gone), ESRCH, "getsid of a nonexistent pid: ESRCH");
	ok_errno(setpgid(gone, 0), ESRCH, "setpgid of a nonexistent pid: ESRCH");
	ok_errno(setpgid(0, -1), EINVAL, "setpgid with a negative pgid: EINVAL");

	int bad = child_bits(run_child(leader_then_setsid, NULL));
	ok(!(bad & 1), "setpgid(0, 0) in a child succeeds");
	ok(!(bad & 2), "the child is then its own group leader");
	ok(!(bad & 4), "setsid in a process-group leader: EPERM");
	if (bad)
		diag("  child reported 0x%x", bad);

	bad = child_bits(run_child(new_session, NULL));
	ok(!(bad & 1), "a forked child is in its parent's process group");
	ok(!(bad & 2), "setsid in a non-leader returns the new session id, its pid");
	ok(!(bad & 4), "after setsid, getsid and getpgid are the caller's pid");
	ok(!(bad & 8), "setpgid in a session leader: EPERM");
	if (bad)
		diag("  child reported 0x%x", bad);

	/* A parent may move its child into a new group (what a shell does). */
	int fds[2];
	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);
		_exit(getpgid(0) == getpid() ? 0 : 1);
	}
	close(fds[0]);
	ok(setpgid(pid, pid) == 0 && getpgid(pid) == pid,
	   "parent moves its child into a new process group");
	close(fds[1]);
	ok_exit(wait_status(pid), 0, "the child sees its new process group");
}

static void test_credentials(void)
{
	ok(getuid() == 0, "getuid is 0");
	ok(geteuid() == 0, "geteuid is 0");
	ok(getgid() == 0, "getgid is 0");
	ok(getegid() == 0, "getegid is 0");
}

int main(void)
{
	plan(50);
	test_fork_returns();
	test_wait_status();
	test_wait_selection();
	test_orphan();
	test_vfork();
	test_many_forks();
	test_groups();
	test_credentials();
	return done();
}
