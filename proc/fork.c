/*
 * proc/fork.c - creating processes: fork, vfork and clone.
 *
 * The child is a copy of the parent at the system call: the same user registers
 * (but rax = 0), a copy of the address space (mm_fork; shared with CLONE_VM), the
 * same open files (fdtable_clone), cwd, signal dispositions and mask, identity.
 * Threads (CLONE_THREAD) are not supported yet.
 */
#include "proc/internal.h"
#include "arch/x86_64/context.h"
#include "fs/fs.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
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

#define SUPPORTED (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | \
		   CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED)

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
	child->uid = parent->uid;
	child->gid = parent->gid;
	child->euid = parent->euid;
	child->egid = parent->egid;
	child->suid = parent->suid;
	child->sgid = parent->sgid;
	child->umask = parent->umask;
	memcpy(child->limits, parent->limits, sizeof(child->limits));
	child->fs_base = parent->fs_base;
	memcpy(child->actions, parent->actions, sizeof(child->actions));
	child->signal_blocked = parent->signal_blocked;
	child->altstack_sp = parent->altstack_sp;
	child->altstack_size = parent->altstack_size;
	child->altstack_flags = parent->altstack_flags;
}

/* Address space and files for the child; 0 or -ENOMEM. */
static int copy_resources(struct proc *child, struct proc *parent, uint64_t flags)
{
	if (flags & CLONE_VM) {
		mm_get(parent->mm);
		child->mm = parent->mm;
	} else {
		child->mm = mm_fork(parent->mm);
		if (!child->mm)
			return -ENOMEM;
	}
	child->files = fdtable_clone(parent->files);
	if (!child->files)
		return -ENOMEM;
	child->cwd = parent->cwd;
	inode_get(child->cwd);
	if (parent->exe) {
		/* Cannot fail: the parent's own denial keeps writers out. */
		file_deny_write(parent->exe);
		file_get(parent->exe);
		child->exe = parent->exe;
	}
	return 0;
}

static void undo_resources(struct proc *child)
{
	if (child->files)
		fdtable_put(child->files);
	if (child->cwd)
		inode_put(child->cwd);
	if (child->exe) {
		file_allow_write(child->exe);
		file_put(child->exe);
	}
	if (child->mm)
		mm_put(child->mm);
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
		child->fs_base = request->tls;
	child->kernel_rsp = context_prepare_first_run(child->frame);
	memcpy(child->fpu_state, parent->fpu_state, FPU_STATE_SIZE);
	fpu_save(child->fpu_state);	/* the parent's live registers, not a stale copy */
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

	if (parent->uid == 0 || parent->euid == 0)
		return false;
	list_for_each(node, &all_procs)
		count += list_entry(node, struct proc, all_link)->uid == parent->uid;
	return count >= parent->limits[RLIMIT_NPROC].current;
}

static long do_clone(const struct clone_request *request)
{
	struct proc *parent = current_proc();
	uint64_t flags = request->flags;

	/* Like Linux, any exit signal is taken (one it does not know is not sent). */
	if (flags & ~SUPPORTED)
		return -EINVAL;
	if (over_process_limit(parent))
		return -EAGAIN;
	/* No room in the process table (PROC_MAX) or for a kernel stack: EAGAIN. */
	struct proc *child = proc_alloc();
	if (!child)
		return -EAGAIN;
	copy_identity(child, parent);
	if (copy_resources(child, parent, flags)) {
		undo_resources(child);
		return -ENOMEM;
	}
	set_registers(child, parent, request);
	if (flags & CLONE_CHILD_SETTID)
		child->set_child_tid = (uint64_t)request->child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (uint64_t)request->child_tid;
	int pid = child->pid;
	child->parent = parent;
	list_push_back(&parent->children, &child->sibling);
	if (flags & CLONE_VFORK) {
		child->vfork_parent = parent;
		parent->vfork_released = false;
	}
	/* Linux ignores a bad pointer here: the child exists all the same. */
	if (flags & CLONE_PARENT_SETTID)
		put_user(pid, request->parent_tid);
	sched_make_runnable(child);

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

/* The legacy clone reads only the low 32 bits of its flags (Linux's lower_32_bits). */
SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, stack, int *, parent_tid,
		int *, child_tid, uint64_t, tls)
{
	struct clone_request request = { (uint32_t)flags, stack, parent_tid, child_tid, tls };

	return do_clone(&request);
}
