/*
 * sched/wait.c - wait queues: sleeping until woken, a signal or a deadline.
 *
 * A sleeper checks its condition with interrupts off and goes to sleep without
 * turning them on (sched/wait.h says why). Sleepers with a deadline are also on
 * timed_sleepers, which the timer tick scans.
 */
#include "sched/internal.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"
#include "lib/errno.h"

static struct list_node timed_sleepers = LIST_HEAD_INIT(timed_sleepers);

static void wake(struct task *task)
{
	list_remove(&task->wait_link);
	sched_make_runnable(task);
}

void wait_wake_expired(void)
{
	struct list_node *node, *next;
	uint64_t now = clock_monotonic_ns();

	list_for_each_safe(node, next, &timed_sleepers) {
		struct task *task = list_entry(node, struct task, timer_link);
		if (task->wake_deadline_ns <= now) {
			list_remove(&task->timer_link);
			wake(task);
		}
	}
}

static void sleep_on(struct wait_queue *queue, enum task_state state)
{
	struct task *task = current_task();

	task->state = state;
	task->sleeping_on = queue;
	list_push_back(&queue->sleepers, &task->wait_link);
	schedule();
	/* Woken: wake_up or a signal took us off the queue and made us runnable. */
	if (!list_empty(&task->wait_link))
		list_remove(&task->wait_link);
	task->sleeping_on = NULL;
}

int wait_sleep_irqs_off(struct wait_queue *queue)
{
	if (task_signal_pending())
		return -EINTR;
	sleep_on(queue, TASK_SLEEPING);
	return task_signal_pending() ? -EINTR : 0;
}

int wait_sleep_timeout_irqs_off(struct wait_queue *queue, uint64_t deadline_ns)
{
	struct task *task = current_task();

	if (task_signal_pending())
		return -EINTR;
	if (clock_monotonic_ns() >= deadline_ns)
		return -ETIMEDOUT;
	task->wake_deadline_ns = deadline_ns;
	list_push_back(&timed_sleepers, &task->timer_link);
	sleep_on(queue, TASK_SLEEPING);
	if (!list_empty(&task->timer_link))
		list_remove(&task->timer_link);
	if (task_signal_pending())
		return -EINTR;
	return clock_monotonic_ns() >= deadline_ns ? -ETIMEDOUT : 0;
}

int sleep_until_ns(uint64_t deadline_ns)
{
	struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes);
	uint64_t flags = irq_save();
	int result;

	do
		result = wait_sleep_timeout_irqs_off(&nobody_wakes, deadline_ns);
	while (result == 0);
	irq_restore(flags);
	return result == -ETIMEDOUT ? 0 : result;
}

void wait_sleep_uninterruptible_irqs_off(struct wait_queue *queue)
{
	sleep_on(queue, TASK_SLEEPING_UNINTERRUPTIBLE);
}

void wake_up(struct wait_queue *queue)
{
	uint64_t flags = irq_save();
	struct list_node *node, *next;

	list_for_each_safe(node, next, &queue->sleepers)
		wake(list_entry(node, struct task, wait_link));
	irq_restore(flags);
}

int sched_wake_interruptible(struct task *task)
{
	uint64_t flags = irq_save();
	int woke = 0;

	if (task->state == TASK_SLEEPING) {
		wake(task);
		woke = 1;
	}
	irq_restore(flags);
	return woke;
}
