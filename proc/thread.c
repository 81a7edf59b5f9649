/*
 * proc/thread.c - thread groups, and the state threads share by reference count
 * (signal dispositions, cwd and umask). Interface and contracts in proc/thread.h;
 * which struct owns what in proc/proc.h.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "fs/fs.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "kernel/panic.h"
#include "lib/string.h"

static struct list_node dead_threads = LIST_HEAD_INIT(dead_threads);

/* ---------------------------------------------------------------- shared state */

#define ACTIONS_SIZE (NSIG * sizeof(struct sigaction_k))

static void group_unref(struct thread_group *group)
{
	if (--group->refs == 0)
		kfree(group);
}

/* Empty dispositions: in home's room if free (pinning home), else the heap. */
static struct sighand *sighand_alloc(struct thread_group *home)
{
	if (home && !home->own_sighand.refs) {
		home->refs++;
		home->own_sighand = (struct sighand){ 1, home->own_actions, home };
		memset(home->own_actions, 0, ACTIONS_SIZE);
		return &home->own_sighand;
	}
	struct sighand *hand = kzalloc(sizeof(*hand));
	struct sigaction_k *actions = kzalloc(ACTIONS_SIZE);
	if (!hand || !actions) {
		kfree(hand);
		kfree(actions);
		return NULL;
	}
	*hand = (struct sighand){ 1, actions, NULL };
	return hand;
}

static struct sighand *sighand_copy(const struct sighand *from, struct thread_group *home)
{
	struct sighand *hand = sighand_alloc(home);

	if (hand && from)
		memcpy(hand->actions, from->actions, ACTIONS_SIZE);
	return hand;
}

static void sighand_put(struct sighand *hand)
{
	if (!hand || --hand->refs)
		return;
	if (hand->home) {
		group_unref(hand->home);
	} else {
		kfree(hand->actions);
		kfree(hand);
	}
}

/* A copy of from (NULL: the root directory, umask 022), in home's room if free. */
static struct fs_info *fs_copy(const struct fs_info *from, struct thread_group *home)
{
	struct fs_info *fs;

	if (home && !home->own_fs.refs) {
		home->refs++;
		fs = &home->own_fs;
		fs->home = home;
	} else if ((fs = kzalloc(sizeof(*fs)))) {
		fs->home = NULL;
	} else {
		return NULL;
	}
	fs->refs = 1;
	fs->cwd = from ? from->cwd : fs_root();
	fs->umask = from ? from->umask : 022;
	inode_get(fs->cwd);
	return fs;
}

static void fs_put(struct fs_info *fs)
{
	if (!fs || --fs->refs)
		return;
	if (fs->cwd)
		inode_put(fs->cwd);
	fs->cwd = NULL;
	if (fs->home)
		group_unref(fs->home);
	else
		kfree(fs);
}

/* sighand and fs_info for child: parent's shared, or copies. 0 or -ENOMEM. */
static int share_or_copy(struct proc *child, struct proc *parent, bool share_sighand,
			 bool share_fs)
{
	struct thread_group *home = child->group;

	if (share_sighand) {
		child->sighand = parent->sighand;
		child->sighand->refs++;
	} else {
		child->sighand = sighand_copy(parent ? parent->sighand : NULL, home);
	}
	if (share_fs) {
		child->task.fs = parent->task.fs;
		child->task.fs->refs++;
	} else {
		child->task.fs = fs_copy(parent ? parent->task.fs : NULL, home);
	}
	return child->sighand && child->task.fs ? 0 : -ENOMEM;
}

/* ---------------------------------------------------------------- groups */

int thread_setup_process(struct proc *child, struct proc *parent, bool share_sighand,
			 bool share_fs)
{
	struct thread_group *group = kzalloc(sizeof(*group));

	if (!group)
		return -ENOMEM;
	group->refs = 1;
	group->tgid = child->pid;
	group->leader = child;
	group->live = 1;
	list_init(&group->threads);
	wait_queue_init(&group->threads_gone);
	list_push_back(&group->threads, &child->thread_link);
	child->group = group;
	child->tgid = child->pid;
	return share_or_copy(child, parent, share_sighand, share_fs);
}

int thread_join_group(struct proc *child, struct proc *parent, bool share_fs)
{
	struct thread_group *group = parent->group;

	group->refs++;
	group->live++;
	list_push_back(&group->threads, &child->thread_link);
	child->group = group;
	child->tgid = group->tgid;
	return share_or_copy(child, parent, true, share_fs);
}

void thread_release_shared(struct proc *proc)
{
	sighand_put(proc->sighand);
	proc->sighand = NULL;
	fs_put(proc->task.fs);
	proc->task.fs = NULL;
}

void thread_exit_release(struct proc *proc)
{
	fs_put(proc->task.fs);
	proc->task.fs = NULL;
	if (!proc_is_leader(proc)) {
		sighand_put(proc->sighand);
		proc->sighand = NULL;
	}
}

void thread_group_put(struct proc *proc)
{
	struct thread_group *group = proc->group;

	if (!group)
		return;
	list_remove(&proc->thread_link);
	proc->group = NULL;
	group_unref(group);
}

int thread_count(const struct proc *proc)
{
	return proc->group ? proc->group->live : 0;
}

void thread_kill_others(struct proc *self)
{
	struct proc *t;

	for_each_thread(self, t) {
		if (t != self && t->task.state != TASK_ZOMBIE && t->task.state != TASK_DEAD)
			signal_kill_thread(t);
	}
}

/* ---------------------------------------------------------------- dead threads */

void thread_queue_dead(struct proc *proc)
{
	proc->task.state = TASK_DEAD;
	list_push_back(&dead_threads, &proc->task.run_link);
}

/*
 * Called on the stack of whichever thread runs after a switch: the dead ones are
 * off the CPU for good by then. Interrupts are off (the switch path).
 */
void thread_reap_dead(void)
{
	struct list_node *node;

	while ((node = list_pop_front(&dead_threads))) {
		struct proc *proc = list_entry(node, struct proc, task.run_link);
		if (proc == current_proc()) {	/* still on its stack: next time */
			list_push_back(&dead_threads, node);
			return;
		}
		proc_free(proc);
	}
}

/* ---------------------------------------------------------------- execve */

/* Move old's place in the process tree (parent, siblings, children) to self. */
static void take_tree_place(struct proc *self, struct proc *old)
{
	struct list_node *node, *next;

	self->parent = old->parent == old ? self : old->parent;
	list_push_back(&old->sibling, &self->sibling);	/* just before old */
	list_remove(&old->sibling);
	list_for_each_safe(node, next, &old->children) {
		struct proc *child = list_entry(node, struct proc, sibling);
		list_remove(&child->sibling);
		child->parent = self;
		list_push_back(&self->children, &child->sibling);
	}
}

void thread_take_leadership(struct proc *self)
{
	struct thread_group *group = self->group;
	struct proc *old = group->leader;

	if (old == self)
		return;
	if (old->task.state != TASK_ZOMBIE)
		panic("de_thread: leader %d has not exited", old->pid);
	uint64_t flags = irq_save();
	spin_lock(&proc_table_lock);	/* pids and the tree change */
	int tid = self->pid;
	self->pid = old->pid;
	old->pid = tid;
	take_tree_place(self, old);
	spin_unlock(&proc_table_lock);
	self->start_ns = old->start_ns;
	self->pgid = old->pgid;
	self->sid = old->sid;
	itimer_transfer(self, old);
	group->leader = self;
	proc_free(old);
	irq_restore(flags);
}

int thread_unshare_sighand(struct proc *self)
{
	if (self->sighand->refs == 1)
		return 0;
	struct sighand *own = sighand_copy(self->sighand, self->group);
	if (!own)
		return -ENOMEM;
	sighand_put(self->sighand);
	self->sighand = own;
	return 0;
}

void thread_group_set_ids(struct proc *proc, int pgid, int sid)
{
	struct proc *t;

	for_each_thread(proc, t) {
		t->pgid = pgid;
		t->sid = sid;
	}
}
