/*
 * net/unix.c - AF_UNIX sockets: stream, datagram and seqpacket; connections,
 * messages, descriptors passed with SCM_RIGHTS, shutdown and close.
 *
 * Every socket has a receive queue of messages. A sender copies its bytes into a
 * message, queues it on the receiver and counts it in its own wmem until it is
 * read, so a writer waits (or gets EAGAIN) when wmem reaches its send buffer, and
 * the reader's consumption wakes it. Stream reads run across messages; datagram
 * and seqpacket reads take one message each (MSG_TRUNC for the rest).
 *
 * connect() to a listening socket makes the server's end at once (an "embryo"
 * with the client as its peer) and queues it on the listener; accept() gives it a
 * file. So a connection is complete before it is accepted, and data sent early
 * waits in the embryo's queue, as on Linux. A backlog of n admits n + 1 waiting
 * connections (Linux's test is "more than n").
 *
 * Closing a stream end shuts the peer down both ways (EOF, then EPIPE and
 * SIGPIPE for writes) and, if unread data was left behind, sets ECONNRESET on it.
 * Descriptors in flight hold their files; a file sent over its own socket is not
 * collected (Linux has a garbage collector for such cycles; calf does not yet).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "net/unix.h"

#define MAX_DGRAM_QLEN 10	/* Linux's net.unix.max_dgram_qlen */

static const struct socket_ops unix_ops;

static struct unix_sock *unix_sk(struct socket *sock)
{
	return (struct unix_sock *)sock;
}

static bool connection_type(int type)
{
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

static struct linux_ucred current_cred(void)
{
	struct task *task = fs_current();

	return (struct linux_ucred){ fs_current_ids().pid, task->cred.euid, task->cred.egid };
}

void unix_sock_init(struct unix_sock *us, int family, int type, const struct socket_ops *ops)
{
	socket_init(&us->sock, family, type, 0, ops);
	us->refs = 1;
	list_init(&us->queue);
	list_init(&us->pending);
	list_init(&us->abstract_link);	/* an embryo has a name but is in no list */
	unix_gc_track(us);
	us->peercred = (struct linux_ucred){ 0, (uint32_t)-1, (uint32_t)-1 };
}

static struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *us = kzalloc(sizeof(*us));

	if (us)
		unix_sock_init(us, AF_UNIX, type, &unix_ops);
	return us;
}

static struct unix_sock *unix_embryo(struct unix_sock *listener, struct unix_sock *client)
{
	struct unix_sock *embryo = unix_alloc(listener->sock.type);

	if (!embryo)
		return NULL;
	memcpy(embryo->addr, listener->addr, listener->addrlen);
	embryo->addrlen = listener->addrlen;
	embryo->peercred = current_cred();
	client->peercred = listener->peercred;
	return embryo;
}

void unix_get(struct unix_sock *us)
{
	us->refs++;
}

void unix_put(struct unix_sock *us)
{
	BUG_ON(us->refs == 0);
	if (--us->refs == 0) {
		unix_gc_untrack(us);
		kfree(us);
	}
}

static void free_files(struct file **files, unsigned n)
{
	unix_gc_files(files, n, -1);
	for (unsigned i = 0; i < n; i++)
		if (files[i])
			file_put(files[i]);
	kfree(files);
}

/* ---- the receive queue ---- */

static void queue_msg(struct unix_sock *to, struct unix_msg *msg)
{
	list_push_back(&to->queue, &msg->link);
	to->queued += msg->len;
	to->nqueued++;
	msg->from->wmem += msg->len;
	fs_wake_events(&to->sock.wait, POLLIN | POLLRDNORM);
}

static void free_msg(struct unix_msg *msg)
{
	if (msg->files)
		free_files(msg->files, msg->nfiles);
	unix_put(msg->from);
	kfree(msg);
}

void unix_msg_free_detached(struct unix_msg *msg)
{
	struct unix_sock *from = msg->from;

	from->wmem -= msg->len;
	fs_wake_events(&from->sock.wait, POLLOUT | POLLWRNORM);
	free_msg(msg);
}

/* Take msg off us's queue and free it: its sender may write again. */
static void drop_msg(struct unix_sock *us, struct unix_msg *msg)
{
	struct unix_sock *from = msg->from;

	list_remove(&msg->link);
	us->queued -= msg->len - msg->off;
	us->nqueued--;
	from->wmem -= msg->len;
	fs_wake_events(&from->sock.wait, POLLOUT | POLLWRNORM);
	if (us != from && us->sock.type != SOCK_STREAM)	/* room in a datagram queue */
		fs_wake_events(&us->sock.wait, POLLOUT | POLLWRNORM);
	free_msg(msg);
}

static void purge_queue(struct unix_sock *us)
{
	while (!list_empty(&us->queue))
		drop_msg(us, list_entry(us->queue.next, struct unix_msg, link));
}

/* A message of n bytes from us, copied from msg at offset at: NULL with *error. */
static struct unix_msg *make_msg(struct unix_sock *us, struct kmsg *msg, size_t at, size_t n,
				 int *error)
{
	struct unix_msg *m = kmalloc(sizeof(*m) + (n ? n : 1));

	if (!m) {
		*error = -ENOMEM;
		return NULL;
	}
	if (kmsg_copy_in(msg, at, m->data, n) != n) {
		kfree(m);
		*error = -EFAULT;
		return NULL;
	}
	m->len = n;
	m->off = 0;
	m->files = NULL;
	m->nfiles = 0;
	m->from = us;
	unix_get(us);
	return m;
}

/* Give the message msg's descriptors (only the first message of a send has them). */
static void attach_files(struct unix_msg *m, struct kmsg *msg)
{
	m->files = msg->files;
	m->nfiles = msg->nfiles;
	unix_gc_files(m->files, m->nfiles, +1);
	msg->files = NULL;
	msg->nfiles = 0;
}

/* Wait on us's queue for cond, unless nonblocking: 0, -EAGAIN or -ERESTARTSYS. */
#define UNIX_WAIT(us, nonblock, cond) \
	((cond) ? 0 : (nonblock) ? -EAGAIN : \
	 FS_WAIT_EVENT(&(us)->sock.wait, (cond)) ? -ERESTARTSYS : 0)

static int take_error(struct unix_sock *us)
{
	int error = us->sock.error;

	us->sock.error = 0;
	return -error;
}

/* ---- closing ---- */

void unix_tcp_reset(struct unix_sock *us)
{
	if (us->reset)
		return;
	us->sock.error = us->fin_seen ? EPIPE : ECONNRESET;	/* as Linux's tcp_reset */
	us->sock.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
	us->reset = true;
	fs_wake(&us->sock.wait);
}

/*
 * TCP: closing with unread data, before being accepted or with SO_LINGER 0 resets
 * the connection; otherwise the peer reads EOF (our FIN) and may go on writing
 * until a write finds nobody (stream_send).
 */
static void tcp_hang_up(struct unix_sock *us, struct unix_sock *peer, bool embryo)
{
	if (embryo || !list_empty(&us->queue) || us->rst_on_close) {
		unix_tcp_reset(peer);
	} else if (!peer->reset) {
		peer->fin_seen = true;
		peer->sock.shutdown |= RCV_SHUTDOWN;
		fs_wake(&peer->sock.wait);
	}
}

void unix_drop_pending(struct unix_sock *us)
{
	while (!list_empty(&us->pending)) {
		struct unix_sock *waiting = list_entry(us->pending.next, struct unix_sock,
						       pending_link);
		list_remove(&waiting->pending_link);
		us->npending--;
		unix_close(waiting, true);
	}
}

void unix_close(struct unix_sock *us, bool embryo)
{
	struct unix_sock *peer = us->peer;

	us->dead = true;
	unix_unbind(us);
	unix_drop_pending(us);
	if (peer) {
		if (us->tcp) {
			tcp_hang_up(us, peer, embryo);
		} else if (connection_type(us->sock.type)) {
			peer->sock.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
			if (!list_empty(&us->queue) || embryo)
				peer->sock.error = ECONNRESET;
			fs_wake(&peer->sock.wait);
		}
		us->peer = NULL;
		unix_put(peer);
	}
	purge_queue(us);
	fs_wake(&us->sock.wait);
	unix_put(us);
}

static void unix_release(struct socket *sock)
{
	unix_close(unix_sk(sock), false);
}

/* ---- names and connections ---- */

static int unix_bind(struct socket *sock, const void *addr, uint32_t len)
{
	return unix_bind_name(unix_sk(sock), addr, len);
}

static int unix_listen(struct socket *sock, int backlog)
{
	struct unix_sock *us = unix_sk(sock);

	if (!connection_type(sock->type))
		return -EOPNOTSUPP;
	if (!us->addrlen || us->connected)
		return -EINVAL;
	us->backlog = backlog;	/* listen(2) bounded it to [0, SOMAXCONN] */
	if (!sock->listening)
		us->peercred = current_cred();
	sock->listening = true;
	fs_wake(&sock->wait);	/* a listener is not "hung up" any more */
	return 0;
}

/* Connect two sockets to each other (socketpair, a datagram's peer aside). */
static void pair_up(struct unix_sock *a, struct unix_sock *b)
{
	unix_get(b);
	a->peer = b;
	unix_get(a);
	b->peer = a;
	a->connected = b->connected = true;
}

int unix_stream_connect(struct unix_sock *us, struct unix_sock *listener, bool nonblock,
			unix_embryo_fn make_embryo)
{
	struct unix_sock *embryo;

	for (;;) {
		if (listener->dead || !listener->sock.listening)
			return -ECONNREFUSED;
		if (listener->npending <= listener->backlog)
			break;
		if (nonblock)
			return -EAGAIN;
		if (FS_WAIT_EVENT(&listener->sock.wait, listener->dead ||
				  !listener->sock.listening ||
				  listener->npending <= listener->backlog))
			return -ERESTARTSYS;
	}
	if (us->connected)
		return -EISCONN;
	if (us->sock.listening)
		return -EINVAL;
	embryo = make_embryo(listener, us);
	if (!embryo)
		return -ENOMEM;
	pair_up(us, embryo);
	list_push_back(&listener->pending, &embryo->pending_link);	/* its reference */
	listener->npending++;
	fs_wake_events(&listener->sock.wait, POLLIN | POLLRDNORM);
	fs_wake(&us->sock.wait);
	return 0;
}

/* A datagram socket's default destination (AF_UNSPEC: none). */
static int connect_dgram(struct unix_sock *us, const uint8_t *addr, uint32_t len)
{
	struct unix_sock *other = NULL;
	uint16_t family;
	int error;

	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, addr, sizeof(family));
	if (family != AF_UNSPEC) {
		error = unix_check_addr(addr, len);
		if (!error)
			error = unix_find(addr, len, us->sock.type, &other);
		if (error)
			return error;
		if (other->peer && other->peer != us && other != us) {
			unix_put(other);
			return -EPERM;
		}
	}
	if (us->peer)
		unix_put(us->peer);
	us->peer = other;
	return 0;
}

static int unix_connect(struct socket *sock, const void *addr, uint32_t len, bool nonblock)
{
	struct unix_sock *us = unix_sk(sock), *other;
	int error;

	if (!connection_type(sock->type))
		return connect_dgram(us, addr, len);
	error = unix_check_addr(addr, len);
	if (!error)
		error = unix_find(addr, len, sock->type, &other);
	if (error)
		return error;
	error = unix_stream_connect(us, other, nonblock, unix_embryo);
	unix_put(other);
	return error;
}

int unix_accept(struct socket *sock, struct socket **out, bool nonblock)
{
	struct unix_sock *us = unix_sk(sock), *embryo;
	int error;

	if (!connection_type(sock->type))
		return -EOPNOTSUPP;
	if (!sock->listening)
		return -EINVAL;
	error = UNIX_WAIT(us, nonblock, !list_empty(&us->pending));
	if (error)
		return error;
	embryo = list_entry(us->pending.next, struct unix_sock, pending_link);
	list_remove(&embryo->pending_link);
	us->npending--;
	fs_wake_events(&sock->wait, POLLOUT);	/* connecters waiting for the backlog */
	*out = &embryo->sock;
	return 0;
}

static int unix_shutdown(struct socket *sock, int how)
{
	struct unix_sock *us = unix_sk(sock);
	struct unix_sock *peer = us->peer;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	unsigned mode = how + 1;
	sock->shutdown |= mode;
	fs_wake(&sock->wait);
	if (peer && connection_type(sock->type)) {
		peer->sock.shutdown |= (mode & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) |
				       (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
		fs_wake(&peer->sock.wait);
	}
	return 0;
}

static int unix_getname(struct socket *sock, void *addr, bool peer)
{
	struct unix_sock *us = unix_sk(sock);
	uint16_t family = AF_UNIX;

	if (peer) {
		us = us->peer;
		if (!us)
			return -ENOTCONN;
	}
	if (!us->addrlen) {
		memcpy(addr, &family, sizeof(family));
		return sizeof(family);
	}
	memcpy(addr, us->addr, us->addrlen);
	return us->addrlen;
}

static struct linux_ucred unix_peercred(struct socket *sock)
{
	return unix_sk(sock)->peercred;
}

/* ---- sending ---- */

static long pipe_error(unsigned flags)
{
	if (!(flags & MSG_NOSIGNAL))
		task_signal_self(SIGPIPE);
	return -EPIPE;
}

/* TCP's send errors (Linux's sk_stream_error): a pending error first, else EPIPE
 * with SIGPIPE. */
static long tcp_send_error(struct unix_sock *us, unsigned flags)
{
	long error = take_error(us);

	return error ? error : pipe_error(flags);
}

static long send_error(struct unix_sock *us, unsigned flags)
{
	return us->tcp ? tcp_send_error(us, flags) : pipe_error(flags);
}

/*
 * What a writer may have queued and unread: its send buffer. (Linux's TCP grows
 * its buffer once connected, within a global tcp_mem; calf keeps what SO_SNDBUF
 * says, so that kernel memory stays bounded by the sockets' buffers.)
 */
static size_t send_limit(struct unix_sock *us)
{
	return us->sock.sndbuf;
}

/* May us send? 0 or the error (TCP ignores a destination address; writing an
 * unconnected TCP socket is EPIPE). */
static long stream_send_check(struct unix_sock *us, struct kmsg *msg, unsigned flags)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (us->tcp)
		return !us->connected || us->sock.error || (us->sock.shutdown & SEND_SHUTDOWN)
			? tcp_send_error(us, flags) : 0;
	if (msg->namelen)
		return us->connected ? -EISCONN : -EOPNOTSUPP;
	if (!us->peer)
		return -ENOTCONN;
	if (us->sock.shutdown & SEND_SHUTDOWN)
		return pipe_error(flags);
	return 0;
}

long unix_stream_send(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock)
{
	size_t sent = 0;
	long error = stream_send_check(us, msg, flags);

	if (error)
		return error;
	/* Nothing to send sends nothing, files included, as in Linux: a message
	 * of no bytes would read as end of file. */
	while (sent < msg->total) {
		struct unix_sock *peer = us->peer;
		if (us->tcp && peer && peer->dead && !(us->sock.shutdown & SEND_SHUTDOWN)) {
			/* Nobody reads any more: the bytes vanish and the answer is a reset. */
			unix_tcp_reset(us);
			return msg->total;
		}
		if ((us->sock.shutdown & SEND_SHUTDOWN) || !peer || peer->dead ||
		    (!us->tcp && (peer->sock.shutdown & RCV_SHUTDOWN))) {
			error = sent ? 0 : send_error(us, flags);
			break;
		}
		error = UNIX_WAIT(us, nonblock, us->wmem < send_limit(us) ||
				  (us->sock.shutdown & SEND_SHUTDOWN) || !us->peer || us->peer->dead);
		if (error)
			break;
		if ((us->sock.shutdown & SEND_SHUTDOWN) || us->peer != peer || peer->dead)
			continue;	/* the checks at the top say what happened */
		size_t chunk = msg->total - sent, most = send_limit(us) / 2 - 64;
		if (chunk > most)
			chunk = most;
		int make_error;
		struct unix_msg *m = make_msg(us, msg, sent, chunk, &make_error);
		if (!m) {
			error = make_error;
			break;
		}
		if (sent == 0)
			attach_files(m, msg);
		queue_msg(peer, m);
		sent += chunk;
	}
	return sent ? (long)sent : error;
}

/* The datagram's destination, referenced: its address, or the peer. */
static int dgram_target(struct unix_sock *us, struct kmsg *msg, struct unix_sock **out)
{
	if (msg->namelen)
		return unix_find(msg->name, msg->namelen, us->sock.type, out);
	if (!us->peer)
		return -ENOTCONN;
	unix_get(us->peer);
	*out = us->peer;
	return 0;
}

/* May us send to other now? 0, or the reason not (waiting is the caller's). */
static int dgram_refused(struct unix_sock *us, struct unix_sock *other)
{
	if (other->dead) {
		if (us->sock.type == SOCK_SEQPACKET)
			return -EPIPE;
		if (us->peer == other) {
			us->peer = NULL;
			unix_put(other);
		}
		return -ECONNREFUSED;
	}
	if (other->peer && other->peer != us && other != us)
		return -EPERM;
	if (other->sock.shutdown & RCV_SHUTDOWN)
		return -EPIPE;
	return 0;
}

static bool dgram_queue_full(struct unix_sock *us, struct unix_sock *other)
{
	return other->peer != us && other->nqueued > MAX_DGRAM_QLEN;
}

static long dgram_send(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock)
{
	struct unix_sock *other;
	struct unix_msg *m;
	long error;
	int make_error;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (msg->namelen && (error = unix_check_addr(msg->name, msg->namelen)))
		return error;
	if (!msg->namelen && !us->peer)
		return -ENOTCONN;
	if (msg->total > (size_t)us->sock.sndbuf - 32)
		return -EMSGSIZE;
	error = UNIX_WAIT(us, nonblock, us->wmem < (size_t)us->sock.sndbuf);
	if (error)
		return error;
	m = make_msg(us, msg, 0, msg->total, &make_error);
	if (!m)
		return make_error;
	error = dgram_target(us, msg, &other);
	if (error) {
		free_msg(m);
		return error;
	}
	for (;;) {
		error = dgram_refused(us, other);
		if (error || !dgram_queue_full(us, other))
			break;
		error = UNIX_WAIT(other, nonblock, other->dead || !dgram_queue_full(us, other));
		if (error)
			break;
	}
	if (error) {
		free_msg(m);
	} else {
		/* In flight only now, in a queue: while the send waited, the
		 * descriptors were the sender's own references, so the collector
		 * could not take a socket they name for garbage, which no queue
		 * it scans would have shown reachable. */
		attach_files(m, msg);
		queue_msg(other, m);
	}
	unix_put(other);
	return error ? error : (long)msg->total;
}

static long unix_sendmsg(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock)
{
	struct unix_sock *us = unix_sk(sock);

	nonblock |= flags & MSG_DONTWAIT;
	if (sock->type == SOCK_STREAM)
		return unix_stream_send(us, msg, flags, nonblock);
	if (sock->type == SOCK_SEQPACKET) {
		if (!us->connected)
			return -ENOTCONN;
		msg->namelen = 0;
	}
	return dgram_send(us, msg, flags, nonblock);
}

/* ---- receiving ---- */

/* Hand a message's descriptors to the receiver (duplicates when peeking). */
static void deliver_files(struct unix_msg *m, struct kmsg *msg, unsigned flags)
{
	struct file **files = m->files;

	if (flags & MSG_PEEK) {
		files = kmalloc(m->nfiles * sizeof(*files));
		if (!files)
			return;
		for (unsigned i = 0; i < m->nfiles; i++) {
			files[i] = m->files[i];
			if (files[i])
				file_get(files[i]);
		}
	} else {
		unix_gc_files(files, m->nfiles, -1);
		m->files = NULL;
	}
	kmsg_put_files(msg, files, m->nfiles, flags & MSG_CMSG_CLOEXEC);
	kfree(files);
}

/* The sender's address into msg->name, when asked (none: namelen 0). */
static void sender_name(struct unix_msg *m, struct kmsg *msg)
{
	if (!msg->want_name)
		return;
	msg->namelen = m->from->addrlen;
	memcpy(msg->name, m->from->addr, m->from->addrlen);
}

/*
 * Has this receive data it has not had yet? A peek leaves what it copied in the
 * queue, so for it only the bytes beyond those count.
 */
static bool unread_data(const struct unix_sock *us, bool peek, size_t copied)
{
	return peek ? us->queued > copied : !list_empty(&us->queue);
}

long unix_stream_recv(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock)
{
	size_t target = flags & MSG_WAITALL ? msg->total : 1, copied = 0, skip = 0;
	struct list_node *pos = &us->queue;
	bool peek = flags & MSG_PEEK;
	long error = 0;

	if (!us->connected && us->tcp)
		return (error = take_error(us)) ? error : -ENOTCONN;
	if (!us->connected)
		return -EINVAL;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	for (;;) {
		struct list_node *next = peek ? pos->next : us->queue.next;
		if (next == &us->queue) {
			/* A peek of an AF_UNIX stream that has copied something ends at
			 * the end of the queue, MSG_WAITALL or not; TCP's waits for more
			 * and goes on past what it has (Linux's two). Waiting merely for
			 * a queue that is not empty would copy the same bytes again,
			 * over and over until the buffer was full: the fuzzer found a
			 * peek of a large buffer holding the kernel lock for minutes.
			 * TCP: after the peer's FIN, EOF comes before any error. */
			if (copied >= target || (peek && copied && !us->tcp) || us->fin_seen ||
			    (error = take_error(us)) || (us->sock.shutdown & RCV_SHUTDOWN))
				break;
			error = UNIX_WAIT(us, nonblock, unread_data(us, peek, copied) ||
					  us->sock.error || (us->sock.shutdown & RCV_SHUTDOWN));
			if (error)
				break;
			pos = &us->queue;
			skip = peek ? copied : 0;	/* a peek looks past what it has */
			continue;
		}
		struct unix_msg *m = list_entry(next, struct unix_msg, link);
		size_t from = m->off;
		if (skip) {	/* a peek past bytes it has: this message's first */
			size_t seen = skip < m->len - m->off ? skip : m->len - m->off;
			from += seen;
			skip -= seen;
			if (from == m->len) {
				pos = next;
				continue;
			}
		}
		size_t chunk = m->len - from;
		if (chunk > msg->total - copied)
			chunk = msg->total - copied;
		if (kmsg_copy_out(msg, copied, m->data + from, chunk) != chunk) {
			error = copied ? 0 : -EFAULT;
			break;
		}
		if (copied == 0)
			sender_name(m, msg);
		copied += chunk;
		bool had_files = m->files != NULL;
		if (had_files)
			deliver_files(m, msg, flags);
		if (peek) {
			pos = next;
		} else {
			m->off += chunk;
			us->queued -= chunk;
			if (m->off == m->len)
				drop_msg(us, m);
		}
		if (had_files || copied >= msg->total)
			break;
	}
	return copied ? (long)copied : error;
}

static long dgram_recv(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock)
{
	long error;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (us->sock.type == SOCK_SEQPACKET && !us->connected)
		return -ENOTCONN;
	while (list_empty(&us->queue)) {
		if ((error = take_error(us)))
			return error;
		if (us->sock.shutdown & RCV_SHUTDOWN)
			return 0;
		error = UNIX_WAIT(us, nonblock, !list_empty(&us->queue) || us->sock.error ||
				  (us->sock.shutdown & RCV_SHUTDOWN));
		if (error)
			return error;
	}
	struct unix_msg *m = list_entry(us->queue.next, struct unix_msg, link);
	size_t len = m->len < msg->total ? m->len : msg->total;
	sender_name(m, msg);
	error = kmsg_copy_out(msg, 0, m->data, len) == len ? 0 : -EFAULT;
	if (!error && len < m->len)
		msg->flags_out |= MSG_TRUNC;
	if (!error && m->files)
		deliver_files(m, msg, flags);
	long result = flags & MSG_TRUNC ? (long)m->len : (long)len;
	if (!(flags & MSG_PEEK))
		drop_msg(us, m);	/* a bad buffer loses the datagram, as on Linux */
	return error ? error : result;
}

static long unix_recvmsg(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock)
{
	nonblock |= flags & MSG_DONTWAIT;
	if (sock->type == SOCK_STREAM)
		return unix_stream_recv(unix_sk(sock), msg, flags, nonblock);
	return dgram_recv(unix_sk(sock), msg, flags, nonblock);
}

/* ---- readiness ---- */

static bool writable(struct unix_sock *us)
{
	return !us->sock.listening && us->wmem * 4 <= (size_t)us->sock.sndbuf;
}

static unsigned unix_poll(struct socket *sock)
{
	struct unix_sock *us = unix_sk(sock);
	unsigned events = 0;

	if (sock->error)
		events |= POLLERR;
	if (sock->shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN))
		events |= POLLHUP;
	if (sock->shutdown & RCV_SHUTDOWN)
		events |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&us->queue) || !list_empty(&us->pending))
		events |= POLLIN | POLLRDNORM;
	if (connection_type(sock->type) && !us->connected && !sock->listening)
		events |= POLLHUP;
	bool out = writable(us);
	if (out && sock->type != SOCK_STREAM && us->peer && us->peer->peer != us &&
	    us->peer->nqueued > MAX_DGRAM_QLEN)
		out = false;
	if (out)
		events |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return events;
}

long unix_ioctl(struct socket *sock, unsigned cmd, uint64_t arg)
{
	struct unix_sock *us = unix_sk(sock);
	int value;

	if (cmd != FIONREAD)
		return -ENOTTY;
	if (sock->listening)
		return -EINVAL;
	if (sock->type == SOCK_STREAM)
		value = us->queued;
	else
		value = list_empty(&us->queue) ? 0 :
			list_entry(us->queue.next, struct unix_msg, link)->len;
	return put_user(value, (int *)arg);
}

static const struct socket_ops unix_ops = {
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.peercred = unix_peercred,
	.release = unix_release,
};

int unix_create(int type, int protocol, struct socket **out)
{
	struct unix_sock *us;

	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW)
		type = SOCK_DGRAM;	/* Linux's old alias */
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	us = unix_alloc(type);
	if (!us)
		return -ENOMEM;
	*out = &us->sock;
	return 0;
}

int unix_pair(int type, struct socket **a, struct socket **b)
{
	int error = unix_create(type, 0, a);

	if (error)
		return error;
	error = unix_create(type, 0, b);
	if (error) {
		unix_put(unix_sk(*a));
		return error;
	}
	pair_up(unix_sk(*a), unix_sk(*b));
	unix_sk(*a)->peercred = unix_sk(*b)->peercred = current_cred();
	return 0;
}
