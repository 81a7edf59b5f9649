/*
 * net/loopback.c - the one network interface, `lo`, and the ioctls that name it.
 *
 * Debian's Linux in the test guest boots with lo down (flags IFF_LOOPBACK only,
 * no address); bringing it up (ifconfig lo up, or SIOCSIFFLAGS with IFF_UP) gives
 * it 127.0.0.1/8 and ::1. calf starts the same way, so a program sees the same
 * thing on both kernels: until lo is up, connect says ENETUNREACH (IPv6:
 * EADDRNOTAVAIL) and ::1 does not bind. Before lo was ever up Linux has no IPv4
 * routing table at all and lets bind() take any IPv4 address; so does calf.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "net/inet.h"

#define IFNAMSIZ 16
#define IFF_UP       0x1
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING  0x40

#define SIOCGIFNAME   0x8910
#define SIOCGIFFLAGS  0x8913
#define SIOCSIFFLAGS  0x8914
#define SIOCGIFMTU    0x8921
#define SIOCGIFINDEX  0x8933

#define LO_MTU 65536
#define LO_INDEX 1

struct linux_ifreq {
	char name[IFNAMSIZ];
	union {
		int16_t flags;
		int32_t ivalue;
		uint8_t pad[24];
	};
};

static bool lo_up, lo_ever_up;

bool loopback_up(void)
{
	return lo_up;
}

bool loopback_ever_up(void)
{
	return lo_ever_up;
}

static int16_t lo_flags(void)
{
	return IFF_LOOPBACK | (lo_up ? IFF_UP | IFF_RUNNING : 0);
}

/* Set lo's flags: only IFF_UP means anything here (root only, as CAP_NET_ADMIN). */
static int set_flags(int16_t flags)
{
	if (fs_current()->cred.euid != 0)
		return -EPERM;
	lo_up = flags & IFF_UP;
	lo_ever_up |= lo_up;
	return 0;
}

long loopback_ioctl(unsigned cmd, uint64_t arg)
{
	struct linux_ifreq req;
	int error = 0;

	if (cmd != SIOCGIFFLAGS && cmd != SIOCSIFFLAGS && cmd != SIOCGIFINDEX &&
	    cmd != SIOCGIFMTU && cmd != SIOCGIFNAME)
		return -ENOTTY;
	if (copy_from_user(&req, (void *)arg, sizeof(req)))
		return -EFAULT;
	if (cmd == SIOCGIFNAME) {
		if (req.ivalue != LO_INDEX)
			return -ENODEV;
		memset(req.name, 0, IFNAMSIZ);
		memcpy(req.name, "lo", 2);
	} else {
		req.name[IFNAMSIZ - 1] = 0;
		if (strcmp(req.name, "lo"))
			return -ENODEV;
	}
	switch (cmd) {
	case SIOCGIFFLAGS: req.flags = lo_flags(); break;
	case SIOCSIFFLAGS: error = set_flags(req.flags); break;
	case SIOCGIFINDEX: req.ivalue = LO_INDEX; break;
	case SIOCGIFMTU: req.ivalue = LO_MTU; break;
	}
	if (error || cmd == SIOCSIFFLAGS)
		return error;
	return copy_to_user((void *)arg, &req, sizeof(req)) ? -EFAULT : 0;
}
