/*
 * sockerr - the socket calls given bad input: descriptors that are not open or
 * not sockets, bad families, types, flags and lengths, bad pointers, options.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#define BAD ((void *)0xffffffff80000000ul)	/* kernel memory */

int main(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), file = open("/proc/self/stat", O_RDONLY);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = sizeof a;
	char buf[8];
	int v;

	plan(46);
	ok_errno(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL, "socket: an unknown flag: EINVAL");
	ok_errno(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT, "socket: family -1: EAFNOSUPPORT");
	ok_errno(socket(46, SOCK_STREAM, 0), EAFNOSUPPORT, "socket: family 46: EAFNOSUPPORT");
	ok_errno(socket(AF_UNIX, 11, 0), EINVAL, "socket: type 11: EINVAL");
	ok_errno(socket(AF_UNIX, 4, 0), ESOCKTNOSUPPORT, "socket: AF_UNIX type 4: ESOCKTNOSUPPORT");
	ok_errno(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT, "socket: protocol 2: EPROTONOSUPPORT");
	int raw = socket(AF_UNIX, SOCK_RAW, 0);
	ok(raw >= 0 && getsockopt(raw, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM,
	   "AF_UNIX SOCK_RAW is a datagram socket");
	close(raw);
	ok_errno(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT,
		 "socketpair into NULL: EFAULT");

	ok_errno(bind(-1, (struct sockaddr *)&a, len), EBADF, "bind on fd -1: EBADF");
	ok_errno(bind(file, (struct sockaddr *)&a, len), ENOTSOCK, "bind on a file: ENOTSOCK");
	ok_errno(bind(s, (struct sockaddr *)&a, 129), EINVAL, "bind with length 129: EINVAL");
	ok_errno(bind(s, (struct sockaddr *)&a, -1), EINVAL, "bind with length -1: EINVAL");
	ok_errno(bind(s, BAD, 110), EFAULT, "bind from kernel memory: EFAULT");
	ok_errno(bind(s, (struct sockaddr *)&a, 1), EINVAL, "bind with length 1: EINVAL");
	ok_errno(bind(s, (struct sockaddr *)&a, 111), EINVAL, "bind with length 111: EINVAL");
	a.sun_family = AF_INET;
	ok_errno(bind(s, (struct sockaddr *)&a, 20), EINVAL, "bind with another family: EINVAL");
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, "/nonexistent/dir/sock");
	ok_errno(bind(s, (struct sockaddr *)&a, sizeof a), ENOENT, "bind in a missing directory: ENOENT");
	ok_errno(connect(s, (struct sockaddr *)&a, 2), EINVAL, "connect with the family alone: EINVAL");
	ok_errno(connect(file, (struct sockaddr *)&a, sizeof a), ENOTSOCK, "connect on a file: ENOTSOCK");
	ok_errno(listen(file, 1), ENOTSOCK, "listen on a file: ENOTSOCK");
	ok_errno(listen(99, 1), EBADF, "listen on a closed fd: EBADF");
	ok_errno(accept(s, NULL, NULL), EINVAL, "accept on a socket not listening: EINVAL");
	ok_errno(accept4(s, NULL, NULL, 1), EINVAL, "accept4 with an unknown flag: EINVAL");
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	ok_errno(listen(d, 1), EOPNOTSUPP, "listen on a datagram socket: EOPNOTSUPP");
	ok_errno(accept(d, NULL, NULL), EOPNOTSUPP, "accept on a datagram socket: EOPNOTSUPP");
	ok_errno(shutdown(file, SHUT_RD), ENOTSOCK, "shutdown on a file: ENOTSOCK");
	ok_errno(getsockname(file, (struct sockaddr *)&a, &len), ENOTSOCK, "getsockname on a file: ENOTSOCK");
	ok_errno(getsockname(s, (struct sockaddr *)&a, NULL), EFAULT, "getsockname with a NULL length: EFAULT");
	int neg = -1;
	ok_errno(getsockname(s, (struct sockaddr *)&a, (socklen_t *)&neg), EINVAL,
		 "getsockname with a negative length: EINVAL");
	len = sizeof a;
	ok_errno(getsockname(s, BAD, &len), EFAULT, "getsockname into kernel memory: EFAULT");

	ok_errno(recv(s, buf, sizeof buf, 0), EINVAL, "recv on an unconnected stream socket: EINVAL");
	ok_errno(send(s, buf, 1, 0), ENOTCONN, "send on an unconnected stream socket: ENOTCONN");
	ok_errno(sendto(s, buf, 1, 0, (struct sockaddr *)&a, sizeof a), EOPNOTSUPP,
		 "sendto with an address on a stream socket: EOPNOTSUPP");
	ok_errno(sendto(d, BAD, 1, 0, NULL, 0), EFAULT, "sendto from kernel memory: EFAULT");
	ok_errno(syscall(SYS_sendmsg, s, BAD, 0), EFAULT, "sendmsg with a bad msghdr: EFAULT");
	ok_errno(syscall(SYS_recvmsg, file, BAD, 0), ENOTSOCK, "recvmsg on a file (before the msghdr): ENOTSOCK");
	struct msghdr mh = { .msg_iovlen = 1025 };
	ok_errno(sendmsg(d, &mh, 0), EMSGSIZE, "sendmsg with 1025 iovecs: EMSGSIZE");
	ok_errno(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL, "setsockopt with length 2: EINVAL");
	ok_errno(setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v), ENOPROTOOPT, "setting SO_TYPE: ENOPROTOOPT");
	ok_errno(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof v), ENOPROTOOPT, "an unknown option: ENOPROTOOPT");
	ok_errno(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, BAD, sizeof v), EFAULT, "an option from kernel memory: EFAULT");
	len = sizeof v;
	ok_errno(getsockopt(s, SOL_SOCKET, SO_TYPE, BAD, &len), EFAULT, "getsockopt into kernel memory: EFAULT");

	/* Buffer sizes: doubled, bounded, and a floor. */
	v = 1;
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
	len = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
	ok(v == 4608, "SO_SNDBUF 1 reads back as the floor, 4608");
	v = 100000;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len);
	ok(v == 200000, "SO_RCVBUF 100000 reads back doubled");
	v = 1 << 30;
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
	getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
	ok(v == 425984, "SO_SNDBUF 2^30 is bounded by wmem_max, doubled");
	v = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
	int vals[4];
	len = sizeof vals[0];
	getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &vals[0], &len);
	getsockopt(s, SOL_SOCKET, SO_DOMAIN, &vals[1], &len);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &vals[2], &len);
	getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &vals[3], &len);
	ok(vals[0] == 1 && vals[1] == AF_UNIX && vals[2] == 0 && vals[3] == 0,
	   "SO_REUSEADDR, SO_DOMAIN, SO_ERROR, SO_ACCEPTCONN");
	close(d);
	close(s);
	close(file);
	return done();
}
