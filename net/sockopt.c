/*
 * net/sockopt.c - the SOL_SOCKET options every socket family shares, with
 * Linux's values and rules (buffer sizes are doubled and bounded, SO_ERROR is
 * cleared by reading it, unknown options are ENOPROTOOPT).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "net/socket.h"

#define SO_DEBUG	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_DONTROUTE	5
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_RCVLOWAT	18
#define SO_SNDLOWAT	19
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39

#define SOCK_MIN_SNDBUF 4608	/* Linux's 2 * (2048 + an aligned struct sk_buff) */
#define SOCK_MIN_RCVBUF 2304

/* SO_LINGER: struct linger { int l_onoff, l_linger; }, seconds kept as given. */
static int set_linger(struct socket *sock, const void *user_val, uint32_t len)
{
	struct { int32_t onoff, secs; } l;

	if (len < sizeof(l))
		return -EINVAL;
	if (copy_from_user(&l, user_val, sizeof(l)))
		return -EFAULT;
	sock->linger = l.onoff != 0;
	if (l.onoff)
		sock->linger_secs = l.secs < 0 ? 0x7fffffff : l.secs;
	return 0;
}

int sock_setsockopt(struct socket *sock, int name, const void *user_val, uint32_t len)
{
	uint32_t val;

	if (name == SO_LINGER)
		return set_linger(sock, user_val, len);
	if (len < sizeof(int))
		return -EINVAL;
	if (copy_from_user(&val, user_val, sizeof(val)))
		return -EFAULT;
	switch (name) {
	case SO_REUSEADDR:
		sock->reuseaddr = val != 0;
		return 0;
	case SO_KEEPALIVE:
		sock->keepalive = val != 0;
		return 0;
	case SO_BROADCAST:
		sock->broadcast = val != 0;
		return 0;
	case SO_PASSCRED:
		sock->passcred = val != 0;
		return 0;
	case SO_SNDBUF:
		val = val < SOCK_BUF_DEFAULT ? val : SOCK_BUF_DEFAULT;
		sock->sndbuf = val * 2 > SOCK_MIN_SNDBUF ? (int)val * 2 : SOCK_MIN_SNDBUF;
		fs_wake(&sock->wait);	/* a larger buffer may let writers on */
		return 0;
	case SO_RCVBUF:
		val = val < SOCK_BUF_DEFAULT ? val : SOCK_BUF_DEFAULT;
		sock->rcvbuf = val * 2 > SOCK_MIN_RCVBUF ? (int)val * 2 : SOCK_MIN_RCVBUF;
		return 0;
	case SO_REUSEPORT:
		sock->reuseport = val != 0;	/* kept; sharing a port is not done */
		return 0;
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_RCVLOWAT:
		return 0;	/* accepted; nothing here depends on them */
	default:
		return -ENOPROTOOPT;
	}
}

/* The int value of an option, or -ENOPROTOOPT. */
static int int_option(struct socket *sock, int name, int *val)
{
	switch (name) {
	case SO_REUSEADDR: *val = sock->reuseaddr; break;
	case SO_KEEPALIVE: *val = sock->keepalive; break;
	case SO_BROADCAST: *val = sock->broadcast; break;
	case SO_PASSCRED: *val = sock->passcred; break;
	case SO_SNDBUF: *val = sock->sndbuf; break;
	case SO_RCVBUF: *val = sock->rcvbuf; break;
	case SO_TYPE: *val = sock->type; break;
	case SO_PROTOCOL: *val = sock->protocol; break;
	case SO_DOMAIN: *val = sock->family; break;
	case SO_ACCEPTCONN: *val = sock->listening; break;
	case SO_RCVLOWAT: *val = 1; break;
	case SO_SNDLOWAT: *val = 1; break;
	case SO_DEBUG: *val = 0; break;
	case SO_DONTROUTE: *val = 0; break;
	case SO_REUSEPORT: *val = sock->reuseport; break;
	case SO_ERROR:
		*val = sock->error;
		sock->error = 0;
		break;
	default:
		return -ENOPROTOOPT;
	}
	return 0;
}

int sock_getsockopt(struct socket *sock, int name, void *user_val, uint32_t *user_len)
{
	union {
		int val;
		struct linux_ucred cred;
		struct { int onoff, linger; } linger;
	} v;
	int len, size = sizeof(int), error;

	if (get_user(len, (int *)user_len))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	memset(&v, 0, sizeof(v));
	if (name == SO_PEERCRED) {
		v.cred = sock->ops->peercred ? sock->ops->peercred(sock) :
			(struct linux_ucred){ 0, (uint32_t)-1, (uint32_t)-1 };
		size = sizeof(v.cred);
	} else if (name == SO_LINGER) {
		size = sizeof(v.linger);
		v.linger.onoff = sock->linger;
		v.linger.linger = sock->linger_secs;
	} else if ((error = int_option(sock, name, &v.val))) {
		return error;
	}
	if (len > size)
		len = size;
	if (copy_to_user(user_val, &v, len))
		return -EFAULT;
	return put_user(len, (int *)user_len) ? -EFAULT : 0;
}
