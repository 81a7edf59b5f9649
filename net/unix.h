/*
 * net/unix.h - AF_UNIX inside net/: the socket state shared by net/unix.c
 * (connections and data) and net/unix_addr.c (names: bind, lookup).
 */
#ifndef CALF_NET_UNIX_H
#define CALF_NET_UNIX_H

#include "lib/list.h"
#include "net/socket.h"

#define UNIX_ADDR_MAX 110	/* sizeof(struct sockaddr_un) */
#define UNIX_PATH_OFFSET 2	/* offsetof(struct sockaddr_un, sun_path) */

struct inode;

struct unix_sock {
	struct socket sock;		/* first: a struct socket * is a unix_sock * */
	unsigned refs;			/* its file, its peer, its messages in flight */
	bool dead;			/* its file is closed (or it was never accepted) */
	bool connected;			/* stream and seqpacket: has (had) a peer */
	struct unix_sock *peer;		/* referenced */
	struct list_node queue;		/* struct unix_msg received, oldest first */
	size_t queued;			/* bytes in queue not yet read */
	unsigned nqueued;		/* messages in queue */
	size_t wmem;			/* bytes it sent that are not read yet */
	/* Listening: connections made but not accepted, each referenced. */
	struct list_node pending;
	struct list_node pending_link;
	unsigned npending;
	unsigned backlog;
	/* Its name: addr[0..addrlen) as getsockname shows it (addrlen 0: none). */
	uint8_t addr[UNIX_ADDR_MAX + 1];
	uint32_t addrlen;
	struct inode *bound_inode;	/* a path name's socket inode, referenced */
	struct list_node abstract_link;	/* in the abstract names when so bound */
	struct linux_ucred peercred;	/* SO_PEERCRED */
	/* Garbage collection of descriptors in flight (net/unix_gc.c). */
	struct list_node all_link;	/* every unix socket */
	unsigned inflight;		/* messages holding its file */
	int gc_state;
	/* TCP over loopback (net/tcp_loopback.c) shares the stream engine; these
	 * say where it behaves as TCP rather than as AF_UNIX. */
	bool tcp;
	bool fin_seen;			/* the peer sends no more (Linux's SOCK_DONE) */
	bool reset;			/* the connection was reset: state CLOSE */
	bool rst_on_close;		/* SO_LINGER with a zero timeout */
};

/* A message in a receive queue. */
struct unix_msg {
	struct list_node link;
	struct unix_sock *from;		/* referenced: its address, its wmem */
	size_t len, off;		/* off: bytes already read (streams) */
	struct file **files;		/* SCM_RIGHTS, referenced; NULL when none */
	unsigned nfiles;
	char data[];
};

/* Free a message already taken off its queue (the collector's sweep). */
void unix_msg_free_detached(struct unix_msg *msg);

/* Names (net/unix_addr.c). */
/* EINVAL unless addr is a sockaddr_un of a valid length. */
int unix_check_addr(const uint8_t *addr, uint32_t len);
int unix_bind_name(struct unix_sock *us, const uint8_t *addr, uint32_t len);
/* The socket named addr, referenced: -ENOENT and the other path errors, -EACCES,
 * -ECONNREFUSED (no socket there), -EPROTOTYPE (one of another type). */
int unix_find(const uint8_t *addr, uint32_t len, int type, struct unix_sock **out);
void unix_unbind(struct unix_sock *us);

/* Garbage collection (net/unix_gc.c): sockets reachable only through messages
 * in the queues of such sockets are closed. unix_gc_track/untrack keep the list
 * of sockets; unix_gc_files counts files entering (+1) or leaving (-1) messages. */
void unix_gc_track(struct unix_sock *us);
void unix_gc_untrack(struct unix_sock *us);
void unix_gc_files(struct file **files, unsigned n, int delta);

/* The stream engine, shared with TCP over loopback (net/tcp_loopback.c). */
void unix_sock_init(struct unix_sock *us, int family, int type, const struct socket_ops *ops);
/* The server's end of a new connection from client to listener, or NULL. */
typedef struct unix_sock *(*unix_embryo_fn)(struct unix_sock *listener,
					     struct unix_sock *client);
/* Connect us to listener: the embryo is made, paired with us and queued for
 * accept. 0, -ECONNREFUSED, -EAGAIN (backlog full, nonblock), -EISCONN... */
int unix_stream_connect(struct unix_sock *us, struct unix_sock *listener, bool nonblock,
			unix_embryo_fn make_embryo);
int unix_accept(struct socket *sock, struct socket **out, bool nonblock);
long unix_stream_send(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock);
long unix_stream_recv(struct unix_sock *us, struct kmsg *msg, unsigned flags, bool nonblock);
long unix_ioctl(struct socket *sock, unsigned cmd, uint64_t arg);
/* The end of a socket: its file closed, or (embryo) a connection never accepted.
 * Drops the caller's reference. */
void unix_close(struct unix_sock *us, bool embryo);
/* Close the connections a listener has not accepted (their clients see a reset). */
void unix_drop_pending(struct unix_sock *us);
/* TCP: the connection is reset (ECONNRESET, or EPIPE after the peer's FIN). */
void unix_tcp_reset(struct unix_sock *us);

void unix_get(struct unix_sock *us);
void unix_put(struct unix_sock *us);

#endif
