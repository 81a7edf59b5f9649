/*
 * unix_dgram - AF_UNIX datagram and seqpacket sockets: boundaries, truncation
 * (MSG_TRUNC both ways), sender addresses, connect and its rules (EPERM to a
 * socket connected elsewhere, AF_UNSPEC to disconnect), a closed peer
 * (ECONNREFUSED), the receive queue's limit, FIONREAD, and seqpacket's records.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static void dgram(void)
{
	struct sockaddr_un a, b, from;
	socklen_t alen = abstract_addr(&a, "dgram-a"), blen = abstract_addr(&b, "dgram-b"), flen;
	int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buf[64];

	bind(sa, (struct sockaddr *)&a, alen);
	ok_errno(send(sb, "x", 1, 0), ENOTCONN, "send without a destination: ENOTCONN");
	ok(sendto(sb, "one", 3, 0, (struct sockaddr *)&a, alen) == 3, "sendto an unbound sender");
	flen = sizeof from;
	ok(recvfrom(sa, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen) == 3 && flen == 0,
	   "recvfrom: 3 bytes, no sender address (it is unbound)");
	bind(sb, (struct sockaddr *)&b, blen);
	sendto(sb, "two", 3, 0, (struct sockaddr *)&a, alen);
	sendto(sb, "three", 5, 0, (struct sockaddr *)&a, alen);
	int avail = -1;
	ok(ioctl(sa, FIONREAD, &avail) == 0 && avail == 3, "FIONREAD: the first datagram's size");
	flen = sizeof from;
	ok(recvfrom(sa, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen) == 3 && flen == blen &&
	   !memcmp(&from, &b, blen), "boundaries kept; the sender's name comes along");
	ok(recv(sa, buf, 2, 0) == 2, "a short buffer takes part of a datagram");
	ok(recv(sa, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN, "and the rest is gone");
	sendto(sb, "truncated", 9, 0, (struct sockaddr *)&a, alen);
	ok(recv(sa, buf, 4, MSG_TRUNC) == 9, "MSG_TRUNC: the datagram's real length");
	sendto(sb, "message", 7, 0, (struct sockaddr *)&a, alen);
	struct iovec iov = { buf, 3 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ok(recvmsg(sa, &mh, 0) == 3 && (mh.msg_flags & MSG_TRUNC), "recvmsg sets MSG_TRUNC in msg_flags");
	ok(sendto(sb, "", 0, 0, (struct sockaddr *)&a, alen) == 0, "an empty datagram");
	ok(recv(sa, buf, sizeof buf, 0) == 0, "is received as 0 bytes");

	/* Connected datagram sockets. */
	int sc = socket(AF_UNIX, SOCK_DGRAM, 0);
	ok(connect(sb, (struct sockaddr *)&a, alen) == 0, "connect a datagram socket");
	ok(send(sb, "via", 3, 0) == 3, "send to its peer");
	ok(recv(sa, buf, sizeof buf, 0) == 3, "received");
	ok(connect(sa, (struct sockaddr *)&b, blen) == 0, "connect back");
	ok_errno(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen), EPERM,
		 "a third socket may not send to one connected elsewhere: EPERM");
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	ok(connect(sa, &unspec, sizeof unspec) == 0, "AF_UNSPEC disconnects");
	ok(sendto(sc, "y", 1, 0, (struct sockaddr *)&a, alen) == 1, "then the third may");
	recv(sa, buf, sizeof buf, 0);
	struct sockaddr_un peer;
	socklen_t plen = sizeof peer;
	ok(getpeername(sb, (struct sockaddr *)&peer, &plen) == 0 && plen == alen,
	   "getpeername of a connected datagram socket");
	close(sa);
	ok_errno(send(sb, "z", 1, 0), ECONNREFUSED, "its peer closed: ECONNREFUSED");
	ok_errno(send(sb, "z", 1, 0), ENOTCONN, "and then it is disconnected: ENOTCONN");
	ok_errno(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen), ECONNREFUSED,
		 "sending to a name nobody has: ECONNREFUSED");

	/* A receiver not connected to the sender holds 11 datagrams (max_dgram_qlen
	 * 10, "more than" rule); the 12th would block. */
	sa = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(sa, (struct sockaddr *)&a, alen);
	int sent = 0;
	while (sent < 20 && sendto(sc, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen) == 1)
		sent++;
	ok(sent == 11 && errno == EAGAIN, "the receive queue takes 11 datagrams, then EAGAIN");
	recv(sa, buf, sizeof buf, 0);
	ok(sendto(sc, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen) == 1, "one read makes room");
	close(sa);
	close(sb);
	close(sc);
}

static void seqpacket(void)
{
	int sv[2];
	char buf[64];

	ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "a seqpacket pair");
	write(sv[0], "rec1", 4);
	write(sv[0], "record2", 7);
	ok(read(sv[1], buf, sizeof buf) == 4, "records keep their boundaries");
	ok(read(sv[1], buf, 3) == 3, "a short read truncates a record");
	ok(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN, "the rest is gone");
	close(sv[0]);
	ok(read(sv[1], buf, sizeof buf) == 0, "the peer closed: EOF");
	close(sv[1]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ok_errno(send(s, "x", 1, 0), ENOTCONN, "an unconnected seqpacket send: ENOTCONN");
	ok_errno(recv(s, buf, 1, 0), ENOTCONN, "and recv: ENOTCONN");
	close(s);
}

int main(void)
{
	plan(31);
	dgram();
	seqpacket();
	return done();
}
