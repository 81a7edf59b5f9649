/*
 * proc/jobctl.c - job control: stopping and continuing processes, and telling the
 * parent about a child that stopped, continued or exited.
 *
 * A stop signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) whose action is the default
 * stops the process when it next returns to user mode: it leaves the run queue in
 * PROC_STOPPED until SIGCONT or SIGKILL. Sending SIGCONT continues it whatever
 * SIGCONT's disposition or mask, and discards pending stop signals; sending a stop
 * signal discards a pending SIGCONT (POSIX). The parent hears of each change by
 * SIGCHLD (CLD_STOPPED, CLD_CONTINUED; not if it set SA_NOCLDSTOP) and from wait,
 * which reports each stop (WUNTRACED) and each continue (WCONTINUED) once.
 *
 * A process group is orphaned when no member has a parent in another group of the
 * same session: nobody is left to continue it. So SIGTSTP, SIGTTIN and SIGTTOU
 * (but not SIGSTOP) do not stop its members, and a group that an exit orphans while
 * some member is stopped gets SIGHUP and SIGCONT, as in Linux.
 */
#include "proc/internal.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

bool jobctl_is_stop_signal(int sig)
{
	return sig >= 1 && sig <= NSIG && (STOP_SIGNALS & SIGBIT(sig));
}

void jobctl_notify_parent(struct proc *child, int code, int status)
{
	struct proc *parent = child->parent;
	struct ksiginfo info = {
		.signo = SIGCHLD, .code = code, .pid = child->pid, .uid = child->uid,
		.status = status, .utime = child->ticks_user, .stime = child->ticks_system,
	};
	bool stop_or_continue = code == CLD_STOPPED || code == CLD_CONTINUED;

	if (!stop_or_continue || !(parent->actions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		signal_send_info(parent, &info);
	wake_up(&parent->child_event);
}

static void continue_stopped(struct proc *proc)
{
	proc->stop_unreported = false;	/* a stop wait has not seen is old news now */
	proc->continue_unreported = true;
	sched_make_runnable(proc);
	jobctl_notify_parent(proc, CLD_CONTINUED, SIGCONT);
}

void jobctl_signal_sent(struct proc *proc, int sig)
{
	if (jobctl_is_stop_signal(sig)) {
		proc->signal_pending &= ~SIGBIT(SIGCONT);
	} else if (sig == SIGCONT) {
		proc->signal_pending &= ~STOP_SIGNALS;
		if (proc->state == PROC_STOPPED)
			continue_stopped(proc);
	} else if (sig == SIGKILL && proc->state == PROC_STOPPED) {
		sched_make_runnable(proc);	/* to die; no continue to report */
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
		if (proc->pgid != pgid || proc == dying || proc->state == PROC_ZOMBIE)
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
		if (proc->pgid == pgid && proc->state == PROC_STOPPED)
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
		if (child->state != PROC_ZOMBIE && child->pgid != dying->pgid &&
		    child->sid == dying->sid)
			hang_up_if_orphaned(child, dying);
	}
}

void jobctl_stop(int sig)
{
	struct proc *proc = current_proc();

	if (sig != SIGSTOP && pgrp_orphaned(proc->pgid, NULL))
		return;		/* nobody could continue it: the signal is discarded */
	proc->state = PROC_STOPPED;
	proc->stop_signal = sig;
	proc->stop_unreported = true;
	proc->continue_unreported = false;
	jobctl_notify_parent(proc, CLD_STOPPED, sig);
	/* Off the run queue until SIGCONT or SIGKILL makes it runnable. */
	while (proc->state == PROC_STOPPED)
		schedule();
}
