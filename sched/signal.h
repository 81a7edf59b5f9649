/*
 * sched/signal.h - signals as the layers below proc/ see them.
 *
 * Signals belong to proc/ (proc/signal.h), but a sleep must end when one is
 * pending, and the layers below proc/ raise a few: a pipe or socket without a
 * reader (SIGPIPE), the terminal (^C, SIGTTIN, SIGWINCH), and ppoll, pselect and
 * epoll_pwait change the blocked mask for the length of the call. They reach
 * proc/ through one set of upcalls, registered by proc/ at boot the way arch/'s
 * trap hooks are; until then no signal is ever pending and none is sent.
 * The numbers are kernel/signum.h.
 */
#ifndef CALF_SCHED_SIGNAL_H
#define CALF_SCHED_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

struct task_signal_ops {
	/* Does the current task have an unblocked signal pending? */
	bool (*pending)(void);
	/* sig for the current thread, sent by it (SI_USER), as Linux's send_sig:
	 * SIGPIPE. */
	void (*send_self)(int sig);
	/* sig from the kernel (SI_KERNEL) to every process in process group pgid;
	 * how many got it. */
	int (*send_group)(int pgid, int sig);
	/* Does the current thread ignore or block sig (SIGTTIN: then read fails
	 * with EIO instead)? */
	bool (*refused)(int sig);
	/* Make mask (less what cannot be blocked) the current thread's blocked mask;
	 * the old one. */
	uint64_t (*mask_swap)(uint64_t mask);
	/* Put old back: at once, or, when a call that swapped it ends with -EINTR,
	 * only after the signal is delivered (as rt_sigsuspend). */
	void (*mask_restore)(uint64_t old, bool after_delivery);
};

/* Held by value: a call through it is one instruction, as a direct call is. */
extern struct task_signal_ops task_signal_ops;

/* proc/ sets its own at boot (copied). */
void task_signal_ops_register(const struct task_signal_ops *ops);

static inline bool task_signal_pending(void)
{
	return task_signal_ops.pending();
}

static inline void task_signal_self(int sig)
{
	task_signal_ops.send_self(sig);
}

static inline int task_signal_group(int pgid, int sig)
{
	return task_signal_ops.send_group(pgid, sig);
}

static inline bool task_signal_refused(int sig)
{
	return task_signal_ops.refused(sig);
}

static inline uint64_t task_sigmask_swap(uint64_t mask)
{
	return task_signal_ops.mask_swap(mask);
}

static inline void task_sigmask_restore(uint64_t old, bool after_delivery)
{
	task_signal_ops.mask_restore(old, after_delivery);
}

#endif
