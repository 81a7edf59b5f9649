/*
 * fs/epoll.c - epoll instances: watched files, the ready list, waiting.
 *
 * Each registration (an "item": one (file, fd) pair in one instance) keeps a watch
 * (fs/pollwatch.c) on the watched file's poll queue. When the file announces a
 * change, the watch's notify puts the item at the tail of the instance's ready
 * list, unless the change concerns none of the item's events, and wakes the
 * instance's queue (its epoll_wait sleepers, and the epolls and polls watching the
 * instance itself). epoll_wait then looks only at the items on the ready list,
 * asking each file's poll what is true now:
 *   - nothing of interest: the item leaves the list (the wake-up was for something
 *     else, or it is over already);
 *   - level-triggered: reported and put back at the tail, so that the next wait
 *     looks again (and drops it if it is no longer ready);
 *   - EPOLLET: reported and left off the list until the next notification;
 *   - EPOLLONESHOT: reported, then its events are cleared until EPOLL_CTL_MOD.
 * Items not reached because the caller's array was full stay at the head, so every
 * ready item gets its turn. This is Linux's design (a callback per watched wait
 * queue and a ready list); nothing scans every watched file per wait.
 *
 * The ready list is changed only with interrupts off, since the tty's notify runs
 * in its interrupt handler. The items list and the file's list are changed only
 * by processes, and the kernel is not preemptible, so they need nothing more.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/poll.h"
#include "fs/epoll.h"

#define EPOLL_MAX_NESTS 4	/* Linux's EP_MAX_NESTS: deeper nesting is ELOOP */

struct epoll {
	struct list_node items;		/* struct epitem, by in_epoll */
	struct list_node ready;		/* struct epitem, by ready_link */
	struct wait_queue wait;		/* epoll_wait sleepers; the instance's poll queue */
	unsigned count;			/* items: the most one wait can report */
	struct file *file;		/* its file (no reference: it dies with it) */
	/* Nesting checks (epoll_add): the pass that last measured the chains of
	 * epolls below it and above it, and their lengths. */
	unsigned visit, visit_up;
	int depth, depth_up;
};

struct epitem {
	struct list_node in_epoll;	/* epoll->items */
	struct list_node in_file;	/* file->epoll_items */
	struct list_node ready_link;	/* epoll->ready; linked to itself when off it */
	struct poll_watch watch;	/* on the file's poll queue */
	struct epoll *ep;
	struct file *file;		/* not referenced: the item dies with the file */
	int fd;
	uint32_t events;		/* asked, with EPOLLERR | EPOLLHUP and the flags */
	uint64_t data;
};

static const struct file_ops epoll_ops;

struct epoll *epoll_of(struct file *file)
{
	return file->ops == &epoll_ops ? file->private : NULL;
}

static bool on_ready_list(struct epitem *item)
{
	return item->ready_link.next != &item->ready_link;
}

/* Queue item (interrupts off) and tell whoever waits on or watches its instance. */
static void make_ready(struct epitem *item)
{
	if (!on_ready_list(item))
		list_push_back(&item->ep->ready, &item->ready_link);
	fs_wake_events(&item->ep->wait, POLLIN | POLLRDNORM);
}

/* The watched file announced a change of events (0: of anything). */
static void item_notify(struct poll_watch *watch, unsigned events)
{
	struct epitem *item = container_of(watch, struct epitem, watch);

	if (events && !(events & item->events))
		return;
	if (!(item->events & ~EPOLL_PRIVATE_BITS))
		return;		/* EPOLLONESHOT, already reported */
	make_ready(item);
}

/* What of the item's events its file has now. */
static unsigned item_poll(struct epitem *item)
{
	return item->file->ops->poll(item->file) & item->events;
}

static struct epitem *find_item(struct epoll *ep, struct file *file, int fd)
{
	struct list_node *pos;

	list_for_each(pos, &ep->items) {
		struct epitem *item = list_entry(pos, struct epitem, in_epoll);
		if (item->file == file && item->fd == fd)
			return item;
	}
	return NULL;
}

static void remove_item(struct epitem *item)
{
	uint64_t flags = fs_irq_save();

	poll_watch_del(&item->watch);
	list_remove(&item->ready_link);
	fs_irq_restore(flags);
	list_remove(&item->in_epoll);
	list_remove(&item->in_file);
	item->ep->count--;
	kfree(item);
}

void epoll_file_gone(struct file *file)
{
	while (!list_empty(&file->epoll_items))
		remove_item(list_entry(file->epoll_items.next, struct epitem, in_file));
}

/*
 * The longest chain of epolls below ep, in links (0: it watches no epoll), or -1
 * when avoid is among them. Results are kept per pass, so that a diamond is
 * walked once; the recursion is as deep as the nesting, which epoll_add bounds.
 */
static int depth_below(struct epoll *ep, struct epoll *avoid, unsigned pass)
{
	struct list_node *pos;
	int depth = 0;

	if (ep->visit == pass)
		return ep->depth;
	list_for_each(pos, &ep->items) {
		struct epitem *item = list_entry(pos, struct epitem, in_epoll);
		struct epoll *inner = epoll_of(item->file);
		int below;

		if (!inner)
			continue;
		if (inner == avoid || (below = depth_below(inner, avoid, pass)) < 0)
			return -1;
		if (below + 1 > depth)
			depth = below + 1;
	}
	ep->visit = pass;
	ep->depth = depth;
	return depth;
}

/* The longest chain of epolls watching ep, in links. */
static int depth_above(struct epoll *ep, unsigned pass)
{
	struct list_node *pos;
	int depth = 0;

	if (ep->visit_up == pass)
		return ep->depth_up;
	list_for_each(pos, &ep->file->epoll_items) {
		struct epitem *item = list_entry(pos, struct epitem, in_file);
		int above = depth_above(item->ep, pass) + 1;
		if (above > depth)
			depth = above;
	}
	ep->visit_up = pass;
	ep->depth_up = depth;
	return depth;
}

/* Would ep watching the epoll target close a loop, or make a chain of more than
 * EPOLL_MAX_NESTS links? Either is ELOOP. */
static bool nest_refused(struct epoll *ep, struct epoll *target)
{
	static unsigned pass;
	int below = depth_below(target, ep, ++pass);

	return below < 0 || below + 1 + depth_above(ep, pass) > EPOLL_MAX_NESTS;
}

int epoll_add(struct epoll *ep, struct file *target, int fd, uint32_t events, uint64_t data)
{
	struct epoll *inner = epoll_of(target);
	struct epitem *item;

	if (inner && nest_refused(ep, inner))
		return -ELOOP;
	if (find_item(ep, target, fd))
		return -EEXIST;
	item = kzalloc(sizeof(*item));
	if (!item)
		return -ENOMEM;
	item->ep = ep;
	item->file = target;
	item->fd = fd;
	item->events = events | EPOLLERR | EPOLLHUP;
	item->data = data;
	list_init(&item->ready_link);
	list_push_back(&ep->items, &item->in_epoll);
	ep->count++;
	list_push_back(&target->epoll_items, &item->in_file);
	poll_watch_add(&item->watch, target->ops->poll_queue(target), item_notify);

	uint64_t flags = fs_irq_save();
	if (item_poll(item))
		make_ready(item);
	fs_irq_restore(flags);
	return 0;
}

int epoll_mod(struct epoll *ep, struct file *target, int fd, uint32_t events, uint64_t data)
{
	struct epitem *item = find_item(ep, target, fd);

	if (!item)
		return -ENOENT;
	if (item->events & EPOLLEXCLUSIVE)
		return -EINVAL;
	uint64_t flags = fs_irq_save();
	item->events = events | EPOLLERR | EPOLLHUP;
	item->data = data;
	if (item_poll(item))
		make_ready(item);
	fs_irq_restore(flags);
	return 0;
}

int epoll_del(struct epoll *ep, struct file *target, int fd)
{
	struct epitem *item = find_item(ep, target, fd);

	if (!item)
		return -ENOENT;
	remove_item(item);
	return 0;
}

/* Put every node of from at the head of to, in order. */
static void list_move_to_front(struct list_node *from, struct list_node *to)
{
	struct list_node *node;

	while ((node = from->prev) != from) {
		list_remove(node);
		list_push_front(to, node);
	}
}

/*
 * Take up to max events off the ready list into out (interrupts off): the count.
 * Items reported stay ready (level-triggered: at the tail), leave (EPOLLET), or
 * are disarmed (EPOLLONESHOT); items not reached go back to the head.
 */
static int collect(struct epoll *ep, struct linux_epoll_event *out, int max)
{
	struct list_node scan, *node;
	int n = 0;

	list_init(&scan);
	list_move_to_front(&ep->ready, &scan);
	while (n < max && (node = list_pop_front(&scan))) {
		struct epitem *item = list_entry(node, struct epitem, ready_link);
		unsigned revents = item_poll(item);

		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data = item->data;
		n++;
		if (item->events & EPOLLONESHOT)
			item->events &= EPOLL_PRIVATE_BITS;
		else if (!(item->events & EPOLLET))
			list_push_back(&ep->ready, &item->ready_link);
	}
	list_move_to_front(&scan, &ep->ready);
	return n;
}

int epoll_wait_user(struct epoll *ep, struct linux_epoll_event *user_out, int max,
		    uint64_t deadline_ns)
{
	for (;;) {
		int room = (unsigned)max < ep->count ? max : (int)ep->count;
		struct linux_epoll_event *out = kmalloc(room ? room * sizeof(*out) : 1);
		int n, error = 0;

		if (!out)
			return -ENOMEM;
		uint64_t flags = fs_irq_save();
		n = collect(ep, out, room);
		if (!n && deadline_ns != POLL_NOW) {
			if (deadline_ns != POLL_FOREVER && clock_monotonic_ns() >= deadline_ns)
				deadline_ns = POLL_NOW;
			else
				error = fs_sleep_irqs_off(&ep->wait, deadline_ns == POLL_FOREVER ?
								   0 : deadline_ns);
		}
		fs_irq_restore(flags);
		if (n && copy_to_user(user_out, out, n * sizeof(*out)))
			n = -EFAULT;
		kfree(out);
		if (n || deadline_ns == POLL_NOW)
			return n;
		if (error == -ETIMEDOUT)
			deadline_ns = POLL_NOW;	/* one last look, then report the timeout */
		else if (error)
			return -EINTR;
	}
}

/* An epoll is readable when some item on its ready list really is ready; the
 * ones that are not are dropped on the way, as epoll_wait would. */
static unsigned epoll_poll(struct file *file)
{
	struct epoll *ep = file->private;
	unsigned events = 0;
	uint64_t flags = fs_irq_save();
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &ep->ready) {
		struct epitem *item = list_entry(pos, struct epitem, ready_link);
		if (item_poll(item)) {
			events = POLLIN | POLLRDNORM;
			break;
		}
		list_remove(pos);
	}
	fs_irq_restore(flags);
	return events;
}

static struct wait_queue *epoll_poll_queue(struct file *file)
{
	struct epoll *ep = file->private;

	return &ep->wait;
}

static void epoll_release(struct file *file)
{
	struct epoll *ep = file->private;

	while (!list_empty(&ep->items))
		remove_item(list_entry(ep->items.next, struct epitem, in_epoll));
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.poll = epoll_poll,
	.poll_queue = epoll_poll_queue,
	.release = epoll_release,
};

int epoll_create_file(struct file **out)
{
	struct epoll *ep = kzalloc(sizeof(*ep));
	int error;

	if (!ep)
		return -ENOMEM;
	list_init(&ep->items);
	list_init(&ep->ready);
	wait_queue_init(&ep->wait);
	error = anon_file_open(&epoll_ops, ep, O_RDWR, out);
	if (error)
		kfree(ep);
	else
		ep->file = *out;
	return error;
}
