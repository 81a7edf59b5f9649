/*
 * proc/init.c - starting PID 1 and handing the CPU to the scheduler: the idle
 * process, what proc/ does where the scheduler passes by (sched/sched.h), and the
 * upcalls through which the layers below ask about processes: signals
 * (sched/signal.h) and ids, process groups and sessions (fs/jobctl.h).
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/smp.h"
#include "fs/fs.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "lib/format.h"
#include "mm/kmalloc.h"
#include "arch/x86_64/smp.h"
#include "mm/uaccess.h"

void proc_traps_init(void);

/* The boot flow, once the scheduler starts: pid 0, runs when nothing else can. */
static struct proc idle;

static void tick(struct task *running, bool from_user)
{
	itimer_tick(running ? task_proc(running) : NULL, from_user);
}

/* CLONE_CHILD_SETTID writes into the child's memory, so the child does it. */
static void first_run(struct task *task)
{
	struct proc *proc = task_proc(task);

	if (proc->set_child_tid) {
		int tid = proc->pid;
		copy_to_user((void *)proc->set_child_tid, &tid, sizeof(tid));
		proc->set_child_tid = 0;
	}
}

static const struct sched_hooks hooks = {
	.tick = tick,
	.clock_tick = itimer_expire_real,
	.switched = thread_reap_dead,
	.first_run = first_run,
	.return_to_user = signal_deliver_pending,
};

static void start_scheduling(void)
{
	strlcpy(idle.name, "swapper", sizeof(idle.name));
	rlimits_set_defaults(idle.limits);
	task_signal_ops_register(&signal_task_ops);
	fs_jobctl_register(&proc_jobctl_ops);
	sched_init(&idle.task, &hooks);
}

/*
 * Each other CPU's idle task, a process like pid 0 (so whatever asks the running
 * task for its process gets one) but in no table: "swapper/N", as Linux names them.
 */
static void add_other_cpus(void)
{
	for (unsigned id = 1; id < SMP_MAX_CPUS; id++) {
		if (!smp_cpu(id))
			continue;
		struct proc *idle_cpu = kmalloc(sizeof(*idle_cpu));
		if (!idle_cpu) {
			printk("smp: no memory for CPU %u's idle task; it stays parked\n", id);
			continue;
		}
		memset(idle_cpu, 0, sizeof(*idle_cpu));
		snprintf(idle_cpu->name, sizeof(idle_cpu->name), "swapper/%u", id);
		rlimits_set_defaults(idle_cpu->limits);
		sched_add_cpu(id, &idle_cpu->task);
	}
}

static const char *const init_environment[] = {
	"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL,
};

void proc_start_init(const char *path, const char *const argv[])
{
	start_scheduling();
	proc_audit_init();
	syscall_init();
	proc_traps_init();

	struct proc *init = proc_alloc();
	if (!init || init->pid != 1)
		panic("init: cannot create process 1");
	init->parent = init;	/* reparenting and SIGCHLD never need a NULL check */
	/* As in Linux, PID 1 starts in session 0 and process group 0 (the kernel's);
	 * a session of its own comes only from setsid(). */
	init->pgid = init->sid = 0;
	/* Every CPU that came online; its descendants inherit the mask (fork.c). */
	init->task.cpus_allowed = smp_online_mask();
	init->task.files = fdtable_create();
	if (!init->task.files || fdtable_open_console(init->task.files) < 0)
		panic("init: cannot open /dev/console");
	if (thread_setup_process(init, NULL, false, false))
		panic("init: no memory for its thread group");

	int error = exec_first_program(init, path, argv, init_environment);
	if (error)
		panic("init: cannot run %s: error %d", path, -error);
	printk("calf: starting %s as pid 1\n", path);
	init->task.kernel_rsp = context_prepare_first_run(init->frame);
	sched_make_runnable(&init->task);
	add_other_cpus();
	sched_start_other_cpus();
	sched_idle_loop();
}
