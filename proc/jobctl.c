/*
 * proc/jobctl.c - job control: stopping and continuing processes, and telling the
 * parent about a child that stopped, continued or exited.
 *
 * A stop signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) whose action is the default
 * stops the process when it next returns to user mode: it leaves the run queue in
 * TASK_STOPPED until SIGCONT or SIGKILL. Sending SIGCONT continues it whatever
 * SIGCONT's disposition or mask, and discards pending stop signals; sending a stop
 * signal discards a pending SIGCONT (POSIX). The parent hears of each change by
 * SIGCHLD (CLD_STOPPED, CLD_CONTINUED; not if it set SA_NOCLDSTOP) and from wait,
 * which reports each stop (WUNTRACED) and each continue (WCONTINUED) once.
 *
 * A process group is orphaned when no member has a parent in another group of the
 * same session: nobody is left to continue it.
 *
 * Stopping is for the whole thread group (group->stopped): the thread that takes
 * the stop signal stops at once, the others as they next head for user mode, and
 * SIGCONT makes every stopped one runnable. The leader holds what wait reports. So SIGTSTP, SIGTTIN and SIGTTOU
 * (but not SIGSTOP) do not stop its members, and a group that an exit orphans while
 * some member is stopped gets SIGHUP and SIGCONT, as in Linux.
 */
#include "proc/internal.h"
#include "proc/thread.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

bool jobctl_is_stop_signal(int sig)
{
	return sig >= 1 && sig <= NSIG && (STOP_SIGNALS & SIGBIT(sig));
}

void jobctl_notify_parent(struct proc *child, int code, int status)
{
	struct proc *parent = child->parent;
	struct ksiginfo info = {
		.signo = SIGCHLD, .code = code, .pid = child->pid, .uid = child->task.cred.uid,
		.status = status, .utime = child->task.ticks_user, .stime = child->task.ticks_system,
	};
	bool stop_or_continue = code == CLD_STOPPED || code == CLD_CONTINUED;

	if (!stop_or_continue || !(parent->sighand->actions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		signal_send_info(parent, &info);
	wake_up(&parent->child_event);
}

static void continue_stopped(struct proc *leader)
{
	struct proc *t;

	leader->group->stopped = false;
	leader->stop_unreported = false;	/* a stop wait has not seen is old news now */
	leader->continue_unreported = true;
	for_each_thread(leader, t)
		if (t->task.state == TASK_STOPPED)
			sched_make_runnable(&t->task);
	jobctl_notify_parent(leader, CLD_CONTINUED, SIGCONT);
}

/* Discard the signals of mask pending anywhere in the group. */
static void discard(struct proc *proc, uint64_t mask)
{
	struct proc *t;

	proc->group->shared_pending &= ~mask;
	for_each_thread(proc, t)
		t->signal_pending &= ~mask;
}

void jobctl_signal_sent(struct proc *leader, int sig)
{
	struct proc *t;

	if (jobctl_is_stop_signal(sig)) {
		discard(leader, SIGBIT(SIGCONT));
	} else if (sig == SIGCONT) {
		discard(leader, STOP_SIGNALS);
		if (leader->group->stopped)
			continue_stopped(leader);
	} else if (sig == SIGKILL) {
		for_each_thread(leader, t)	/* to die; no continue to report */
			if (t->task.state == TASK_STOPPED)
				sched_make_runnable(&t->task);
	}
}

/* Is proc's parent its group's link to the outside: in another group of the same
 * session, and not init (which never continues anyone)? The dying one no longer is. */
static bool links_group_outside(const struct proc *proc, const struct proc *dying)
{
	const struct proc *parent = proc->parent;

	return parent != dying && parent->pid != 1 && parent->pgid != proc->pgid &&
	       parent->sid == proc->sid;
}

/* Orphaned once dying is gone (NULL: now)? Zombies are no longer members. */
static bool pgrp_orphaned(int pgid, const struct proc *dying)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (!proc_is_leader(proc) || proc->pgid != pgid || proc == dying ||
		    !thread_count(proc))
			continue;
		if (links_group_outside(proc, dying))
			return false;
	}
	return true;
}

static bool pgrp_has_stopped(int pgid)
{
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc_is_leader(proc) && proc->pgid == pgid && proc->group->stopped)
			return true;
	}
	return false;
}

/* member was (one of) the links of its group; without dying, is the group orphaned
 * with stopped jobs? Then wake them to a hang-up. */
static void hang_up_if_orphaned(const struct proc *member, const struct proc *dying)
{
	int pgid = member->pgid;

	if (pgrp_orphaned(pgid, dying) && pgrp_has_stopped(pgid)) {
		signal_send_group(pgid, SIGHUP);
		signal_send_group(pgid, SIGCONT);
	}
}

void jobctl_exit(struct proc *dying)
{
	struct list_node *node;

	/* Its own group, if it was a link; then its children's groups, for which it
	 * was the parent outside. */
	if (links_group_outside(dying, NULL))
		hang_up_if_orphaned(dying, dying);
	list_for_each(node, &dying->children) {
		struct proc *child = list_entry(node, struct proc, sibling);
		if (child->task.state != TASK_ZOMBIE && child->pgid != dying->pgid &&
		    child->sid == dying->sid)
			hang_up_if_orphaned(child, dying);
	}
}

/* Off the run queue until SIGCONT or SIGKILL makes it runnable. */
void jobctl_stop_self(void)
{
	struct proc *proc = current_proc();

	proc->task.state = TASK_STOPPED;
	while (proc->task.state == TASK_STOPPED)
		schedule();
}

void jobctl_stop(int sig)
{
	struct proc *leader = proc_leader(current_proc());

	if (sig != SIGSTOP && pgrp_orphaned(leader->pgid, NULL))
		return;		/* nobody could continue it: the signal is discarded */
	leader->group->stopped = true;
	leader->stop_signal = sig;
	leader->stop_unreported = true;
	leader->continue_unreported = false;
	jobctl_notify_parent(leader, CLD_STOPPED, sig);
	jobctl_stop_self();
}
