/*
 * proc/traps.c - what faults and exceptions mean for processes.
 *
 * A page fault from user mode is resolved by the address space or becomes SIGSEGV
 * (SIGKILL when memory is exhausted: the process dies, the kernel goes on). A page
 * fault in the kernel is legitimate only inside the user-access routines; then it is
 * resolved the same way or the routine's fixup makes the copy return -EFAULT.
 * Other exceptions from user mode become their Linux signals.
 */
#include "proc/internal.h"
#include "arch/x86_64/trap.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "lib/printk.h"
#include "lib/errno.h"

static enum fault_access access_of(uint64_t error_code)
{
	if (error_code & PF_FETCH)
		return FAULT_EXEC;
	return error_code & PF_WRITE ? FAULT_WRITE : FAULT_READ;
}

static bool page_fault(struct trap_frame *frame, uint64_t address)
{
	struct proc *proc = current_proc();
	bool user_mode = frame->cs & 3;
	uint64_t fixup = user_mode ? 0 : extable_fixup(frame->rip);

	if (!user_mode && !fixup)
		return false;	/* a kernel bug: let trap.c panic */
	int result = -EFAULT;
	if (proc && proc->mm && address < USER_TOP && !(frame->error_code & PF_RESERVED))
		result = mm_fault(proc->mm, address, access_of(frame->error_code));
	if (result == 0)
		return true;
	if (!user_mode) {
		frame->rip = fixup;
		return true;
	}
	if (result == -ENOMEM) {
		printk("calf: out of memory: killing %s (pid %d)\n", proc->name, proc->pid);
		signal_force(proc, SIGKILL);
	} else {
		signal_force(proc, SIGSEGV);
	}
	return true;
}

static int signal_for_vector(uint64_t vector)
{
	switch (vector) {
	case 0: case 16: case 19: return SIGFPE;	/* divide, x87, SIMD */
	case 1: case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 17: return SIGBUS;				/* alignment check */
	default: return SIGSEGV;			/* #GP, #SS, #NP, bound... */
	}
}

static void user_exception(struct trap_frame *frame)
{
	signal_force(current_proc(), signal_for_vector(frame->vector));
}

void proc_traps_init(void)
{
	trap_set_page_fault_handler(page_fault);
	trap_set_user_exception_handler(user_exception);
	trap_set_return_to_user_hook(sched_return_to_user);
}
