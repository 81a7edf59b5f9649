/*
 * net/socket.h - sockets: what the socket system calls (net/sys_socket.c) see of a
 * socket, and what a protocol family (net/unix.c) provides.
 *
 * A socket is a file on its own inode (S_IFSOCK | 0777, on an internal sockfs, as
 * fstat shows on Linux) whose private data is a struct socket. The generic layer
 * (net/socket.c) turns read/write/poll/close of the file into the family's
 * operations and answers the SOL_SOCKET options every family shares; the family
 * does addresses, connections and data.
 *
 * Locking: the kernel lock (kernel/kernel_lock.h). Only system calls touch
 * sockets (never an interrupt handler) and the kernel is not preemptible, so a
 * system call runs until it sleeps, and it never sleeps in the middle of a change.
 */
#ifndef CALF_NET_SOCKET_H
#define CALF_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sched/wait.h"
#include "fs/abi.h"

#define AF_UNSPEC 0
#define AF_UNIX   1
#define AF_INET   2
#define AF_INET6  10
#define AF_MAX    46

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_MAX       11
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  00004000
#define SOCK_CLOEXEC   02000000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2
#define RCV_SHUTDOWN  1		/* shutdown bits (how + 1) */
#define SEND_SHUTDOWN 2

#define MSG_OOB       0x1
#define MSG_PEEK      0x2
#define MSG_CTRUNC    0x8
#define MSG_TRUNC     0x20
#define MSG_DONTWAIT  0x40
#define MSG_EOR       0x80
#define MSG_WAITALL   0x100
#define MSG_NOSIGNAL  0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253		/* Linux's limit of descriptors per message */

#define SOCK_BUF_DEFAULT 212992	/* Linux's net.core.[rw]mem_default and _max */

struct linux_msghdr {
	void *name;
	uint32_t namelen;
	struct linux_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	uint32_t flags;
};

#define CMSG_ALIGN(len) (((len) + 7) & ~(size_t)7)

struct linux_cmsghdr {
	size_t len;
	int32_t level;
	int32_t type;
};

struct linux_ucred {
	int32_t pid;
	uint32_t uid, gid;
};

struct file;
struct socket;

/*
 * A message on its way in or out, in the kernel: the user's iovecs (copied in,
 * checked), the address (up to 128 bytes, sockaddr_storage) and, for sendmsg, the
 * descriptors of SCM_RIGHTS already turned into referenced files.
 */
struct kmsg {
	struct linux_iovec *iov;
	size_t iovlen;
	size_t total;			/* bytes the iovecs cover */
	uint8_t name[128];
	uint32_t namelen;		/* in: given; out: filled (0: none) */
	bool want_name;
	struct file **files;		/* sendmsg: SCM_RIGHTS, referenced */
	unsigned nfiles;
	/* recvmsg: the user's control buffer and what was written to it. */
	void *control;
	size_t controllen, control_used;
	unsigned flags_out;		/* MSG_TRUNC, MSG_CTRUNC */
};

/* Copy between a kernel buffer and the message's iovecs from byte offset at:
 * the bytes copied (fewer only at a bad user address). */
size_t kmsg_copy_out(struct kmsg *msg, size_t at, const void *src, size_t n);
size_t kmsg_copy_in(struct kmsg *msg, size_t at, void *dst, size_t n);
/* Hand received files to the current process as SCM_RIGHTS in the control
 * buffer (MSG_CTRUNC for those that do not fit; they are closed). Takes over the
 * references. */
void kmsg_put_files(struct kmsg *msg, struct file **files, unsigned n, bool cloexec);

/* What a protocol family does; a NULL operation answers EOPNOTSUPP, except
 * sendmsg, recvmsg, getname, poll and release, which every family must have. */
struct socket_ops {
	int (*bind)(struct socket *sock, const void *addr, uint32_t len);
	int (*connect)(struct socket *sock, const void *addr, uint32_t len, bool nonblock);
	int (*listen)(struct socket *sock, int backlog);
	/* A new connected socket (its file not made yet). */
	int (*accept)(struct socket *sock, struct socket **out, bool nonblock);
	long (*sendmsg)(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock);
	long (*recvmsg)(struct socket *sock, struct kmsg *msg, unsigned flags, bool nonblock);
	int (*shutdown)(struct socket *sock, int how);
	/* The socket's own (peer false) or its peer's address into addr (128 bytes):
	 * its length, or -ENOTCONN. */
	int (*getname)(struct socket *sock, void *addr, bool peer);
	unsigned (*poll)(struct socket *sock);
	long (*ioctl)(struct socket *sock, unsigned cmd, uint64_t arg);
	/* SO_PEERCRED. */
	struct linux_ucred (*peercred)(struct socket *sock);
	/* Options of levels other than SOL_SOCKET (NULL: EOPNOTSUPP). */
	int (*setsockopt)(struct socket *sock, int level, int name, const void *user_val,
			  uint32_t len);
	int (*getsockopt)(struct socket *sock, int level, int name, void *user_val,
			  uint32_t *user_len);
	/* The file is closing: drop the family's state (the socket is freed by it). */
	void (*release)(struct socket *sock);
};

struct socket {
	int family, type, protocol;
	const struct socket_ops *ops;
	struct file *file;		/* the file it is open as (not referenced) */
	struct wait_queue wait;		/* readers, writers, accepters, connecters */
	int error;			/* SO_ERROR: reported once, then cleared */
	uint8_t shutdown;		/* RCV_SHUTDOWN | SEND_SHUTDOWN */
	bool listening;
	int sndbuf, rcvbuf;
	bool reuseaddr, reuseport, keepalive, passcred, broadcast;
	bool linger;			/* SO_LINGER: on, and for how many seconds */
	int linger_secs;
};

/* Initialise the generic part of a new socket. */
void socket_init(struct socket *sock, int family, int type, int protocol,
		 const struct socket_ops *ops);
/* Open sock as a file with flags (O_NONBLOCK): 0 with *out, or -ENOMEM (then the
 * socket is released). */
int socket_file(struct socket *sock, unsigned flags, struct file **out);
/* The socket a file is, or NULL. */
struct socket *socket_of(struct file *file);

/* SOL_SOCKET options (net/sockopt.c): 0 or a negative errno. */
int sock_setsockopt(struct socket *sock, int name, const void *user_val, uint32_t len);
int sock_getsockopt(struct socket *sock, int name, void *user_val, uint32_t *user_len);

/* AF_UNIX (net/unix.c): a new socket of type (SOCK_STREAM, SOCK_DGRAM,
 * SOCK_SEQPACKET), or a connected pair. */
int unix_create(int type, int protocol, struct socket **out);
int unix_pair(int type, struct socket **a, struct socket **b);
/* AF_INET and AF_INET6 (net/tcp_loopback.c): a TCP socket over loopback. */
int inet_create(int family, int type, int protocol, struct socket **out);
/* The interface ioctls every socket answers (net/loopback.c): -ENOTTY if not one. */
long loopback_ioctl(unsigned cmd, uint64_t arg);
/* Collect unix sockets that only messages in flight keep open (cheap when no
 * socket is in flight): after any socket file loses a reference. */
void unix_gc(void);

#endif
