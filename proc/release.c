/*
 * proc/release.c - giving back what a thread holds, in one order for everyone.
 *
 * Three paths let go of a thread's resources, and they differ only in what they
 * keep: exit (the thread ends: everything goes), a clone that failed half-way (the
 * child never ran: everything it took goes) and execve past its point of no return
 * (the old program goes, the thread stays: it keeps its descriptor table, cwd and
 * dispositions). The order, and why:
 *
 *   1. futexes: the robust list and clear_child_tid are words in user memory, so
 *      they are settled first, while the address space is still there and active.
 *      Only the running thread can have any (a child that never ran has none).
 *   2. open files: the table is dropped, or execve closes its close-on-exec
 *      descriptors. Closing runs other objects' code (a socket's peer, epoll, the
 *      unix collector), so the thread lets go of its table before anything else
 *      of it is torn down, and none of that code finds the table half-gone.
 *   3. the program (exe): its denial of writes is lifted.
 *   4. the address space: the CPU leaves it (through mm/) if it is the running
 *      one, for the new program's when execve brings one, else for the kernel's
 *      table; then the reference is dropped and the last user frees the memory.
 *   5. vfork: a parent waiting for this child to stop using its memory may go on,
 *      which is true only once step 4 is done.
 *   6. cwd and umask (fs_info) and signal dispositions (sighand), unless execve
 *      keeps them. A group leader keeps its sighand until it is reaped: a signal
 *      sent to the zombie still looks at the dispositions.
 *
 * Steps 2 to 4 do not depend on one another; theirs is the order exit always used.
 *
 * Not here: what ends with the whole process (interval timers, job control, the
 * children going to init: exit.c's end_process), and the struct proc itself with
 * its pid, kernel stack and thread group (proc_free, when it is reaped).
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "proc/futex.h"
#include "fs/fs.h"
#include "mm/mm.h"

static void release_files(struct proc *proc, enum proc_release why)
{
	struct fdtable *files = proc->task.files;

	if (!files)
		return;
	if (why == PROC_RELEASE_EXEC) {
		fdtable_close_on_exec(files);
		return;
	}
	proc->task.files = NULL;	/* no longer this thread's while its files close */
	fdtable_put(files);
}

static void release_exe(struct proc *proc)
{
	if (!proc->exe)
		return;
	file_allow_write(proc->exe);
	file_put(proc->exe);
	proc->exe = NULL;
}

static void release_mm(struct proc *proc, struct mm *next)
{
	struct mm *mm = proc->task.mm;

	proc->task.mm = next;
	if (proc == current_proc()) {
		if (next)
			mm_activate(next);
		else if (mm)
			mm_switch_to_kernel();
	}
	if (mm)
		mm_put(mm);
}

void proc_release_resources(struct proc *proc, enum proc_release why, struct mm *next)
{
	if (proc == current_proc())
		futex_exit(proc);
	release_files(proc, why);
	release_exe(proc);
	release_mm(proc, next);
	vfork_release(proc);
	if (why != PROC_RELEASE_EXEC)
		thread_exit_release(proc);
}
