/*
 * net/tcp_loopback.c - TCP sockets (AF_INET, AF_INET6) between programs on this
 * host, over the loopback interface.
 *
 * There is no wire, so no segments, windows or retransmissions: a connection is
 * the AF_UNIX stream engine (net/unix.c: two receive queues, an embryo queued on
 * the listener, accept) with its TCP behaviour switched on (unix_sock.tcp). What
 * a program can observe follows Linux's TCP states, reduced to what loopback
 * shows:
 *
 *   - connect() completes at once when something listens, and is refused
 *     (ECONNREFUSED) when nothing does. A non-blocking connect still says
 *     EINPROGRESS, as Linux's does on loopback; the result is then in SO_ERROR
 *     and poll (POLLOUT, or POLLOUT|POLLERR|POLLHUP), and a second connect()
 *     returns 0 or the error.
 *   - close() sends a FIN (the peer reads EOF and may still write) unless unread
 *     data is left behind or SO_LINGER is 0, which reset the peer (ECONNRESET).
 *     A write to a peer that is gone is accepted and answered by a reset: the
 *     next write fails with EPIPE and SIGPIPE, as on Linux.
 *   - shutdown(SHUT_WR) is a FIN; SHUT_RD only stops our own reads.
 *   - poll answers as Linux's tcp_poll: a fresh socket is POLLOUT|POLLHUP.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "net/inet.h"

#define TCP_WMEM_DEFAULT 16384	/* Linux's net.ipv4.tcp_wmem[1] */
#define TCP_RMEM_DEFAULT 131072	/* net.ipv4.tcp_rmem[1] */
#define PROT_SOCK 1024		/* ports below need root (CAP_NET_BIND_SERVICE) */
#define SIOCOUTQ 0x5411

static const struct socket_ops tcp_ops;

static struct inet_sock *tcp_alloc(int family)
{
	struct inet_sock *is = kzalloc(sizeof(*is));

	if (!is)
		return NULL;
	unix_sock_init(&is->us, family, SOCK_STREAM, &tcp_ops);
	is->us.tcp = true;
	is->us.sock.protocol = IPPROTO_TCP;
	is->us.sock.sndbuf = TCP_WMEM_DEFAULT;
	is->us.sock.rcvbuf = TCP_RMEM_DEFAULT;
	is->laddr = is->raddr = family == AF_INET ? inet_any4 : inet_any6;
	list_init(&is->port_link);
	is->keepidle = 7200;	/* Linux's defaults: two hours, 75 s, 9 probes */
	is->keepintvl = 75;
	is->keepcnt = 9;
	return is;
}

int tcp_create(int family, int protocol, struct socket **out)
{
	struct inet_sock *is;

	if (protocol && protocol != IPPROTO_TCP)
		return -EPROTONOSUPPORT;
	is = tcp_alloc(family);
	if (!is)
		return -ENOMEM;
	*out = &is->us.sock;
	return 0;
}

/* Linux's TCP_CLOSE for a socket that was connected: reset, or both FINs. */
static bool tcp_closed(struct inet_sock *is)
{
	return !is->us.connected || is->us.reset ||
	       ((is->us.sock.shutdown & SEND_SHUTDOWN) && is->us.fin_seen);
}

/* ---- bind ---- */

static int bind_checks(struct inet_sock *is, const struct inet_addr *addr, uint16_t port)
{
	bool v6 = is->us.sock.family == AF_INET6;
	bool bound = is->hashed || is->us.connected || is->us.sock.listening;

	/* IPv4 checks the address first; IPv6 the port and the state first. */
	if (!v6 && !inet_addr_local(addr))
		return -EADDRNOTAVAIL;
	if (port && port < PROT_SOCK && fs_current()->cred.euid != 0)
		return -EACCES;
	if (bound)
		return -EINVAL;
	if (v6 && inet_addr_v4mapped(addr) && is->v6only)
		return -EINVAL;
	if (v6 && !inet_addr_local(addr))
		return -EADDRNOTAVAIL;
	return 0;
}

static int tcp_bind(struct socket *sock, const void *sa, uint32_t len)
{
	struct inet_sock *is = inet_sk(sock);
	struct inet_addr addr, old = is->laddr;
	uint16_t port;
	int error = inet_addr_from_user(is, sa, len, &addr, &port);

	if (error == -EAFNOSUPPORT && sock->family == AF_INET) {
		/* Linux's compatibility: AF_UNSPEC with INADDR_ANY binds as AF_INET. */
		uint16_t family;
		memcpy(&family, sa, 2);
		if (family == AF_UNSPEC && inet_addr_equal(&addr, &inet_any4))
			error = 0;
	}
	if (!error)
		error = bind_checks(is, &addr, port);
	if (error)
		return error;
	is->laddr = addr;
	error = inet_port_take(is, port, false);
	if (error) {
		is->laddr = old;
		return error;
	}
	is->addr_locked = !inet_addr_any(&addr);
	is->port_locked = port != 0;
	return 0;
}

/* ---- listen and accept ---- */

static int tcp_listen(struct socket *sock, int backlog)
{
	struct inet_sock *is = inet_sk(sock);
	int error;

	if (is->us.connected || is->connecting)
		return -EINVAL;
	if (!sock->listening) {
		if (!is->hashed)
			error = inet_port_take(is, 0, false);	/* an ephemeral port */
		else
			error = inet_port_conflict(is) ? -EADDRINUSE : 0;
		if (error)
			return error;
	}
	is->us.backlog = backlog;	/* listen(2) bounded it to [0, SOMAXCONN] */
	sock->listening = true;
	fs_wake(&sock->wait);
	return 0;
}

/* The server's end of a connection from client: addresses seen from the server,
 * options inherited from the listener (Linux clones the listening socket). */
static struct unix_sock *tcp_embryo(struct unix_sock *listener, struct unix_sock *client)
{
	struct inet_sock *l = (struct inet_sock *)listener, *c = (struct inet_sock *)client;
	struct inet_sock *e = tcp_alloc(listener->sock.family);

	if (!e)
		return NULL;
	e->laddr = c->raddr;
	e->lport = l->lport;
	e->raddr = c->laddr;
	e->rport = c->lport;
	e->v6only = l->v6only;
	e->nodelay = l->nodelay;
	e->keepidle = l->keepidle;
	e->keepintvl = l->keepintvl;
	e->keepcnt = l->keepcnt;
	e->us.sock.reuseaddr = l->us.sock.reuseaddr;
	e->us.sock.keepalive = l->us.sock.keepalive;
	e->us.sock.sndbuf = l->us.sock.sndbuf;
	e->us.sock.rcvbuf = l->us.sock.rcvbuf;
	return &e->us;
}

static int tcp_accept(struct socket *sock, struct socket **out, bool nonblock)
{
	int error = unix_accept(sock, out, nonblock);
	struct inet_sock *e;

	if (error)
		return error;
	e = inet_sk(*out);
	inet_port_hash(e, e->lport);	/* the listener's port, without a conflict check */
	return 0;
}

/* ---- connect ---- */

/* Where a connection to addr goes: 0, or -ENETUNREACH (not this host, or lo down). */
static int route(struct inet_sock *is, struct inet_addr *addr)
{
	bool v4 = inet_addr_v4mapped(addr);

	if (v4 && is->v6only)
		return -ENETUNREACH;
	if (inet_addr_any(addr))	/* Linux sends a connection to "any" to loopback */
		*addr = v4 ? inet_loopback4 : inet_loopback6;
	if (!loopback_up())	/* IPv6 finds no source address */
		return v4 ? -ENETUNREACH : -EADDRNOTAVAIL;
	if (v4 ? addr->b[12] != 127 : !inet_addr_equal(addr, &inet_loopback6))
		return -ENETUNREACH;
	return 0;
}

/* Undo what connect chose for us (the address and port bind did not fix): the
 * port is free again, though getsockname still names it, as on Linux. */
static void connect_undo(struct inet_sock *is)
{
	if (!is->port_locked)
		inet_port_release(is);
	if (!is->addr_locked)
		is->laddr = is->us.sock.family == AF_INET ? inet_any4 : inet_any6;
	is->raddr = is->laddr;
	is->rport = 0;
}

/* A connection that failed; a non-blocking one reports it later, in SO_ERROR. */
static int connect_failed(struct inet_sock *is, int error, bool nonblock)
{
	connect_undo(is);
	if (!nonblock || error != -ECONNREFUSED)
		return error;
	is->us.sock.error = -error;
	is->us.sock.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;	/* Linux's tcp_done */
	is->connecting = true;
	fs_wake(&is->us.sock.wait);
	return -EINPROGRESS;
}

/* The second connect() after EINPROGRESS: 0, or what went wrong. */
static int connect_finish(struct inet_sock *is)
{
	int error = is->us.sock.error;

	is->connecting = false;
	if (is->us.connected)
		return 0;
	is->us.sock.error = 0;
	is->us.sock.shutdown = 0;	/* disconnected: the socket may connect again */
	return error ? -error : -ECONNABORTED;
}

/* Choose our address and port for a connection to dst: 0 or an error. */
static int connect_source(struct inet_sock *is, const struct inet_addr *dst)
{
	bool v4 = inet_addr_v4mapped(dst);

	if (!is->addr_locked)
		is->laddr = v4 ? inet_loopback4 : inet_loopback6;
	if (is->hashed)
		return 0;
	return inet_port_take(is, 0, true) ? -EADDRNOTAVAIL : 0;
}

static int tcp_connect(struct socket *sock, const void *sa, uint32_t len, bool nonblock)
{
	struct inet_sock *is = inet_sk(sock), *listener;
	struct inet_addr dst;
	uint16_t port, family;
	int error;

	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_UNSPEC)	/* disconnect: only a socket not connected */
		return is->us.connected || sock->listening ? -EOPNOTSUPP : 0;
	if (is->connecting)
		return connect_finish(is);
	if (is->us.connected || sock->listening)
		return -EISCONN;
	error = inet_addr_from_user(is, sa, len, &dst, &port);
	if (!error)
		error = route(is, &dst);
	if (!error)
		error = connect_source(is, &dst);
	if (error)
		return error;
	is->raddr = dst;
	is->rport = port;
	listener = inet_find_listener(&dst, port);
	if (!listener)
		return connect_failed(is, -ECONNREFUSED, nonblock);
	error = unix_stream_connect(&is->us, &listener->us, nonblock, tcp_embryo);
	unix_put(&listener->us);
	if (error)
		return connect_failed(is, error, nonblock);
	if (!nonblock)
		return 0;
	is->connecting = true;
	return -EINPROGRESS;
}

/* ---- data ---- */

static long tcp_sendmsg(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock)
{
	struct file **files = msg->files;
	unsigned nfiles = msg->nfiles;
	long result;

	/* TCP ignores SCM_RIGHTS (and the destination address). */
	msg->files = NULL;
	msg->nfiles = 0;
	result = unix_stream_send(&inet_sk(sock)->us, msg, flags,
				  nonblock || (flags & MSG_DONTWAIT));
	msg->files = files;
	msg->nfiles = nfiles;
	return result;
}

static long tcp_recvmsg(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock)
{
	return unix_stream_recv(&inet_sk(sock)->us, msg, flags,
				nonblock || (flags & MSG_DONTWAIT));
}

/* ---- shutdown, names, readiness, close ---- */

static int tcp_shutdown(struct socket *sock, int how)
{
	struct inet_sock *is = inet_sk(sock);
	struct unix_sock *peer = is->us.peer;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	unsigned mode = how + 1;
	is->connecting = false;
	if (sock->listening) {
		if (mode & RCV_SHUTDOWN) {	/* stops listening, resets the waiting */
			sock->listening = false;
			unix_drop_pending(&is->us);
			fs_wake(&sock->wait);
		}
		return 0;
	}
	bool closed = tcp_closed(is);
	sock->shutdown |= mode;		/* even when not connected, as Linux does */
	fs_wake(&sock->wait);
	if (closed)
		return -ENOTCONN;
	if ((mode & SEND_SHUTDOWN) && peer && !peer->dead && !peer->reset) {
		peer->fin_seen = true;
		peer->sock.shutdown |= RCV_SHUTDOWN;
		fs_wake(&peer->sock.wait);
	}
	return 0;
}

static int tcp_getname(struct socket *sock, void *addr, bool peer)
{
	struct inet_sock *is = inet_sk(sock);

	if (!peer)
		return inet_addr_to_sockaddr(is, &is->laddr, is->lport, addr);
	if (tcp_closed(is))
		return -ENOTCONN;
	return inet_addr_to_sockaddr(is, &is->raddr, is->rport, addr);
}

static unsigned tcp_poll(struct socket *sock)
{
	struct inet_sock *is = inet_sk(sock);
	struct unix_sock *us = &is->us;
	unsigned events = 0;

	if (sock->listening)
		return list_empty(&us->pending) ? 0 : POLLIN | POLLRDNORM;
	if (sock->shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN) || tcp_closed(is))
		events |= POLLHUP;
	if (sock->shutdown & RCV_SHUTDOWN)
		events |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (!list_empty(&us->queue))
		events |= POLLIN | POLLRDNORM;
	if ((sock->shutdown & SEND_SHUTDOWN) || us->wmem + us->wmem / 2 <= (size_t)sock->sndbuf)
		events |= POLLOUT | POLLWRNORM;
	if (sock->error)
		events |= POLLERR;
	return events;
}

static long tcp_ioctl(struct socket *sock, unsigned cmd, uint64_t arg)
{
	if (cmd == SIOCOUTQ)	/* loopback delivers at once: nothing unsent */
		return sock->listening ? -EINVAL : put_user(0, (int *)arg);
	return unix_ioctl(sock, cmd, arg);
}

static void tcp_release(struct socket *sock)
{
	struct inet_sock *is = inet_sk(sock);

	inet_port_release(is);
	is->us.rst_on_close = sock->linger && sock->linger_secs == 0;
	unix_close(&is->us, false);
}

static const struct socket_ops tcp_ops = {
	.bind = tcp_bind,
	.connect = tcp_connect,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.sendmsg = tcp_sendmsg,
	.recvmsg = tcp_recvmsg,
	.shutdown = tcp_shutdown,
	.getname = tcp_getname,
	.poll = tcp_poll,
	.ioctl = tcp_ioctl,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.release = tcp_release,
};

/*
 * UDP is not there yet: a datagram socket exists (busybox's ifconfig asks one for
 * SIOCSIFFLAGS) with its name, its options and the interface ioctls, but sending
 * and receiving say EOPNOTSUPP.
 */
static unsigned udp_poll(struct socket *sock)
{
	(void)sock;
	return POLLOUT | POLLWRNORM;
}

static int udp_getname(struct socket *sock, void *addr, bool peer)
{
	struct inet_sock *is = inet_sk(sock);

	return peer ? -ENOTCONN : inet_addr_to_sockaddr(is, &is->laddr, 0, addr);
}

static long udp_no_data(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock)
{
	(void)sock, (void)msg, (void)flags, (void)nonblock;
	return -EOPNOTSUPP;
}

static void udp_release(struct socket *sock)
{
	unix_close(&inet_sk(sock)->us, false);
}

static const struct socket_ops udp_stub_ops = {
	.sendmsg = udp_no_data,	/* net/socket.c calls these without asking */
	.recvmsg = udp_no_data,
	.getname = udp_getname,
	.poll = udp_poll,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.release = udp_release,
};

int inet_create(int family, int type, int protocol, struct socket **out)
{
	struct inet_sock *is;

	if (type == SOCK_STREAM)
		return tcp_create(family, protocol, out);
	if (type == SOCK_RAW)	/* Linux has raw sockets; calf says none fits */
		return -EPROTONOSUPPORT;
	if (type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	is = tcp_alloc(family);
	if (!is)
		return -ENOMEM;
	is->us.tcp = false;
	is->us.sock.type = SOCK_DGRAM;
	is->us.sock.protocol = IPPROTO_UDP;
	is->us.sock.sndbuf = is->us.sock.rcvbuf = SOCK_BUF_DEFAULT;
	is->us.sock.ops = &udp_stub_ops;
	*out = &is->us.sock;
	return 0;
}
