/*
 * proc/exit.c - ending processes and waiting for them.
 */
#include "proc/internal.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/power.h"
#include "fs/fs.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "lib/printk.h"
#include "lib/panic.h"
#include "lib/string.h"

#define WNOHANG		1
#define WUNTRACED	2
#define WCONTINUED	8
#define WNOTHREAD	0x20000000
#define WALL		0x40000000
#define WCLONE		0x80000000

int wait_status_exited(int code)
{
	return (code & 0xff) << 8;
}

int wait_status_signaled(int sig)
{
	return sig & 0x7f;
}

/* Give the dying process's children to init, which will reap them. */
static void reparent_children(struct proc *proc)
{
	struct proc *init = proc_init_process();
	struct list_node *node, *next;
	bool zombies = false;

	list_for_each_safe(node, next, &proc->children) {
		struct proc *child = list_entry(node, struct proc, sibling);
		list_remove(&child->sibling);
		child->parent = init;
		list_push_back(&init->children, &child->sibling);
		zombies |= child->state == PROC_ZOMBIE;
	}
	if (zombies)
		wake_up(&init->child_event);
}

static void release_resources(struct proc *proc)
{
	if (proc->clear_child_tid) {
		uint32_t zero = 0;
		copy_to_user((void *)proc->clear_child_tid, &zero, sizeof(zero));
	}
	if (proc->files) {
		fdtable_put(proc->files);
		proc->files = NULL;
	}
	if (proc->cwd) {
		inode_put(proc->cwd);
		proc->cwd = NULL;
	}
	if (proc->mm) {
		struct mm *mm = proc->mm;
		write_cr3(paging_kernel_root());
		proc->mm = NULL;
		mm_put(mm);
	}
}

static void __attribute__((noreturn)) init_died(int status)
{
	if (status & 0x7f)
		printk("calf: init killed by signal %d; powering off\n", status & 0x7f);
	else
		printk("calf: init exited with status %d; powering off\n", (status >> 8) & 0xff);
	/* QEMU's exit code has room for 0..126 (127 means panic); the log has the rest. */
	int code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
	machine_exit(code < EXIT_STATUS_PANIC ? code : EXIT_STATUS_PANIC - 1);
}

void proc_exit(int wait_status)
{
	struct proc *proc = current_proc();

	if (proc->pid == 1)
		init_died(wait_status);
	release_resources(proc);
	if (proc->vfork_parent) {
		proc->vfork_done = true;
		wake_up(&proc->vfork_parent->child_event);
		proc->vfork_parent = NULL;
	}

	irq_disable();
	reparent_children(proc);
	proc->exit_status = wait_status;
	proc->state = PROC_ZOMBIE;
	struct proc *parent = proc->parent;
	signal_send(parent, SIGCHLD);
	wake_up(&parent->child_event);
	schedule();
	panic("proc_exit: zombie %d was scheduled", proc->pid);
}

SYSCALL_DEFINE1(exit, int, code)
{
	proc_exit(wait_status_exited(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	proc_exit(wait_status_exited(code));
}

static bool matches(const struct proc *child, int pid, const struct proc *self)
{
	if (pid > 0)
		return child->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return child->pgid == self->pgid;
	return child->pgid == -pid;
}

/*
 * One look at the children: a reaped pid, 0 if some match but none has exited,
 * -ECHILD if none match. *status gets the zombie's wait status.
 */
static int reap_one(struct proc *self, int pid, int *status)
{
	struct list_node *node;
	bool any = false;

	list_for_each(node, &self->children) {
		struct proc *child = list_entry(node, struct proc, sibling);
		if (!matches(child, pid, self))
			continue;
		any = true;
		if (child->state != PROC_ZOMBIE)
			continue;
		int reaped = child->pid;
		*status = child->exit_status;
		list_remove(&child->sibling);
		proc_free(child);
		return reaped;
	}
	return any ? 0 : -ECHILD;
}

struct rusage_user {
	int64_t fields[18];	/* two timevals and fourteen longs: 144 bytes */
};

SYSCALL_DEFINE4(wait4, int, pid, int *, status_out, int, options, struct rusage_user *, usage)
{
	struct proc *self = current_proc();
	int status = 0, result;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	for (;;) {
		uint64_t flags = irq_save();
		result = reap_one(self, pid, &status);
		if (result == 0 && !(options & WNOHANG)) {
			int slept = wait_sleep_irqs_off(&self->child_event);
			irq_restore(flags);
			if (slept)
				return -ERESTARTSYS;
			continue;
		}
		irq_restore(flags);
		break;
	}
	if (result > 0 && status_out && copy_to_user(status_out, &status, sizeof(status)))
		return -EFAULT;
	if (result > 0 && usage) {
		struct rusage_user zero = { { 0 } };
		if (copy_to_user(usage, &zero, sizeof(zero)))
			return -EFAULT;
	}
	return result;
}
