/*
 * scm_rights - passing descriptors over AF_UNIX sockets with SCM_RIGHTS: between
 * processes, several at once, MSG_CMSG_CLOEXEC, a control buffer too small
 * (MSG_CTRUNC), MSG_PEEK, files that outlive the sender's descriptors, a
 * datagram send that waits for room with a descriptor, and the errors (EBADF,
 * EINVAL).
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"
#include "threadutil.h"

#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

static int send_fds(int sock, const int *fds, int n, const char *data)
{
	char control[CMSG_SPACE(8 * sizeof(int))];
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	memset(control, 0, sizeof control);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &mh, 0);
}

/* Receive: the bytes, the descriptors into fds (up to room), msg_flags. */
static long recv_fds(int sock, int *fds, int room, int *nfds, int *flags, int recv_flags)
{
	char control[CMSG_SPACE(8 * sizeof(int))], data[64];
	struct iovec iov = { data, sizeof data };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = room ? CMSG_SPACE(room * sizeof(int)) : 0 };
	long n = recvmsg(sock, &mh, recv_flags);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	*nfds = 0;
	*flags = mh.msg_flags;
	if (n >= 0 && c && c->cmsg_type == SCM_RIGHTS) {
		*nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), *nfds * sizeof(int));
	}
	return n;
}

struct waiting_send {
	int sock, fd, tid;
	long result;
};

static void *send_and_wait(void *arg)
{
	struct waiting_send *w = arg;

	w->tid = sys_gettid();
	w->result = send_fds(w->sock, &w->fd, 1, "s");
	return NULL;
}

/*
 * A datagram send that waits for room in a full queue holds its descriptor in no
 * queue yet. If the socket it names loses its last other reference meanwhile,
 * the garbage collector runs (on the close) and must still count that socket as
 * reachable: its queued data is what the receiver will read from it.
 */
static void test_waiting_send(void)
{
	int named[2], filled = 0, fd = -1, nfds = 0, flags;
	char c, buf[8];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 +
			snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "scm-wait-%d", getpid());

	/* The receiver is not connected back: its queue holds a bounded number of
	 * datagrams from others (max_dgram_qlen), and then a sender waits. */
	int receiver = socket(AF_UNIX, SOCK_DGRAM, 0), sender = socket(AF_UNIX, SOCK_DGRAM, 0);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, named);
	ok(bind(receiver, (struct sockaddr *)&addr, len) == 0 &&
	   connect(sender, (struct sockaddr *)&addr, len) == 0,
	   "a datagram receiver bound, a sender connected to it");
	send(named[1], "hello", 5, 0);
	while (send(sender, "x", 1, MSG_DONTWAIT) == 1 && filled < 1000)
		filled++;
	struct waiting_send w = { sender, named[0], 0, 0 };
	pthread_t t = xthread(send_and_wait, &w);
	while (!__atomic_load_n(&w.tid, __ATOMIC_ACQUIRE))
		sched_yield();
	ok(filled < 1000 && await_sleeping(getpid(), w.tid),
	   "a send with a descriptor waits for room in the full queue");
	close(named[0]);
	recv(receiver, &c, 1, 0);
	pthread_join(t, NULL);
	ok(w.result == 1, "and sends once there is room");
	for (int i = 1; i < filled; i++)
		recv(receiver, &c, 1, 0);
	ok(recv_fds(receiver, &fd, 1, &nfds, &flags, 0) == 1 && nfds == 1,
	   "the descriptor arrives after the datagrams queued before it");
	ok(recv(fd, buf, sizeof buf, MSG_DONTWAIT) == 5 && !memcmp(buf, "hello", 5),
	   "the socket it names kept its queue, closed everywhere else while the send waited");
	close(fd);
	close(named[1]);
	close(sender);
	close(receiver);
}

int main(void)
{
	int sv[2], p[2], got[8], nfds, flags;
	char buf[16];

	plan(30);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	xpipe(p);

	/* A child receives the write end of a pipe and writes into it. */
	pid_t pid = xfork();
	if (pid == 0) {
		close(p[1]);
		int fd[1];
		if (recv_fds(sv[1], fd, 1, &nfds, &flags, 0) != 4 || nfds != 1)
			_exit(1);
		_exit(write(fd[0], "from child", 10) == 10 ? 0 : 2);
	}
	ok(send_fds(sv[0], &p[1], 1, "pipe") == 4, "sendmsg with one descriptor");
	close(p[1]);
	ok_exit(wait_status(pid), 0, "the child got it and wrote");
	ok(read(p[0], buf, sizeof buf) == 10 && !memcmp(buf, "from child", 10),
	   "the parent reads what the child wrote into the passed pipe");
	ok(read(p[0], buf, sizeof buf) == 0, "and EOF: every copy of the write end is closed");
	close(p[0]);

	/* Three at once; the sender closes its own before they are received. */
	int three[3];
	for (int i = 0; i < 3; i++)
		three[i] = open("/proc/self/stat", O_RDONLY);
	ok(send_fds(sv[0], three, 3, "abc") == 3, "three descriptors in one message");
	for (int i = 0; i < 3; i++)
		close(three[i]);
	ok(recv_fds(sv[1], got, 3, &nfds, &flags, MSG_CMSG_CLOEXEC) == 3 && nfds == 3,
	   "all three arrive after the sender closed its copies");
	ok(fcntl(got[0], F_GETFD) == FD_CLOEXEC && fcntl(got[2], F_GETFD) == FD_CLOEXEC,
	   "MSG_CMSG_CLOEXEC sets close-on-exec");
	ok(flags == MSG_CMSG_CLOEXEC, "msg_flags echoes MSG_CMSG_CLOEXEC, nothing else");
	ok(read(got[1], buf, 1) == 1, "a received descriptor works");
	for (int i = 0; i < 3; i++)
		close(got[i]);

	/* CMSG_SPACE for one int has room for two (padding): the third of three is
	 * closed, and MSG_CTRUNC says so. */
	int two[2];
	xpipe(two);
	int sent3[3] = { two[1], two[1], two[0] };
	send_fds(sv[0], sent3, 3, "x");
	close(two[0]);
	ok(recv_fds(sv[1], got, 1, &nfds, &flags, 0) == 1 && nfds == 2 && (flags & MSG_CTRUNC),
	   "a control buffer sized for one takes two of three: MSG_CTRUNC");
	close(got[0]);
	close(got[1]);
	signal(SIGPIPE, SIG_IGN);
	ok_errno(write(two[1], "x", 1), EPIPE, "the descriptor that did not fit was closed");
	close(two[1]);

	/* No control buffer at all. */
	int one = open("/proc/self/stat", O_RDONLY);
	send_fds(sv[0], &one, 1, "y");
	ok(recv_fds(sv[1], got, 0, &nfds, &flags, 0) == 1 && nfds == 0 && (flags & MSG_CTRUNC),
	   "no control buffer: the data, MSG_CTRUNC");

	/* MSG_PEEK duplicates; the real read gets them again. */
	send_fds(sv[0], &one, 1, "z");
	ok(recv_fds(sv[1], got, 1, &nfds, &flags, MSG_PEEK) == 1 && nfds == 1, "MSG_PEEK gets a copy");
	int peeked = got[0];
	ok(recv_fds(sv[1], got, 1, &nfds, &flags, 0) == 1 && nfds == 1 && got[0] != peeked,
	   "the read gets its own");
	close(peeked);
	close(got[0]);

	/* Errors. */
	int bad = 999;
	ok_errno(send_fds(sv[0], &bad, 1, "e"), EBADF, "passing a closed descriptor: EBADF");
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "e", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof control };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = sizeof control + 8;
	ok_errno(sendmsg(sv[0], &mh, 0), EINVAL, "a cmsg_len past the buffer: EINVAL");
	c->cmsg_len = CMSG_LEN(sizeof(int));
	c->cmsg_type = 77;
	ok_errno(sendmsg(sv[0], &mh, 0), EINVAL, "an unknown SOL_SOCKET message type: EINVAL");
	mh.msg_control = (void *)8;
	ok_errno(syscall(SYS_sendmsg, sv[0], &mh, 0), EFAULT, "a control buffer at a bad address: EFAULT");
	ok(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	   "nothing was sent by the failed calls");

	/* A control buffer the receiver cannot write: the descriptor is not kept, and
	 * the sender's own copy is untouched (calf once put the file twice here, and
	 * the pipe lost its writer). */
	int rp[2];
	xpipe(rp);
	ok(send_fds(sv[0], &rp[1], 1, "r") == 1, "sendmsg of a pipe's write end");
	char *readonly = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char data[8];
	struct iovec riov = { data, sizeof data };
	struct msghdr rmh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = readonly,
			      .msg_controllen = CMSG_SPACE(sizeof(int)) };
	long received = recvmsg(sv[1], &rmh, 0);
	ok(received == 1 && (rmh.msg_flags & MSG_CTRUNC),
	   "recvmsg into a read-only control buffer: the data, and MSG_CTRUNC");
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	ok(read(rp[0], buf, sizeof buf) == -1 && errno == EAGAIN,
	   "the pipe still has its writer: reading it empty is EAGAIN, not EOF");
	ok(write(rp[1], "ok", 2) == 2 && read(rp[0], buf, sizeof buf) == 2,
	   "the sender's copy of the write end still works");
	ok(close(rp[1]) == 0 && read(rp[0], buf, sizeof buf) == 0,
	   "and closing it leaves the pipe without writers: EOF");
	close(rp[0]);
	munmap(readonly, 4096);
	close(one);
	close(sv[0]);
	close(sv[1]);

	/* A socket sent into its own queue with a pipe's write end, every descriptor
	 * closed: only a collector can free them. When is not for a program to see
	 * (Linux collects later, calf at once), so only the sending is checked. */
	int cyc[2], pp[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, cyc);
	xpipe(pp);
	int both[2] = { cyc[0], pp[1] };
	ok(send_fds(cyc[1], both, 2, "loop") == 4, "a socket sent into its own queue");
	close(pp[1]);
	close(cyc[0]);
	close(cyc[1]);
	close(pp[0]);
	test_waiting_send();
	return done();
}
