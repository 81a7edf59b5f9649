/*
 * net/inet_addr.c - IPv4 and IPv6 addresses and the port table.
 *
 * Addresses are kept in IPv6 form (IPv4 ones v4-mapped), so that an IPv6 socket
 * that is not IPV6_V6ONLY can take IPv4 connections with one comparison.
 *
 * The port table is one list of every socket holding a port: bound by bind(),
 * chosen by listen() or connect(), or inherited by an accepted connection. Two
 * sockets on one port conflict when their addresses overlap (equal, or either a
 * wildcard covering the other's family) unless both asked SO_REUSEADDR and
 * neither listens (Linux's rule; TIME_WAIT does not exist here). SO_REUSEPORT is
 * accepted but does not let two sockets share a port.
 */
#include "fs/internal.h"
#include "fs/fs.h"
#include "net/inet.h"

#define EPHEMERAL_LOW  32768	/* Linux's net.ipv4.ip_local_port_range */
#define EPHEMERAL_HIGH 60999

const struct inet_addr inet_any6 = { { 0 } };
const struct inet_addr inet_any4 = { { [10] = 0xff, [11] = 0xff } };
const struct inet_addr inet_loopback6 = { { [15] = 1 } };
const struct inet_addr inet_loopback4 = { { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 } };

static struct list_node ports = LIST_HEAD_INIT(ports);

bool inet_addr_v4mapped(const struct inet_addr *a)
{
	return !memcmp(a->b, inet_any4.b, 12);
}

bool inet_addr_equal(const struct inet_addr *a, const struct inet_addr *b)
{
	return !memcmp(a->b, b->b, 16);
}

bool inet_addr_any(const struct inet_addr *a)
{
	return inet_addr_equal(a, &inet_any6) || inet_addr_equal(a, &inet_any4);
}

bool inet_addr_local(const struct inet_addr *a)
{
	if (inet_addr_any(a))
		return true;
	if (inet_addr_v4mapped(a)) {
		uint8_t first = a->b[12];
		if ((first & 0xf0) == 0xe0 || first == 0)	/* multicast, "this network" */
			return true;
		if (!loopback_ever_up())	/* no routing table: all "broadcast" */
			return true;
		if (!memcmp(a->b + 12, "\xff\xff\xff\xff", 4))	/* limited broadcast */
			return true;
		return first == 127 && loopback_up();
	}
	return inet_addr_equal(a, &inet_loopback6) && loopback_up();
}

int inet_addr_from_user(struct inet_sock *is, const uint8_t *sa, uint32_t len,
			struct inet_addr *addr, uint16_t *port)
{
	uint16_t family, nport;

	if (is->us.sock.family == AF_INET) {
		if (len < SOCKADDR_IN_LEN)
			return -EINVAL;
		memcpy(&family, sa, 2);
		if (family != AF_INET)
			return -EAFNOSUPPORT;
		*addr = inet_any4;
		memcpy(addr->b + 12, sa + 4, 4);
	} else {
		if (len < SIN6_LEN_RFC2133)
			return -EINVAL;
		memcpy(&family, sa, 2);
		if (family != AF_INET6)
			return -EAFNOSUPPORT;
		memcpy(addr->b, sa + 8, 16);
	}
	memcpy(&nport, sa + 2, 2);
	*port = (uint16_t)(nport >> 8 | nport << 8);
	return 0;
}

int inet_addr_to_sockaddr(struct inet_sock *is, const struct inet_addr *addr, uint16_t port,
			  void *out)
{
	uint8_t *sa = out;
	uint16_t family = is->us.sock.family;
	uint16_t nport = (uint16_t)(port >> 8 | port << 8);

	memcpy(sa, &family, 2);
	memcpy(sa + 2, &nport, 2);
	if (family == AF_INET) {
		memcpy(sa + 4, addr->b + 12, 4);
		memset(sa + 8, 0, 8);
		return SOCKADDR_IN_LEN;
	}
	memset(sa + 4, 0, 4);			/* sin6_flowinfo */
	memcpy(sa + 8, addr->b, 16);
	memset(sa + 24, 0, 4);			/* sin6_scope_id */
	return SOCKADDR_IN6_LEN;
}

/* Does is's local address take in IPv4 (v4) or IPv6 (!v4) destinations? */
static bool covers(struct inet_sock *is, bool v4)
{
	bool mapped = inet_addr_v4mapped(&is->laddr);

	if (is->us.sock.family == AF_INET)
		return v4;
	if (inet_addr_equal(&is->laddr, &inet_any6))
		return v4 ? !is->v6only : true;
	return v4 ? mapped : !mapped;
}

static bool wildcard(struct inet_sock *is)
{
	return inet_addr_any(&is->laddr);
}

static bool overlap(struct inet_sock *a, struct inet_sock *b)
{
	for (int v4 = 0; v4 < 2; v4++)
		if (covers(a, v4) && covers(b, v4) &&
		    (wildcard(a) || wildcard(b) || inet_addr_equal(&a->laddr, &b->laddr)))
			return true;
	return false;
}

static bool conflict_with(struct inet_sock *is, uint16_t port)
{
	struct list_node *pos;

	list_for_each(pos, &ports) {
		struct inet_sock *other = list_entry(pos, struct inet_sock, port_link);
		if (other == is || other->lport != port || other->us.sock.type != is->us.sock.type)
			continue;
		/* Linux looks at the other's state only: a socket may start listening
		 * beside a bound one, but nothing may join a listener. */
		if (is->us.sock.reuseaddr && other->us.sock.reuseaddr && !other->us.sock.listening)
			continue;
		if (overlap(is, other))
			return true;
	}
	return false;
}

bool inet_port_conflict(struct inet_sock *is)
{
	return conflict_with(is, is->lport);
}

void inet_port_hash(struct inet_sock *is, uint16_t port)
{
	is->lport = port;
	is->hashed = true;
	list_push_back(&ports, &is->port_link);
}

int inet_port_take(struct inet_sock *is, uint16_t port, bool for_connect)
{
	if (port) {
		if (conflict_with(is, port))
			return -EADDRINUSE;
		inet_port_hash(is, port);
		return 0;
	}
	unsigned range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1, start;
	random_bytes(&start, sizeof(start));
	start %= range;
	/* connect() favours even ports and bind() odd ones, as Linux does. */
	for (int parity = 0; parity < 2; parity++) {
		for (unsigned i = 0; i < range; i++) {
			unsigned candidate = EPHEMERAL_LOW + (start + i) % range;
			bool even = candidate % 2 == 0;
			if ((even == for_connect) != (parity == 0))
				continue;
			if (!conflict_with(is, candidate)) {
				inet_port_hash(is, candidate);
				return 0;
			}
		}
	}
	return -EADDRINUSE;
}

void inet_port_release(struct inet_sock *is)
{
	if (!is->hashed)
		return;
	list_remove(&is->port_link);
	is->hashed = false;
}

/* How well listener l matches a connection to addr: 0 not at all, 2 exact. */
static int listen_score(struct inet_sock *l, const struct inet_addr *addr)
{
	bool v4 = inet_addr_v4mapped(addr);
	int score;

	if (!l->us.sock.listening || l->us.dead || !covers(l, v4))
		return 0;
	if (inet_addr_equal(&l->laddr, addr))
		score = 4;
	else if (wildcard(l))
		score = 2;
	else
		return 0;
	return score + (l->us.sock.family == AF_INET);
}

struct inet_sock *inet_find_listener(const struct inet_addr *addr, uint16_t port)
{
	struct inet_sock *best = NULL;
	int best_score = 0;
	struct list_node *pos;

	list_for_each(pos, &ports) {
		struct inet_sock *is = list_entry(pos, struct inet_sock, port_link);
		if (is->lport != port || is->us.sock.type != SOCK_STREAM)
			continue;
		int score = listen_score(is, addr);
		if (score > best_score) {
			best = is;
			best_score = score;
		}
	}
	if (best)
		unix_get(&best->us);
	return best;
}
