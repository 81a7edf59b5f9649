/*
 * fs/pollwatch.c - watches on wait queues: how epoll hears that a file changed.
 *
 * Every pollable object announces a change with fs_wake_events(queue, events). A
 * watch asks to be told about one queue; the table below finds a queue's watches
 * from its address. Lists are changed and walked with interrupts off, because the
 * tty wakes its queue from its interrupt handler.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/poll.h"

#define WATCH_BUCKETS 64

static struct list_node buckets[WATCH_BUCKETS];
static bool buckets_ready;
/* Watches in the table: while there are none (no epoll in use), a wake-up costs
 * one test, not a lookup with interrupts off. */
static unsigned watches;

static struct list_node *bucket_of(struct wait_queue *queue)
{
	uintptr_t key = (uintptr_t)queue;

	if (!buckets_ready) {
		for (int i = 0; i < WATCH_BUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	key ^= key >> 17;
	return &buckets[(key >> 4) % WATCH_BUCKETS];
}

void poll_watch_add(struct poll_watch *watch, struct wait_queue *queue,
		    void (*notify)(struct poll_watch *watch, unsigned events))
{
	uint64_t flags = fs_irq_save();

	watch->queue = queue;
	watch->notify = notify;
	list_push_back(bucket_of(queue), &watch->link);
	watches++;
	fs_irq_restore(flags);
}

void poll_watch_del(struct poll_watch *watch)
{
	uint64_t flags = fs_irq_save();

	list_remove(&watch->link);
	watch->queue = NULL;
	watches--;
	fs_irq_restore(flags);
}

void poll_watch_notify(struct wait_queue *queue, unsigned events)
{
	if (!__atomic_load_n(&watches, __ATOMIC_RELAXED))
		return;
	uint64_t flags = fs_irq_save();
	struct list_node *head = bucket_of(queue), *pos;

	list_for_each(pos, head) {
		struct poll_watch *watch = list_entry(pos, struct poll_watch, link);
		if (watch->queue == queue)
			watch->notify(watch, events);
	}
	fs_irq_restore(flags);
}
