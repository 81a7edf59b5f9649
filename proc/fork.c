/*
 * proc/fork.c - creating processes: fork, vfork and clone.
 *
 * The child is a copy of the parent at the system call: the same user registers
 * (but rax = 0), a copy of the address space (mm_fork; shared with CLONE_VM), the
 * same open files (a copy of the table, or the table itself with CLONE_FILES),
 * cwd and umask (shared with CLONE_FS), signal dispositions (shared with
 * CLONE_SIGHAND) and mask, identity. CLONE_THREAD makes a thread of the caller's
 * process (proc/thread.c); otherwise the child is a new process whose parent is
 * the caller's process (its leader), or the caller's parent with CLONE_PARENT.
 * Only the calling thread is copied: a fork from a thread has one thread.
 *
 * clone3 takes the same request from a struct clone_args.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "fs/fs.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"
#include "lib/string.h"

#define CSIGNAL			0x000000ff
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000

#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_CLEAR_SIGHAND	0x100000000ull
#define CLONE_INTO_CGROUP	0x200000000ull

#define SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | \
		   CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
		   CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | \
		   CLONE_DETACHED | CLONE_UNTRACED | CLONE_CLEAR_SIGHAND)

struct clone_request {
	uint64_t flags;
	uint64_t stack;
	int *parent_tid;
	int *child_tid;
	uint64_t tls;
};

static void copy_identity(struct proc *child, const struct proc *parent)
{
	memcpy(child->name, parent->name, sizeof(child->name));
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->task.cred = parent->task.cred;
	memcpy(child->limits, parent->limits, sizeof(child->limits));
	child->task.fs_base = parent->task.fs_base;
	child->task.cpus_allowed = parent->task.cpus_allowed;	/* Linux's rule, threads too */
	child->signal_blocked = parent->signal_blocked;
	child->altstack_sp = parent->altstack_sp;
	child->altstack_size = parent->altstack_size;
	child->altstack_flags = parent->altstack_flags;
}

/* CLONE_CLEAR_SIGHAND (clone3): handlers go back to SIG_DFL, SIG_IGN stays. */
static void clear_handlers(struct proc *child)
{
	for (int i = 0; i < NSIG; i++) {
		struct sigaction_k *action = &child->sighand->actions[i];
		if (action->handler != SIG_IGN)
			*action = (struct sigaction_k){ 0 };
	}
}

/* The child's thread group, dispositions, cwd and umask. 0 or -ENOMEM. */
static int set_up_sharing(struct proc *child, struct proc *parent, uint64_t flags)
{
	int error;

	if (flags & CLONE_THREAD)
		error = thread_join_group(child, parent, flags & CLONE_FS);
	else
		error = thread_setup_process(child, parent, flags & CLONE_SIGHAND, flags & CLONE_FS);
	if (!error && (flags & CLONE_CLEAR_SIGHAND))
		clear_handlers(child);
	/* A thread with its own stack must not inherit the alternate stack it would
	 * share (Linux's rule: CLONE_VM without CLONE_VFORK). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
		child->altstack_sp = child->altstack_size = 0;
		child->altstack_flags = 2;	/* SS_DISABLE */
	}
	return error;
}

/* Address space and files for the child; 0 or -ENOMEM. */
static int copy_resources(struct proc *child, struct proc *parent, uint64_t flags)
{
	if (flags & CLONE_VM) {
		mm_get(parent->task.mm);
		child->task.mm = parent->task.mm;
	} else {
		child->task.mm = mm_fork(parent->task.mm);
		if (!child->task.mm)
			return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		fdtable_get(parent->task.files);
		child->task.files = parent->task.files;
	} else {
		child->task.files = fdtable_clone(parent->task.files);
		if (!child->task.files)
			return -ENOMEM;
	}
	if (parent->exe) {
		/* Cannot fail: the parent's own denial keeps writers out. */
		file_deny_write(parent->exe);
		file_get(parent->exe);
		child->exe = parent->exe;
	}
	return 0;
}

/* A clone that failed half-way gives back what the child took, as an exit would,
 * and the child goes without ever having run. */
static void undo_clone(struct proc *child)
{
	if (child->group && child->group->leader != child)
		child->group->live--;	/* a thread that never ran */
	proc_release_resources(child, PROC_RELEASE_UNDO, NULL);
	proc_free(child);
}

static void set_registers(struct proc *child, const struct proc *parent,
			  const struct clone_request *request)
{
	*child->frame = *parent->frame;
	child->frame->rax = 0;
	if (request->stack)
		child->frame->rsp = request->stack;
	if (request->flags & CLONE_SETTLS)
		child->task.fs_base = request->tls;
	child->task.kernel_rsp = context_prepare_first_run(child->frame);
	memcpy(child->task.fpu_state, parent->task.fpu_state, FPU_STATE_SIZE);
	fpu_save(child->task.fpu_state);	/* the parent's live registers, not a stale copy */
}

/*
 * RLIMIT_NPROC, as Linux applies it: the processes of the caller's real user,
 * zombies included, may not reach the limit. Root is exempt (Linux exempts
 * CAP_SYS_RESOURCE and CAP_SYS_ADMIN, which only root has here).
 */
static bool over_process_limit(const struct proc *parent)
{
	struct list_node *node;
	uint64_t count = 0;

	if (parent->task.cred.uid == 0 || parent->task.cred.euid == 0)
		return false;
	list_for_each(node, &all_procs)
		count += list_entry(node, struct proc, all_link)->task.cred.uid ==
			 parent->task.cred.uid;
	return count >= parent->limits[RLIMIT_NPROC].current;
}

/*
 * Linux's checks of a flag set, in its order: a thread needs shared dispositions,
 * shared dispositions need a shared address space, and init may not make
 * siblings of itself (CLONE_PARENT). Unknown flags (namespaces...) are refused.
 */
static int check_flags(const struct proc *parent, uint64_t flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && parent->tgid == 1)
		return -EINVAL;
	if (flags & ~SUPPORTED)
		return -EINVAL;
	return 0;
}

/* A new process joins the tree under the caller's process, or its parent. */
static void link_into_tree(struct proc *child, struct proc *caller, uint64_t flags)
{
	spin_lock(&proc_table_lock);
	struct proc *parent = proc_leader(caller);
	if (flags & CLONE_PARENT)
		parent = parent->parent;
	child->parent = parent;
	list_push_back(&parent->children, &child->sibling);
	spin_unlock(&proc_table_lock);
}

static long do_clone(const struct clone_request *request)
{
	struct proc *parent = current_proc();
	uint64_t flags = request->flags;

	/* Like Linux, any exit signal is taken (one it does not know is not sent). */
	int error = check_flags(parent, flags);
	if (error)
		return error;
	if (over_process_limit(parent))
		return -EAGAIN;
	/* No room in the process table (PROC_MAX) or for a kernel stack: EAGAIN. */
	struct proc *child = proc_alloc();
	if (!child)
		return -EAGAIN;
	copy_identity(child, parent);
	if (set_up_sharing(child, parent, flags) || copy_resources(child, parent, flags)) {
		undo_clone(child);
		return -ENOMEM;
	}
	set_registers(child, parent, request);
	if (flags & CLONE_CHILD_SETTID)
		child->set_child_tid = (uint64_t)request->child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (uint64_t)request->child_tid;
	int pid = child->pid;
	if (!(flags & CLONE_THREAD))
		link_into_tree(child, parent, flags);
	if (flags & CLONE_VFORK) {
		child->vfork_parent = parent;
		parent->vfork_released = false;
	}
	/* Linux ignores a bad pointer here: the child exists all the same. */
	if (flags & CLONE_PARENT_SETTID)
		put_user(pid, request->parent_tid);
	sched_make_runnable(&child->task);
	sched_restart_slice();

	/* vfork: the parent may not touch the shared memory until the child lets go.
	 * It waits on a flag of its own: child may be gone by the time it looks. */
	if (flags & CLONE_VFORK)
		wait_event(&parent->child_event, parent->vfork_released);
	return pid;
}

void vfork_release(struct proc *child)
{
	struct proc *parent = child->vfork_parent;

	if (!parent)
		return;
	child->vfork_parent = NULL;
	parent->vfork_released = true;
	wake_up(&parent->child_event);
}

SYSCALL_DEFINE0(fork)
{
	struct clone_request request = { .flags = SIGCHLD };

	return do_clone(&request);
}

SYSCALL_DEFINE0(vfork)
{
	struct clone_request request = { .flags = CLONE_VM | CLONE_VFORK | SIGCHLD };

	return do_clone(&request);
}

/* The legacy clone reads only the low 32 bits of its flags (Linux's lower_32_bits),
 * and ignores CLONE_DETACHED (clone3 refuses it). */
SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, stack, int *, parent_tid,
		int *, child_tid, uint64_t, tls)
{
	struct clone_request request = { (uint32_t)flags, stack, parent_tid, child_tid, tls };

	if ((flags & CLONE_PIDFD) && (flags & CLONE_DETACHED))
		return -EINVAL;
	return do_clone(&request);
}

/* struct clone_args, as Linux 6.1 knows it (CLONE_ARGS_SIZE_VER2). */
struct clone_args_user {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0	64
#define PAGE_BYTES		4096

/*
 * Linux's copy_struct_from_user: a smaller struct (but at least the first
 * version's) is zero-extended; a bigger one (up to a page) is taken if the bytes
 * calf does not know are zero (E2BIG otherwise).
 */
static int read_clone_args(const uint8_t *user, size_t size, struct clone_args_user *args)
{
	size_t known = sizeof(*args);

	if (size > PAGE_BYTES)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(args, 0, known);
	for (size_t at = known; at < size; at++) {
		uint8_t byte;
		if (copy_from_user(&byte, user + at, 1))
			return -EFAULT;
		if (byte)
			return -E2BIG;
	}
	return copy_from_user(args, user, size < known ? size : known) ? -EFAULT : 0;
}

#define CLONE_NEWTIME 0x80

/*
 * Linux's checks of clone3's arguments, in its order: set_tid and exit_signal as
 * read, then the flags (the legacy ones, CLONE_CLEAR_SIGHAND and
 * CLONE_INTO_CGROUP; never CLONE_DETACHED or an exit signal in them; not both
 * CLONE_SIGHAND and CLONE_CLEAR_SIGHAND; no exit signal for a thread or a
 * CLONE_PARENT child), and a stack with its size or neither. calf has no pid
 * namespaces to choose pids in (set_tid), no pidfds and no cgroups: EINVAL.
 */
static int check_clone_args(const struct clone_args_user *args)
{
	uint64_t flags = args->flags;

	if (args->set_tid_size > 32 || (!args->set_tid && args->set_tid_size) ||
	    (args->set_tid && !args->set_tid_size))
		return -EINVAL;
	if ((args->exit_signal & ~(uint64_t)CSIGNAL) || args->exit_signal > 64)
		return -EINVAL;
	if (flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return -EINVAL;
	if (flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) ==
	    (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((flags & (CLONE_THREAD | CLONE_PARENT)) && args->exit_signal)
		return -EINVAL;
	if (!args->stack != !args->stack_size)
		return -EINVAL;
	if (args->stack && !user_range_ok(args->stack, args->stack_size))
		return -EINVAL;
	if (args->set_tid_size || (flags & (CLONE_INTO_CGROUP | CLONE_PIDFD)))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE2(clone3, const uint8_t *, user_args, size_t, size)
{
	struct clone_args_user args;
	int error = read_clone_args(user_args, size, &args);

	if (!error)
		error = check_clone_args(&args);
	if (error)
		return error;
	struct clone_request request = {
		.flags = args.flags | args.exit_signal,
		.stack = args.stack ? args.stack + args.stack_size : 0,
		.parent_tid = (int *)args.parent_tid,
		.child_tid = (int *)args.child_tid,
		.tls = args.tls,
	};
	return do_clone(&request);
}
