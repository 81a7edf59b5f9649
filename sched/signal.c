/*
 * sched/signal.c - the upcalls to proc/'s signals (sched/signal.h).
 */
#include "sched/signal.h"

/* Before proc/ registers its own: nothing is ever pending. */
static bool nothing_pending(void)
{
	return false;
}

static const struct task_signal_ops no_signals = {
	.pending = nothing_pending,
};

const struct task_signal_ops *task_signal_ops = &no_signals;

void task_signal_ops_register(const struct task_signal_ops *ops)
{
	task_signal_ops = ops;
}
