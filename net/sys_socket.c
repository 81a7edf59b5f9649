/*
 * net/sys_socket.c - the socket system calls: socket, socketpair, bind, listen,
 * accept, accept4, connect, getsockname, getpeername, sendto, recvfrom, sendmsg,
 * recvmsg, shutdown, setsockopt, getsockopt. User arguments in and out, checked
 * in Linux's order (net/socket.c of Linux: the descriptor, then the address or
 * message, then the family's own checks); the work is the family's (net/unix.c).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "net/socket.h"
#include "kernel/syscall.h"

#define UIO_MAXIOV 1024
#define MAX_RW_COUNT 0x7ffff000ul
#define SOMAXCONN 4096
#define OPTMEM_MAX 20480	/* Linux's net.core.optmem_max: the largest control buffer */
#define SOCKADDR_MAX 128	/* sizeof(struct sockaddr_storage) */

/* The socket open at fd, its file referenced in *file: NULL with -EBADF or -ENOTSOCK. */
static struct socket *sock_lookup(int fd, struct file **file, long *error)
{
	struct socket *sock;

	*file = current_file(fd);
	if (!*file) {
		*error = -EBADF;
		return NULL;
	}
	sock = socket_of(*file);
	if (!sock) {
		file_put(*file);
		*error = -ENOTSOCK;
	}
	return sock;
}

/* Linux's move_addr_to_kernel: 0, -EINVAL (length over 128), -EFAULT. */
static int addr_in(const void *user_addr, int len, uint8_t *addr)
{
	if (len < 0 || len > SOCKADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(addr, user_addr, len))
		return -EFAULT;
	return 0;
}

/* Linux's move_addr_to_user: as much of the address as the user's length allows,
 * then the full length into *user_len. */
static int addr_out(const uint8_t *addr, int klen, void *user_addr, uint32_t *user_len)
{
	int len;

	if (get_user(len, (int *)user_len))
		return -EFAULT;
	if (len > klen)
		len = klen;
	if (len < 0)
		return -EINVAL;
	if (len && copy_to_user(user_addr, addr, len))
		return -EFAULT;
	return put_user(klen, (int *)user_len) ? -EFAULT : 0;
}

/* Install a new socket's file: the descriptor, or an error (the socket is gone). */
static long install(struct socket *sock, unsigned flags)
{
	struct file *file;
	int error = socket_file(sock, flags, &file);

	if (error)
		return error;
	int fd = fd_install(current_files(), file, 0, flags & SOCK_CLOEXEC);
	if (fd < 0)
		file_put(file);
	return fd;
}

/* socket()'s checks of family and type: 0 with the type alone in *type. */
static int check_family_type(int family, int *type, unsigned *flags)
{
	*flags = *type & ~SOCK_TYPE_MASK;
	if (*flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	*type &= SOCK_TYPE_MASK;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (*type < 0 || *type >= SOCK_MAX)
		return -EINVAL;
	return family == AF_UNIX || family == AF_INET || family == AF_INET6 ? 0 : -EAFNOSUPPORT;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	struct socket *sock;
	unsigned flags;
	int error = check_family_type(family, &type, &flags);

	if (!error)
		error = family == AF_UNIX ? unix_create(type, protocol, &sock)
					  : inet_create(family, type, protocol, &sock);
	return error ? error : install(sock, flags);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, int *, user_fds)
{
	struct socket *a, *b;
	unsigned flags;
	long fd[2];
	int error = check_family_type(family, &type, &flags);

	if (!error && family != AF_UNIX)
		error = -EOPNOTSUPP;	/* Linux's inet sockets have no pairs */
	if (!error && protocol && protocol != AF_UNIX)
		error = -EPROTONOSUPPORT;
	if (!error)
		error = unix_pair(type, &a, &b);
	if (error)
		return error;
	fd[0] = install(a, flags);
	if (fd[0] < 0) {
		b->ops->release(b);
		return fd[0];
	}
	fd[1] = install(b, flags);
	if (fd[1] < 0) {
		fd_close(current_files(), fd[0]);
		return fd[1];
	}
	int out[2] = { (int)fd[0], (int)fd[1] };
	if (copy_to_user(user_fds, out, sizeof(out))) {
		fd_close(current_files(), fd[0]);
		fd_close(current_files(), fd[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE3(bind, int, fd, const void *, user_addr, int, len)
{
	uint8_t addr[SOCKADDR_MAX + 1];
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = addr_in(user_addr, len, addr);
	if (!error)
		error = sock->ops->bind ? sock->ops->bind(sock, addr, len) : -EOPNOTSUPP;
	file_put(file);
	return error;
}

SYSCALL_DEFINE3(connect, int, fd, const void *, user_addr, int, len)
{
	uint8_t addr[SOCKADDR_MAX + 1];
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = addr_in(user_addr, len, addr);
	if (!error)
		error = sock->ops->connect ? sock->ops->connect(sock, addr, len,
								 file->flags & O_NONBLOCK)
					   : -EOPNOTSUPP;
	file_put(file);
	return error;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	error = sock->ops->listen ? sock->ops->listen(sock, backlog) : -EOPNOTSUPP;
	file_put(file);
	return error;
}

SYSCALL_DEFINE4(accept4, int, fd, void *, user_addr, uint32_t *, user_len, int, flags)
{
	uint8_t addr[SOCKADDR_MAX];
	struct file *file, *newfile;
	struct socket *newsock;
	long error;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	struct socket *sock = sock_lookup(fd, &file, &error);
	if (!sock)
		return error;
	error = fd_check_free(current_files());
	if (!error)
		error = sock->ops->accept ? sock->ops->accept(sock, &newsock,
							      file->flags & O_NONBLOCK)
					  : -EOPNOTSUPP;
	file_put(file);
	if (error)
		return error;
	error = socket_file(newsock, flags, &newfile);
	if (error)
		return error;
	if (user_addr) {
		int len = newsock->ops->getname(newsock, addr, true);
		error = len < 0 ? -ECONNABORTED : addr_out(addr, len, user_addr, user_len);
	}
	if (!error) {
		int newfd = fd_install(current_files(), newfile, 0, flags & SOCK_CLOEXEC);
		if (newfd >= 0)
			return newfd;
		error = newfd;
	}
	file_put(newfile);
	return error;
}

SYSCALL_DEFINE3(accept, int, fd, void *, user_addr, uint32_t *, user_len)
{
	return sys_accept4(&(struct syscall_args){ .arg = { fd, (uint64_t)user_addr,
							     (uint64_t)user_len, 0 } });
}

static long get_name(int fd, void *user_addr, uint32_t *user_len, bool peer)
{
	uint8_t addr[SOCKADDR_MAX];
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	int len = sock->ops->getname(sock, addr, peer);
	error = len < 0 ? len : addr_out(addr, len, user_addr, user_len);
	file_put(file);
	return error;
}

SYSCALL_DEFINE3(getsockname, int, fd, void *, user_addr, uint32_t *, user_len)
{
	return get_name(fd, user_addr, user_len, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, void *, user_addr, uint32_t *, user_len)
{
	return get_name(fd, user_addr, user_len, true);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = sock->ops->shutdown ? sock->ops->shutdown(sock, how) : -EOPNOTSUPP;
	file_put(file);
	return error;
}

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, const void *, user_val, int, len)
{
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	if (len < 0)
		error = -EINVAL;
	else
		error = level == SOL_SOCKET ? sock_setsockopt(sock, name, user_val, len)
			: sock->ops->setsockopt ? sock->ops->setsockopt(sock, level, name, user_val, len)
			: -EOPNOTSUPP;
	file_put(file);
	return error;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void *, user_val, uint32_t *, user_len)
{
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = level == SOL_SOCKET ? sock_getsockopt(sock, name, user_val, user_len)
		: sock->ops->getsockopt ? sock->ops->getsockopt(sock, level, name, user_val, user_len)
		: -EOPNOTSUPP;
	file_put(file);
	return error;
}

/* ---- data ---- */

/* One user buffer as the message's only iovec (Linux's import_single_range). */
static int single_iov(void *buf, size_t len, struct linux_iovec *iov, struct kmsg *msg)
{
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!user_range_ok((uint64_t)buf, len))
		return -EFAULT;
	*iov = (struct linux_iovec){ (uint64_t)buf, len };
	msg->iov = iov;
	msg->iovlen = 1;
	msg->total = len;
	return 0;
}

SYSCALL_DEFINE6(sendto, int, fd, void *, buf, size_t, len, unsigned, flags,
		const void *, user_addr, int, addrlen)
{
	struct linux_iovec iov;
	struct kmsg msg = { 0 };
	struct file *file;
	long error = single_iov(buf, len, &iov, &msg);

	if (error)
		return error;
	struct socket *sock = sock_lookup(fd, &file, &error);
	if (!sock)
		return error;
	if (user_addr) {
		error = addr_in(user_addr, addrlen, msg.name);
		msg.namelen = addrlen;
	}
	if (!error)
		error = sock->ops->sendmsg(sock, &msg, flags, file->flags & O_NONBLOCK);
	file_put(file);
	return error;
}

SYSCALL_DEFINE6(recvfrom, int, fd, void *, buf, size_t, len, unsigned, flags,
		void *, user_addr, uint32_t *, user_len)
{
	struct linux_iovec iov;
	struct kmsg msg = { 0 };
	struct file *file;
	long error = single_iov(buf, len, &iov, &msg);

	if (error)
		return error;
	struct socket *sock = sock_lookup(fd, &file, &error);
	if (!sock)
		return error;
	msg.want_name = user_addr != NULL;
	error = sock->ops->recvmsg(sock, &msg, flags, file->flags & O_NONBLOCK);
	if (error >= 0 && user_addr) {
		int out = addr_out(msg.name, msg.namelen, user_addr, user_len);
		if (out)
			error = out;
	}
	file_put(file);
	return error;
}

/*
 * A user msghdr into the kernel: the header, the address (sendmsg), the iovecs,
 * as Linux's copy_msghdr_from_user and import_iovec check them. *iov_out is
 * kmalloc'd (kfree it).
 */
static int msghdr_in(struct linux_msghdr *user_msg, struct linux_msghdr *hdr, struct kmsg *msg,
		     bool sending)
{
	if (copy_from_user(hdr, user_msg, sizeof(*hdr)))
		return -EFAULT;
	if (!hdr->name)
		hdr->namelen = 0;
	if ((int)hdr->namelen < 0)
		return -EINVAL;
	if (hdr->namelen > SOCKADDR_MAX)
		hdr->namelen = SOCKADDR_MAX;
	if (sending && hdr->namelen && copy_from_user(msg->name, hdr->name, hdr->namelen))
		return -EFAULT;
	msg->namelen = sending ? hdr->namelen : 0;
	msg->want_name = !sending && hdr->name;
	if (hdr->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	msg->iov = kmalloc(hdr->iovlen ? hdr->iovlen * sizeof(*msg->iov) : 1);
	if (!msg->iov)
		return -ENOMEM;
	msg->iovlen = hdr->iovlen;
	if (copy_from_user(msg->iov, hdr->iov, hdr->iovlen * sizeof(*msg->iov)))
		return -EFAULT;
	msg->total = 0;
	for (size_t i = 0; i < msg->iovlen; i++) {
		size_t len = msg->iov[i].len;
		if ((int64_t)len < 0)
			return -EINVAL;
		if (!user_range_ok(msg->iov[i].base, len))
			return -EFAULT;
		if (len > MAX_RW_COUNT - msg->total)
			msg->iov[i].len = len = MAX_RW_COUNT - msg->total;
		msg->total += len;
	}
	return 0;
}

/* Take the SCM_RIGHTS descriptors of one header: 0, -EINVAL (too many), -EBADF. */
static int take_rights(struct kmsg *msg, const int *fds, unsigned n)
{
	if (msg->nfiles + n > SCM_MAX_FD)
		return -EINVAL;
	struct file **files = kmalloc((msg->nfiles + n) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	if (msg->nfiles)
		memcpy(files, msg->files, msg->nfiles * sizeof(*files));
	kfree(msg->files);
	msg->files = files;
	for (unsigned i = 0; i < n; i++) {
		struct file *file = current_file(fds[i]);
		if (!file)
			return -EBADF;
		files[msg->nfiles++] = file;
	}
	return 0;
}

/* Linux's __scm_send over a kernel copy of the control buffer. */
static int control_in(struct kmsg *msg, const char *control, size_t len)
{
	size_t off = 0;
	int error = 0;

	while (!error && len - off >= sizeof(struct linux_cmsghdr)) {
		struct linux_cmsghdr c;
		memcpy(&c, control + off, sizeof(c));
		if (c.len < sizeof(c) || c.len > len - off)
			return -EINVAL;
		if (c.level == SOL_SOCKET) {
			size_t data = c.len - sizeof(c);
			if (c.type == SCM_RIGHTS)
				error = take_rights(msg, (const int *)(control + off + sizeof(c)),
						    data / sizeof(int));
			else if (c.type != SCM_CREDENTIALS || data != sizeof(struct linux_ucred))
				error = -EINVAL;
		}
		if (CMSG_ALIGN(c.len) > len - off)
			break;
		off += CMSG_ALIGN(c.len);
	}
	return error;
}

static void kmsg_done(struct kmsg *msg)
{
	for (unsigned i = 0; i < msg->nfiles; i++)
		file_put(msg->files[i]);
	kfree(msg->files);
	kfree(msg->iov);
}

SYSCALL_DEFINE3(sendmsg, int, fd, struct linux_msghdr *, user_msg, unsigned, flags)
{
	struct linux_msghdr hdr;
	struct kmsg msg = { 0 };
	struct file *file;
	char *control = NULL;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = msghdr_in(user_msg, &hdr, &msg, true);
	if (!error && hdr.controllen > 0x7fffffff)
		error = -ENOBUFS;
	if (!error && hdr.controllen) {
		control = hdr.controllen <= OPTMEM_MAX ? kmalloc(hdr.controllen) : NULL;
		if (!control)
			error = -ENOBUFS;
		else if (copy_from_user(control, hdr.control, hdr.controllen))
			error = -EFAULT;
		else
			error = control_in(&msg, control, hdr.controllen);
	}
	if (!error)
		error = sock->ops->sendmsg(sock, &msg, flags, file->flags & O_NONBLOCK);
	kfree(control);
	kmsg_done(&msg);
	file_put(file);
	return error;
}

SYSCALL_DEFINE3(recvmsg, int, fd, struct linux_msghdr *, user_msg, unsigned, flags)
{
	struct linux_msghdr hdr;
	struct kmsg msg = { 0 };
	struct file *file;
	long error;
	struct socket *sock = sock_lookup(fd, &file, &error);

	if (!sock)
		return error;
	error = msghdr_in(user_msg, &hdr, &msg, false);
	if (!error) {
		msg.control = hdr.control;
		msg.controllen = hdr.controllen;
		msg.flags_out = flags & MSG_CMSG_CLOEXEC;
		error = sock->ops->recvmsg(sock, &msg, flags, file->flags & O_NONBLOCK);
	}
	if (error >= 0 && hdr.name) {
		int out = addr_out(msg.name, msg.namelen, hdr.name, &user_msg->namelen);
		if (out)
			error = out;
	}
	if (error >= 0 && (put_user(msg.flags_out, &user_msg->flags) ||
			   put_user(msg.control_used, &user_msg->controllen)))
		error = -EFAULT;
	kmsg_done(&msg);
	file_put(file);
	return error;
}
