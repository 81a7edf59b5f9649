/*
 * fs/eventfd.c - eventfd and eventfd2: a 64-bit counter as a file.
 *
 * write adds an 8-byte value to the counter, read takes it all (or 1 with
 * EFD_SEMAPHORE) and waits while it is 0. The counter never reaches 2^64 - 1: a
 * write that would get there waits for a read (or fails with EAGAIN). Each change
 * is announced with the events it makes possible (POLLIN after a write, POLLOUT
 * after a read), for edge-triggered epoll.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   O_CLOEXEC
#define EFD_NONBLOCK  O_NONBLOCK
#define COUNT_MAX     UINT64_MAX	/* never reached: writes stop one short of it */

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct wait_queue wait;
};

/* Read: EINVAL for fewer than 8 bytes; wait for a non-zero count. As in Linux the
 * count is taken before it is copied out, so a bad buffer loses it (EFAULT). */
static long eventfd_read(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct eventfd *efd = file->private;
	uint64_t value;

	(void)pos;
	if (n < sizeof(value))
		return -EINVAL;
	if (efd->count == 0) {
		if (file->flags & O_NONBLOCK)
			return -EAGAIN;
		if (FS_WAIT_EVENT(&efd->wait, efd->count > 0))
			return -ERESTARTSYS;
	}
	value = efd->semaphore ? 1 : efd->count;
	efd->count -= value;
	fs_wake_events(&efd->wait, POLLOUT | POLLWRNORM);
	return iobuf_out(buf, 0, &value, sizeof(value)) ? -EFAULT : (long)sizeof(value);
}

/* Write: EINVAL for fewer than 8 bytes or the value 2^64 - 1; wait for room. */
static long eventfd_write(struct file *file, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct eventfd *efd = file->private;
	uint64_t value;

	(void)pos;
	if (n < sizeof(value))
		return -EINVAL;
	if (iobuf_in(buf, 0, &value, sizeof(value)))
		return -EFAULT;
	if (value == COUNT_MAX)
		return -EINVAL;
	if (COUNT_MAX - efd->count <= value) {
		if (file->flags & O_NONBLOCK)
			return -EAGAIN;
		if (FS_WAIT_EVENT(&efd->wait, COUNT_MAX - efd->count > value))
			return -ERESTARTSYS;
	}
	efd->count += value;
	fs_wake_events(&efd->wait, POLLIN | POLLRDNORM);
	return sizeof(value);
}

static unsigned eventfd_poll(struct file *file)
{
	struct eventfd *efd = file->private;
	unsigned events = 0;

	if (efd->count > 0)
		events |= POLLIN | POLLRDNORM;
	if (efd->count == COUNT_MAX)
		events |= POLLERR;
	if (efd->count < COUNT_MAX - 1)
		events |= POLLOUT | POLLWRNORM;
	return events;
}

static struct wait_queue *eventfd_poll_queue(struct file *file)
{
	struct eventfd *efd = file->private;

	return &efd->wait;
}

static void eventfd_release(struct file *file)
{
	kfree(file->private);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.poll_queue = eventfd_poll_queue,
	.release = eventfd_release,
};

SYSCALL_DEFINE2(eventfd2, unsigned, initval, int, flags)
{
	struct eventfd *efd;
	struct file *file;
	int error, fd;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	efd = kzalloc(sizeof(*efd));
	if (!efd)
		return -ENOMEM;
	efd->count = initval;
	efd->semaphore = flags & EFD_SEMAPHORE;
	wait_queue_init(&efd->wait);
	error = anon_file_open(&eventfd_ops, efd, O_RDWR | (flags & EFD_NONBLOCK), &file);
	if (error) {
		kfree(efd);
		return error;
	}
	fd = fd_install(current_files(), file, 0, flags & EFD_CLOEXEC);
	if (fd < 0)
		file_put(file);
	return fd;
}

SYSCALL_DEFINE1(eventfd, unsigned, initval)
{
	return sys_eventfd2(&(struct syscall_args){ .arg = { initval, 0 } });
}
