/*
 * sched/sched.c - the scheduler: round-robin run queues per CPU, preemption on the timer,
 * sleeping and waking.
 *
 * The kernel is not preemptible: a task gives up the CPU only when it sleeps,
 * exits, or, on its way back to user mode, finds that its time slice is over.
 * Context switches happen with interrupts off.
 *
 * A slice ends at the first timer tick at least half a tick after it began, so
 * a task switched in just before a tick is not switched out at once. fork
 * starts the parent's slice afresh, so that its new child, queued behind it, does
 * not take the CPU the moment fork returns (Linux's START_DEBIT has the same
 * effect): a program timing its own fork (Redis's latest_fork_usec) times the
 * fork, not the child's first slice. Once a slice only: a task forking in a loop
 * would otherwise never be preempted, its children piling up behind it while
 * everything else waits (tests/progs/vfork_ignored.c's helpers fork 1000 each).
 *
 * The wait queues live here with the run queue: waking a sleeper is putting it on
 * the run queue, and keeping both in one file lets the compiler inline that into
 * wake_up (a pipe round trip costs about 100 instructions more without it).
 *
 * The boot flow becomes the idle task (proc/ makes it pid 0, on the boot stack, no
 * address space of its own): it runs when nothing else can, halting until the next
 * interrupt.
 */
#include "sched/sched.h"
#include "kernel/kernel_lock.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "sched/signal.h"
#include "sched/wait.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/ipi.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "mm/mm.h"
#include "lib/errno.h"

/* proc/'s hooks, copied: a call through them is one instruction, as a direct one. */
static struct sched_hooks hooks;
static struct list_node timed_sleepers = LIST_HEAD_INIT(timed_sleepers);

/* What the scheduler keeps for each CPU. */
struct sched_cpu {
	struct list_node queue;	/* runnable tasks waiting for this CPU */
	unsigned queued;	/* how many */
	struct task *idle;	/* runs when nothing else can, halting */
	/* Time-stamp counter readings: when the current task's slice began, at the
	 * last tick, and the length of the last tick between them (the TSC's rate
	 * is not known, but a tick's worth of it is). */
	uint64_t slice_start_tsc, last_tick_tsc, tick_tsc;
	bool slice_restarted;	/* fork has restarted this slice already */
	struct sched_cpu_ticks ticks;
};
static struct sched_cpu sched_cpus[SMP_MAX_CPUS];
/* CPUs halted in their idle loop that no wake-up has been sent to yet. */
static uint64_t idle_cpus;
/* Set when the other CPUs join (sched_start_other_cpus); until then the queue
 * choices below take their one-CPU shortcuts. */
static bool several_cpus;

static inline struct sched_cpu *here(void)
{
	return &sched_cpus[this_cpu()->id];
}

/* ------------------------------------------------------------------ run queues */

static void queue_on(unsigned id, struct task *task)
{
	task->cpu = id;
	list_push_back(&sched_cpus[id].queue, &task->run_link);
	sched_cpus[id].queued++;
}

static void unqueue(struct task *task)
{
	list_remove(&task->run_link);
	sched_cpus[task->cpu].queued--;
}

/* A task not allowed anywhere online (its mask predates the CPUs) may run on
 * the boot CPU, which is always there. */
static uint64_t allowed_cpus(const struct task *task)
{
	uint64_t allowed = task->cpus_allowed & smp_online_mask();

	return allowed ? allowed : 1;
}

/*
 * Where a task that becomes runnable should wait: here when this CPU is idling
 * (its idle loop runs it next); else on an idle CPU it may use, which is woken;
 * else on the allowed CPU with the shortest queue, preferring this one, then the
 * one it ran on last (its caches, on real hardware).
 */
static unsigned choose_cpu(const struct task *task, bool *wake_it)
{
	uint64_t allowed = allowed_cpus(task);
	unsigned self = this_cpu()->id;
	bool self_allowed = allowed >> self & 1;
	uint64_t idle_elsewhere = idle_cpus & allowed & ~(1ul << self);

	*wake_it = false;
	if (self_allowed && current_task() == here()->idle)
		return self;
	if (idle_elsewhere) {
		*wake_it = true;
		return __builtin_ctzll(idle_elsewhere);
	}
	unsigned best = self_allowed ? self : (unsigned)__builtin_ctzll(allowed);
	if (allowed >> task->cpu & 1 && sched_cpus[task->cpu].queued < sched_cpus[best].queued)
		best = task->cpu;
	for (uint64_t rest = allowed; rest; rest &= rest - 1) {
		unsigned id = __builtin_ctzll(rest);
		if (sched_cpus[id].queued < sched_cpus[best].queued)
			best = id;
	}
	return best;
}

static void enqueue(struct task *task)
{
	bool wake_it;

	if (!several_cpus) {
		queue_on(0, task);
		return;
	}
	unsigned id = choose_cpu(task, &wake_it);

	queue_on(id, task);
	if (wake_it) {
		idle_cpus &= ~(1ul << id);
		ipi_wake(id);
	}
}

/* Whether task is some CPU's running task right now. */
static bool on_a_cpu(const struct task *task)
{
	if (!several_cpus)
		return task == current_task();
	struct cpu *cpu = smp_cpu(task->cpu);

	return cpu && cpu->current == task;
}

/* The first task on CPU id's queue that may run on CPU `on`. */
static struct task *first_allowed(unsigned id, unsigned on)
{
	struct list_node *node;

	list_for_each(node, &sched_cpus[id].queue) {
		struct task *task = list_entry(node, struct task, run_link);
		if (allowed_cpus(task) >> on & 1)
			return task;
	}
	return NULL;
}

/*
 * The next task for this CPU: the head of its own queue; with none there, one
 * taken from the longest other queue (load balancing by stealing, which is when
 * it matters: a CPU about to idle while tasks wait elsewhere).
 */
static struct task *pick_next(unsigned self)
{
	if (!several_cpus) {
		struct list_node *node = list_pop_front(&sched_cpus[0].queue);
		if (!node)
			return NULL;
		sched_cpus[0].queued--;
		return list_entry(node, struct task, run_link);
	}
	struct task *next = first_allowed(self, self);

	if (!next) {
		unsigned busiest = self;
		for (uint64_t rest = smp_online_mask() & ~(1ul << self); rest; rest &= rest - 1) {
			unsigned id = __builtin_ctzll(rest);
			if (sched_cpus[id].queued > sched_cpus[busiest].queued &&
			    first_allowed(id, self))
				busiest = id;
		}
		next = busiest != self ? first_allowed(busiest, self) : NULL;
	}
	if (next) {
		unqueue(next);
		next->cpu = self;
	}
	return next;
}

static void wake(struct task *task);

/* In the timer interrupt: wake sleepers whose deadline has come. */
static void wake_expired_sleepers(void)
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

struct sched_stats sched_stats;

/*
 * Load averages as Linux computes them: every 5 s, each average moves toward the
 * number of runnable tasks by a fixed factor, exp(-5 s / 1, 5, 15 min), in
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

/* The clock's tick: the boot CPU's (the PIT's) alone. */
static void clock_tick(void)
{
	wake_expired_sleepers();
	hooks.clock_tick();
	if (++sched_stats.ticks_since_load % LOAD_INTERVAL == 0)
		update_load_averages();
}

static void account_tick(struct sched_cpu *cpu, struct task *task, bool from_user)
{
	if (!task || task == cpu->idle) {
		cpu->ticks.idle++;
		sched_stats.idle_ticks++;
	} else if (from_user) {
		task->ticks_user++;
		cpu->ticks.user++;
		sched_stats.user_ticks++;
	} else {
		task->ticks_system++;
		cpu->ticks.system++;
		sched_stats.system_ticks++;
	}
}

/* Every CPU's tick (the boot CPU's PIT, the others' APIC timers). */
static void tick(bool from_user)
{
	struct sched_cpu *cpu = here();
	struct task *task = current_task();

	if (cpu == &sched_cpus[0])
		clock_tick();
	account_tick(cpu, task, from_user);
	hooks.tick(task != cpu->idle ? task : NULL, from_user);
	uint64_t now = rdtsc();
	cpu->tick_tsc = now - cpu->last_tick_tsc;
	cpu->last_tick_tsc = now;
	if (now - cpu->slice_start_tsc >= cpu->tick_tsc / 2)
		this_cpu()->need_resched = true;
}

void sched_restart_slice(void)
{
	struct sched_cpu *cpu = here();

	if (cpu->slice_restarted)
		return;
	cpu->slice_restarted = true;
	cpu->slice_start_tsc = rdtsc();
}

bool sched_others_waiting(void)
{
	return __atomic_load_n(&here()->queued, __ATOMIC_RELAXED) != 0;
}

void sched_give_way(void)
{
	this_cpu()->need_resched = true;
}

unsigned sched_nr_running(void)
{
	unsigned count = 0;

	for (unsigned id = 0; id < SMP_MAX_CPUS; id++) {
		struct cpu *cpu = smp_cpu(id);
		struct task *task = cpu ? cpu->current : NULL;
		count += task && task != sched_cpus[id].idle && task->state == TASK_RUNNABLE;
		count += sched_cpus[id].queued;
	}
	return count;
}

struct sched_cpu_ticks sched_cpu_ticks(unsigned id)
{
	return id < SMP_MAX_CPUS ? sched_cpus[id].ticks : (struct sched_cpu_ticks){ 0 };
}

static void init_idle(unsigned id, struct task *idle)
{
	idle->state = TASK_RUNNABLE;
	idle->is_idle = true;
	list_init(&idle->run_link);
	list_init(&idle->wait_link);
	list_init(&idle->timer_link);
	idle->cpus_allowed = 1ul << id;
	idle->cpu = id;
	list_init(&sched_cpus[id].queue);
	sched_cpus[id].idle = idle;
}

void sched_init(struct task *idle_task, const struct sched_hooks *task_hooks)
{
	hooks = *task_hooks;
	init_idle(0, idle_task);
	this_cpu()->current = idle_task;
	timer_set_tick_hook(tick);
}

void sched_add_cpu(unsigned id, struct task *idle_task)
{
	if (id == 0 || id >= SMP_MAX_CPUS || !smp_cpu(id))
		panic("sched: no CPU %u to add", id);
	init_idle(id, idle_task);
}

/* On each other CPU, once it is released: become its idle task and tick. */
static void __attribute__((noreturn)) other_cpu_main(void)
{
	irq_disable();
	this_cpu()->current = here()->idle;
	timer_start_local();
	sched_idle_loop();
}

void sched_start_other_cpus(void)
{
	uint64_t flags = irq_save();
	bool any = false;

	for (unsigned id = 1; id < SMP_MAX_CPUS; id++)
		any |= sched_cpus[id].idle != NULL;
	if (any) {
		several_cpus = true;
		kernel_lock_start();
		smp_release_aps(other_cpu_main);
	}
	irq_restore(flags);
}

void sched_set_cpus_allowed(struct task *task, uint64_t cpus)
{
	uint64_t flags = irq_save();

	task->cpus_allowed = cpus;
	if (!(allowed_cpus(task) >> task->cpu & 1)) {
		if (!list_empty(&task->run_link)) {
			unqueue(task);
			enqueue(task);
		} else if (on_a_cpu(task)) {
			smp_cpu(task->cpu)->need_resched = true;	/* moves at its next schedule */
		}
	}
	irq_restore(flags);
}

void sched_make_runnable(struct task *task)
{
	uint64_t flags = irq_save();

	task->state = TASK_RUNNABLE;
	if (!task->is_idle && list_empty(&task->run_link) && !on_a_cpu(task)) {
		if (several_cpus)
			enqueue(task);
		else
			queue_on(0, task);
	}
	irq_restore(flags);
}

/* Load what belongs to `task` into the CPU: address space, kernel stack, TLS. */
static void enter(struct task *task)
{
	this_cpu()->current = task;
	if (task->mm)
		mm_activate(task->mm);
	else
		mm_switch_to_kernel();
	if (task->kstack)
		tss_set_kernel_stack((uint64_t)task->kstack + KSTACK_SIZE);
	context_set_fs_base(task->fs_base);
}

/* Back on our own stack after a switch: restore the user-visible CPU state. */
static void resume(struct task *task)
{
	if (task->fpu_state)
		fpu_restore(task->fpu_state);
}

/* Where a new task's first context switch "returns" (arch/x86_64/switch.S). */
void process_first_run_tail(void)
{
	struct task *task = current_task();

	kernel_lock_set_depth(1);	/* as if it had entered from user mode */
	resume(task);
	hooks.switched();
	hooks.first_run(task);
	kernel_lock_exit();
}

void schedule(void)
{
	struct task *prev = current_task();
	struct sched_cpu *cpu = here();

	this_cpu()->need_resched = false;
	/*
	 * prev goes to the back of the queue before the next is chosen: a task
	 * alone on the queue is chosen again. (Choosing first switched such a
	 * task to idle on every tick, which halted until the next interrupt and
	 * took the rest of the tick from it.)
	 */
	unsigned self = this_cpu()->id;
	if (prev->state == TASK_RUNNABLE && prev != cpu->idle) {
		if (!several_cpus || allowed_cpus(prev) >> self & 1)
			queue_on(self, prev);
		else
			enqueue(prev);	/* sched_setaffinity took this CPU away */
	}
	struct task *next = pick_next(self);
	if (!next)
		next = cpu->idle;

	cpu->slice_start_tsc = rdtsc();
	cpu->slice_restarted = false;
	if (next == prev)
		return;
	/* The kernel lock passes to next with the CPU; its depth is each task's. */
	unsigned lock_depth = several_cpus ? kernel_lock_depth() : 0;
	if (several_cpus && !kernel_lock_held())
		panic("schedule: CPU %u switches tasks without the kernel lock",
		      this_cpu()->id);
	spin_assert_none_held("a task switch");
	if (prev->fpu_state)
		fpu_save(prev->fpu_state);
	enter(next);
	sched_stats.context_switches++;
	context_switch(&prev->kernel_rsp, next->kernel_rsp);
	if (several_cpus)
		kernel_lock_set_depth(lock_depth);
	resume(prev);
	hooks.switched();	/* a task that exited is off the CPU now */
}

void sched_return_to_user(struct trap_frame *frame)
{
	for (;;) {
		irq_disable();
		if (this_cpu()->need_resched)
			schedule();	/* may move this task to another CPU */
		hooks.return_to_user(frame);
		if (!this_cpu()->need_resched) {
			spin_assert_none_held("the return to user mode");
			return;
		}
	}
}

/*
 * The idle loop: what each CPU does when there is nothing else to do. It holds the
 * kernel lock only to look at the run queue; halted it holds nothing, and is
 * listed in idle_cpus so that the CPU queueing a task sends it a wake-up. A
 * wake-up sent between kernel_lock_exit and hlt is not lost: interrupts are off
 * until the `sti` right before `hlt`, which takes it then.
 */
void __attribute__((noreturn)) sched_idle_loop(void)
{
	uint64_t self = 1ul << this_cpu()->id;

	for (;;) {
		irq_disable();
		kernel_lock_enter();
		idle_cpus &= ~self;
		schedule();
		idle_cpus |= self;
		spin_assert_none_held("the idle halt");
		kernel_lock_exit();
		cpu_idle();	/* sti; hlt: wakes on the next interrupt */
	}
}

/* ------------------------------------------------------------------ wait queues */

static void sleep_on(struct wait_queue *queue, enum task_state state)
{
	struct task *task = current_task();

	spin_assert_none_held("a sleep");
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

static void wake(struct task *task)
{
	list_remove(&task->wait_link);
	sched_make_runnable(task);
}

static void __attribute__((noinline)) wake_all(struct wait_queue *queue)
{
	uint64_t flags = irq_save();
	struct list_node *node, *next;

	list_for_each_safe(node, next, &queue->sleepers)
		wake(list_entry(node, struct task, wait_link));
	irq_restore(flags);
}

/*
 * Most wake-ups find nobody asleep (every pipe write wakes the readers' queue and
 * the pollers'); they cost a test. Looking without turning interrupts off is
 * safe: no interrupt handler adds a sleeper, and other CPUs change the queue only
 * under the kernel lock, which this CPU holds.
 */
void wake_up(struct wait_queue *queue)
{
	if (!list_empty(&queue->sleepers))
		wake_all(queue);
}

int sched_wake_interruptible(struct task *task)
{
	uint64_t flags = irq_save();
	int woke = 0;

	if (task->state == TASK_SLEEPING) {
		wake(task);
		woke = 1;
	} else if (several_cpus && task->cpu != this_cpu()->id && on_a_cpu(task)) {
		/* Running on another CPU, maybe in user mode for a long while: the
		 * wake-up interrupt makes it pass by signal delivery now (Linux's
		 * kick_process), not at its next tick. */
		ipi_wake(task->cpu);
	}
	irq_restore(flags);
	return woke;
}
