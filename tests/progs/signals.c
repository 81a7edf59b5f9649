/*
 * signals - dispositions, delivery, masks, siginfo, what fork and exec do to
 * signal state, default actions, interrupted system calls, job control stops.
 *
 * One handler records every delivery in counters; tests clear them, provoke
 * signals and look at what was recorded.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

static const char *self;

static volatile sig_atomic_t count[65];
static volatile sig_atomic_t last_sig, last_code, last_pid, last_status;
static volatile sig_atomic_t blocked_inside;	/* was the signal blocked in its handler? */

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sigset_t now;
	count[sig]++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	last_status = si->si_status;
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_inside = sigismember(&now, sig);
	/* Clobber registers the interrupted code may be using; the kernel must restore them. */
	__asm__ volatile("pxor %%xmm8, %%xmm8\n\txor %%r8d, %%r8d" ::: "xmm8", "r8");
}

static void clear_counts(void)
{
	for (int i = 0; i < 65; i++)
		count[i] = 0;
	last_sig = last_code = last_pid = last_status = blocked_inside = 0;
}

static int install(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

static void set_handler(int sig, void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int is_blocked(int sig)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, sig);
}

static void change_mask(int how, int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(how, &set, NULL);
}

/*
 * kill(getpid(), SIGUSR1) made directly with the syscall instruction, with
 * patterns in r8 and xmm8 around it. The handler zeroes both; after the
 * signal return they must hold the patterns again.
 */
static void kill_self_keeping_registers(uint64_t *r8_out, uint64_t *xmm8_out)
{
	long pid = getpid();	/* before r8 is set: a call may clobber it */
	register uint64_t r8 __asm__("r8") = 0x1122334455667788ULL;
	uint64_t pattern = 0x0123456789abcdefULL, xmm;
	long ret = SYS_kill;
	__asm__ volatile("movq %[pat], %%xmm8\n\t"
			 "syscall\n\t"
			 "movq %%xmm8, %[xmm]"
			 : "+a"(ret), "+r"(r8), [xmm] "=r"(xmm)
			 : [pat] "r"(pattern), "D"(pid), "S"((long)SIGUSR1)
			 : "rcx", "r11", "xmm8", "memory");
	*r8_out = r8;
	*xmm8_out = xmm;
}

static void test_handler(void)
{
	struct sigaction old;

	clear_counts();
	ok(install(SIGUSR1, 0) == 0, "sigaction installs a SIGUSR1 handler");
	ok(kill(getpid(), SIGUSR1) == 0, "kill(getpid(), SIGUSR1) returns 0");
	ok(count[SIGUSR1] == 1, "the handler ran once, before kill returned");
	ok(last_sig == SIGUSR1 && last_code == SI_USER, "handler got SIGUSR1 with si_code SI_USER");
	ok(last_pid == getpid(), "si_pid is the sender's pid");
	ok(blocked_inside, "the signal is blocked while its handler runs");
	ok(!is_blocked(SIGUSR1), "the mask is restored after the handler returns");
	ok(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_sigaction == on_signal &&
	   (old.sa_flags & SA_SIGINFO), "sigaction reports the installed handler");

	uint64_t r8, xmm8;
	clear_counts();
	kill_self_keeping_registers(&r8, &xmm8);
	ok(count[SIGUSR1] == 1 && r8 == 0x1122334455667788ULL,
	   "general registers survive a signal handler");
	ok(count[SIGUSR1] == 1 && xmm8 == 0x0123456789abcdefULL,
	   "SSE registers survive a signal handler");

	clear_counts();
	install(SIGUSR1, SA_RESETHAND);
	kill(getpid(), SIGUSR1);
	ok(count[SIGUSR1] == 1 && sigaction(SIGUSR1, NULL, &old) == 0 &&
	   old.sa_handler == SIG_DFL, "SA_RESETHAND: runs once, then the action is SIG_DFL");
	clear_counts();
	install(SIGUSR1, SA_NODEFER);
	kill(getpid(), SIGUSR1);
	ok(count[SIGUSR1] == 1 && !blocked_inside, "SA_NODEFER: not blocked in its handler");
	set_handler(SIGUSR1, SIG_DFL);
}

static void test_mask(void)
{
	sigset_t pending, all, now;

	clear_counts();
	install(SIGUSR1, 0);
	change_mask(SIG_BLOCK, SIGUSR1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	ok(count[SIGUSR1] == 0, "a blocked signal is not delivered");
	ok(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1), "it shows in sigpending");
	change_mask(SIG_UNBLOCK, SIGUSR1);
	ok(count[SIGUSR1] == 1, "unblocking delivers it once (standard signals do not queue)");
	ok(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1), "it is no longer pending");

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &now);
	sigprocmask(SIG_BLOCK, NULL, &all);
	ok(!sigismember(&all, SIGKILL) && !sigismember(&all, SIGSTOP),
	   "SIGKILL and SIGSTOP cannot be blocked");
	sigprocmask(SIG_SETMASK, &now, NULL);
	ok_errno(sigprocmask(99, &now, NULL), EINVAL, "sigprocmask with a bad how: EINVAL");
	set_handler(SIGUSR1, SIG_DFL);
}

static void test_sigchld(void)
{
	sigset_t old, empty;

	clear_counts();
	install(SIGCHLD, 0);
	/* Blocked until sigsuspend, so it cannot arrive before we wait for it. */
	change_mask(SIG_BLOCK, SIGCHLD);
	sigprocmask(SIG_BLOCK, NULL, &old);
	pid_t pid = xfork();
	if (pid == 0)
		_exit(5);
	sigemptyset(&empty);
	ok_errno(sigsuspend(&empty), EINTR, "sigsuspend returns EINTR after a handler ran");
	ok(count[SIGCHLD] == 1 && last_code == CLD_EXITED && last_status == 5,
	   "SIGCHLD arrives with CLD_EXITED and the exit status");
	ok(last_pid == pid, "SIGCHLD si_pid is the child");
	wait_status(pid);
	change_mask(SIG_UNBLOCK, SIGCHLD);
	set_handler(SIGCHLD, SIG_DFL);
}

static int kill_self_usr2(void *unused)
{
	(void)unused;
	return kill(getpid(), SIGUSR2) == 0 ? 0 : 1;
}

static int write_to_closed_pipe(void *unused)
{
	(void)unused;
	int p[2];
	pipe(p);
	close(p[0]);
	write(p[1], "x", 1);
	return 1;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	_exit(sig == SIGSEGV && si->si_addr == NULL && si->si_code == SEGV_MAPERR ? 0 : 1);
}

static int catch_null_write(void *unused)
{
	(void)unused;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	volatile int *volatile p = NULL;
	*p = 1;
	return 2;
}

static void test_dispositions(void)
{
	pid_t pid = xfork();
	if (pid == 0)
		for (;;)
			pause();
	kill(pid, SIGTERM);
	ok_killed(wait_status(pid), SIGTERM, "SIGTERM's default action kills a child");

	ok_killed(run_child(write_to_closed_pipe, NULL), SIGPIPE,
		  "SIGPIPE's default action kills a writer to a pipe without readers");

	ok(signal(SIGUSR2, SIG_IGN) != SIG_ERR && kill(getpid(), SIGUSR2) == 0,
	   "SIGUSR2 set to SIG_IGN is ignored");
	ok_exit(run_child(kill_self_usr2, NULL), 0, "SIG_IGN is inherited across fork");
	signal(SIGUSR2, SIG_DFL);

	ok_exit(run_child(catch_null_write, NULL), 0,
		"SIGSEGV handler gets si_addr NULL and SEGV_MAPERR for a null write");

	/* kill(-pgid) reaches every process in the group, as a shell's ^C does. */
	pid = xfork();
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);	/* also here, so it is done before the kill either way */
	ok(kill(-pid, SIGTERM) == 0, "kill(-pgid) succeeds");
	ok_killed(wait_status(pid), SIGTERM, "kill(-pgid) kills the process in that group");
}

/* Job control: a stopped child is reported by WUNTRACED, a continued one by WCONTINUED. */
static void test_stop_cont(void)
{
	int st;
	pid_t pid = xfork();
	if (pid == 0)
		for (;;)
			pause();
	kill(pid, SIGSTOP);
	ok(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	   "SIGSTOP: waitpid(WUNTRACED) reports WIFSTOPPED, WSTOPSIG SIGSTOP");
	ok(st == 0x137f, "SIGSTOP: raw status is 0x137f");
	kill(pid, SIGCONT);
	ok(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st) && st == 0xffff,
	   "SIGCONT: waitpid(WCONTINUED) reports WIFCONTINUED (0xffff)");
	kill(pid, SIGKILL);
	ok_killed(wait_status(pid), SIGKILL, "the continued child is then killed");
}

/*
 * Runs in the new image after the parent's child set up signal state and
 * exec'ed us. Returns failure bits; with none, dies by SIGUSR1 to show its
 * default action is back.
 */
static int mode_exec_check(void)
{
	struct sigaction sa;
	int bad = 0;
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_handler != SIG_DFL)
		bad |= 1;
	sigaction(SIGUSR2, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		bad |= 2;
	if (!is_blocked(SIGINT))
		bad |= 4;
	if (bad)
		return bad;
	kill(getpid(), SIGUSR1);
	return 8;
}

static void test_exec(void)
{
	pid_t pid = xfork();
	if (pid == 0) {
		char *argv[] = { "signals", "--exec-check", NULL };
		char *envp[] = { NULL };
		install(SIGUSR1, 0);
		signal(SIGUSR2, SIG_IGN);
		change_mask(SIG_BLOCK, SIGINT);
		execve(self, argv, envp);
		_exit(127);
	}
	int st = wait_status(pid);
	int bad = WIFSIGNALED(st) ? 0 : child_bits(st);
	ok(!(bad & 1), "exec resets a caught signal to SIG_DFL");
	ok(!(bad & 2), "exec keeps SIG_IGN");
	ok(!(bad & 4), "exec keeps the blocked mask");
	ok_killed(st, SIGUSR1, "after exec SIGUSR1 has its default action: terminate");
}

/* A child that sends SIGUSR1 to its parent every 10 ms, for at most 5 s. */
static pid_t spawn_pester(int then_write_fd, int times)
{
	pid_t pid = xfork();
	if (pid == 0) {
		for (int i = 0; i < times; i++) {
			sleep_ms(10);
			kill(getppid(), SIGUSR1);
		}
		if (then_write_fd >= 0)
			write(then_write_fd, "d", 1);
		_exit(0);
	}
	return pid;
}

static void test_interrupts(void)
{
	clear_counts();
	install(SIGUSR1, 0);	/* no SA_RESTART */

	/* Signals keep coming, so one arrives while nanosleep is sleeping. */
	pid_t pid = spawn_pester(-1, 500);
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	ok_errno(nanosleep(&req, &rem), EINTR, "nanosleep interrupted by a signal: EINTR");
	ok(rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0),
	   "nanosleep reports the remaining time");
	kill(pid, SIGKILL);
	wait_status(pid);

	int p[2];
	char c = 0;
	xpipe(p);
	pid = spawn_pester(-1, 500);
	ok_errno(read(p[0], &c, 1), EINTR, "blocking read interrupted without SA_RESTART: EINTR");
	kill(pid, SIGKILL);
	wait_status(pid);

	install(SIGUSR1, SA_RESTART);
	clear_counts();
	pid = spawn_pester(p[1], 10);
	ok(read(p[0], &c, 1) == 1 && c == 'd' && count[SIGUSR1] > 0,
	   "blocking read with SA_RESTART survives signals and returns the data");
	wait_status(pid);
	close(p[0]);
	close(p[1]);
	set_handler(SIGUSR1, SIG_DFL);
}

/* A child that sends SIGUSR1 to `target` (a pid, or -pgid) until killed,
 * pausing pause_ms between sends. */
static pid_t spawn_stream(pid_t target, int pause_ms)
{
	pid_t pid = xfork();
	if (pid == 0) {
		for (;;) {
			kill(target, SIGUSR1);
			if (pause_ms)
				sleep_ms(pause_ms);
		}
	}
	return pid;
}

/* FORKS forks, each child exiting at once with 3; how many went wrong (fork
 * failing, a child lost or with another status). */
#define FORKS 100
static int forks_gone_wrong(void)
{
	int wrong = 0;

	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(3);
		if (pid < 0) {
			wrong++;
			continue;
		}
		int status;
		pid_t got;
		while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		wrong += got != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 3;
	}
	return wrong;
}

/*
 * fork never fails with EINTR, however many signals come while it works (Linux
 * restarts it, or lets it finish): to the parent alone, or to its whole
 * process group, in which case the children must see them too or not at all.
 * In a process group of its own, so the stream hits nothing else.
 */
static void test_fork_under_signals(void)
{
	int p[2];
	xpipe(p);
	pid_t tester = xfork();
	if (tester == 0) {
		char results[2];
		setpgid(0, 0);
		install(SIGUSR1, 0);	/* no SA_RESTART; the children inherit it */
		/* 4 MiB to copy: each fork takes a while. */
		size_t size = 4 << 20;
		char *memory = malloc(size);
		for (size_t off = 0; off < size; off += 4096)
			memory[off] = 1;
		pid_t stream = spawn_stream(getpid(), 0);
		results[0] = forks_gone_wrong() == 0;
		kill(stream, SIGKILL);
		wait_status(stream);
		stream = spawn_stream(-getpid(), 1);
		results[1] = forks_gone_wrong() == 0;
		kill(stream, SIGKILL);
		wait_status(stream);
		write(p[1], results, sizeof results);
		_exit(0);
	}
	char results[2] = { 0, 0 };
	close(p[1]);
	ok(read(p[0], results, sizeof results) == sizeof results && results[0],
	   "fork beside a stream of signals to the parent: no EINTR, every child reaped");
	ok(results[1], "fork beside a stream of signals to its process group: no EINTR, "
	   "every child reaped");
	close(p[0]);
	wait_status(tester);
}

static void test_timer(void)
{
	sigset_t empty;
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };

	clear_counts();
	install(SIGALRM, 0);
	change_mask(SIG_BLOCK, SIGALRM);
	long long start = mono_ns();
	ok(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer ITIMER_REAL 20 ms");
	sigemptyset(&empty);
	while (count[SIGALRM] == 0)
		sigsuspend(&empty);
	ok(mono_ns() - start >= 20000000LL, "SIGALRM arrives no sooner than 20 ms later");
	change_mask(SIG_UNBLOCK, SIGALRM);
	set_handler(SIGALRM, SIG_DFL);
}

static void test_errors(void)
{
	pid_t gone = xfork();
	if (gone == 0)
		_exit(0);
	wait_status(gone);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;

	ok(kill(getpid(), 0) == 0, "kill with signal 0 checks that a process exists");
	ok_errno(kill(getpid(), 1000), EINVAL, "kill with signal 1000: EINVAL");
	ok_errno(kill(getpid(), -1), EINVAL, "kill with signal -1: EINVAL");
	ok_errno(kill(gone, SIGTERM), ESRCH, "kill of a nonexistent pid: ESRCH");
	ok_errno(kill(gone, 0), ESRCH, "kill with signal 0 of a nonexistent pid: ESRCH");
	ok_errno(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction on SIGKILL: EINVAL");
	ok_errno(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction on SIGSTOP: EINVAL");
	ok_errno(syscall(SYS_rt_sigaction, 65, &sa, NULL, 8), EINVAL,
		 "rt_sigaction on signal 65: EINVAL");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--exec-check") == 0)
		return mode_exec_check();

	self = self_path(argv[0]);
	plan(52);
	test_handler();
	test_mask();
	test_sigchld();
	test_dispositions();
	test_stop_cont();
	test_exec();
	test_interrupts();
	test_fork_under_signals();
	test_timer();
	test_errors();
	return done();
}
