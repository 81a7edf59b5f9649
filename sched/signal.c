/*
 * sched/signal.c - the upcalls to proc/'s signals (sched/signal.h).
 */
#include "sched/signal.h"

/* Before proc/ registers its own: no signals at all, and no mask to change. */
static bool nothing_pending(void)
{
	return false;
}

static void send_nothing(int sig)
{
	(void)sig;
}

static int send_nothing_to_group(int pgid, int sig)
{
	(void)pgid;
	(void)sig;
	return 0;
}

static bool refuses_nothing(int sig)
{
	(void)sig;
	return false;
}

static uint64_t no_mask_swap(uint64_t mask)
{
	(void)mask;
	return 0;
}

static void no_mask_restore(uint64_t old, bool after_delivery)
{
	(void)old;
	(void)after_delivery;
}

struct task_signal_ops task_signal_ops = {
	.pending = nothing_pending,
	.send_self = send_nothing,
	.send_group = send_nothing_to_group,
	.refused = refuses_nothing,
	.mask_swap = no_mask_swap,
	.mask_restore = no_mask_restore,
};

void task_signal_ops_register(const struct task_signal_ops *ops)
{
	task_signal_ops = *ops;
}
