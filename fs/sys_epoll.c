/*
 * fs/sys_epoll.c - epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait,
 * epoll_pwait2: user arguments, checked in Linux's order; the instances themselves
 * are fs/epoll.c.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "fs/epoll.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

#define EPOLL_CLOEXEC O_CLOEXEC
/* Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
#define EPOLL_MAX_EVENTS (0x7fffffff / (int)sizeof(struct linux_epoll_event))
/* What may come with EPOLLEXCLUSIVE (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
		      EPOLLEXCLUSIVE)

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	struct file *file;
	int error, fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	error = epoll_create_file(&file);
	if (error)
		return error;
	fd = fd_install(current_files(), file, 0, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		file_put(file);
	return fd;
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return sys_epoll_create1(&(struct syscall_args){ .arg = { 0 } });
}

/* The checks of epoll_ctl after both files are found, in Linux's order. */
static int ctl_files(struct file *epfile, struct file *target, int op, int fd,
		     struct linux_epoll_event *event)
{
	struct epoll *ep = epoll_of(epfile);

	if (!target->ops->poll_queue)
		return -EPERM;
	if (epfile == target || !ep)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (event->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (epoll_of(target) || (event->events & ~EXCLUSIVE_OK)))
			return -EINVAL;
	}
	switch (op) {
	case EPOLL_CTL_ADD:
		return epoll_add(ep, target, fd, event->events, event->data);
	case EPOLL_CTL_MOD:
		return epoll_mod(ep, target, fd, event->events, event->data);
	case EPOLL_CTL_DEL:
		return epoll_del(ep, target, fd);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, struct linux_epoll_event *, user_event)
{
	struct linux_epoll_event event = { 0, 0 };
	struct file *epfile, *target;
	long result;

	if (op != EPOLL_CTL_DEL && copy_from_user(&event, user_event, sizeof(event)))
		return -EFAULT;
	epfile = current_file(epfd);
	if (!epfile)
		return -EBADF;
	target = current_file(fd);
	if (!target) {
		file_put(epfile);
		return -EBADF;
	}
	result = ctl_files(epfile, target, op, fd, &event);
	file_put(target);
	file_put(epfile);
	return result;
}

/* epoll_wait's checks, then the wait. */
static long do_epoll_wait(int epfd, struct linux_epoll_event *events, int maxevents,
			  uint64_t deadline)
{
	struct file *file;
	long result;

	if (maxevents <= 0 || maxevents > EPOLL_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok((uint64_t)events, (size_t)maxevents * sizeof(*events)))
		return -EFAULT;
	file = current_file(epfd);
	if (!file)
		return -EBADF;
	result = epoll_of(file) ? epoll_wait_user(epoll_of(file), events, maxevents, deadline)
				: -EINVAL;
	file_put(file);
	return result;
}

static uint64_t deadline_ms(int timeout_ms)
{
	if (timeout_ms < 0)
		return POLL_FOREVER;
	if (timeout_ms == 0)
		return POLL_NOW;
	return clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, struct linux_epoll_event *, events, int, maxevents,
		int, timeout_ms)
{
	return do_epoll_wait(epfd, events, maxevents, deadline_ms(timeout_ms));
}

/* The wait under a temporary signal mask, installed first as Linux does. */
static long epoll_wait_masked(int epfd, struct linux_epoll_event *events, int maxevents,
			      uint64_t deadline, const uint64_t *sigmask, size_t sigsetsize)
{
	uint64_t old_mask = 0;
	bool masked;
	long result = poll_sigmask_begin(sigmask, sigsetsize, &old_mask, &masked);

	if (result)
		return result;
	result = do_epoll_wait(epfd, events, maxevents, deadline);
	poll_sigmask_end(old_mask, masked, result);
	return result;
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, struct linux_epoll_event *, events, int, maxevents,
		int, timeout_ms, const uint64_t *, sigmask, size_t, sigsetsize)
{
	return epoll_wait_masked(epfd, events, maxevents, deadline_ms(timeout_ms), sigmask,
				 sigsetsize);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, struct linux_epoll_event *, events, int, maxevents,
		const struct linux_timespec *, user_timeout, const uint64_t *, sigmask,
		size_t, sigsetsize)
{
	struct linux_timespec timeout;
	uint64_t deadline;

	if (user_timeout && copy_from_user(&timeout, user_timeout, sizeof(timeout)))
		return -EFAULT;
	if (poll_timespec_deadline(user_timeout ? &timeout : NULL, &deadline))
		return -EINVAL;
	return epoll_wait_masked(epfd, events, maxevents, deadline, sigmask, sigsetsize);
}
