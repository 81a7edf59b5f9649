/*
 * net/unix_gc.c - collecting AF_UNIX sockets that only descriptors in flight keep
 * alive.
 *
 * A socket's file sent with SCM_RIGHTS is referenced by the message until it is
 * received. If that message sits in the queue of the socket itself (or of another
 * socket in the same situation) and every descriptor is closed, nothing can ever
 * receive it: a cycle that reference counting cannot free. Like Linux, calf marks
 * and sweeps: a candidate is a socket whose file's every reference is a message
 * in flight; candidates reachable from a queue of a socket that is not a
 * candidate are alive; the rest are garbage, and dropping the messages in their
 * queues breaks the cycle, so their files close. It runs when a socket file loses
 * a reference and some socket is in flight, which is when a cycle can appear.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "net/unix.h"

enum { GC_ALIVE, GC_MAYBE };

static struct list_node all_sockets = LIST_HEAD_INIT(all_sockets);
static unsigned total_inflight;
static bool collecting;

void unix_gc_track(struct unix_sock *us)
{
	list_push_back(&all_sockets, &us->all_link);
}

void unix_gc_untrack(struct unix_sock *us)
{
	list_remove(&us->all_link);
}

/* The unix socket a file is, or NULL. */
static struct unix_sock *unix_of(struct file *file)
{
	struct socket *sock = file ? socket_of(file) : NULL;

	return sock && sock->family == AF_UNIX ? (struct unix_sock *)sock : NULL;
}

void unix_gc_files(struct file **files, unsigned n, int delta)
{
	for (unsigned i = 0; i < n; i++) {
		struct unix_sock *us = unix_of(files[i]);
		if (us) {
			us->inflight += delta;
			total_inflight += delta;
		}
	}
}

/* Mark alive every candidate the files of a queue's messages name. */
static bool mark_queue(struct list_node *queue)
{
	struct list_node *pos;
	bool changed = false;

	list_for_each(pos, queue) {
		struct unix_msg *m = list_entry(pos, struct unix_msg, link);
		for (unsigned i = 0; m->files && i < m->nfiles; i++) {
			struct unix_sock *us = unix_of(m->files[i]);
			if (us && us->gc_state == GC_MAYBE) {
				us->gc_state = GC_ALIVE;
				changed = true;
			}
		}
	}
	return changed;
}

static bool mark_from(struct unix_sock *us)
{
	struct list_node *pos;
	bool changed = mark_queue(&us->queue);

	list_for_each(pos, &us->pending)
		changed |= mark_queue(&list_entry(pos, struct unix_sock, pending_link)->queue);
	return changed;
}

/* Move a garbage socket's messages (and its waiting connections') to doomed. */
static void detach_queue(struct unix_sock *us, struct list_node *doomed)
{
	struct list_node *pos;

	while (!list_empty(&us->queue)) {
		struct list_node *node = us->queue.next;
		list_remove(node);
		list_push_back(doomed, node);
	}
	us->queued = 0;
	us->nqueued = 0;
	list_for_each(pos, &us->pending)
		detach_queue(list_entry(pos, struct unix_sock, pending_link), doomed);
}

void unix_gc(void)
{
	struct list_node *pos, doomed;
	unsigned garbage = 0;

	if (collecting || !total_inflight)
		return;
	collecting = true;
	list_for_each(pos, &all_sockets) {
		struct unix_sock *us = list_entry(pos, struct unix_sock, all_link);
		struct file *file = us->sock.file;
		us->gc_state = file && us->inflight && file->refcount == us->inflight ?
			GC_MAYBE : GC_ALIVE;
	}
	for (bool changed = true; changed;) {
		changed = false;
		list_for_each(pos, &all_sockets) {
			struct unix_sock *us = list_entry(pos, struct unix_sock, all_link);
			if (us->gc_state == GC_ALIVE)
				changed |= mark_from(us);
		}
	}
	/* Sweep in two steps: take the messages out (nothing is freed, so the list
	 * can be walked), then free them, which closes the garbage's files. */
	list_init(&doomed);
	list_for_each(pos, &all_sockets) {
		struct unix_sock *us = list_entry(pos, struct unix_sock, all_link);
		if (us->gc_state == GC_MAYBE) {
			detach_queue(us, &doomed);
			garbage++;
		}
	}
	while (garbage && !list_empty(&doomed))
		unix_msg_free_detached(list_entry(list_pop_front(&doomed), struct unix_msg, link));
	collecting = false;
}
