/*
 * sched/wait.h - sleeping until something happens, and waking sleepers.
 *
 * A wait queue is a list of sleeping tasks (sched/task.h). The kernel is not preemptible and
 * runs on one CPU, so the only thing that can change a condition between checking
 * it and going to sleep is an interrupt handler; wait_event_interruptible checks the
 * condition with interrupts off, which closes that window (no lost wake-ups).
 * Handlers and other tasks call wake_up to make every sleeper runnable; each
 * sleeper re-checks its own condition.
 */
#ifndef CALF_SCHED_WAIT_H
#define CALF_SCHED_WAIT_H

#include <stdint.h>
#include "lib/list.h"
#include "arch/x86_64/cpu.h"

struct wait_queue {
	struct list_node sleepers;	/* struct task, through task->wait_link */
};

#define WAIT_QUEUE_INIT(name) { LIST_HEAD_INIT((name).sleepers) }

static inline void wait_queue_init(struct wait_queue *queue)
{
	list_init(&queue->sleepers);
}

/*
 * Sleep on queue until woken, with interrupts disabled by the caller (they are
 * disabled again on return). Returns 0 when woken, -EINTR when a signal is pending
 * for the current task (before or during the sleep: sched/signal.h).
 */
int wait_sleep_irqs_off(struct wait_queue *queue);

/* The same, but a signal does not end the sleep. */
void wait_sleep_uninterruptible_irqs_off(struct wait_queue *queue);

/*
 * Sleep on queue until woken, a signal, or clock_monotonic_ns() >= deadline_ns.
 * Interrupts off, as above. Returns 0 (woken), -EINTR or -ETIMEDOUT.
 */
int wait_sleep_timeout_irqs_off(struct wait_queue *queue, uint64_t deadline_ns);

/* Sleep until the monotonic clock reaches deadline_ns: 0, or -EINTR on a signal. */
int sleep_until_ns(uint64_t deadline_ns);

/* Make every task sleeping on queue runnable. Safe in interrupt handlers. */
void wake_up(struct wait_queue *queue);

/*
 * Evaluate to 0 once cond is true, or to -EINTR if a signal arrives first.
 * cond is evaluated with interrupts off.
 */
#define wait_event_interruptible(queue, cond) ({ \
	int result__ = 0; \
	uint64_t flags__ = irq_save(); \
	while (!(cond)) { \
		result__ = wait_sleep_irqs_off(queue); \
		if (result__) \
			break; \
	} \
	irq_restore(flags__); \
	result__; })

#define wait_event(queue, cond) do { \
	uint64_t flags__ = irq_save(); \
	while (!(cond)) \
		wait_sleep_uninterruptible_irqs_off(queue); \
	irq_restore(flags__); } while (0)

#endif
