/*
 * proc/init.c - starting PID 1 and handing the CPU to the scheduler.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "fs/fs.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

void proc_traps_init(void);
void __attribute__((noreturn)) sched_idle_loop(void);

static const char *const init_environment[] = {
	"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL,
};

void proc_start_init(const char *path, const char *const argv[])
{
	sched_init();
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
	init->files = fdtable_create();
	if (!init->files || fdtable_open_console(init->files) < 0)
		panic("init: cannot open /dev/console");
	if (thread_setup_process(init, NULL, false, false))
		panic("init: no memory for its thread group");

	int error = exec_first_program(init, path, argv, init_environment);
	if (error)
		panic("init: cannot run %s: error %d", path, -error);
	printk("calf: starting %s as pid 1\n", path);
	init->kernel_rsp = context_prepare_first_run(init->frame);
	sched_make_runnable(init);
	sched_idle_loop();
}
