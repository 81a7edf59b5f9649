/*
 * unix_stream - AF_UNIX stream sockets: socketpair, a server and a client through
 * fork (bind to a path and an abstract name, listen, connect, accept4), names,
 * credentials, non-blocking accept and connect with a full backlog, shutdown,
 * EOF, EPIPE and SIGPIPE (and MSG_NOSIGNAL), ECONNRESET, poll and epoll.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <poll.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#define PATH "/tmp/unix_stream.sock"

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void pair(void)
{
	int sv[2];
	char buf[64];
	struct stat st;

	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	ok(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat: a socket");
	ok(write(sv[0], "hello", 5) == 5 && send(sv[0], " world", 6, 0) == 6, "write and send");
	ok(read(sv[1], buf, sizeof buf) == 11 && !memcmp(buf, "hello world", 11),
	   "a stream read runs across writes");
	ok(revents(sv[0]) == POLLOUT, "poll: writable, nothing to read");
	ok(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	   "recv MSG_DONTWAIT on nothing: EAGAIN");
	write(sv[1], "abcdef", 6);
	ok(recv(sv[0], buf, 3, MSG_PEEK) == 3 && !memcmp(buf, "abc", 3), "MSG_PEEK looks");
	ok(recv(sv[0], buf, 4, 0) == 4 && !memcmp(buf, "abcd", 4), "and leaves the bytes");
	ok(revents(sv[0]) == (POLLIN | POLLOUT), "poll: readable and writable");

	ok(shutdown(sv[1], SHUT_WR) == 0, "shutdown(SHUT_WR)");
	ok(revents(sv[0]) == (POLLIN | POLLOUT | POLLRDHUP), "the peer sees POLLRDHUP");
	ok(read(sv[0], buf, sizeof buf) == 2, "reads what is left");
	ok(read(sv[0], buf, sizeof buf) == 0, "then EOF");
	signal(SIGPIPE, SIG_IGN);
	ok_errno(write(sv[1], "x", 1), EPIPE, "writing after SHUT_WR: EPIPE");
	ok(write(sv[0], "back", 4) == 4, "the other direction still works");
	ok(read(sv[1], buf, sizeof buf) == 4, "and is read");
	ok_errno(shutdown(sv[0], 7), EINVAL, "shutdown with a bad how: EINVAL");
	close(sv[0]);
	ok(revents(sv[1]) == (POLLIN | POLLOUT | POLLHUP | POLLRDHUP), "peer closed: HUP, RDHUP, IN");
	ok(read(sv[1], buf, sizeof buf) == 0, "reads EOF");
	close(sv[1]);

	/* SIGPIPE by default, unless MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_DFL);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	ok_errno(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "MSG_NOSIGNAL: EPIPE, no signal");
	pid_t pid = xfork();
	if (pid == 0) {
		write(sv[0], "x", 1);
		_exit(0);
	}
	ok_killed(wait_status(pid), SIGPIPE, "a write to a closed peer raises SIGPIPE");
	close(sv[0]);

	/* Unread data left at close resets the peer. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "unread", 6);
	write(sv[1], "pending", 7);
	close(sv[1]);
	ok(read(sv[0], buf, sizeof buf) == 7, "data sent before the close is still read");
	ok_errno(read(sv[0], buf, sizeof buf), ECONNRESET, "then ECONNRESET (the peer left data unread)");
	ok(read(sv[0], buf, sizeof buf) == 0, "once; then EOF");
	close(sv[0]);
}

/* Fill a non-blocking socket until EAGAIN; the reader's read makes room again. */
static void full(void)
{
	int sv[2];
	static char chunk[4096];
	long total = 0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	ok(fcntl(sv[0], F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK sets O_NONBLOCK");
	for (;;) {
		long n = write(sv[0], chunk, sizeof chunk);
		if (n < 0)
			break;
		total += n;
	}
	ok(errno == EAGAIN && total > 0, "a full socket gives EAGAIN");
	ok(!(revents(sv[0]) & POLLOUT), "and is not writable");
	long got = 0;
	while (got < total) {
		long n = read(sv[1], chunk, sizeof chunk);
		if (n <= 0)
			break;
		got += n;
	}
	ok(got == total, "every byte written is read");
	ok(revents(sv[0]) & POLLOUT, "writable again");
	close(sv[0]);
	close(sv[1]);
}

static void names(void)
{
	struct sockaddr_un a, got;
	socklen_t len = path_addr(&a, PATH), glen = sizeof got;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct stat st;

	unlink(PATH);
	ok(fcntl(s, F_GETFD) == FD_CLOEXEC, "SOCK_CLOEXEC");
	ok(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == 2 &&
	   got.sun_family == AF_UNIX, "unbound: getsockname gives the family alone");
	ok_errno(getpeername(s, (struct sockaddr *)&got, &glen), ENOTCONN, "getpeername: ENOTCONN");
	ok(revents(s) == (POLLOUT | POLLHUP), "poll on a fresh stream socket: OUT and HUP");
	ok_errno(listen(s, 5), EINVAL, "listen before bind: EINVAL");
	ok(bind(s, (struct sockaddr *)&a, sizeof a) == 0, "bind to a path");
	ok(stat(PATH, &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket inode");
	glen = sizeof got;
	ok(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
	   !strcmp(got.sun_path, PATH), "getsockname: the path, length up to its NUL");
	ok_errno(open(PATH, O_RDONLY), ENXIO, "open() of a socket: ENXIO");
	int t = socket(AF_UNIX, SOCK_STREAM, 0);
	ok_errno(bind(t, (struct sockaddr *)&a, len), EADDRINUSE, "the path again: EADDRINUSE");
	struct sockaddr_un b;
	ok_errno(bind(s, (struct sockaddr *)&b, path_addr(&b, "/tmp/unix_stream.2")), EINVAL,
		 "binding a bound socket: EINVAL");
	ok_errno(access("/tmp/unix_stream.2", F_OK), ENOENT, "and leaves no file");
	ok_errno(connect(t, (struct sockaddr *)&a, len), ECONNREFUSED,
		 "connect to a socket not listening: ECONNREFUSED");
	ok_errno(connect(t, (struct sockaddr *)&b, path_addr(&b, "/tmp/nonexistent.sock")), ENOENT,
		 "connect to no file: ENOENT");
	ok_errno(connect(t, (struct sockaddr *)&b, path_addr(&b, "/etc/passwd")), ECONNREFUSED,
		 "connect to a file that is no socket: ECONNREFUSED");
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	ok(listen(s, 1) == 0, "listen");
	ok_errno(connect(d, (struct sockaddr *)&a, len), EPROTOTYPE,
		 "a datagram socket connecting to a stream one: EPROTOTYPE");
	close(d);
	close(t);
	close(s);
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	ok_errno(connect(t, (struct sockaddr *)&a, len), ECONNREFUSED,
		 "after the listener's close: ECONNREFUSED");
	close(t);
	unlink(PATH);

	/* Abstract names: no file; same name, same type: EADDRINUSE. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	len = abstract_addr(&a, "calf-test");
	ok(bind(s, (struct sockaddr *)&a, len) == 0, "bind to an abstract name");
	glen = sizeof got;
	ok(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
	   !memcmp(&got, &a, len), "getsockname gives it back, NUL first");
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	ok_errno(bind(t, (struct sockaddr *)&a, len), EADDRINUSE, "abstract name taken: EADDRINUSE");
	close(s);
	ok(bind(t, (struct sockaddr *)&a, len) == 0, "free again after close");
	close(t);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ok(bind(s, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path)) == 0,
	   "bind with the family alone: autobind");
	glen = sizeof got;
	ok(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == 8 && got.sun_path[0] == 0,
	   "an abstract name of five characters");
	close(s);
}

/* A server in the parent, clients in children. */
static void server(void)
{
	struct sockaddr_un a, peer;
	socklen_t len = path_addr(&a, PATH), plen = sizeof peer;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[64];

	unlink(PATH);
	bind(s, (struct sockaddr *)&a, len);
	listen(s, 0);
	fcntl(s, F_SETFL, O_NONBLOCK);
	ok_errno(accept(s, NULL, NULL), EAGAIN, "non-blocking accept with none waiting: EAGAIN");
	ok(revents(s) == 0, "a listener with none waiting: not readable");
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);

	pid_t pid = xfork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, len) < 0)
			_exit(1);
		struct ucred cred;
		socklen_t clen = sizeof cred;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.pid != getppid())
			_exit(2);
		if (write(c, "ping", 4) != 4)
			_exit(3);
		if (read(c, buf, sizeof buf) != 4 || memcmp(buf, "pong", 4))
			_exit(4);
		_exit(read(c, buf, sizeof buf) == 0 ? 0 : 5);
	}
	ok(epoll_wait(ep, &out, 1, 5000) == 1 && out.data.u32 == 7,
	   "epoll: the listener is readable when a client connects");
	int c = accept4(s, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	ok(c >= 0 && plen == 2, "accept4: the client is unbound (family alone)");
	ok(fcntl(c, F_GETFD) == FD_CLOEXEC && !(fcntl(c, F_GETFL) & O_NONBLOCK),
	   "accept4's flags, not the listener's O_NONBLOCK");
	struct ucred cred;
	socklen_t clen = sizeof cred;
	ok(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid == pid &&
	   cred.uid == getuid() && clen == sizeof cred, "SO_PEERCRED: the client's pid and uid");
	struct sockaddr_un mine;
	socklen_t mlen = sizeof mine;
	ok(getsockname(c, (struct sockaddr *)&mine, &mlen) == 0 && mlen == len &&
	   !strcmp(mine.sun_path, PATH), "the accepted socket's name is the listener's");
	ok(read(c, buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4), "the server reads ping");
	ok(write(c, "pong", 4) == 4, "and answers");
	close(c);
	ok_exit(wait_status(pid), 0, "the client read pong, then EOF");

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ok_errno(connect(sv[0], (struct sockaddr *)&a, len), EISCONN, "connecting a connected socket: EISCONN");
	close(sv[0]);
	close(sv[1]);

	/* Backlog 0 admits one waiting connection; the next gets EAGAIN, even for a
	 * socket already connected (the backlog is checked first). */
	int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ok(connect(c1, (struct sockaddr *)&a, len) == 0, "non-blocking connect completes at once");
	ok_errno(connect(c2, (struct sockaddr *)&a, len), EAGAIN, "a full backlog: EAGAIN");
	ok_errno(connect(c1, (struct sockaddr *)&a, len), EAGAIN, "connecting again then: EAGAIN");
	ok(write(c1, "early", 5) == 5, "a client may write before it is accepted");
	c = accept(s, NULL, NULL);
	ok(c >= 0 && read(c, buf, sizeof buf) == 5, "the data waits for the accept");
	ok(connect(c2, (struct sockaddr *)&a, len) == 0, "room again after the accept");
	close(s);
	ok_errno(read(c2, buf, sizeof buf), ECONNRESET, "closing the listener resets a waiting client");
	close(c1);
	close(c2);
	close(c);
	close(ep);
	unlink(PATH);
}

/*
 * MSG_PEEK with MSG_WAITALL: the bytes there, once each, however large the
 * buffer (not the same bytes again until it is full), and at once: Linux's peek
 * ends at the end of the queue once it has something. With nothing there it
 * waits, and gets what comes.
 */
static void on_alarm(int sig)
{
	(void)sig;
}

static void peek_waitall(void)
{
	static char buf[1 << 20];
	struct sigaction sa = { .sa_handler = on_alarm };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		bail("socketpair failed: %s", strerror(errno));
	if (write(sv[0], "0123456789", 10) != 10)
		bail("write failed: %s", strerror(errno));
	ok(recv(sv[1], buf, sizeof buf, MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT) == 10 &&
	   !memcmp(buf, "0123456789", 10), "MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT: the 10 bytes there, once");
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);	/* should it wait after all */
	ok(recv(sv[1], buf, sizeof buf, MSG_PEEK | MSG_WAITALL) == 10,
	   "MSG_PEEK | MSG_WAITALL returns the 10 bytes there without waiting for more");
	alarm(0);
	ok(recv(sv[1], buf, sizeof buf, 0) == 10, "and they are still there to read");
	pid_t child = xfork();
	if (child == 0) {
		sleep_ms(100);
		_exit(write(sv[0], "abcdefghij", 10) == 10 ? 0 : 1);
	}
	long n = recv(sv[1], buf, 20, MSG_PEEK | MSG_WAITALL);
	wait_status(child);
	ok(n == 10 && !memcmp(buf, "abcdefghij", 10),
	   "a peek of an empty queue waits, and gets what comes");
	close(sv[0]);
	close(sv[1]);
}

/*
 * A send of no bytes sends nothing, not even the descriptors it carries (Linux's
 * stream sendmsg loops while bytes remain): the next receive gets the next
 * bytes, not an empty read that looks like end of file.
 */
static void send_nothing(void)
{
	char buf[64], cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { buf, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof cbuf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int sv[2], fd = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		bail("socketpair failed: %s", strerror(errno));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	ok(sendmsg(sv[0], &mh, 0) == 0 && send(sv[0], buf, 0, 0) == 0,
	   "sendmsg of no bytes with a descriptor, and send of none: 0");
	if (write(sv[0], "ab", 2) != 2)
		bail("write failed: %s", strerror(errno));
	struct msghdr rh = { .msg_iov = &(struct iovec){ buf, sizeof buf }, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	ok(recvmsg(sv[1], &rh, MSG_DONTWAIT) == 2 && rh.msg_controllen == 0,
	   "the receiver gets the 2 bytes after them, and no descriptor");
	errno = 0;
	ok(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	   "then nothing: EAGAIN");
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	plan(78);
	pair();
	full();
	names();
	server();
	peek_waitall();
	send_nothing();
	return done();
}
