/*
 * sched/signal.h - signals as the layers below proc/ see them.
 *
 * Signals belong to proc/ (proc/signal.h), but a sleep must end when one is
 * pending, and the layers below proc/ (sched, fs, net) raise a few. They reach
 * proc/ through one set of upcalls, registered by proc/ at boot the way arch/'s
 * trap hooks are; until then no signal is ever pending and none is sent.
 */
#ifndef CALF_SCHED_SIGNAL_H
#define CALF_SCHED_SIGNAL_H

#include <stdbool.h>

struct task_signal_ops {
	/* Does the current task have an unblocked signal pending? */
	bool (*pending)(void);
};

extern const struct task_signal_ops *task_signal_ops;

/* proc/ sets its own at boot; ops stays valid for good. */
void task_signal_ops_register(const struct task_signal_ops *ops);

static inline bool task_signal_pending(void)
{
	return task_signal_ops->pending();
}

#endif
