/*
 * syscall/dispatch.c - from the syscall instruction to sys_<name>.
 *
 * The table is generated from syscall/syscalls.def. Every handler is a weak
 * reference, so a call that no file implements is simply NULL here: it returns
 * -ENOSYS and its name is logged the first time a program uses it. So is the
 * mark SYSCALL_WITHOUT_KERNEL_LOCK leaves beside a handler (kernel/syscall.h):
 * where it is, the call runs without the kernel lock.
 */
#include "kernel/kernel_lock.h"
#include "kernel/syscall.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"

#define SYSCALL(number, name) \
	extern long sys_##name(const struct syscall_args *) __attribute__((weak)); \
	extern const char sys_without_kernel_lock_##name __attribute__((weak));
#include "syscall/syscalls.def"
#undef SYSCALL

struct syscall_entry {
	syscall_fn handler;
	const char *name;
	const char *without_kernel_lock;	/* the mark, or NULL */
};

static const struct syscall_entry table[] = {
#define SYSCALL(number, name) [number] = { sys_##name, #name, &sys_without_kernel_lock_##name },
#include "syscall/syscalls.def"
#undef SYSCALL
};

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

static uint64_t logged[(TABLE_SIZE + 63) / 64];

const char *syscall_name(uint64_t number)
{
	return number < TABLE_SIZE && table[number].name ? table[number].name : "?";
}

static bool logged_unknown;

/* -ENOSYS, logged once per call, and once for all numbers past the table: any
 * program may try any number, and must not flood the log with them. */
static long unimplemented(uint64_t number)
{
	if (number >= TABLE_SIZE) {
		if (!logged_unknown)
			printk("syscall: %s (pid %d) called unknown system call %lu (further "
			       "unknown numbers are not logged)\n", current_proc()->name,
			       current_proc()->pid, number);
		logged_unknown = true;
		return -ENOSYS;
	}
	if (!(logged[number / 64] & (1ull << (number % 64)))) {
		logged[number / 64] |= 1ull << (number % 64);
		printk("syscall: %s (%lu) not implemented (first called by %s, pid %d)\n",
		       syscall_name(number), number, current_proc()->name, current_proc()->pid);
	}
	return -ENOSYS;
}


/*
 * A call marked SYSCALL_WITHOUT_KERNEL_LOCK: the handler runs beside the
 * kernel-lock holder, and the way back takes the lock only if it has work. The
 * checks are made with interrupts off: a signal sent from another CPU after
 * them comes with the wake-up IPI (sched_wake_interruptible), which then
 * arrives in user mode and takes the whole way back; one raised on this CPU
 * (an interrupt's) was raised before them. False when the handler needs the
 * kernel lock after all (-EKERNELLOCK): nothing is done yet.
 */
static bool run_without_kernel_lock(syscall_fn handler, const struct syscall_args *args,
				    struct trap_frame *frame)
{
	irq_enable();
	long result = handler(args);
	irq_disable();
	if (result == -EKERNELLOCK)
		return false;
	frame->rax = result;
	if (this_cpu()->need_resched || signal_work_pending()) {
		kernel_lock_enter();
		sched_return_to_user(frame);
		kernel_lock_exit();
	}
	spin_assert_none_held("the return to user mode");
	return true;
}

void syscall_dispatch(struct trap_frame *frame)
{
	uint64_t number = frame->rax;
	struct syscall_args args = {
		{ frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9 },
		frame,
	};

	current_proc()->syscall_nr = number;
	if (number < TABLE_SIZE && table[number].without_kernel_lock &&
	    run_without_kernel_lock(table[number].handler, &args, frame)) {
		if (kernel_lock_active)
			kernel_lock_assert_released("a return to user mode from a system call");
		return;
	}
	kernel_lock_enter();
	irq_enable();
	syscall_fn handler = number < TABLE_SIZE ? table[number].handler : NULL;
	frame->rax = handler ? handler(&args) : unimplemented(number);
	sched_return_to_user(frame);
	kernel_lock_exit();
	if (kernel_lock_active)
		kernel_lock_assert_released("a return to user mode from a system call");
}
