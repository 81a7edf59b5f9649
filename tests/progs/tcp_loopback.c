/*
 * tcp_loopback - TCP over the loopback interface, IPv4 and IPv6: bringing lo up,
 * socket options, bind (ports, addresses, SO_REUSEADDR, IPV6_V6ONLY), listen,
 * connect (blocking and not, refused), accept4 with the peer's address, data both
 * ways, shutdown, close (EOF, EPIPE and SIGPIPE, ECONNRESET), poll and epoll, and
 * a client and a server in two processes. Ephemeral ports are random on Linux: the
 * test prints only whether they are in range and of the parity Linux prefers.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define PORT_BASE 20400		/* below the ephemeral range: no collision with it */

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int ok_events(int fd, short want, const char *what)
{
	short got = revents(fd);
	if (!ok(got == want, "poll: %s", what))
		diag("  got %#x, want %#x", got, want);
	return got == want;
}

static struct sockaddr_in v4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static struct sockaddr_in6 v6(const char *ip, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

#define SA(a) ((struct sockaddr *)&(a))

/*
 * Linux delivers loopback segments in a softirq, which a loaded machine defers
 * to ksoftirqd: what one end did may reach the other a moment later. Before
 * looking at what the other end sees, wait (up to two seconds) for it to arrive.
 * calf delivers at once, so these return at once there.
 */
static void settle(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	poll(&p, 1, 2000);
}

/* Until n bytes are queued on fd to be read. */
static void settle_bytes(int fd, int n)
{
	for (int i = 0, queued = 0; i < 2000; i++) {
		if (ioctl(fd, FIONREAD, &queued) < 0 || queued >= n)
			return;
		usleep(1000);
	}
}

/* Until fd's connection is closed both ways (getpeername says ENOTCONN). */
static void settle_closed(int fd)
{
	struct sockaddr_in6 a;
	for (int i = 0; i < 2000; i++) {
		socklen_t len = sizeof a;
		if (getpeername(fd, SA(a), &len) < 0)
			return;
		usleep(1000);
	}
}

static int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof v;
	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -errno - 100000;
	return v;
}

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof v);
}

/* A listener on ip:port (SO_REUSEADDR, as servers do: Linux keeps TIME_WAIT). */
static int listener4(const char *ip, int port)
{
	struct sockaddr_in a = v4(ip, port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
	if (bind(s, SA(a), sizeof a) < 0 || listen(s, 16) < 0)
		bail("listener on %s:%d: errno %d", ip, port, errno);
	return s;
}

static int connect4(const char *ip, int port)
{
	struct sockaddr_in a = v4(ip, port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, SA(a), sizeof a) < 0)
		bail("connect to %s:%d: errno %d", ip, port, errno);
	return c;
}

static int ephemeral(int port, int parity)
{
	return port >= 32768 && port <= 60999 && port % 2 == parity;
}

static void lo_up(void)
{
	struct ifreq req;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&req, 0, sizeof req);
	strcpy(req.ifr_name, "lo");
	ok(ioctl(s, SIOCGIFFLAGS, &req) == 0 && (req.ifr_flags & IFF_LOOPBACK),
	   "SIOCGIFFLAGS on lo: a loopback interface");
	req.ifr_flags |= IFF_UP;
	ok(ioctl(s, SIOCSIFFLAGS, &req) == 0, "SIOCSIFFLAGS: bring it up");
	ok(ioctl(s, SIOCGIFFLAGS, &req) == 0 &&
	   req.ifr_flags == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING), "now UP, LOOPBACK, RUNNING");
	strcpy(req.ifr_name, "eth7");
	ok_errno(ioctl(s, SIOCGIFFLAGS, &req), ENODEV, "no such interface: ENODEV");
	close(s);
}

static void basics(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), t = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 got;
	socklen_t len = sizeof got;
	char buf[8];

	ok(s >= 0 && t >= 0 && fcntl(s, F_GETFD) == FD_CLOEXEC, "socket AF_INET and AF_INET6");
	ok(getint(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM && getint(s, SOL_SOCKET, SO_DOMAIN) == AF_INET
	   && getint(t, SOL_SOCKET, SO_DOMAIN) == AF_INET6, "SO_TYPE, SO_DOMAIN");
	ok(getint(s, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP, "SO_PROTOCOL: TCP, though 0 was asked");
	ok(getint(s, SOL_SOCKET, SO_SNDBUF) == 16384 && getint(s, SOL_SOCKET, SO_RCVBUF) == 131072,
	   "buffers: tcp_wmem and tcp_rmem defaults");
	setint(s, SOL_SOCKET, SO_SNDBUF, 10000);
	ok(getint(s, SOL_SOCKET, SO_SNDBUF) == 20000, "SO_SNDBUF is doubled");
	ok(getint(s, IPPROTO_TCP, TCP_NODELAY) == 0 && setint(s, IPPROTO_TCP, TCP_NODELAY, 1) == 0 &&
	   getint(s, IPPROTO_TCP, TCP_NODELAY) == 1, "TCP_NODELAY");
	ok(getint(s, IPPROTO_TCP, TCP_KEEPIDLE) == 7200 && getint(s, IPPROTO_TCP, TCP_KEEPINTVL) == 75
	   && getint(s, IPPROTO_TCP, TCP_KEEPCNT) == 9, "keepalive defaults: 7200, 75, 9");
	ok(setint(s, IPPROTO_TCP, TCP_KEEPIDLE, 60) == 0 && getint(s, IPPROTO_TCP, TCP_KEEPIDLE) == 60,
	   "TCP_KEEPIDLE set");
	ok_errno(setint(s, IPPROTO_TCP, TCP_KEEPCNT, 0), EINVAL, "TCP_KEEPCNT 0: EINVAL");
	ok_errno(setint(s, IPPROTO_TCP, 9999, 1), ENOPROTOOPT, "unknown TCP option: ENOPROTOOPT");
	ok(setint(s, SOL_SOCKET, SO_KEEPALIVE, 1) == 0 && getint(s, SOL_SOCKET, SO_KEEPALIVE) == 1,
	   "SO_KEEPALIVE");
	ok(setint(s, SOL_SOCKET, SO_REUSEPORT, 1) == 0 && getint(s, SOL_SOCKET, SO_REUSEPORT) == 1,
	   "SO_REUSEPORT accepted");
	ok_errno(setint(s, IPPROTO_IPV6, IPV6_V6ONLY, 1), ENOPROTOOPT,
		 "IPV6_V6ONLY on an IPv4 socket: ENOPROTOOPT");
	int v;
	socklen_t vlen = sizeof v;
	ok_errno(getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vlen), EOPNOTSUPP,
		 "reading it there: EOPNOTSUPP (IPv4's get and set differ)");
	ok(getint(t, IPPROTO_IPV6, IPV6_V6ONLY) == 0, "IPV6_V6ONLY is off by default");
	struct linger lg = { 1, 5 };
	socklen_t lglen = sizeof lg;
	ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0 && (lg.l_linger = 0,
	   getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &lglen) == 0) && lg.l_onoff == 1 &&
	   lg.l_linger == 5, "SO_LINGER set and read back");

	ok(getsockname(s, SA(got), &len) == 0 && len == sizeof(struct sockaddr_in) &&
	   ((struct sockaddr_in *)&got)->sin_port == 0 &&
	   ((struct sockaddr_in *)&got)->sin_addr.s_addr == 0, "fresh: 0.0.0.0:0, length 16");
	len = sizeof got;
	ok(getsockname(t, SA(got), &len) == 0 && len == sizeof(struct sockaddr_in6) &&
	   IN6_IS_ADDR_UNSPECIFIED(&got.sin6_addr), "fresh IPv6: [::]:0, length 28");
	ok_errno(getpeername(s, SA(got), &len), ENOTCONN, "getpeername: ENOTCONN");
	ok_events(s, POLLOUT | POLLHUP, "a fresh socket is OUT and HUP");
	ok_errno(read(s, buf, sizeof buf), ENOTCONN, "read unconnected: ENOTCONN");
	signal(SIGPIPE, SIG_IGN);
	ok_errno(write(s, "x", 1), EPIPE, "write unconnected: EPIPE");
	ok_errno(shutdown(s, SHUT_RDWR), ENOTCONN, "shutdown unconnected: ENOTCONN");
	ok_errno(accept(s, NULL, NULL), EINVAL, "accept without listen: EINVAL");
	close(s);
	close(t);

	int sv[2];
	ok_errno(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "socketpair AF_INET: EOPNOTSUPP");
	ok_errno(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT,
		 "a stream socket of protocol UDP: EPROTONOSUPPORT");
	ok_errno(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT,
		 "AF_INET SOCK_SEQPACKET: ESOCKTNOSUPPORT");
	ok_errno(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT, "SOCK_RAW of protocol 0: EPROTONOSUPPORT");
}

static void binds(void)
{
	int port = PORT_BASE;
	struct sockaddr_in a = v4("127.0.0.1", port), got;
	socklen_t len = sizeof got;
	int s = socket(AF_INET, SOCK_STREAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);

	ok(bind(s, SA(a), sizeof a) == 0, "bind 127.0.0.1:%d", port);
	ok(getsockname(s, SA(got), &len) == 0 && got.sin_port == htons(port) &&
	   got.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "getsockname gives it back");
	ok_errno(bind(s, SA(a), sizeof a), EINVAL, "bind twice: EINVAL");
	ok_errno(bind(t, SA(a), sizeof a), EADDRINUSE, "same address and port: EADDRINUSE");
	struct sockaddr_in any = v4("0.0.0.0", port);
	ok_errno(bind(t, SA(any), sizeof any), EADDRINUSE, "the wildcard on that port: EADDRINUSE");
	struct sockaddr_in other = v4("127.0.0.2", port);
	ok(bind(t, SA(other), sizeof other) == 0, "127.0.0.2, same port: another address, fine");
	close(t);
	t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in far = v4("10.1.2.3", port);
	ok_errno(bind(t, SA(far), sizeof far), EADDRNOTAVAIL, "10.1.2.3 is not local: EADDRNOTAVAIL");
	ok_errno(bind(t, SA(a), sizeof a - 1), EINVAL, "a short address: EINVAL");
	struct sockaddr_in6 six = v6("::1", port);
	ok_errno(bind(t, SA(six), sizeof six), EAFNOSUPPORT, "an IPv6 address on IPv4: EAFNOSUPPORT");
	close(t);
	close(s);

	/* SO_REUSEADDR: two bound sockets share a port, until one listens. */
	port++;
	a = v4("127.0.0.1", port);
	s = socket(AF_INET, SOCK_STREAM, 0);
	t = socket(AF_INET, SOCK_STREAM, 0);
	setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
	setint(t, SOL_SOCKET, SO_REUSEADDR, 1);
	ok(bind(s, SA(a), sizeof a) == 0 && bind(t, SA(a), sizeof a) == 0,
	   "SO_REUSEADDR on both: the same port twice");
	ok(listen(s, 1) == 0, "one of them listens");
	ok_errno(listen(t, 1), EADDRINUSE, "the other cannot: EADDRINUSE");
	int u = socket(AF_INET, SOCK_STREAM, 0);
	setint(u, SOL_SOCKET, SO_REUSEADDR, 1);
	ok_errno(bind(u, SA(a), sizeof a), EADDRINUSE, "nor can a third bind beside a listener");
	close(s);
	ok(listen(t, 1) == 0, "once the listener is closed it can");
	close(t);
	close(u);

	/* Port 0: an ephemeral port, odd for bind (Linux leaves even ones to connect). */
	s = socket(AF_INET, SOCK_STREAM, 0);
	a = v4("127.0.0.1", 0);
	len = sizeof got;
	ok(bind(s, SA(a), sizeof a) == 0 && getsockname(s, SA(got), &len) == 0 &&
	   ephemeral(ntohs(got.sin_port), 1), "bind to port 0: an odd port in 32768-60999");
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof got;
	ok(listen(s, 1) == 0 && getsockname(s, SA(got), &len) == 0 &&
	   ephemeral(ntohs(got.sin_port), 1) && got.sin_addr.s_addr == 0,
	   "listen unbound: 0.0.0.0 and an odd ephemeral port");
	close(s);

	/* IPv6: [::] takes IPv4 too, unless IPV6_V6ONLY. */
	port++;
	s = socket(AF_INET6, SOCK_STREAM, 0);
	six = v6("::", port);
	ok(bind(s, SA(six), sizeof six) == 0, "bind [::]:%d", port);
	ok_errno(setint(s, IPPROTO_IPV6, IPV6_V6ONLY, 1), EINVAL, "IPV6_V6ONLY after bind: EINVAL");
	t = socket(AF_INET, SOCK_STREAM, 0);
	any = v4("0.0.0.0", port);
	ok_errno(bind(t, SA(any), sizeof any), EADDRINUSE, "0.0.0.0 on the same port: EADDRINUSE");
	close(s);
	s = socket(AF_INET6, SOCK_STREAM, 0);
	ok(setint(s, IPPROTO_IPV6, IPV6_V6ONLY, 1) == 0 && bind(s, SA(six), sizeof six) == 0,
	   "IPV6_V6ONLY then [::]");
	ok(bind(t, SA(any), sizeof any) == 0, "0.0.0.0 beside it: fine");
	close(t);
	t = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 mapped = v6("::ffff:127.0.0.1", port + 1);
	setint(t, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	ok_errno(bind(t, SA(mapped), sizeof mapped), EINVAL, "V6ONLY binding a v4-mapped address: EINVAL");
	close(t);
	t = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 far6 = v6("2001:db8::1", port);
	ok_errno(bind(t, SA(far6), sizeof far6), EADDRNOTAVAIL, "2001:db8::1: EADDRNOTAVAIL");
	ok_errno(bind(t, SA(six), 23), EINVAL, "a sockaddr_in6 under 24 bytes: EINVAL");
	struct sockaddr_in6 loop6 = v6("::1", port + 2);
	struct sockaddr_in6 g6;
	len = sizeof g6;
	ok(bind(t, SA(loop6), sizeof loop6) == 0 && getsockname(t, SA(g6), &len) == 0 &&
	   len == sizeof g6 && IN6_IS_ADDR_LOOPBACK(&g6.sin6_addr) && g6.sin6_port == htons(port + 2),
	   "bind [::1]: getsockname gives it back, length 28");
	close(t);
	close(s);
}

/* Blocking and non-blocking connects, refused ones, accept4 and the names. */
static void connects(void)
{
	int port = PORT_BASE + 10;
	int s = listener4("127.0.0.1", port), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = v4("127.0.0.1", port), me, peer, cpeer;
	socklen_t len;
	char buf[64];

	ok(connect(c, SA(a), sizeof a) == 0, "connect to a listener");
	len = sizeof me;
	ok(getsockname(c, SA(me), &len) == 0 && me.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	   ephemeral(ntohs(me.sin_port), 0), "the client: 127.0.0.1 and an even ephemeral port");
	len = sizeof cpeer;
	ok(getpeername(c, SA(cpeer), &len) == 0 && len == 16 && !memcmp(&cpeer, &a, sizeof a),
	   "getpeername: the server");
	settle(s, POLLIN);
	ok_events(s, POLLIN, "the listener has a connection to accept");
	len = sizeof peer;
	int d = accept4(s, SA(peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ok(d >= 0 && len == 16 && peer.sin_port == me.sin_port &&
	   peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "accept4: the client's address");
	ok((fcntl(d, F_GETFL) & O_NONBLOCK) && fcntl(d, F_GETFD) == FD_CLOEXEC,
	   "with O_NONBLOCK and FD_CLOEXEC");
	struct sockaddr_in dme;
	len = sizeof dme;
	ok(getsockname(d, SA(dme), &len) == 0 && !memcmp(&dme, &a, sizeof a),
	   "the accepted socket's name: the listener's");
	ok_events(s, 0, "the listener: nothing more");
	ok_events(c, POLLOUT, "connected: writable");
	ok_errno(read(d, buf, sizeof buf), EAGAIN, "nothing to read yet: EAGAIN");
	ok(write(c, "ping", 4) == 4 && send(c, "!", 1, 0) == 1, "the client writes");
	int n = -1;
	settle_bytes(d, 5);
	ok(ioctl(d, FIONREAD, &n) == 0 && n == 5, "FIONREAD: 5");
	ok(read(d, buf, sizeof buf) == 5 && !memcmp(buf, "ping!", 5), "the server reads them");
	ok(sendto(d, "pong", 4, 0, SA(a), sizeof a) == 4, "sendto with an address: ignored by TCP");
	struct sockaddr_in from;
	socklen_t flen = sizeof from;
	ok(recvfrom(c, buf, sizeof buf, 0, SA(from), &flen) == 4 && flen == 0,
	   "recvfrom: the bytes, no address");
	ok_errno(connect(c, SA(a), sizeof a), EISCONN, "connect again: EISCONN");
	ok_errno(listen(c, 1), EINVAL, "listen on a connected socket: EINVAL");
	ok_errno(connect(s, SA(a), sizeof a), EISCONN, "connect on a listener: EISCONN");
	close(c);
	close(d);

	/* Refused. */
	struct sockaddr_in none = v4("127.0.0.1", port + 1);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ok_errno(connect(c, SA(none), sizeof none), ECONNREFUSED, "nothing listens: ECONNREFUSED");
	len = sizeof me;
	ok(getsockname(c, SA(me), &len) == 0 && ephemeral(ntohs(me.sin_port), 0) &&
	   me.sin_addr.s_addr == 0, "after the refusal: 0.0.0.0, the port it had still named");
	ok(connect(c, SA(a), sizeof a) == 0, "the same socket connects elsewhere");
	close(c);
	close(accept(s, NULL, NULL));
	struct sockaddr_in far = v4("10.1.2.3", port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ok_errno(connect(c, SA(far), sizeof far), ENETUNREACH, "10.1.2.3: ENETUNREACH");
	ok_errno(connect(c, SA(a), 8), EINVAL, "a short address: EINVAL");
	struct sockaddr_in6 six = v6("::1", port);
	ok_errno(connect(c, SA(six), sizeof six), EAFNOSUPPORT, "IPv6 on IPv4: EAFNOSUPPORT");
	struct sockaddr_in zero = v4("0.0.0.0", port);
	ok(connect(c, SA(zero), sizeof zero) == 0, "connect to 0.0.0.0 reaches loopback");
	len = sizeof cpeer;
	ok(getpeername(c, SA(cpeer), &len) == 0 && cpeer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	   "and the peer is 127.0.0.1");
	close(c);
	close(accept(s, NULL, NULL));

	/* Non-blocking: EINPROGRESS, then writable; refused: the error in SO_ERROR. */
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ok_errno(connect(c, SA(a), sizeof a), EINPROGRESS, "non-blocking connect: EINPROGRESS");
	struct pollfd p = { c, POLLOUT, 0 };
	ok(poll(&p, 1, 1000) == 1 && p.revents == POLLOUT, "then writable");
	ok(getint(c, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR 0");
	ok(connect(c, SA(a), sizeof a) == 0, "connect again: 0 (now connected)");
	ok_errno(connect(c, SA(a), sizeof a), EISCONN, "and again: EISCONN");
	d = accept(s, NULL, NULL);
	ok(d >= 0, "accepted");
	close(d);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ok_errno(connect(c, SA(none), sizeof none), EINPROGRESS, "refused, non-blocking: EINPROGRESS");
	p.fd = c;
	ok(poll(&p, 1, 1000) == 1, "poll returns");
	ok_events(c, POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP,
		  "IN, OUT, ERR, HUP and RDHUP: closed both ways");
	ok(getint(c, SOL_SOCKET, SO_ERROR) == ECONNREFUSED, "SO_ERROR: ECONNREFUSED");
	ok(getint(c, SOL_SOCKET, SO_ERROR) == 0, "read once");
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c, SA(none), sizeof none);
	poll(&p, 1, 1000);
	ok_errno(connect(c, SA(none), sizeof none), ECONNREFUSED, "or a second connect says it");
	close(c);
	close(s);
}

/* Data, shutdown, close: EOF, EPIPE and SIGPIPE, resets. */
static void closing(void)
{
	int port = PORT_BASE + 20;
	int s = listener4("127.0.0.1", port), c, d;
	char buf[64];

	c = connect4("127.0.0.1", port);
	d = accept(s, NULL, NULL);
	ok(shutdown(c, SHUT_WR) == 0, "shutdown(SHUT_WR)");
	settle(d, POLLRDHUP);
	ok_events(d, POLLIN | POLLOUT | POLLRDHUP, "the peer: IN, OUT and RDHUP");
	ok(read(d, buf, sizeof buf) == 0, "and reads EOF");
	ok_events(c, POLLOUT, "the writer that shut down: still OUT");
	ok_errno(write(c, "x", 1), EPIPE, "writing after SHUT_WR: EPIPE");
	ok(write(d, "back", 4) == 4 && read(c, buf, sizeof buf) == 4, "the other way still works");
	ok(shutdown(c, SHUT_RD) == 0, "SHUT_RD as well");
	ok(write(d, "more", 4) == 4, "the peer may still write (TCP sends nothing for SHUT_RD)");
	close(d);
	settle_closed(c);
	ok_errno(shutdown(c, SHUT_RDWR), ENOTCONN, "both FINs exchanged: shutdown says ENOTCONN");
	close(c);

	/* The peer closes: EOF; the first write is accepted, the next is EPIPE. */
	c = connect4("127.0.0.1", port);
	d = accept(s, NULL, NULL);
	close(d);
	settle(c, POLLRDHUP);
	ok_events(c, POLLIN | POLLOUT | POLLRDHUP, "peer closed: IN, OUT, RDHUP");
	ok(read(c, buf, sizeof buf) == 0, "read: EOF");
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	ok(getpeername(c, SA(peer), &len) == 0, "getpeername still works (CLOSE_WAIT)");
	ok(write(c, "x", 1) == 1, "the first write goes out");
	settle(c, 0);	/* until the reset: POLLERR and POLLHUP come unasked */
	ok_events(c, POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLERR, "it was reset: HUP, ERR");
	ok(read(c, buf, sizeof buf) == 0, "read: still EOF");
	ok_errno(write(c, "x", 1), EPIPE, "the next write: EPIPE");
	ok_errno(getpeername(c, SA(peer), &len), ENOTCONN, "getpeername: ENOTCONN");
	ok_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "MSG_NOSIGNAL: EPIPE");
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = xfork();
	if (pid == 0) {
		write(c, "x", 1);
		_exit(0);
	}
	ok_killed(wait_status(pid), SIGPIPE, "without it: SIGPIPE");
	signal(SIGPIPE, SIG_IGN);
	close(c);

	/* Unread data at close resets the peer. */
	c = connect4("127.0.0.1", port);
	d = accept(s, NULL, NULL);
	write(c, "unread", 6);
	write(d, "pending", 7);
	settle_bytes(d, 6);
	settle_bytes(c, 7);
	close(d);
	ok(read(c, buf, sizeof buf) == 7, "what was sent before the reset is read");
	ok_errno(read(c, buf, sizeof buf), ECONNRESET, "then ECONNRESET");
	ok(read(c, buf, sizeof buf) == 0, "then EOF");
	ok_errno(write(c, "x", 1), EPIPE, "and writes: EPIPE");
	close(c);

	/* ECONNRESET for a writer too, and SO_LINGER 0 resets. */
	c = connect4("127.0.0.1", port);
	d = accept(s, NULL, NULL);
	write(c, "unread", 6);
	settle_bytes(d, 6);
	close(d);
	settle(c, 0);
	ok_errno(write(c, "x", 1), ECONNRESET, "a write after a reset: ECONNRESET");
	close(c);
	c = connect4("127.0.0.1", port);
	d = accept(s, NULL, NULL);
	struct linger lg = { 1, 0 };
	setsockopt(d, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(d);
	ok_errno(read(c, buf, sizeof buf), ECONNRESET, "SO_LINGER 0 closes with a reset");
	close(c);

	/* Closing the listener resets connections not yet accepted. */
	c = connect4("127.0.0.1", port);
	close(s);
	ok_errno(read(c, buf, sizeof buf), ECONNRESET, "the listener closed: a waiting client is reset");
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = v4("127.0.0.1", port);
	ok_errno(connect(c, SA(a), sizeof a), ECONNREFUSED, "and new ones are refused");
	close(c);
}

/* IPv6: ::1, v4-mapped peers, IPV6_V6ONLY. */
static void six(void)
{
	int port = PORT_BASE + 30;
	int s = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 any = v6("::", port), peer, loop = v6("::1", port);
	socklen_t len = sizeof peer;
	char text[64];

	setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
	ok(bind(s, SA(any), sizeof any) == 0 && listen(s, 511) == 0, "listen on [::]:%d", port);
	int c = connect4("127.0.0.1", port);
	int d = accept(s, SA(peer), &len);
	ok(d >= 0 && len == 28 && IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr) &&
	   inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text) && !strcmp(text, "::ffff:127.0.0.1"),
	   "an IPv4 client seen as ::ffff:127.0.0.1");
	struct sockaddr_in6 me;
	len = sizeof me;
	ok(getsockname(d, SA(me), &len) == 0 && len == 28 &&
	   inet_ntop(AF_INET6, &me.sin6_addr, text, sizeof text) && !strcmp(text, "::ffff:127.0.0.1"),
	   "and the accepted socket's own name is v4-mapped too");
	ok(write(c, "v4", 2) == 2 && read(d, text, sizeof text) == 2, "data flows");
	close(c);
	close(d);

	c = socket(AF_INET6, SOCK_STREAM, 0);
	ok(connect(c, SA(loop), sizeof loop) == 0, "an IPv6 client to [::1]");
	len = sizeof me;
	ok(getsockname(c, SA(me), &len) == 0 && IN6_IS_ADDR_LOOPBACK(&me.sin6_addr) &&
	   ephemeral(ntohs(me.sin6_port), 0), "its name: [::1] and an even ephemeral port");
	len = sizeof peer;
	d = accept(s, SA(peer), &len);
	ok(d >= 0 && IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr) && peer.sin6_port == me.sin6_port,
	   "accepted from [::1]");
	close(c);
	close(d);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 mapped = v6("::ffff:127.0.0.1", port);
	ok(connect(c, SA(mapped), sizeof mapped) == 0, "an IPv6 socket to ::ffff:127.0.0.1");
	len = sizeof me;
	ok(getsockname(c, SA(me), &len) == 0 && IN6_IS_ADDR_V4MAPPED(&me.sin6_addr),
	   "is itself v4-mapped");
	close(c);
	close(accept(s, NULL, NULL));
	close(s);

	s = socket(AF_INET6, SOCK_STREAM, 0);
	setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
	setint(s, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	ok(bind(s, SA(any), sizeof any) == 0 && listen(s, 4) == 0, "a V6ONLY listener");
	c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = v4("127.0.0.1", port);
	ok_errno(connect(c, SA(a), sizeof a), ECONNREFUSED, "refuses IPv4");
	close(c);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	ok_errno(connect(c, SA(mapped), sizeof mapped), ENETUNREACH,
		 "a V6ONLY client to a v4-mapped address: ENETUNREACH");
	close(c);
	close(s);
}

/* epoll, and a server and a client in two processes moving a megabyte. */
static void processes(void)
{
	int port = PORT_BASE + 40;
	int s = listener4("127.0.0.1", port);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = s }, out[4];

	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	ok(epoll_wait(ep, out, 4, 0) == 0, "epoll: an idle listener");
	pid_t pid = xfork();
	if (pid == 0) {
		static char big[1 << 20];
		int c = connect4("127.0.0.1", port);
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (char)(i * 7);
		size_t done = 0;
		while (done < sizeof big) {
			long n = write(c, big + done, sizeof big - done);
			if (n <= 0)
				_exit(1);
			done += n;
		}
		char ack[4];
		_exit(read(c, ack, 4) == 3 && !memcmp(ack, "ack", 3) ? 0 : 2);
	}
	ok(epoll_wait(ep, out, 4, 5000) == 1 && out[0].events == EPOLLIN, "EPOLLIN: a connection");
	int d = accept(s, NULL, NULL);
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = d };
	epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev);
	static char got[1 << 20];
	size_t have = 0;
	int good = 1;
	while (have < sizeof got) {
		long n = read(d, got + have, sizeof got - have);
		if (n <= 0)
			break;
		have += n;
	}
	for (size_t i = 0; i < have; i++)
		good &= got[i] == (char)(i * 7);
	ok(have == sizeof got && good, "a megabyte from the client, intact");
	ok(write(d, "ack", 3) == 3, "acknowledged");
	int st = wait_status(pid);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the client saw the answer and exited");
	int n = epoll_wait(ep, out, 4, 1000);
	ok(n == 1 && out[0].data.fd == d && (out[0].events & (EPOLLIN | EPOLLRDHUP)) ==
	   (EPOLLIN | EPOLLRDHUP), "epoll: EPOLLIN and EPOLLRDHUP when the client is gone");
	char buf[8];
	ok(read(d, buf, sizeof buf) == 0, "EOF");
	close(d);
	close(ep);
	close(s);
}

/*
 * MSG_PEEK | MSG_WAITALL on TCP waits until the whole length is there and
 * gets it in order, the bytes it had first and then the new ones, once each
 * (AF_UNIX's peek returns what is there: unix_stream.c).
 */
static void peek_waitall(void)
{
	int port = PORT_BASE + 50;
	int s = listener4("127.0.0.1", port), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = v4("127.0.0.1", port);
	char buf[64] = { 0 };

	if (connect(c, SA(a), sizeof a) != 0)
		bail("connect failed: %s", strerror(errno));
	int d = accept(s, NULL, NULL);
	if (d < 0 || write(c, "0123456789", 10) != 10)
		bail("accept or write failed: %s", strerror(errno));
	settle_bytes(d, 10);
	ok(recv(d, buf, 20, MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT) == 10,
	   "MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT: the 10 bytes there");
	pid_t child = fork();
	if (child == 0) {
		usleep(100000);
		_exit(write(c, "abcdefghij", 10) == 10 ? 0 : 1);
	}
	long n = recv(d, buf, 20, MSG_PEEK | MSG_WAITALL);
	waitpid(child, NULL, 0);
	ok(n == 20 && !memcmp(buf, "0123456789abcdefghij", 20),
	   "MSG_PEEK | MSG_WAITALL waits for the rest and has the old bytes, then the new");
	ok(recv(d, buf, sizeof buf, 0) == 20, "all 20 still there to read");
	close(d);
	close(c);
	close(s);
}

int main(void)
{
	plan(144);
	lo_up();
	basics();
	binds();
	connects();
	closing();
	six();
	processes();
	peek_waitall();
	return done();
}
