/*
 * fs/poll.h - the shared core of poll, ppoll, select and pselect6 (fs/poll.c).
 */
#ifndef CALF_FS_POLL_H
#define CALF_FS_POLL_H

#include <stddef.h>
#include <stdint.h>
#include "lib/list.h"

struct wait_queue;

struct poll_entry {
	int fd;			/* negative: ignored */
	unsigned events;	/* POLL* asked */
	unsigned revents;	/* POLL* found */
};

#define POLL_NOW     0ull		/* deadline: check once, never sleep */
#define POLL_FOREVER UINT64_MAX		/* deadline: none */

int poll_entries(struct poll_entry *entries, size_t n, uint64_t deadline_ns);

/* Shared with epoll (fs/sys_poll.c). An absolute deadline from a relative timespec
 * (NULL: POLL_FOREVER; zero: POLL_NOW): 0 or -EINVAL. */
struct linux_timespec;
int poll_timespec_deadline(const struct linux_timespec *ts, uint64_t *deadline);
/* A temporary signal mask for the call (user_mask NULL: none): 0, -EINVAL (size is
 * not 8), -EFAULT. poll_sigmask_end puts the old one back, after the signal's
 * delivery when the call ends with -EINTR. */
int poll_sigmask_begin(const uint64_t *user_mask, size_t size, uint64_t *old, _Bool *set);
void poll_sigmask_end(uint64_t old, _Bool set, long result);

/*
 * A watch on a wait queue, for epoll: notify runs each time the queue is woken
 * through fs_wake_events, with the events the waker says may have changed (0: it
 * does not say; anything may have). It runs with interrupts off, possibly in an
 * interrupt handler (the tty), so it may only note the change and wake others; it
 * must not add or remove watches.
 *
 * Watches are kept in a small hash table keyed by the queue's address rather than
 * on the queue itself, so that struct wait_queue (sched/wait.h: a list of sleeping
 * tasks) stays as it is.
 */
struct poll_watch {
	struct list_node link;		/* in its hash bucket */
	struct wait_queue *queue;
	void (*notify)(struct poll_watch *watch, unsigned events);
};

void poll_watch_add(struct poll_watch *watch, struct wait_queue *queue,
		    void (*notify)(struct poll_watch *watch, unsigned events));
void poll_watch_del(struct poll_watch *watch);
/* Run the notify of every watch on queue (fs_wake_events does this). */
void poll_watch_notify(struct wait_queue *queue, unsigned events);

#endif
