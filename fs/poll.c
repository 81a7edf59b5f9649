/*
 * fs/poll.c - waiting for any of several files to become ready.
 *
 * Every pollable object wakes its own wait queue and, through fs_wake, one global
 * poll queue. A poller checks its files with interrupts off and, if none is ready,
 * sleeps on the global queue; any change anywhere wakes it to check again. That is
 * simple and correct on one CPU (no lost wake-up: an interrupt handler cannot run
 * between the check and the sleep), at the price of spurious wake-ups.
 *
 * epoll does not work that way: it keeps a watch (fs/pollwatch.c) on each watched
 * file's queue, and fs_wake_events tells the watches which events changed.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/poll.h"
#include "fs/fdtable.h"

static struct wait_queue poll_queue = WAIT_QUEUE_INIT(poll_queue);

void fs_wake_events(struct wait_queue *queue, unsigned events)
{
	wake_up(queue);
	wake_up(&poll_queue);
	poll_watch_notify(queue, events);
}

void fs_wake(struct wait_queue *queue)
{
	fs_wake_events(queue, 0);
}

/* The events of one file, filtered by what was asked (errors always count). */
static unsigned file_events(struct fdtable *table, int fd, unsigned asked)
{
	struct file *file = fd_get(table, fd);
	unsigned events;

	if (!file)
		return POLLNVAL;
	if (file->ops->poll)
		events = file->ops->poll(file);
	else
		events = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
	file_put(file);
	return events & (asked | POLLERR | POLLHUP);
}

/* Fill in revents; the number of entries with some. */
static int scan(struct fdtable *table, struct poll_entry *entries, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		entries[i].revents = entries[i].fd < 0 ? 0 :
			file_events(table, entries[i].fd, entries[i].events);
		ready += entries[i].revents != 0;
	}
	return ready;
}

/*
 * Wait until some entry is ready, deadline_ns passes (POLL_NOW: check once;
 * POLL_FOREVER: no limit), or a signal arrives. Returns the number of ready
 * entries (0 on timeout) or -EINTR.
 */
int poll_entries(struct poll_entry *entries, size_t n, uint64_t deadline_ns)
{
	struct fdtable *table = fs_current()->files;

	for (;;) {
		uint64_t flags = fs_irq_save();
		int ready = scan(table, entries, n), error = 0;

		if (!ready && deadline_ns != POLL_NOW) {
			if (deadline_ns != POLL_FOREVER && clock_monotonic_ns() >= deadline_ns)
				deadline_ns = POLL_NOW;
			else
				error = fs_sleep_irqs_off(&poll_queue, deadline_ns == POLL_FOREVER ?
								  0 : deadline_ns);
		}
		fs_irq_restore(flags);
		if (ready || deadline_ns == POLL_NOW)
			return ready;
		if (error == -ETIMEDOUT)
			deadline_ns = POLL_NOW;	/* one last look, then report the timeout */
		else if (error)
			return -EINTR;
	}
}
