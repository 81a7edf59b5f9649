/*
 * ops_ipc.c - eventfd, epoll and sockets: creating them, watching any descriptor
 * (epolls included, so nesting and loops come up), addresses good and bad
 * (abstract names and paths in the sandbox, random bytes and lengths), data
 * with flags, descriptors passed with SCM_RIGHTS (cycles included, for the
 * collector), options, shutdown. Blocking calls are ended by the worker's tick.
 */
#include "fuzz.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <netinet/in.h>

#define SIOCOUTQ 0x5411	/* TIOCOUTQ: linux/sockios.h is not in musl */

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static void op_eventfd(struct fz *f)
{
	long fd = rng_one_in(&f->rng, 4) ? FZ1(SYS_eventfd, arg_int(f))
		: FZ2(SYS_eventfd2, arg_int(f), arg_bits(f, 1 | 04000 | 02000000));
	fz_remember_fd(f, fd);
}

/* An epoll_event in scratch, or a bad address. */
static uint64_t event_arg(struct fz *f)
{
	char *ev = f->scratch + rng_below(&f->rng, 64) * 16;

	memcpy(ev, &(uint32_t){ (uint32_t)arg_bits(f, 0x1 | 0x4 | 0x2000 | (1u << 28) |
						 (1u << 30) | (1u << 31)) }, 4);
	return rng_below(&f->rng, 6) ? (uint64_t)ev : arg_addr(f);
}

/* A signal mask that never blocks the tick (SIGALRM), or none. */
static uint64_t mask_arg(struct fz *f, uint64_t *mask)
{
	*mask = rng_next(&f->rng) & ~(1ull << (SIGALRM - 1));
	return rng_one_in(&f->rng, 2) ? (uint64_t)mask : 0;
}

static void op_epoll(struct fz *f)
{
	uint64_t mask;
	long timeout = rng_below(&f->rng, 4) ? (long)rng_below(&f->rng, 20) : -1;
	uint64_t events = rng_below(&f->rng, 5) ? (uint64_t)f->scratch : arg_addr(f);
	long max = rng_below(&f->rng, 5) ? (long)rng_below(&f->rng, 64) + 1 : arg_int(f);

	switch (rng_below(&f->rng, 8)) {
	case 0:
		fz_remember_fd(f, FZ1(SYS_epoll_create1, arg_bits(f, 02000000)));
		break;
	case 1:
		fz_remember_fd(f, FZ1(SYS_epoll_create, arg_int(f)));
		break;
	case 2:
	case 3:
	case 4:
		FZ4(SYS_epoll_ctl, arg_fd(f), rng_below(&f->rng, 5), arg_fd(f), event_arg(f));
		break;
	case 5:
		FZ4(SYS_epoll_wait, arg_fd(f), events, max, timeout);
		break;
	case 6:
		FZ6(SYS_epoll_pwait, arg_fd(f), events, max, timeout, mask_arg(f, &mask),
		    rng_below(&f->rng, 4) ? 8 : arg_int(f));
		break;
	default: {
		struct { long sec, nsec; } ts = { 0, (long)rng_below(&f->rng, 20000000) };
		if (rng_one_in(&f->rng, 8))
			ts.nsec = arg_int(f);
		FZ6(SYS_epoll_pwait2, arg_fd(f), events, max,
		    rng_below(&f->rng, 6) ? (uint64_t)&ts : arg_addr(f), mask_arg(f, &mask), 8);
	}
	}
}

/* An IPv4 or IPv6 address in a (loopback, a wildcard, v4-mapped or not local)
 * with a port from a small set, 0 among them, so that binds and connects meet. */
static long inet_addr_arg(struct fz *f, struct sockaddr_un *a)
{
	static const char *const v4s[] = { "\x7f\0\0\1", "\0\0\0\0", "\x7f\0\0\2", "\x0a\1\2\3" };
	static const char *const v6s[] = {
		"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
		"\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\1", "\x20\1\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1" };
	uint16_t port = rng_one_in(&f->rng, 4) ? 0 : (uint16_t)(21000 + f->worker * 8 +
								  rng_below(&f->rng, 4));
	port = (uint16_t)(port >> 8 | port << 8);

	if (rng_one_in(&f->rng, 2)) {
		struct sockaddr_in *in = (struct sockaddr_in *)a;
		in->sin_family = AF_INET;
		in->sin_port = port;
		memcpy(&in->sin_addr, v4s[rng_below(&f->rng, 4)], 4);
		return sizeof *in;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = port;
	memcpy(&in6->sin6_addr, v6s[rng_below(&f->rng, 4)], 16);
	return sizeof *in6;
}

/* A socket address in buf: an abstract name or a sandbox path from a small set
 * (so binds and connects meet), an IPv4 or IPv6 one, another family, or garbage.
 * Its length in *len. Paths are relative to the worker's directory, and garbage
 * has no '/': a random length cuts a path anywhere, and bind creates what is
 * left ("/tmp/fuzz/w1/s0" cut to "/tm" made a socket at the root). */
static uint64_t addr_arg(struct fz *f, struct sockaddr_un *a, long *len)
{
	unsigned n = (unsigned)rng_below(&f->rng, 4);

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	switch (rng_below(&f->rng, 8)) {
	case 0:
	case 1:
		*len = 2 + snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "fz%d.%u",
				    f->worker, n) + 1;
		break;
	case 2:
	case 3:
		*len = 2 + snprintf(a->sun_path, sizeof a->sun_path, "s%u", n) + 1;
		break;
	case 4:
		*len = 2;
		break;
	case 5:
	case 6:
		*len = inet_addr_arg(f, a);
		break;
	default:
		for (size_t i = 0; i < sizeof *a; i++)
			((char *)a)[i] = (char)rng_next(&f->rng);
		for (size_t i = 0; i < sizeof a->sun_path; i++)
			if (a->sun_path[i] == '/')
				a->sun_path[i] = 'x';
		*len = arg_int(f);
	}
	if (rng_one_in(&f->rng, 8))
		*len = arg_int(f);
	return rng_below(&f->rng, 8) ? (uint64_t)a : arg_addr(f);
}

static void op_socket(struct fz *f)
{
	static const long types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	long type = types[rng_below(&f->rng, 3)] | arg_bits(f, SOCK_NONBLOCK | SOCK_CLOEXEC);
	static const long families[] = { AF_UNIX, AF_UNIX, AF_INET, AF_INET6 };
	long family = rng_below(&f->rng, 8) ? families[rng_below(&f->rng, 4)] : arg_int(f);
	int *fds = (int *)(f->scratch + rng_below(&f->rng, 64) * 512);

	if (rng_one_in(&f->rng, 8))
		type = arg_int(f);
	if (rng_one_in(&f->rng, 2)) {
		fz_remember_fd(f, FZ3(SYS_socket, family, type, rng_below(&f->rng, 8) ? 0 : arg_int(f)));
	} else if (FZ4(SYS_socketpair, family, type, 0,
		       rng_below(&f->rng, 6) ? (uint64_t)fds : arg_addr(f)) == 0) {
		fz_remember_fd(f, fds[0]);
		fz_remember_fd(f, fds[1]);
	}
}

static void op_sockname(struct fz *f)
{
	struct sockaddr_un a;
	long len;
	uint64_t addr = addr_arg(f, &a, &len);
	uint32_t *lenp = (uint32_t *)(f->scratch + 8 * rng_below(&f->rng, 64));

	*lenp = (uint32_t)(rng_below(&f->rng, 4) ? sizeof a : (uint64_t)arg_int(f));
	switch (rng_below(&f->rng, 8)) {
	case 0: FZ3(SYS_bind, arg_fd(f), addr, len); break;
	case 1: FZ3(SYS_connect, arg_fd(f), addr, len); break;
	case 2: FZ2(SYS_listen, arg_fd(f), arg_int(f)); break;
	case 3:
		fz_remember_fd(f, FZ4(SYS_accept4, arg_fd(f), rng_one_in(&f->rng, 2) ? 0 : addr,
				      rng_below(&f->rng, 6) ? (uint64_t)lenp : arg_addr(f),
				      arg_bits(f, SOCK_NONBLOCK | SOCK_CLOEXEC)));
		break;
	case 4: FZ3(SYS_getsockname, arg_fd(f), addr, rng_below(&f->rng, 6) ? (uint64_t)lenp : arg_addr(f)); break;
	case 5: FZ3(SYS_getpeername, arg_fd(f), addr, rng_below(&f->rng, 6) ? (uint64_t)lenp : arg_addr(f)); break;
	case 6: FZ2(SYS_shutdown, arg_fd(f), rng_below(&f->rng, 4) ? (long)rng_below(&f->rng, 3) : arg_int(f)); break;
	default: {
		static const long levels[] = { SOL_SOCKET, SOL_SOCKET, IPPROTO_TCP, IPPROTO_IPV6,
					       IPPROTO_IP };
		long level = rng_below(&f->rng, 6) ? levels[rng_below(&f->rng, 5)] : arg_int(f);
		long name = rng_below(&f->rng, 4) ? (long)rng_below(&f->rng, 40) : arg_int(f);
		if (rng_one_in(&f->rng, 2))
			FZ5(SYS_setsockopt, arg_fd(f), level, name,
			    rng_below(&f->rng, 6) ? (uint64_t)f->scratch : arg_addr(f),
			    rng_below(&f->rng, 4) ? 4 : arg_int(f));
		else
			FZ5(SYS_getsockopt, arg_fd(f), level, name, addr,
			    rng_below(&f->rng, 6) ? (uint64_t)lenp : arg_addr(f));
	}
	}
}

/* SCM_RIGHTS with some of our descriptors (a socket's own among them, at times),
 * or a damaged control buffer. */
static size_t control_arg(struct fz *f, char *control, size_t room)
{
	struct cmsghdr *c = (struct cmsghdr *)control;
	unsigned n = (unsigned)rng_below(&f->rng, 5);

	c->cmsg_level = rng_below(&f->rng, 8) ? SOL_SOCKET : (int)arg_int(f);
	c->cmsg_type = rng_below(&f->rng, 6) ? SCM_RIGHTS : (int)rng_below(&f->rng, 4);
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	for (unsigned i = 0; i < n; i++)
		((int *)CMSG_DATA(c))[i] = (int)arg_fd(f);
	if (rng_one_in(&f->rng, 8))
		c->cmsg_len = (size_t)arg_int(f);
	size_t len = CMSG_SPACE(n * sizeof(int));
	return rng_one_in(&f->rng, 8) ? (size_t)rng_below(&f->rng, room + 64) : len;
}

static void op_sockdata(struct fz *f)
{
	static char control[256];
	struct sockaddr_un a;
	long len;
	uint64_t addr = addr_arg(f, &a, &len);
	uint64_t buf = arg_user_addr(f), n = arg_len(f);
	long flags = (long)arg_bits(f, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL |
				       MSG_NOSIGNAL | MSG_OOB | MSG_CMSG_CLOEXEC);
	uint32_t *lenp = (uint32_t *)(f->scratch + 8 * rng_below(&f->rng, 64));
	struct iovec iov[4];
	struct msghdr mh;

	*lenp = sizeof a;
	for (int i = 0; i < 4; i++)
		iov[i] = (struct iovec){ (void *)arg_user_addr(f), arg_len(f) };
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = iov;
	mh.msg_iovlen = rng_below(&f->rng, 8) ? rng_below(&f->rng, 5) : (size_t)arg_int(f);
	if (rng_one_in(&f->rng, 2)) {
		mh.msg_name = (void *)addr;
		mh.msg_namelen = (socklen_t)len;
	}
	switch (rng_below(&f->rng, 4)) {
	case 0:
		FZ6(SYS_sendto, arg_fd(f), buf, n, flags, rng_one_in(&f->rng, 2) ? 0 : addr, len);
		break;
	case 1:
		FZ6(SYS_recvfrom, arg_fd(f), buf, n, flags, rng_one_in(&f->rng, 2) ? 0 : addr,
		    rng_below(&f->rng, 6) ? (uint64_t)lenp : arg_addr(f));
		break;
	case 2:
		mh.msg_control = control;
		mh.msg_controllen = control_arg(f, control, sizeof control);
		FZ3(SYS_sendmsg, arg_fd(f), rng_below(&f->rng, 8) ? (uint64_t)&mh : arg_addr(f),
		    flags);
		break;
	default:
		mh.msg_control = rng_below(&f->rng, 6) ? (void *)control : (void *)arg_addr(f);
		mh.msg_controllen = rng_below(&f->rng, 256);
		if (FZ3(SYS_recvmsg, arg_fd(f), rng_below(&f->rng, 8) ? (uint64_t)&mh : arg_addr(f),
			flags) >= 0 && mh.msg_control == control) {
			/* Remember what came in, so that it is used and closed again. */
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
					for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
						fz_remember_fd(f, ((int *)CMSG_DATA(c))[i]);
		}
	}
}

/* The interface ioctls every socket answers, and the queue sizes. */
static void op_sockioctl(struct fz *f)
{
	static const unsigned long cmds[] = { SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCGIFINDEX,
					      SIOCGIFMTU, SIOCGIFNAME, FIONREAD, SIOCOUTQ };
	struct ifreq *req = (struct ifreq *)(f->scratch + 64 * rng_below(&f->rng, 32));

	memset(req, 0, sizeof *req);
	strcpy(req->ifr_name, rng_below(&f->rng, 6) ? "lo" : "eth0");
	req->ifr_flags = (short)(rng_below(&f->rng, 4) ? IFF_UP | IFF_LOOPBACK : arg_int(f));
	FZ3(SYS_ioctl, arg_fd(f), rng_below(&f->rng, 8) ? cmds[rng_below(&f->rng, 7)]
						      : (unsigned long)arg_int(f),
	    rng_below(&f->rng, 8) ? (uint64_t)req : arg_addr(f));
}

const struct fz_op fz_ipc_ops[] = {
	{ "eventfd", 2, op_eventfd },
	{ "epoll", 5, op_epoll },
	{ "socket", 3, op_socket },
	{ "sockname", 5, op_sockname },
	{ "sockdata", 5, op_sockdata },
	{ "sockioctl", 1, op_sockioctl },
	{ 0 },
};
