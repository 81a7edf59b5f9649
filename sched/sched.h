/*
 * sched/sched.h - the scheduler: the run queue, switching tasks, the timer tick.
 *
 * A round-robin run queue per CPU, a time slice of one timer tick (10 ms), and a
 * kernel that is not preemptible: a task gives up the CPU when it sleeps, exits,
 * or finds on its way back to user mode that its slice is over. A task that
 * becomes runnable goes to an idle CPU (woken by IPI) or the shortest queue it may
 * use (cpus_allowed); a CPU whose queue is empty takes a task from the longest
 * other queue. Each CPU has its own idle task, slice and tick; one CPU at a time
 * runs kernel code (kernel/kernel_lock.h), which is what protects the queues. The layer above
 * (proc/) plugs its per-task work into the few points where the scheduler passes
 * by, through struct sched_hooks, given once at sched_init.
 */
#ifndef CALF_SCHED_SCHED_H
#define CALF_SCHED_SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include "sched/task.h"

struct trap_frame;

struct sched_hooks {
	/* On every timer tick of every CPU (interrupts off), after the task's time
	 * is counted: running is the interrupted task, NULL for the idle task. */
	void (*tick)(struct task *running, bool from_user);
	/* On every tick of the clock (the boot CPU's), before tick. */
	void (*clock_tick)(void);
	/* Right after every switch, on the stack of the task switched to, and at a
	 * new task's first run: a task that exited is off the CPU by now. */
	void (*switched)(void);
	/* A new task's first run, before it leaves for user mode. */
	void (*first_run)(struct task *task);
	/* On the way back to user mode, after any reschedule: deliver signals. */
	void (*return_to_user)(struct trap_frame *frame);
};

/* The caller (the boot flow) becomes the idle task, which runs when nothing else
 * can; hooks is copied. Sets the timer's tick hook. */
void sched_init(struct task *idle, const struct sched_hooks *hooks);

/* Another online CPU (id > 0) will run tasks, with idle as its idle task. */
void sched_add_cpu(unsigned id, struct task *idle);
/* Let the CPUs added run tasks: from now on every kernel entry takes the kernel
 * lock (kernel/kernel_lock.h). By the boot flow, right before its idle loop. */
void sched_start_other_cpus(void);

/* The idle loop: schedule, then halt until the next interrupt. Never returns. */
void __attribute__((noreturn)) sched_idle_loop(void);

void sched_make_runnable(struct task *task);
/* Let task run only on the CPUs in the mask (sched_setaffinity): a queued task
 * moves to an allowed CPU's queue at once, a running one at its next schedule
 * (this CPU: on its way back to user mode; another: at its next tick). */
void sched_set_cpus_allowed(struct task *task, uint64_t cpus);
/* Give up the CPU to the next runnable task; with interrupts off. A task still
 * TASK_RUNNABLE goes to the back of the queue. */
void schedule(void);
/* The current task's time slice begins now (fork, for the parent). */
void sched_restart_slice(void);
/* On every way back to user mode (interrupts off on return): reschedule when the
 * slice is over, and let the hook deliver signals. */
void sched_return_to_user(struct trap_frame *frame);
unsigned sched_nr_running(void);	/* runnable tasks, the running one included */

/* sched_yield: does another task wait in this CPU's queue? Read without the
 * kernel lock, it is one word: a task queued meanwhile waits for the caller's
 * next yield or tick. sched_give_way (under the kernel lock) lets it run: the
 * caller goes to the back of the queue on its way back to user mode. */
bool sched_others_waiting(void);
void sched_give_way(void);

/* A sleeper woken because of a signal: if task sleeps interruptibly, make it
 * runnable (off its wait queue) and return 1; else 0. A task running on another
 * CPU is interrupted there, so that it delivers the signal at once. */
int sched_wake_interruptible(struct task *task);

/* What /proc/stat and /proc/loadavg report. */
#define SCHED_LOAD_SHIFT 11		/* load averages: fixed point, 11 fraction bits */
struct sched_stats {
	uint64_t user_ticks, system_ticks, idle_ticks;
	uint64_t context_switches;
	uint64_t ticks_since_load;
	unsigned long load_average[3];	/* 1, 5 and 15 minutes */
};
extern struct sched_stats sched_stats;	/* the tick counts: all CPUs' sums */

/* One CPU's ticks, for /proc/stat's cpuN lines. */
struct sched_cpu_ticks {
	uint64_t user, system, idle;
};
struct sched_cpu_ticks sched_cpu_ticks(unsigned id);

#endif
