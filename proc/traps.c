/*
 * proc/traps.c - what faults and exceptions mean for processes.
 *
 * A page fault from user mode is resolved by the address space or becomes SIGSEGV
 * (SIGKILL when memory is exhausted: the process dies, the kernel goes on). A page
 * fault in the kernel is legitimate only inside the user-access routines; then it is
 * resolved the same way or the routine's fixup makes the copy return -EFAULT.
 * Other exceptions from user mode become their Linux signals, with Linux's si_code
 * and si_addr.
 */
#include "kernel/kernel_lock.h"
#include "proc/internal.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

static enum fault_access access_of(uint64_t error_code)
{
	if (error_code & PF_FETCH)
		return FAULT_EXEC;
	return error_code & PF_WRITE ? FAULT_WRITE : FAULT_READ;
}

void proc_out_of_memory(void)
{
	struct proc *proc = current_proc();

	printk("calf: out of memory: killing %s (pid %d)\n", proc->name, proc->pid);
	vm_stats.oom_kill++;
	signal_force(proc, SIGKILL);
}

static bool page_fault(struct trap_frame *frame, uint64_t address)
{
	struct proc *proc = current_proc();
	bool user_mode = frame->cs & 3;
	uint64_t fixup = user_mode ? 0 : extable_fixup(frame->rip);

	if (!user_mode && !fixup)
		return false;	/* a kernel bug: let trap.c panic */
	int result = -EFAULT;
	if (proc && proc->task.mm && address < USER_TOP && !(frame->error_code & PF_RESERVED))
		result = mm_fault(proc->task.mm, address, access_of(frame->error_code));
	if (result == 0)
		return true;
	/* No frame for the page: the process that needed it dies, even when the
	 * kernel was writing for it (the system call then fails with EFAULT and the
	 * process never returns to user mode). */
	if (result == -ENOMEM)
		proc_out_of_memory();
	if (!user_mode) {
		frame->rip = fixup;
		return true;
	}
	if (result == -ENOMEM)
		return true;
	if (result == -EIO) {	/* a file mapping past the end of its file */
		struct ksiginfo bus = { .signo = SIGBUS, .code = BUS_ADRERR, .address = address };
		signal_force_info(proc, &bus);
		return true;
	}
	/* A region there means the access was the problem, not the address. */
	bool mapped = proc && proc->task.mm && address < USER_TOP && mm_find_vma(proc->task.mm, address);
	struct ksiginfo info = { .signo = SIGSEGV, .code = mapped ? SEGV_ACCERR : SEGV_MAPERR,
				 .address = address };
	signal_force_info(proc, &info);
	return true;
}

/* The program's own fault, when its address space can resolve it without the
 * kernel lock (mm_fault_fast); anything else takes the way above. */
static bool page_fault_fast(struct trap_frame *frame, uint64_t address)
{
	struct proc *proc = current_proc();

	return proc && proc->task.mm && address < USER_TOP &&
	       !(frame->error_code & PF_RESERVED) &&
	       mm_fault_fast(proc->task.mm, address, access_of(frame->error_code)) == 0;
}

/*
 * Which x87 or SSE exception a floating-point trap reports, from the unmasked
 * exception flags of the state the program was running with (Linux's
 * fpu__exception_code); 0 when none is set.
 */
static int fpu_exception_code(struct trap_frame *frame)
{
	struct proc *proc = current_proc();
	uint16_t x87_control, x87_status;
	uint32_t mxcsr, flags;

	fpu_save(proc->task.fpu_state);	/* FXSAVE: FCW at 0, FSW at 2, MXCSR at 24 */
	memcpy(&x87_control, proc->task.fpu_state, 2);
	memcpy(&x87_status, proc->task.fpu_state + 2, 2);
	memcpy(&mxcsr, proc->task.fpu_state + 24, 4);
	if (frame->vector == 16)
		flags = x87_status & ~x87_control;
	else
		flags = ~(mxcsr >> 7) & mxcsr;	/* the masks sit 7 bits above the flags */
	if (flags & 0x01)
		return FPE_FLTINV;
	if (flags & 0x04)
		return FPE_FLTDIV;
	if (flags & 0x08)
		return FPE_FLTOVF;
	if (flags & 0x12)
		return FPE_FLTUND;	/* denormal or underflow */
	if (flags & 0x20)
		return FPE_FLTRES;
	return 0;
}

/* The signal, si_code and si_addr Linux gives each exception raised in user mode:
 * most report the instruction, some only that the kernel sent them (SI_KERNEL). */
static struct ksiginfo exception_info(struct trap_frame *frame)
{
	struct ksiginfo info = { .signo = SIGSEGV, .code = SI_KERNEL };
	uint64_t rip = frame->rip;

	switch (frame->vector) {
	case 0:			/* divide error */
		return (struct ksiginfo){ .signo = SIGFPE, .code = FPE_INTDIV, .address = rip };
	case 16: case 19:	/* x87, SIMD floating point */
		return (struct ksiginfo){ .signo = SIGFPE, .address = rip,
					  .code = fpu_exception_code(frame) };
	case 1:			/* debug: a single step (TF), or icebp */
		info.code = frame->rflags & RFLAGS_TF ? TRAP_TRACE : TRAP_BRKPT;
		info.address = rip;
		/* fall through */
	case 3:			/* int3 */
		info.signo = SIGTRAP;
		return info;
	case 6:			/* invalid opcode */
		return (struct ksiginfo){ .signo = SIGILL, .code = ILL_ILLOPN, .address = rip };
	case 11: case 12:	/* segment not present, stack segment */
		info.signo = SIGBUS;
		return info;
	case 17:		/* alignment check */
		return (struct ksiginfo){ .signo = SIGBUS, .code = BUS_ADRALN };
	default:		/* #GP, bound, overflow... */
		return info;
	}
}

static void user_exception(struct trap_frame *frame)
{
	struct ksiginfo info = exception_info(frame);

	/* Like Linux, a floating-point trap with no exception flag set is spurious:
	 * the instruction simply runs again. */
	if (info.signo == SIGFPE && info.code == 0)
		return;
	signal_force_info(current_proc(), &info);
}

void proc_traps_init(void)
{
	trap_set_page_fault_handler(page_fault);
	trap_set_user_fault_fast_path(page_fault_fast);
	trap_set_user_exception_handler(user_exception);
	trap_set_return_to_user_hook(sched_return_to_user);
	trap_set_kernel_entry_hooks(kernel_lock_enter_hook, kernel_lock_exit_hook);
}
