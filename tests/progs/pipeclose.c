/*
 * pipeclose - closing one end of a pipe wakes whoever waits at the other end.
 *
 * A writer blocked on a full pipe wakes when the last reader closes: write()
 * returns what it wrote before (a short count), or fails with EPIPE if that was
 * nothing; SIGPIPE is sent either way (Linux's pipe_write), so with the default
 * action the writer dies of it. A reader blocked on an empty pipe wakes with end of
 * file when the last writer closes. poll() and select() waiting at either end wake
 * too.
 *
 * How much a blocked writer wrote depends on timing (how far it refilled the pipe
 * before the close), so only its bounds are checked: at least the bytes the
 * reader took, at most those plus the pipe's 64 KiB. Children give up through
 * alarm() rather than hang, so a missed wake-up is a failure, not a stuck test.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <poll.h>
#include <sys/select.h>

#define BIG	(1 << 20)	/* the blocked write: far more than the pipe holds */
#define TAKEN	100000		/* what the reader takes before it closes */
#define CAPACITY 65536		/* a pipe's default size, on Linux and on calf */
#define PATIENCE 10		/* seconds a child waits before alarm() kills it */

static char big[BIG];

/* What a writing child saw, sent to the parent through a pipe. */
struct report {
	long first, second;	/* what the 1 MiB write and a following write returned */
	int first_errno, second_errno;
	int handled;		/* SIGPIPE handler runs after the first write */
	int pending;		/* SIGPIPE pending after the first write (blocked case) */
};

static volatile sig_atomic_t handled;

static void on_sigpipe(int sig)
{
	(void)sig;
	handled++;
}

enum sigpipe_setup { SIGPIPE_DEFAULT, SIGPIPE_IGNORED, SIGPIPE_BLOCKED, SIGPIPE_HANDLED };

static void setup_sigpipe(enum sigpipe_setup how)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = how == SIGPIPE_IGNORED ? SIG_IGN :
			how == SIGPIPE_HANDLED ? on_sigpipe : SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	if (how == SIGPIPE_BLOCKED) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
}

/*
 * The writing child: optionally fill the pipe first (so the big write blocks
 * before writing anything), tell the parent it is about to write, write 1 MiB,
 * then write once more, and report.
 */
static void writer(int fd, int sync, int result, enum sigpipe_setup how, int prefill)
{
	struct report r;
	sigset_t pending;

	alarm(PATIENCE);
	setup_sigpipe(how);
	if (prefill && write(fd, big, CAPACITY) != CAPACITY)
		_exit(3);
	if (write(sync, "x", 1) != 1)
		_exit(3);
	memset(&r, 0, sizeof r);
	errno = 0;
	r.first = write(fd, big, BIG);
	r.first_errno = errno;
	r.handled = handled;
	sigpending(&pending);
	r.pending = sigismember(&pending, SIGPIPE);
	errno = 0;
	r.second = write(fd, big, 1);
	r.second_errno = errno;
	if (write(result, &r, sizeof r) != sizeof r)
		_exit(3);
	_exit(0);
}

/*
 * Start a writer on a fresh pipe, read `take` bytes (0: none) once it is writing,
 * give it time to block on the full pipe, close the read end. Returns the
 * writer's wait status; *r gets its report (zeroed if it sent none).
 */
static int close_under_writer(enum sigpipe_setup how, int prefill, size_t take,
			      struct report *r)
{
	static char sink[TAKEN];
	int data[2], sync[2], result[2];
	char c;

	xpipe(data);
	xpipe(sync);
	xpipe(result);
	pid_t pid = xfork();
	if (pid == 0) {
		close(data[0]);
		close(sync[0]);
		close(result[0]);
		writer(data[1], sync[1], result[1], how, prefill);
	}
	close(data[1]);
	close(sync[1]);
	close(result[1]);
	if (read_full(sync[0], &c, 1) != 1)
		diag("  the writer did not start");
	if (take && read_full(data[0], sink, take) != take)
		diag("  could not read %zu bytes", take);
	sleep_ms(50);	/* let it fill the pipe again and sleep */
	close(data[0]);
	memset(r, 0, sizeof *r);
	if (read_full(result[0], r, sizeof *r) != sizeof *r)
		memset(r, 0, sizeof *r);
	close(sync[0]);
	close(result[0]);
	return wait_status(pid);
}

/* Was the short count within what a reader that took `take` bytes allows? */
static int short_count_ok(const struct report *r, size_t take)
{
	int good = r->first >= (long)take && r->first <= (long)(take + CAPACITY) && r->first < BIG;

	if (!good)
		diag("  write returned %ld (errno %d); want %zu..%zu", r->first, r->first_errno,
		     take, take + CAPACITY);
	return good;
}

static void test_writer_blocked(void)
{
	struct report r;
	int st;

	st = close_under_writer(SIGPIPE_DEFAULT, 0, TAKEN, &r);
	ok_killed(st, SIGPIPE, "SIGPIPE default: a writer blocked on a full pipe dies of SIGPIPE "
		  "when the reader closes");

	st = close_under_writer(SIGPIPE_IGNORED, 0, TAKEN, &r);
	ok_exit(st, 0, "SIGPIPE ignored: the blocked writer wakes and exits");
	ok(short_count_ok(&r, TAKEN), "SIGPIPE ignored: write returns the short count it wrote");
	ok(r.second == -1 && r.second_errno == EPIPE,
	   "SIGPIPE ignored: the next write fails with EPIPE");

	st = close_under_writer(SIGPIPE_BLOCKED, 0, TAKEN, &r);
	ok_exit(st, 0, "SIGPIPE blocked: the blocked writer wakes and exits");
	ok(short_count_ok(&r, TAKEN), "SIGPIPE blocked: write returns the short count it wrote");
	ok(r.pending, "SIGPIPE blocked: SIGPIPE was sent with the short count and is pending");
	ok(r.second == -1 && r.second_errno == EPIPE,
	   "SIGPIPE blocked: the next write fails with EPIPE");

	st = close_under_writer(SIGPIPE_HANDLED, 0, TAKEN, &r);
	ok_exit(st, 0, "SIGPIPE handled: the blocked writer wakes and exits");
	ok(short_count_ok(&r, TAKEN), "SIGPIPE handled: write returns the short count, not EINTR");
	ok(r.handled == 1, "SIGPIPE handled: the handler ran once, after the short write");
	ok(r.second == -1 && r.second_errno == EPIPE,
	   "SIGPIPE handled: the next write fails with EPIPE");

	/* A full pipe before the big write starts: it writes nothing before the close. */
	st = close_under_writer(SIGPIPE_IGNORED, 1, 0, &r);
	ok_exit(st, 0, "nothing written yet: the blocked writer wakes and exits");
	ok(r.first == -1 && r.first_errno == EPIPE,
	   "nothing written yet: write fails with EPIPE");
	if (r.first != -1 || r.first_errno != EPIPE)
		diag("  write returned %ld, errno %d", r.first, r.first_errno);

	st = close_under_writer(SIGPIPE_DEFAULT, 1, 0, &r);
	ok_killed(st, SIGPIPE, "nothing written yet, SIGPIPE default: the writer dies of SIGPIPE");
}

/*
 * A reader blocked on an empty pipe: data from any writer wakes it, the close of
 * one of two writers does not end the file, the close of the last one does.
 * The child exits with 0 when it saw exactly that.
 */
static int reader_child(int fd)
{
	char buf[8];

	alarm(PATIENCE);
	if (read(fd, buf, sizeof buf) != 1 || buf[0] != 'y')
		return 1;
	if (read(fd, buf, sizeof buf) != 0)
		return 2;
	return 0;
}

static void test_reader_blocked(void)
{
	int data[2];

	xpipe(data);
	pid_t pid = xfork();
	if (pid == 0) {
		close(data[1]);
		_exit(reader_child(data[0]));
	}
	close(data[0]);
	int other = dup(data[1]);
	sleep_ms(50);
	close(data[1]);		/* one writer left: no end of file yet */
	sleep_ms(50);
	if (write(other, "y", 1) != 1)
		diag("  write to the reader failed: errno %d", errno);
	sleep_ms(50);
	close(other);
	ok_exit(wait_status(pid), 0, "a blocked reader gets data, then 0 when the last writer "
		"closes (not when the first of two does)");
}

/* Fill a pipe's write end without blocking; 0 when it is full. */
static int fill(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	static char page[4096];

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (write(fd, page, sizeof page) > 0)
		;
	int full = errno == EAGAIN;
	fcntl(fd, F_SETFL, flags);
	return full ? 0 : -1;
}

/* How the waiting child waits for its end of the pipe. */
enum waiter { BY_POLL_OUT, BY_POLL_IN, BY_SELECT_OUT, BY_SELECT_IN };

/* Wait on fd; exit status: poll's revents, or for select 1 if the fd was set. */
static int wait_child(int fd, enum waiter how, int sync)
{
	struct pollfd p = { fd, how == BY_POLL_OUT ? POLLOUT : POLLIN, 0 };
	fd_set set;

	alarm(PATIENCE);
	signal(SIGPIPE, SIG_IGN);
	if ((how == BY_POLL_OUT || how == BY_SELECT_OUT) && fill(fd) < 0)
		return 100;
	if (write(sync, "x", 1) != 1)
		return 101;
	if (how == BY_POLL_OUT || how == BY_POLL_IN)
		return poll(&p, 1, -1) == 1 ? p.revents : 102;
	FD_ZERO(&set);
	FD_SET(fd, &set);
	int n = how == BY_SELECT_OUT ? select(fd + 1, NULL, &set, NULL, NULL) :
				    select(fd + 1, &set, NULL, NULL, NULL);
	return n == 1 && FD_ISSET(fd, &set) ? 1 : 103;
}

/* The child waits at one end; the parent closes the other. Returns its status. */
static int close_under_waiter(enum waiter how)
{
	int data[2], sync[2];
	int writes = how == BY_POLL_OUT || how == BY_SELECT_OUT;
	char c;

	xpipe(data);
	xpipe(sync);
	pid_t pid = xfork();
	if (pid == 0) {
		close(data[writes ? 0 : 1]);
		close(sync[0]);
		_exit(wait_child(data[writes ? 1 : 0], how, sync[1]));
	}
	close(data[writes ? 1 : 0]);
	close(sync[1]);
	if (read_full(sync[0], &c, 1) != 1)
		diag("  the waiting child did not start");
	sleep_ms(50);	/* let it sleep in poll or select */
	close(data[writes ? 0 : 1]);
	close(sync[0]);
	return wait_status(pid);
}

static void test_pollers(void)
{
	ok_exit(close_under_waiter(BY_POLL_OUT), POLLERR,
		"poll for POLLOUT on a full pipe wakes with POLLERR when the reader closes");
	ok_exit(close_under_waiter(BY_POLL_IN), POLLHUP,
		"poll for POLLIN on an empty pipe wakes with POLLHUP when the writer closes");
	ok_exit(close_under_waiter(BY_SELECT_OUT), 1,
		"select for writing on a full pipe wakes, fd set, when the reader closes");
	ok_exit(close_under_waiter(BY_SELECT_IN), 1,
		"select for reading on an empty pipe wakes, fd set, when the writer closes");
}

int main(void)
{
	plan(20);
	test_writer_blocked();
	test_reader_blocked();
	test_pollers();
	return done();
}
