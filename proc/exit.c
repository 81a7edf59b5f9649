/*
 * proc/exit.c - ending processes and waiting for them.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/power.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define WNOHANG		1
#define WUNTRACED	2	/* wait4's name for WSTOPPED */
#define WSTOPPED	2
#define WEXITED		4
#define WCONTINUED	8
#define WNOWAIT		0x01000000
#define WNOTHREAD	0x20000000
#define WALL		0x40000000
#define WCLONE		0x80000000

/* waitid's idtype. */
#define P_ALL		0
#define P_PID		1
#define P_PGID		2

int wait_status_exited(int code)
{
	return (code & 0xff) << 8;
}

int wait_status_signaled(int sig)
{
	return sig & 0x7f;
}

/* Make init the child's parent; init reaps whatever zombies it is given. The
 * caller holds proc_table_lock: the tree changes. */
static void move_to_init(struct proc *child)
{
	struct proc *init = proc_init_process();

	list_remove(&child->sibling);
	child->parent = init;
	list_push_back(&init->children, &child->sibling);
	if (child->task.state == TASK_ZOMBIE)
		wake_up(&init->child_event);
}

static void give_to_init(struct proc *child)
{
	spin_lock(&proc_table_lock);
	move_to_init(child);
	spin_unlock(&proc_table_lock);
}

/* Give the dying process's children to init, which will reap them. With no
 * children the lock is not needed: only a child (by CLONE_PARENT) or a thread of
 * the process (all gone by now) could give it one, so the list stays empty. */
static void reparent_children(struct proc *proc)
{
	struct list_node *node, *next;

	if (list_empty(&proc->children))
		return;
	spin_lock(&proc_table_lock);
	list_for_each_safe(node, next, &proc->children)
		move_to_init(list_entry(node, struct proc, sibling));
	spin_unlock(&proc_table_lock);
}

/* The wait status in waitid's terms: CLD_EXITED and the exit code, or CLD_KILLED
 * (CLD_DUMPED with a core) and the signal. */
static void exit_report(int wait_status, int *code, int *status)
{
	if ((wait_status & 0x7f) == 0) {
		*code = CLD_EXITED;
		*status = (wait_status >> 8) & 0xff;
	} else {
		*code = wait_status & 0x80 ? CLD_DUMPED : CLD_KILLED;
		*status = wait_status & 0x7f;
	}
}

/*
 * The parent hears of the exit by SIGCHLD and from wait. A parent that ignores
 * SIGCHLD or set SA_NOCLDWAIT wants no zombies: like Linux it gets no SIGCHLD for
 * SIG_IGN, and its wait finds no such child; init reaps it instead (the dying
 * process cannot free the stack it runs on).
 */
static void notify_parent_of_exit(struct proc *proc)
{
	struct proc *parent = proc->parent;
	const struct sigaction_k *action = &parent->sighand->actions[SIGCHLD - 1];
	int code, status;

	exit_report(proc->exit_status, &code, &status);
	if (action->handler == SIG_IGN)
		wake_up(&parent->child_event);	/* not even a blocked SIGCHLD */
	else
		jobctl_notify_parent(proc, code, status);
	if (parent->pid != 1 && (action->handler == SIG_IGN || (action->flags & SA_NOCLDWAIT)))
		give_to_init(proc);
}

static void __attribute__((noreturn)) init_died(int status)
{
	if (mm_audit_on_exit) {
		char report[256];
		proc_mm_audit(report, sizeof(report), "at the end");
		printk("calf: mm_audit at the end: %s", report);
	}
	if (status & 0x7f)
		printk("calf: init killed by signal %d; powering off\n", status & 0x7f);
	else
		printk("calf: init exited with status %d; powering off\n", (status >> 8) & 0xff);
	/* QEMU's exit code has room for 0..126 (127 means panic); the log has the rest. */
	int code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
	machine_exit(code < EXIT_STATUS_PANIC ? code : EXIT_STATUS_PANIC - 1);
}

/*
 * The last thread of a group is gone: the process ends. Its leader (maybe the
 * caller, maybe a zombie already) hands its children to init, holds the wait
 * status (a group exit's, else the last thread's: what Linux 6.1 reports) and
 * tells the parent. Interrupts off.
 */
static void end_process(struct thread_group *group, int wait_status)
{
	struct proc *leader = group->leader;

	itimer_exit(leader);
	jobctl_exit(leader);
	reparent_children(leader);
	leader->exit_status = group->exiting ? group->exit_status : wait_status;
	leader->task.state = TASK_ZOMBIE;
	notify_parent_of_exit(leader);
}

void thread_exit(int wait_status)
{
	struct proc *proc = current_proc();
	struct thread_group *group = proc->group;

	if (group->exiting)
		wait_status = group->exit_status;
	if (group->live == 1 && group->tgid == 1)
		init_died(wait_status);
	proc_release_resources(proc, PROC_RELEASE_EXIT, NULL);
	if (mm_audit_on_exit) {
		char report[256];
		proc_mm_audit(report, sizeof(report), "after an exit");
	}

	irq_disable();
	proc->exit_status = wait_status;
	if (--group->live == 0)
		end_process(group, wait_status);
	else if (group->execer && group->live == 1)
		wake_up(&group->threads_gone);
	if (proc == group->leader) {
		proc->task.state = TASK_ZOMBIE;	/* reported once the group is gone */
	} else {
		list_remove(&proc->thread_link);
		thread_queue_dead(proc);
	}
	schedule();
	panic("thread_exit: %d was scheduled after its exit", proc->pid);
}

/* A group exit: the first one sets the status and kills the other threads; during
 * an execve's de_thread the killed threads only end themselves. */
void proc_exit(int wait_status)
{
	struct proc *proc = current_proc();
	struct thread_group *group = proc->group;

	if (!group->exiting && !(group->execer && group->execer != proc)) {
		group->exiting = true;
		group->exit_status = wait_status;
		thread_kill_others(proc);
	}
	thread_exit(wait_status);
}

SYSCALL_DEFINE1(exit, int, code)
{
	thread_exit(wait_status_exited(code));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	proc_exit(wait_status_exited(code));
}

/* Which children a wait is for: all, one pid, or one process group. */
struct wait_target {
	int type;	/* P_ALL, P_PID, P_PGID */
	int id;
};

/* What wait reports about a child, in waitid's terms. */
struct child_report {
	int pid;
	unsigned uid;
	int code;	/* CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED */
	int status;	/* the exit code, or the signal */
};

static bool matches(const struct proc *child, const struct wait_target *target)
{
	switch (target->type) {
	case P_PID:
		return child->pid == target->id;
	case P_PGID:
		return child->pgid == target->id;
	default:
		return true;
	}
}

/*
 * The child's news for a waiter with these options, if any: its exit (the zombie
 * is reaped), a stop or a continue not yet reported. WNOWAIT leaves it all for
 * the next wait.
 */
static bool take_report(struct proc *child, int options, struct child_report *report)
{
	bool keep = options & WNOWAIT;

	report->pid = child->pid;
	report->uid = child->task.cred.uid;
	if (child->task.state == TASK_ZOMBIE) {
		if (!(options & WEXITED) || thread_count(child))
			return false;	/* a leader whose threads live on: not yet */
		exit_report(child->exit_status, &report->code, &report->status);
		if (!keep)
			proc_free(child);	/* out of the tree and the table */
		return true;
	}
	if ((options & WSTOPPED) && child->stop_unreported) {
		report->code = CLD_STOPPED;
		report->status = child->stop_signal;
		child->stop_unreported = keep;
		return true;
	}
	if ((options & WCONTINUED) && child->continue_unreported) {
		report->code = CLD_CONTINUED;
		report->status = SIGCONT;
		child->continue_unreported = keep;
		return true;
	}
	return false;
}

/* One look at the children: a pid with its report, 0 if some match but have no
 * news, -ECHILD if none match. */
static int look_at_children(struct proc *self, const struct wait_target *target, int options,
			    struct child_report *report)
{
	struct list_node *node;
	bool any = false;

	list_for_each(node, &self->children) {
		struct proc *child = list_entry(node, struct proc, sibling);
		if (!matches(child, target))
			continue;
		any = true;
		if (take_report(child, options, report))
			return report->pid;
	}
	return any ? 0 : -ECHILD;
}

/*
 * wait4 and waitid: a pid with its report, 0 (WNOHANG and no news yet), -ECHILD,
 * or -ERESTARTSYS when a signal comes first. The children are looked at again
 * after every wake-up before the signals: the SIGCHLD of a child's exit must not
 * hide the exit itself (as in Linux).
 */
static int wait_for_child(const struct wait_target *target, int options,
			  struct child_report *report)
{
	struct proc *self = proc_leader(current_proc());	/* any thread may wait */
	uint64_t flags = irq_save();
	int result;

	while ((result = look_at_children(self, target, options, report)) == 0 &&
	       !(options & WNOHANG)) {
		if (signal_pending()) {
			result = -ERESTARTSYS;
			break;
		}
		wait_sleep_irqs_off(&self->child_event);
	}
	irq_restore(flags);
	return result;
}

/* The report as a wait4 status word. */
static int wait_status_of(const struct child_report *report)
{
	switch (report->code) {
	case CLD_EXITED:
		return wait_status_exited(report->status);
	case CLD_KILLED:
		return wait_status_signaled(report->status);
	case CLD_DUMPED:
		return wait_status_signaled(report->status) | 0x80;
	case CLD_STOPPED:
		return (report->status & 0xff) << 8 | 0x7f;
	default:
		return 0xffff;	/* CLD_CONTINUED */
	}
}

struct rusage_user {
	int64_t fields[18];	/* two timevals and fourteen longs: 144 bytes */
};

static int clear_rusage(struct rusage_user *usage)
{
	struct rusage_user zero = { { 0 } };

	return usage && copy_to_user(usage, &zero, sizeof(zero)) ? -EFAULT : 0;
}

/* wait4's pid: one child (> 0), any (-1), the caller's group (0), group -pid. */
static struct wait_target wait4_target(int pid)
{
	if (pid > 0)
		return (struct wait_target){ P_PID, pid };
	if (pid == -1)
		return (struct wait_target){ P_ALL, 0 };
	return (struct wait_target){ P_PGID, pid == 0 ? current_proc()->pgid : -pid };
}

SYSCALL_DEFINE4(wait4, int, pid, int *, status_out, int, options, struct rusage_user *, usage)
{
	struct child_report report;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	struct wait_target target = wait4_target(pid);
	int result = wait_for_child(&target, options | WEXITED, &report);
	if (result <= 0)
		return result;
	int status = wait_status_of(&report);
	if (status_out && copy_to_user(status_out, &status, sizeof(status)))
		return -EFAULT;
	return clear_rusage(usage) ? -EFAULT : result;
}

/* The fields of siginfo_t waitid fills in (it leaves the others alone). */
struct waitid_info_user {
	int32_t signo, errno_value, code;
	int32_t pad;		/* not written */
	int32_t pid;
	uint32_t uid;
	int32_t status;
};

/* Linux checks that the whole siginfo_t (128 bytes) lies in user space, then
 * writes its fields one by one. */
static int put_waitid_info(struct waitid_info_user *out, int result,
			   const struct child_report *report)
{
	struct waitid_info_user info = { 0 };
	size_t head = offsetof(struct waitid_info_user, pad);
	size_t tail = sizeof(info) - offsetof(struct waitid_info_user, pid);

	if (!user_range_ok((uint64_t)out, 128))
		return -EFAULT;
	if (result > 0) {
		info = (struct waitid_info_user){ SIGCHLD, 0, report->code, 0, report->pid,
						  report->uid, report->status };
	}
	if (copy_to_user(out, &info, head) || copy_to_user(&out->pid, &info.pid, tail))
		return -EFAULT;
	return 0;
}

#define P_PIDFD 3

/* waitid's checks and wait: a pid with its report, 0 (WNOHANG, no news), -errno. */
static int do_waitid(int type, int id, int options, struct child_report *report)
{
	struct wait_target target = { type, id };

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD |
			WALL | WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (type) {
	case P_ALL:
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		if (id == 0)
			target.id = current_proc()->pgid;
		break;
	case P_PIDFD:
		return id < 0 ? -EINVAL : -EBADF;	/* calf has no pidfds */
	default:
		return -EINVAL;
	}
	return wait_for_child(&target, options, report);
}

/*
 * As in Linux, the siginfo is written whatever happened (zeroes when there is no
 * child to report, even on an error), so a bad pointer for it turns any result
 * into EFAULT.
 */
SYSCALL_DEFINE5(waitid, int, type, int, id, struct waitid_info_user *, info, int, options,
		struct rusage_user *, usage)
{
	struct child_report report;
	int result = do_waitid(type, id, options, &report);

	if (result > 0 && clear_rusage(usage))
		return -EFAULT;
	if (info && put_waitid_info(info, result, &report))
		return -EFAULT;
	return result > 0 ? 0 : result;
}
