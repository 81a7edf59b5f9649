/*
 * proc/sched.c - the scheduler: a round-robin run queue, preemption on the timer,
 * sleeping and waking.
 *
 * The kernel is not preemptible: a process gives up the CPU only when it sleeps,
 * exits, or, on its way back to user mode, finds that its time slice is over.
 * Context switches happen with interrupts off.
 *
 * A slice ends at the first timer tick at least half a tick after it began, so
 * a process switched in just before a tick is not switched out at once. fork
 * starts the parent's slice afresh, so that its new child, queued behind it, does
 * not take the CPU the moment fork returns (Linux's START_DEBIT has the same
 * effect): a program timing its own fork (Redis's latest_fork_usec) times the
 * fork, not the child's first slice.
 *
 * The boot flow becomes the idle process (pid 0, on the boot stack, no address space
 * of its own): it runs when nothing else can, halting until the next interrupt.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "lib/errno.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "proc/wait.h"

static struct list_node run_queue = LIST_HEAD_INIT(run_queue);
static struct proc idle;
static volatile bool need_resched;
/* Time-stamp counter readings: when the current process's slice began, at the
 * last tick, and the length of the last tick between them (the TSC's rate is
 * not known, but a tick's worth of it is). */
static uint64_t slice_start_tsc, last_tick_tsc, tick_tsc;
static struct list_node timed_sleepers = LIST_HEAD_INIT(timed_sleepers);

static void wake(struct proc *proc);

/* In the timer interrupt: wake sleepers whose deadline has come. */
static void wake_expired_sleepers(void)
{
	struct list_node *node, *next;
	uint64_t now = clock_monotonic_ns();

	list_for_each_safe(node, next, &timed_sleepers) {
		struct proc *proc = list_entry(node, struct proc, timer_link);
		if (proc->wake_deadline_ns <= now) {
			list_remove(&proc->timer_link);
			wake(proc);
		}
	}
}

struct sched_stats sched_stats;

/*
 * Load averages as Linux computes them: every 5 s, each average moves toward the
 * number of runnable processes by a fixed factor, exp(-5 s / 1, 5, 15 min), in
 * fixed point with 11 fraction bits.
 */
#define LOAD_FIXED_1	(1ul << SCHED_LOAD_SHIFT)
#define LOAD_INTERVAL	(5 * TIMER_HZ)
static const unsigned long load_decay[3] = { 1884, 2014, 2037 };

static void update_load_averages(void)
{
	unsigned long active = sched_nr_running() * LOAD_FIXED_1;

	for (int i = 0; i < 3; i++) {
		unsigned long load = sched_stats.load_average[i];
		load = load * load_decay[i] + active * (LOAD_FIXED_1 - load_decay[i]);
		sched_stats.load_average[i] = (load + LOAD_FIXED_1 / 2) >> SCHED_LOAD_SHIFT;
	}
}

static void tick(bool from_user)
{
	struct proc *proc = current_proc();

	wake_expired_sleepers();
	if (!proc || proc == &idle) {
		sched_stats.idle_ticks++;
	} else if (from_user) {
		proc->ticks_user++;
		sched_stats.user_ticks++;
	} else {
		proc->ticks_system++;
		sched_stats.system_ticks++;
	}
	itimer_tick(proc != &idle ? proc : NULL, from_user);
	if (++sched_stats.ticks_since_load % LOAD_INTERVAL == 0)
		update_load_averages();
	uint64_t now = rdtsc();
	tick_tsc = now - last_tick_tsc;
	last_tick_tsc = now;
	if (now - slice_start_tsc >= tick_tsc / 2)
		need_resched = true;
}

void sched_restart_slice(void)
{
	slice_start_tsc = rdtsc();
}

unsigned sched_nr_running(void)
{
	struct list_node *node;
	struct proc *proc = current_proc();
	unsigned count = proc && proc != &idle && proc->state == PROC_RUNNABLE;

	list_for_each(node, &run_queue)
		count++;
	return count;
}

void sched_init(void)
{
	strlcpy(idle.name, "swapper", sizeof(idle.name));
	idle.state = PROC_RUNNABLE;
	rlimits_set_defaults(idle.limits);
	list_init(&idle.run_link);
	list_init(&idle.wait_link);
	list_init(&idle.timer_link);
	this_cpu()->current = &idle;
	timer_set_tick_hook(tick);
}

void sched_make_runnable(struct proc *proc)
{
	uint64_t flags = irq_save();

	proc->state = PROC_RUNNABLE;
	if (proc != &idle && list_empty(&proc->run_link))
		list_push_back(&run_queue, &proc->run_link);
	irq_restore(flags);
}

/* Load what belongs to `proc` into the CPU: address space, kernel stack, TLS. */
static void enter(struct proc *proc)
{
	this_cpu()->current = proc;
	if (proc->mm)
		mm_activate(proc->mm);
	else
		write_cr3(paging_kernel_root());
	if (proc->kstack)
		tss_set_kernel_stack((uint64_t)proc->kstack + KSTACK_SIZE);
	context_set_fs_base(proc->fs_base);
}

/* Back on our own stack after a switch: restore the user-visible CPU state. */
static void resume(struct proc *proc)
{
	if (proc->fpu_state)
		fpu_restore(proc->fpu_state);
}

void process_first_run_tail(void)
{
	struct proc *proc = current_proc();

	resume(proc);
	thread_reap_dead();
	/* CLONE_CHILD_SETTID writes into the child's memory, so the child does it. */
	if (proc->set_child_tid) {
		int tid = proc->pid;
		copy_to_user((void *)proc->set_child_tid, &tid, sizeof(tid));
		proc->set_child_tid = 0;
	}
}

void schedule(void)
{
	struct proc *prev = current_proc();

	need_resched = false;
	/*
	 * prev goes to the back of the queue before the next is chosen: a process
	 * alone on the queue is chosen again. (Choosing first switched such a
	 * process to idle on every tick, which halted until the next interrupt and
	 * took the rest of the tick from it.)
	 */
	if (prev->state == PROC_RUNNABLE && prev != &idle)
		list_push_back(&run_queue, &prev->run_link);
	struct list_node *node = list_pop_front(&run_queue);
	struct proc *next = node ? list_entry(node, struct proc, run_link) : &idle;

	slice_start_tsc = rdtsc();
	if (next == prev)
		return;
	if (prev->fpu_state)
		fpu_save(prev->fpu_state);
	enter(next);
	sched_stats.context_switches++;
	context_switch(&prev->kernel_rsp, next->kernel_rsp);
	resume(prev);
	thread_reap_dead();	/* a thread that exited is off the CPU now */
}

void sched_return_to_user(struct trap_frame *frame)
{
	for (;;) {
		irq_disable();
		if (need_resched)
			schedule();
		signal_deliver_pending(frame);
		if (!need_resched)
			return;
	}
}

/* The idle loop: whatever the boot flow does when there is nothing else to do. */
void __attribute__((noreturn)) sched_idle_loop(void)
{
	for (;;) {
		irq_disable();
		schedule();
		cpu_idle();	/* sti; hlt: wakes on the next interrupt */
	}
}

/* ------------------------------------------------------------------ wait queues */

static void sleep_on(struct wait_queue *queue, enum proc_state state)
{
	struct proc *proc = current_proc();

	proc->state = state;
	proc->sleeping_on = queue;
	list_push_back(&queue->sleepers, &proc->wait_link);
	schedule();
	/* Woken: wake_up or a signal took us off the queue and made us runnable. */
	if (!list_empty(&proc->wait_link))
		list_remove(&proc->wait_link);
	proc->sleeping_on = NULL;
}

int wait_sleep_irqs_off(struct wait_queue *queue)
{
	if (signal_pending())
		return -EINTR;
	sleep_on(queue, PROC_SLEEPING);
	return signal_pending() ? -EINTR : 0;
}

int wait_sleep_timeout_irqs_off(struct wait_queue *queue, uint64_t deadline_ns)
{
	struct proc *proc = current_proc();

	if (signal_pending())
		return -EINTR;
	if (clock_monotonic_ns() >= deadline_ns)
		return -ETIMEDOUT;
	proc->wake_deadline_ns = deadline_ns;
	list_push_back(&timed_sleepers, &proc->timer_link);
	sleep_on(queue, PROC_SLEEPING);
	if (!list_empty(&proc->timer_link))
		list_remove(&proc->timer_link);
	if (signal_pending())
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
	sleep_on(queue, PROC_SLEEPING_UNINTERRUPTIBLE);
}

static void wake(struct proc *proc)
{
	list_remove(&proc->wait_link);
	sched_make_runnable(proc);
}

void wake_up(struct wait_queue *queue)
{
	uint64_t flags = irq_save();
	struct list_node *node, *next;

	list_for_each_safe(node, next, &queue->sleepers)
		wake(list_entry(node, struct proc, wait_link));
	irq_restore(flags);
}

int signal_sleep_wakeable(struct proc *proc)
{
	uint64_t flags = irq_save();
	int woke = 0;

	if (proc->state == PROC_SLEEPING) {
		wake(proc);
		woke = 1;
	}
	irq_restore(flags);
	return woke;
}
