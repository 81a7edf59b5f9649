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

void unix_get(struct unix_sock *us);
void unix_put(struct unix_sock *us);

#endif
