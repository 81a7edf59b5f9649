/*
 * epoll - epoll_create/create1, epoll_ctl and epoll_wait/pwait/pwait2: level- and
 * edge-triggered events, EPOLLONESHOT, the ready list's order when the caller's
 * array is short, closing a watched file, nesting and loops, timeouts, signals,
 * wake-ups from another process, and the errors of every call.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* Wait with timeout 0 and describe what came back: "n:data/events,..." */
static const char *events_now(int ep, int max)
{
	static char text[256];
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, 0);
	size_t len = (size_t)snprintf(text, sizeof text, "%d", n);

	for (int i = 0; i < n && len < sizeof text; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%llu/%x", i ? "," : ":",
					(unsigned long long)ev[i].data.u64, ev[i].events);
	return text;
}

static int is(const char *got, const char *want, const char *what)
{
	int cond = strcmp(got, want) == 0;
	ok(cond, "%s: %s", what, want);
	if (!cond)
		diag("  got %s", got);
	return cond;
}

static void errors(void)
{
	int ep = epoll_create1(0), p[2], cl;
	struct epoll_event ev = { .events = EPOLLIN };

	xpipe(p);
	ok_errno(syscall(SYS_epoll_create, 0), EINVAL, "epoll_create(0) fails with EINVAL");
	cl = syscall(SYS_epoll_create, 1);
	ok(cl >= 0 && fcntl(cl, F_GETFD) == 0, "epoll_create(1) works, without close-on-exec");
	close(cl);
	ok_errno(epoll_create1(1), EINVAL, "epoll_create1 with an unknown flag fails with EINVAL");
	cl = epoll_create1(EPOLL_CLOEXEC);
	ok(fcntl(cl, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC sets close-on-exec");
	close(cl);
	ok_errno(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF, "ctl on epfd -1: EBADF");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev), EBADF, "ctl on a closed fd: EBADF");
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	ok_errno(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM, "a directory cannot be watched: EPERM");
	close(dir);
	int null = open("/dev/null", O_RDONLY);
	ok_errno(epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev), EPERM, "nor /dev/null: EPERM");
	close(null);
	ok_errno(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL, "epfd not an epoll: EINVAL");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL, "an epoll watching itself: EINVAL");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT, "ADD with a NULL event: EFAULT");
	ok_errno(epoll_ctl(ep, 7, p[0], &ev), EINVAL, "an unknown op: EINVAL");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT, "MOD of an fd not watched: ENOENT");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT, "DEL of an fd not watched: ENOENT");
	ok(add(ep, p[0], EPOLLIN, 1) == 0, "ADD works");
	ok_errno(add(ep, p[0], EPOLLIN, 1), EEXIST, "ADD again: EEXIST");
	ok_errno(mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL, "MOD with EPOLLEXCLUSIVE: EINVAL");
	ok(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], (void *)1) == 0, "DEL ignores the event pointer");
	ok_errno(add(ep, p[0], EPOLLIN | EPOLLONESHOT | EPOLLEXCLUSIVE, 1), EINVAL,
		 "EPOLLEXCLUSIVE with EPOLLONESHOT: EINVAL");
	ok(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1) == 0, "EPOLLEXCLUSIVE is accepted on ADD");
	ok_errno(mod(ep, p[0], EPOLLIN, 1), EINVAL, "an exclusive registration cannot be modified");

	struct epoll_event out[4];
	ok_errno(epoll_wait(ep, out, 0, 0), EINVAL, "epoll_wait with maxevents 0: EINVAL");
	ok_errno(epoll_wait(-1, out, 4, 0), EBADF, "epoll_wait on fd -1: EBADF");
	ok_errno(epoll_wait(p[0], out, 4, 0), EINVAL, "epoll_wait on a pipe: EINVAL");
	ok_errno(epoll_wait(ep, (void *)0xffffffff80000000ul, 4, 0), EFAULT,
		 "epoll_wait into kernel memory: EFAULT");
	struct timespec bad = { 0, -1 };
	ok_errno(syscall(SYS_epoll_pwait2, ep, out, 4, &bad, NULL, 8), EINVAL,
		 "epoll_pwait2 with a bad timespec: EINVAL");
	sigset_t set;
	sigemptyset(&set);
	ok_errno(syscall(SYS_epoll_pwait, ep, out, 4, 0, &set, 4), EINVAL,
		 "epoll_pwait with a sigset size of 4: EINVAL");
	ok(read(ep, out, sizeof out) == -1 && errno == EINVAL, "read from an epoll: EINVAL");
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void level_edge_oneshot(void)
{
	int ep = epoll_create1(0), p[2];
	char buf[16];

	xpipe(p);
	ok(add(ep, p[0], EPOLLIN, 10) == 0 && add(ep, p[1], EPOLLOUT, 11) == 0, "watch both ends");
	is(events_now(ep, 8), "1:11/4", "empty pipe: the write end is ready");
	ok(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0, "stop watching the write end");
	is(events_now(ep, 8), "0", "nothing to read");
	write(p[1], "0123456789", 10);
	is(events_now(ep, 8), "1:10/1", "level-triggered: readable");
	is(events_now(ep, 8), "1:10/1", "and again, while data is left");
	read(p[0], buf, 10);
	is(events_now(ep, 8), "0", "drained: nothing");

	ok(mod(ep, p[0], EPOLLIN | EPOLLET, 12) == 0, "switch to edge-triggered");
	write(p[1], "0123456789", 10);
	is(events_now(ep, 8), "1:12/1", "edge-triggered: the write is an edge");
	is(events_now(ep, 8), "0", "reported once");
	read(p[0], buf, 5);
	is(events_now(ep, 8), "0", "a partial read is no new edge");
	write(p[1], "x", 1);
	is(events_now(ep, 8), "1:12/1", "another write is");
	ok(mod(ep, p[0], EPOLLIN | EPOLLET, 13) == 0, "MOD re-arms an edge");
	is(events_now(ep, 8), "1:13/1", "still-ready data is reported after MOD");

	ok(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 14) == 0, "switch to one-shot");
	is(events_now(ep, 8), "1:14/1", "one-shot: reported");
	is(events_now(ep, 8), "0", "then disarmed, data or not");
	write(p[1], "y", 1);
	is(events_now(ep, 8), "0", "even after a new write");
	ok(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 15) == 0, "MOD re-arms it");
	is(events_now(ep, 8), "1:15/1", "reported again");

	ok(mod(ep, p[0], EPOLLIN | EPOLLRDHUP, 16) == 0, "EPOLLRDHUP is accepted");
	close(p[1]);
	is(events_now(ep, 8), "1:16/11", "writer gone with data left: EPOLLIN | EPOLLHUP");
	read(p[0], buf, sizeof buf);
	is(events_now(ep, 8), "1:16/10", "drained: EPOLLHUP alone");
	close(p[0]);
	close(ep);
}

/* Three ready pipes, read two at a time: the third comes first next time. */
static void order(void)
{
	int ep = epoll_create1(0), p[3][2];

	for (int i = 0; i < 3; i++) {
		xpipe(p[i]);
		write(p[i][1], "z", 1);
		add(ep, p[i][0], EPOLLIN, 20 + i);
	}
	is(events_now(ep, 2), "2:20/1,21/1", "two of three, in the order they became ready");
	is(events_now(ep, 2), "2:22/1,20/1", "the one left out comes first next time");
	is(events_now(ep, 8), "3:21/1,22/1,20/1", "all three, round robin");
	for (int i = 0; i < 3; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	close(ep);
}

/* Registration is on the open file: a dup keeps it alive, the last close ends it. */
static void closing(void)
{
	int ep = epoll_create1(0), p[2];

	xpipe(p);
	add(ep, p[0], EPOLLIN, 30);
	write(p[1], "a", 1);
	int copy = dup(p[0]);
	close(p[0]);
	is(events_now(ep, 8), "1:30/1", "closing one of two descriptors keeps the registration");
	ok_errno(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF, "but DEL by the closed fd: EBADF");
	close(copy);
	is(events_now(ep, 8), "0", "closing the last one removes it");
	ok(add(ep, p[1], EPOLLOUT, 31) == 0, "the other end can still be added");
	is(events_now(ep, 8), "1:31/c", "its reader gone: EPOLLOUT | EPOLLERR");
	close(p[1]);
	is(events_now(ep, 8), "0", "and removed by its close too");

	/* Closing the epoll with files watched frees it; the files live on. */
	int e = eventfd(1, 0);
	add(ep, e, EPOLLIN, 32);
	close(ep);
	uint64_t v;
	ok(read(e, &v, 8) == 8 && v == 1, "an eventfd outlives the epoll that watched it");
	close(e);
}

static void nesting(void)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), e = eventfd(0, EFD_NONBLOCK);

	add(inner, e, EPOLLIN, 40);
	ok(add(outer, inner, EPOLLIN, 41) == 0, "an epoll can watch an epoll");
	ok_errno(add(inner, outer, EPOLLIN, 42), ELOOP, "the reverse would be a loop: ELOOP");
	is(events_now(outer, 8), "0", "nothing yet");
	struct pollfd pf = { outer, POLLIN, 0 };
	ok(poll(&pf, 1, 0) == 0, "poll on the outer epoll: not readable");
	uint64_t one = 1;
	write(e, &one, 8);
	ok(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "an event inside makes it readable");
	is(events_now(outer, 8), "1:41/1", "the outer reports the inner epoll");
	is(events_now(inner, 8), "1:40/1", "the inner reports the eventfd");
	read(e, &one, 8);
	is(events_now(outer, 8), "0", "consumed: neither is ready");

	/* A chain of epolls, each watching the one before: Linux refuses to nest
	 * them past a depth (EP_MAX_NESTS) with ELOOP. */
	int chain[12], i;
	chain[0] = epoll_create1(0);
	for (i = 1; i < 12; i++) {
		chain[i] = epoll_create1(0);
		if (add(chain[i], chain[i - 1], EPOLLIN, 50 + i) < 0)
			break;
	}
	ok(i < 12 && errno == ELOOP, "a chain of epolls ends with ELOOP at the %dth", i);
	for (int j = 0; j <= i && j < 12; j++)
		close(chain[j]);
	/* The same chain built from the top down: each new epoll goes below. */
	chain[0] = epoll_create1(0);
	for (i = 1; i < 12; i++) {
		chain[i] = epoll_create1(0);
		if (add(chain[i - 1], chain[i], EPOLLIN, 60 + i) < 0)
			break;
	}
	ok(i < 12 && errno == ELOOP, "built downwards it ends with ELOOP at the %dth", i);
	for (int j = 0; j <= i && j < 12; j++)
		close(chain[j]);
	close(e);
	close(inner);
	close(outer);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void waiting(void)
{
	int ep = epoll_create1(0), e = eventfd(0, 0);
	struct epoll_event out[2];

	add(ep, e, EPOLLIN, 60);
	long long t0 = mono_ns();
	int n = epoll_wait(ep, out, 2, 100);
	long long ms = (mono_ns() - t0) / 1000000;
	ok(n == 0 && ms >= 90, "epoll_wait times out after 100 ms");
	if (ms < 90)
		diag("  waited %lld ms", ms);
	struct timespec ts = { 0, 50000000 };
	t0 = mono_ns();
	n = syscall(SYS_epoll_pwait2, ep, out, 2, &ts, NULL, 8);
	ms = (mono_ns() - t0) / 1000000;
	ok(n == 0 && ms >= 45, "epoll_pwait2 times out after 50 ms");

	pid_t pid = xfork();
	if (pid == 0) {
		sleep_ms(50);
		uint64_t v = 3;
		_exit(write(e, &v, 8) == 8 ? 0 : 1);
	}
	n = epoll_wait(ep, out, 2, -1);
	ok(n == 1 && out[0].data.u64 == 60, "a write in another process wakes epoll_wait");
	wait_status(pid);

	/* A signal ends the wait with EINTR even with SA_RESTART; epoll_pwait's mask
	 * lets in a signal the process blocks, and comes back afterwards. */
	uint64_t v;
	read(e, &v, 8);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t block, empty, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = xfork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	n = epoll_pwait(ep, out, 2, 5000, &empty);
	ok(n == -1 && errno == EINTR && got_usr1 == 1,
	   "epoll_pwait: a signal its mask lets in ends it with EINTR (SA_RESTART or not)");
	sigprocmask(SIG_BLOCK, NULL, &now);
	ok(sigismember(&now, SIGUSR1), "the process's own mask is back afterwards");
	wait_status(pid);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(e);
	close(ep);
}

int main(void)
{
	plan(76);
	errors();
	level_edge_oneshot();
	order();
	closing();
	nesting();
	waiting();
	return done();
}
