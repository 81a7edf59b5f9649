/*
 * net/socket.c - sockets as files: the sockfs inode, read/write/poll/close turned
 * into the family's operations, and moving message bytes and descriptors between
 * the kernel and a user's iovecs and control buffer.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "net/socket.h"

static struct fs_type sockfs_type = { .name = "sockfs" };
static struct superblock *sockfs_sb;

void socket_init(struct socket *sock, int family, int type, int protocol,
		 const struct socket_ops *ops)
{
	sock->family = family;
	sock->type = type;
	sock->protocol = protocol;
	sock->ops = ops;
	wait_queue_init(&sock->wait);
	sock->sndbuf = SOCK_BUF_DEFAULT;
	sock->rcvbuf = SOCK_BUF_DEFAULT;
}

/* read(2) is recvmsg with one iovec and no flags (MSG_DONTWAIT under O_NONBLOCK);
 * a count of 0 reads nothing, as Linux's sock_read_iter. */
static long socket_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct socket *sock = file->private;
	struct linux_iovec iov = { (uint64_t)buf.ptr, n };
	struct kmsg msg = { .iov = &iov, .iovlen = 1, .total = n };

	(void)pos;
	if (n == 0)
		return 0;
	return sock->ops->recvmsg(sock, &msg, 0, file->flags & O_NONBLOCK);
}

static long socket_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct socket *sock = file->private;
	struct linux_iovec iov = { (uint64_t)buf.ptr, n };
	struct kmsg msg = { .iov = &iov, .iovlen = 1, .total = n };

	(void)pos;
	return sock->ops->sendmsg(sock, &msg, 0, file->flags & O_NONBLOCK);
}

static unsigned socket_poll(struct file *file)
{
	struct socket *sock = file->private;

	return sock->ops->poll(sock);
}

static struct wait_queue *socket_poll_queue(struct file *file)
{
	struct socket *sock = file->private;

	return &sock->wait;
}

static long socket_ioctl(struct file *file, unsigned cmd, uint64_t arg)
{
	struct socket *sock = file->private;
	long error = loopback_ioctl(cmd, arg);

	if (error != -ENOTTY)
		return error;
	return sock->ops->ioctl ? sock->ops->ioctl(sock, cmd, arg) : -ENOTTY;
}

static void socket_release(struct file *file)
{
	struct socket *sock = file->private;

	sock->file = NULL;
	sock->ops->release(sock);
	unix_gc();
}

/* A reference dropped, others left: a cycle of sockets in flight may now be
 * unreachable. */
static void socket_unref(struct file *file)
{
	(void)file;
	unix_gc();
}

static const struct file_ops socket_file_ops = {
	.read = socket_read,
	.write = socket_write,
	.ioctl = socket_ioctl,
	.poll = socket_poll,
	.poll_queue = socket_poll_queue,
	.release = socket_release,
	.unref = socket_unref,
};

struct socket *socket_of(struct file *file)
{
	return file->ops == &socket_file_ops ? file->private : NULL;
}

int socket_file(struct socket *sock, unsigned flags, struct file **out)
{
	struct inode *inode;
	int error = -ENOMEM;

	if (!sockfs_sb && (sockfs_sb = sb_alloc(&sockfs_type)))
		sockfs_sb->magic = SOCKFS_MAGIC;
	inode = sockfs_sb ? inode_alloc(sockfs_sb, S_IFSOCK | 0777) : NULL;
	if (inode) {
		inode->fops = &socket_file_ops;
		error = file_open_inode(inode, O_RDWR | (flags & O_NONBLOCK), out);
		inode_put(inode);	/* the file holds it now */
	}
	if (error) {
		sock->ops->release(sock);
		return error;
	}
	(*out)->private = sock;
	sock->file = *out;
	return 0;
}

/* ---- message bytes ---- */

/* Copy n bytes between buf and the iovecs, starting `at` bytes into them. */
static size_t kmsg_copy(struct kmsg *msg, size_t at, void *buf, size_t n, bool out)
{
	size_t done = 0;

	for (size_t i = 0; i < msg->iovlen && done < n; i++) {
		size_t len = msg->iov[i].len;
		if (at >= len) {
			at -= len;
			continue;
		}
		size_t step = len - at < n - done ? len - at : n - done;
		struct iobuf user = iobuf_user((char *)(uintptr_t)msg->iov[i].base + at);
		size_t moved = out ? iobuf_out_some(user, 0, (char *)buf + done, step)
				   : iobuf_in_some(user, 0, (char *)buf + done, step);
		done += moved;
		if (moved < step)
			break;
		at = 0;
	}
	return done;
}

size_t kmsg_copy_out(struct kmsg *msg, size_t at, const void *src, size_t n)
{
	return kmsg_copy(msg, at, (void *)src, n, true);
}

size_t kmsg_copy_in(struct kmsg *msg, size_t at, void *dst, size_t n)
{
	return kmsg_copy(msg, at, dst, n, false);
}

/*
 * Install received files and describe them in one SCM_RIGHTS header, as many as
 * the control buffer holds (Linux's scm_detach_fds); the rest are closed and
 * MSG_CTRUNC says so.
 */
void kmsg_put_files(struct kmsg *msg, struct file **files, unsigned n, bool cloexec)
{
	size_t room = msg->controllen - msg->control_used;
	unsigned fit = room > sizeof(struct linux_cmsghdr) ?
		(room - sizeof(struct linux_cmsghdr)) / sizeof(int) : 0;
	char *at = (char *)msg->control + msg->control_used;
	unsigned i = 0;

	if (fit > n)
		fit = n;
	for (; i < fit; i++) {
		int fd = fd_install(current_files(), files[i], 0, cloexec);
		if (fd < 0)
			break;
		if (put_user(fd, (int *)(at + sizeof(struct linux_cmsghdr)) + i)) {
			fd_close(current_files(), fd);	/* and with it files[i]'s reference */
			files[i] = NULL;
			break;
		}
		files[i] = NULL;
	}
	if (i > 0) {
		struct linux_cmsghdr header = { sizeof(header) + i * sizeof(int), SOL_SOCKET,
						SCM_RIGHTS };
		size_t space = CMSG_ALIGN(header.len);
		if (!copy_to_user(at, &header, sizeof(header)))
			msg->control_used += space < room ? space : room;
	}
	if (i < n)
		msg->flags_out |= MSG_CTRUNC;
	for (unsigned j = i; j < n; j++)
		if (files[j])
			file_put(files[j]);
}
