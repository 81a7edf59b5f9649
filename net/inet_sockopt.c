/*
 * net/inet_sockopt.c - the options of levels IPPROTO_TCP and IPPROTO_IPV6 (and
 * IPPROTO_IP, which has none here yet). Loopback has no segments to shape, so the
 * TCP options are checked as Linux checks them and kept to be read back; only
 * IPV6_V6ONLY changes behaviour (which connections an IPv6 socket takes).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "net/inet.h"

#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_CORK      3
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6
#define TCP_DEFER_ACCEPT 9
#define TCP_QUICKACK  12
#define TCP_USER_TIMEOUT 18
#define TCP_FASTOPEN  23

#define IPV6_V6ONLY   26

#define TCP_MIN_MSS 88
#define TCP_MSS_DEFAULT 536
#define MAX_TCP_KEEPIDLE 32767
#define MAX_TCP_KEEPINTVL 32767
#define MAX_TCP_KEEPCNT 127

static int tcp_set(struct inet_sock *is, int name, int val)
{
	switch (name) {
	case TCP_NODELAY: is->nodelay = val != 0; return 0;
	case TCP_CORK: is->cork = val != 0; return 0;
	case TCP_MAXSEG:
		if (val && (val < TCP_MIN_MSS || val > 65535))
			return -EINVAL;
		is->maxseg = val;
		return 0;
	case TCP_KEEPIDLE:
		if (val < 1 || val > MAX_TCP_KEEPIDLE)
			return -EINVAL;
		is->keepidle = val;
		return 0;
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			return -EINVAL;
		is->keepintvl = val;
		return 0;
	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			return -EINVAL;
		is->keepcnt = val;
		return 0;
	case TCP_DEFER_ACCEPT:
	case TCP_QUICKACK:
	case TCP_USER_TIMEOUT:
	case TCP_FASTOPEN:
		return 0;	/* accepted: nothing on loopback depends on them */
	default:
		return -ENOPROTOOPT;
	}
}

static int tcp_get(struct inet_sock *is, int name, int *val)
{
	switch (name) {
	case TCP_NODELAY: *val = is->nodelay; return 0;
	case TCP_CORK: *val = is->cork; return 0;
	case TCP_MAXSEG: *val = is->maxseg ? is->maxseg : TCP_MSS_DEFAULT; return 0;
	case TCP_KEEPIDLE: *val = is->keepidle; return 0;
	case TCP_KEEPINTVL: *val = is->keepintvl; return 0;
	case TCP_KEEPCNT: *val = is->keepcnt; return 0;
	default: return -ENOPROTOOPT;
	}
}

int inet_setsockopt(struct socket *sock, int level, int name, const void *user_val,
		    uint32_t len)
{
	struct inet_sock *is = inet_sk(sock);
	int val;

	if (!(level == IPPROTO_TCP && sock->type == SOCK_STREAM) &&
	    !(level == IPPROTO_IPV6 && sock->family == AF_INET6))
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	if (copy_from_user(&val, user_val, sizeof(val)))
		return -EFAULT;
	if (level == IPPROTO_TCP)
		return tcp_set(is, name, val);
	if (name != IPV6_V6ONLY)
		return -ENOPROTOOPT;
	if (is->hashed)		/* bound already: too late */
		return -EINVAL;
	is->v6only = val != 0;
	return 0;
}

int inet_getsockopt(struct socket *sock, int level, int name, void *user_val,
		    uint32_t *user_len)
{
	struct inet_sock *is = inet_sk(sock);
	int len, val, error;

	if (sock->family == AF_INET && level != IPPROTO_IP && level != IPPROTO_TCP)
		return -EOPNOTSUPP;	/* Linux's ip_getsockopt, unlike its set */
	if (!(level == IPPROTO_TCP && sock->type == SOCK_STREAM) &&
	    !(level == IPPROTO_IPV6 && sock->family == AF_INET6))
		return -ENOPROTOOPT;
	if (get_user(len, (int *)user_len))
		return -EFAULT;
	if (level == IPPROTO_TCP) {
		error = tcp_get(is, name, &val);
	} else {
		error = name == IPV6_V6ONLY ? 0 : -ENOPROTOOPT;
		val = is->v6only;
	}
	if (error)
		return error;
	if ((unsigned)len > sizeof(int))	/* Linux's min_t(unsigned int, ...) */
		len = sizeof(int);
	if (put_user(len, (int *)user_len) || copy_to_user(user_val, &val, len))
		return -EFAULT;
	return 0;
}
