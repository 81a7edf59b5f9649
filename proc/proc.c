/*
 * proc/proc.c - the process table: allocating processes and finding them by pid.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PID_MAX 32768		/* Linux's default kernel.pid_max */
#define KSTACK_FRAMES (KSTACK_SIZE / PAGE_SIZE)

struct spinlock proc_table_lock = SPINLOCK_INIT("proc_table");
struct list_node all_procs = LIST_HEAD_INIT(all_procs);
unsigned proc_count;
uint64_t procs_created;		/* since boot: /proc/stat's "processes" */
static int last_pid;

int proc_last_pid(void)
{
	return last_pid;
}

struct proc *proc_find(int pid)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc->pid == pid && proc->task.state != TASK_DEAD)
			return proc;
	}
	return NULL;
}

bool proc_id_in_use(int id)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc->pid == id || proc->pgid == id || proc->sid == id)
			return true;
	}
	return false;
}

bool proc_group_in_session(int pgid, int sid)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc_is_leader(proc) && proc->pgid == pgid && proc->sid == sid)
			return true;
	}
	return false;
}

/* fs/jobctl.h's upcalls: the terminal's job control, F_SETOWN, SCM_CREDENTIALS,
 * the descriptor limit. */
static uint64_t nofile_limit(void)
{
	return rlimit_current(RLIMIT_NOFILE);
}

static struct job_ids current_ids(void)
{
	struct proc *proc = current_proc();

	return (struct job_ids){ proc->pid, proc->pgid, proc->sid };
}

const struct fs_jobctl_ops proc_jobctl_ops = {
	.current_ids = current_ids,
	.id_in_use = proc_id_in_use,
	.group_in_session = proc_group_in_session,
	.nofile_limit = nofile_limit,
};

unsigned proc_table_size(void)
{
	return proc_count;
}

struct proc *proc_init_process(void)
{
	return proc_find(1);
}

/* The next free pid after the last one given, wrapping like Linux (never 0). Free
 * means no process has it as its pid, process group or session: as in Linux,
 * whose struct pid lives on while any of them does, a new process never takes the
 * number of a live group, which kill(-pgid) would then reach too. */
static int allocate_pid(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		last_pid = last_pid >= PID_MAX - 1 ? 1 : last_pid + 1;
		if (!proc_id_in_use(last_pid))
			return last_pid;
	}
	return -EAGAIN;
}

/*
 * The system-wide limit on processes, Linux's max_threads: kernel stacks may take
 * at most an eighth of memory (and never more than PROC_MAX processes), so that a
 * fork bomb meets EAGAIN while there is still memory for everyone else.
 */
unsigned proc_max(void)
{
	uint64_t by_memory = frames_managed() * PAGE_SIZE / (8 * KSTACK_SIZE);

	return by_memory < 20 ? 20 : by_memory > PROC_MAX ? PROC_MAX : by_memory;
}

struct proc *proc_alloc(void)
{
	if (proc_count >= proc_max())
		return NULL;
	struct proc *proc = kzalloc(sizeof(*proc));
	struct page *stack = frame_alloc_run(KSTACK_FRAMES, PAGE_KERNEL, 0);
	uint8_t *fpu = kmalloc(FPU_STATE_SIZE);

	if (!proc || !stack || !fpu) {
		kfree(proc);
		kfree(fpu);
		if (stack)
			frame_free_run(stack, KSTACK_FRAMES);
		return NULL;
	}
	proc->task.kstack = page_address(stack);
	proc->task.fpu_state = fpu;
	fpu_init_state(fpu);
	proc->frame = (struct trap_frame *)((uint8_t *)proc->task.kstack + KSTACK_SIZE) - 1;
	list_init(&proc->all_link);
	list_init(&proc->children);
	list_init(&proc->sibling);
	list_init(&proc->task.run_link);
	list_init(&proc->task.wait_link);
	list_init(&proc->task.timer_link);
	list_init(&proc->thread_link);
	wait_queue_init(&proc->child_event);
	rlimits_set_defaults(proc->limits);
	proc->start_ns = 0;

	spin_lock(&proc_table_lock);
	proc->pid = allocate_pid();
	if (proc->pid < 0) {
		spin_unlock(&proc_table_lock);
		proc_free(proc);
		return NULL;
	}
	list_push_back(&all_procs, &proc->all_link);
	proc_count++;
	procs_created++;
	spin_unlock(&proc_table_lock);
	return proc;
}

void proc_free(struct proc *proc)
{
	if (!list_empty(&proc->all_link)) {
		spin_lock(&proc_table_lock);
		list_remove(&proc->sibling);	/* a reaped zombie leaves its parent */
		list_remove(&proc->all_link);
		proc_count--;
		spin_unlock(&proc_table_lock);
	}
	thread_release_shared(proc);
	thread_group_put(proc);
	frame_free_run(virt_to_page(proc->task.kstack), KSTACK_FRAMES);
	kfree(proc->task.fpu_state);
	kfree(proc);
}
