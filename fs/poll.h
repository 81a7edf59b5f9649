/*
 * fs/poll.h - the shared core of poll, ppoll, select and pselect6 (fs/poll.c).
 */
#ifndef CALF_FS_POLL_H
#define CALF_FS_POLL_H

#include <stddef.h>
#include <stdint.h>

struct poll_entry {
	int fd;			/* negative: ignored */
	unsigned events;	/* POLL* asked */
	unsigned revents;	/* POLL* found */
};

#define POLL_NOW     0ull		/* deadline: check once, never sleep */
#define POLL_FOREVER UINT64_MAX		/* deadline: none */

int poll_entries(struct poll_entry *entries, size_t n, uint64_t deadline_ns);

#endif
