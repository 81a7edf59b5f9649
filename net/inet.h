/*
 * net/inet.h - AF_INET and AF_INET6 inside net/: addresses and ports
 * (net/inet_addr.c), the loopback interface (net/loopback.c), TCP over loopback
 * (net/tcp_loopback.c) and the IP and TCP socket options (net/inet_sockopt.c).
 *
 * calf has no network card: every address it calls local belongs to `lo`, and a
 * connection is a pair of in-kernel byte streams (the AF_UNIX stream engine of
 * net/unix.c with its TCP behaviour switched on).
 */
#ifndef CALF_NET_INET_H
#define CALF_NET_INET_H

#include "net/unix.h"

#define IPPROTO_IP   0
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define IPPROTO_IPV6 41

#define SOCKADDR_IN_LEN  16	/* sizeof(struct sockaddr_in) */
#define SOCKADDR_IN6_LEN 28	/* sizeof(struct sockaddr_in6) */
#define SIN6_LEN_RFC2133 24	/* the shortest sockaddr_in6 Linux accepts */

/* An address, always in IPv6 form: an IPv4 address a.b.c.d is ::ffff:a.b.c.d. */
struct inet_addr {
	uint8_t b[16];
};

struct inet_sock {
	struct unix_sock us;		/* first: a socket * is a unix_sock * is an inet_sock * */
	bool v6only;			/* IPV6_V6ONLY */
	bool hashed;			/* holds lport in the port table */
	bool addr_locked, port_locked;	/* chosen by bind(), not by connect() */
	bool connecting;		/* a non-blocking connect not yet confirmed */
	struct inet_addr laddr, raddr;	/* local (any: all zero, or ::ffff:0.0.0.0) */
	uint16_t lport, rport;		/* host order; 0: none */
	struct list_node port_link;	/* in the port table while hashed */
	/* IPPROTO_TCP options, kept to be read back. */
	int nodelay, cork, keepidle, keepintvl, keepcnt, maxseg;
};

static inline struct inet_sock *inet_sk(struct socket *sock)
{
	return (struct inet_sock *)sock;
}

/* ---- addresses and ports (net/inet_addr.c) ---- */

extern const struct inet_addr inet_any6, inet_any4, inet_loopback6, inet_loopback4;

bool inet_addr_v4mapped(const struct inet_addr *a);
bool inet_addr_any(const struct inet_addr *a);	/* :: or ::ffff:0.0.0.0 */
bool inet_addr_equal(const struct inet_addr *a, const struct inet_addr *b);
/* May a socket bind a? 127.0.0.0/8 and ::1 when lo is up, the wildcards, and
 * the multicast and broadcast addresses Linux lets one bind (0.0.0.0/8 among
 * them, and any IPv4 address before lo was first up). */
bool inet_addr_local(const struct inet_addr *a);
/* A user sockaddr of the socket's family into addr/port: 0, -EINVAL (too
 * short), -EAFNOSUPPORT (another family). */
int inet_addr_from_user(struct inet_sock *is, const uint8_t *sa, uint32_t len,
			struct inet_addr *addr, uint16_t *port);
/* The socket's sockaddr for addr/port into out: its length. */
int inet_addr_to_sockaddr(struct inet_sock *is, const struct inet_addr *addr, uint16_t port,
			  void *out);

/* Take port (0: an ephemeral one, odd for bind and even for connect, as Linux
 * prefers) on is's laddr: 0 or -EADDRINUSE. */
int inet_port_take(struct inet_sock *is, uint16_t port, bool for_connect);
/* Would is, as it is now, conflict with another socket on its port (listen()
 * asks again: a bound socket may not start listening beside a listener)? */
bool inet_port_conflict(struct inet_sock *is);
void inet_port_release(struct inet_sock *is);
/* Hold port without checking (an accepted connection shares its listener's). */
void inet_port_hash(struct inet_sock *is, uint16_t port);
/* The listener a connection to addr:port reaches (exact address before a
 * wildcard, IPv4 sockets before IPv6 ones), referenced; NULL when none. */
struct inet_sock *inet_find_listener(const struct inet_addr *addr, uint16_t port);

/* ---- the loopback interface (net/loopback.c) ---- */

bool loopback_up(void);
/* Has lo been up since boot? (Until then Linux has no IPv4 routing table.) */
bool loopback_ever_up(void);

/* ---- TCP (net/tcp_loopback.c) and options (net/inet_sockopt.c) ---- */

int tcp_create(int family, int protocol, struct socket **out);
int inet_setsockopt(struct socket *sock, int level, int name, const void *user_val,
		    uint32_t len);
int inet_getsockopt(struct socket *sock, int level, int name, void *user_val,
		    uint32_t *user_len);

#endif
