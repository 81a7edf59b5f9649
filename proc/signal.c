/*
 * proc/signal.c - sending, blocking and delivering signals; the signal system calls.
 *
 * A signal is a pending bit until the target returns to user mode; there, the lowest
 * pending unblocked signal is acted on: ignored, its default action taken
 * (terminate, or ignore; stopping is not implemented yet and is treated as ignore),
 * or a handler run on a frame built on the user stack exactly as Linux builds it
 * (struct rt_sigframe), so that libc's restorer can call rt_sigreturn.
 */
#include "proc/internal.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"
#include "lib/printk.h"
#include "lib/string.h"

#define SIG_DFL 0
#define SIG_IGN 1
#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTORER	0x04000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define MINSIGSTKSZ	2048

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

/* Linux's user-visible structures (arch/x86/include/uapi/asm/sigcontext.h etc.). */
struct sigcontext_user {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved[8];
};

struct ucontext_user {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
	struct sigcontext_user mcontext;
	uint64_t sigmask;
};

struct siginfo_user {
	int32_t signo, errno_value, code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { uint64_t address; } fault;
		struct { int32_t pid; uint32_t uid; int32_t status; } child;
		uint8_t bytes[112];
	};
};

struct rt_sigframe {
	uint64_t return_address;	/* the restorer */
	struct ucontext_user uc;
	struct siginfo_user info;
};

_Static_assert(sizeof(struct siginfo_user) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(struct sigcontext_user) == 256, "sigcontext is 256 bytes");

static bool is_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

void signal_send(struct proc *proc, int sig)
{
	if (sig <= 0 || sig > NSIG || proc->state == PROC_ZOMBIE)
		return;
	uint64_t handler = proc->actions[sig - 1].handler;
	/* Like Linux, init only receives the signals it has handlers for. */
	if (proc->pid == 1 && handler == SIG_DFL)
		return;
	/* Ignored signals are dropped at once (SIGCHLD's default is to ignore). */
	if (sig != SIGKILL && (handler == SIG_IGN ||
			       (handler == SIG_DFL && is_default_ignored(sig))))
		return;
	proc->signal_pending |= BIT(sig);
	if (sig == SIGKILL || !(proc->signal_blocked & BIT(sig)))
		signal_sleep_wakeable(proc);
}

void signal_force(struct proc *proc, int sig)
{
	struct sigaction_k *action = &proc->actions[sig - 1];

	if (action->handler == SIG_IGN || (proc->signal_blocked & BIT(sig)))
		action->handler = SIG_DFL;
	proc->signal_blocked &= ~BIT(sig);
	proc->signal_pending |= BIT(sig);
}

int signal_send_group(int pgid, int sig)
{
	struct list_node *node;
	int count = 0;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc->pgid == pgid && proc->state != PROC_ZOMBIE) {
			signal_send(proc, sig);
			count++;
		}
	}
	return count;
}

bool signal_pending(void)
{
	struct proc *proc = current_proc();

	return proc && (proc->signal_pending & ~proc->signal_blocked);
}

void signal_reset_for_exec(struct proc *proc)
{
	for (int i = 0; i < NSIG; i++) {
		if (proc->actions[i].handler != SIG_IGN)
			proc->actions[i].handler = SIG_DFL;
		proc->actions[i].flags = 0;
		proc->actions[i].restorer = 0;
		proc->actions[i].mask = 0;
	}
	proc->altstack_sp = proc->altstack_size = 0;
	proc->altstack_flags = SS_DISABLE;
}

/* -------------------------------------------------------------- delivery */

/*
 * A system call that stopped because a signal arrived (-ERESTARTSYS): when a handler
 * without SA_RESTART is about to run, it fails with EINTR; otherwise (SA_RESTART, or
 * no handler ran) it is made to start over when the process resumes.
 */
static void settle_interrupted_syscall(struct trap_frame *frame, const struct sigaction_k *action)
{
	struct proc *proc = current_proc();

	if (frame->vector != SYSCALL_VECTOR || (int64_t)frame->rax != -ERESTARTSYS)
		return;
	if (!action || (action->flags & SA_RESTART)) {
		frame->rax = proc->syscall_nr;
		frame->rip -= 2;	/* back onto the syscall instruction */
	} else {
		frame->rax = -EINTR;
	}
	frame->vector = 0;	/* settled once */
}

static void fill_sigcontext(struct sigcontext_user *sc, const struct trap_frame *f,
			    uint64_t fpstate)
{
	*sc = (struct sigcontext_user){
		.r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->r11, .r12 = f->r12,
		.r13 = f->r13, .r14 = f->r14, .r15 = f->r15, .rdi = f->rdi, .rsi = f->rsi,
		.rbp = f->rbp, .rbx = f->rbx, .rdx = f->rdx, .rax = f->rax, .rcx = f->rcx,
		.rsp = f->rsp, .rip = f->rip, .eflags = f->rflags, .cs = (uint16_t)f->cs,
		.ss = (uint16_t)f->ss, .err = f->error_code,
		.trapno = f->vector < 32 ? f->vector : 0, .fpstate = fpstate,
	};
}

/* Build the handler's frame on the user (or alternate) stack and point the
 * registers at the handler. Returns false when the stack is unusable. */
static bool setup_frame(struct trap_frame *frame, int sig, const struct sigaction_k *action)
{
	struct proc *proc = current_proc();
	uint64_t sp = frame->rsp - 128;	/* skip the red zone */
	bool on_altstack = proc->altstack_size && frame->rsp - proc->altstack_sp <= proc->altstack_size;

	if ((action->flags & SA_ONSTACK) && !(proc->altstack_flags & SS_DISABLE) && !on_altstack)
		sp = proc->altstack_sp + proc->altstack_size;

	/* The FPU state first (64-byte aligned), then the frame below it. */
	uint64_t fpstate = (sp - FPU_STATE_SIZE) & ~63ull;
	uint64_t frame_at = ((fpstate - sizeof(struct rt_sigframe)) & ~15ull) - 8;
	struct rt_sigframe sf;

	memset(&sf, 0, sizeof(sf));
	sf.return_address = action->restorer;
	sf.uc.ss_sp = proc->altstack_sp;
	sf.uc.ss_size = proc->altstack_size;
	sf.uc.ss_flags = proc->altstack_flags | (on_altstack ? SS_ONSTACK : 0);
	fill_sigcontext(&sf.uc.mcontext, frame, fpstate);
	sf.uc.sigmask = proc->restore_blocked ? proc->saved_blocked : proc->signal_blocked;
	sf.info.signo = sig;
	if (sig == SIGSEGV || sig == SIGBUS)
		sf.info.fault.address = frame->vector == VECTOR_PAGE_FAULT ? read_cr2() : 0;

	fpu_save(proc->fpu_state);
	if (copy_to_user((void *)fpstate, proc->fpu_state, FPU_STATE_SIZE) ||
	    copy_to_user((void *)frame_at, &sf, sizeof(sf)))
		return false;

	proc->restore_blocked = false;
	frame->rsp = frame_at;
	frame->rip = action->handler;
	frame->rdi = sig;
	frame->rsi = frame_at + offsetof(struct rt_sigframe, info);
	frame->rdx = frame_at + offsetof(struct rt_sigframe, uc);
	frame->rax = 0;
	frame->cs = SEL_USER_CODE;
	frame->ss = SEL_USER_DATA;
	frame->rflags &= ~(RFLAGS_AC | (1ul << 10) | (1ul << 8));	/* AC, DF, TF */
	/* The handler starts with a clean FPU state, like on Linux. */
	fpu_init_state(proc->fpu_state);
	fpu_restore(proc->fpu_state);
	return true;
}

static int lowest_deliverable(struct proc *proc)
{
	uint64_t ready = proc->signal_pending & ~proc->signal_blocked;

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

void signal_deliver_pending(struct trap_frame *frame)
{
	struct proc *proc = current_proc();
	int sig;

	while ((sig = lowest_deliverable(proc)) != 0) {
		struct sigaction_k *action = &proc->actions[sig - 1];
		proc->signal_pending &= ~BIT(sig);

		if (action->handler == SIG_IGN ||
		    (action->handler == SIG_DFL && is_default_ignored(sig)))
			continue;
		if (action->handler == SIG_DFL) {
			irq_enable();
			proc_exit(wait_status_signaled(sig));
		}
		settle_interrupted_syscall(frame, action);
		uint64_t mask = action->mask | (action->flags & SA_NODEFER ? 0 : BIT(sig));
		if (!setup_frame(frame, sig, action)) {
			irq_enable();
			proc_exit(wait_status_signaled(SIGSEGV));
		}
		proc->signal_blocked |= mask & ~UNBLOCKABLE;
		if (action->flags & SA_RESETHAND)
			action->handler = SIG_DFL;
		return;	/* one handler frame at a time, as Linux does */
	}
	settle_interrupted_syscall(frame, NULL);
	if (proc->restore_blocked) {
		proc->signal_blocked = proc->saved_blocked;
		proc->restore_blocked = false;
	}
}

/* -------------------------------------------------------------- system calls */

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct proc *proc = current_proc();
	struct trap_frame *f = args->frame;
	struct rt_sigframe sf;

	/* The handler's `ret` popped return_address: the frame starts 8 bytes below. */
	if (copy_from_user(&sf, (void *)(f->rsp - 8), sizeof(sf))) {
		signal_force(proc, SIGSEGV);
		return f->rax;
	}
	const struct sigcontext_user *sc = &sf.uc.mcontext;
	f->r8 = sc->r8; f->r9 = sc->r9; f->r10 = sc->r10; f->r11 = sc->r11;
	f->r12 = sc->r12; f->r13 = sc->r13; f->r14 = sc->r14; f->r15 = sc->r15;
	f->rdi = sc->rdi; f->rsi = sc->rsi; f->rbp = sc->rbp; f->rbx = sc->rbx;
	f->rdx = sc->rdx; f->rax = sc->rax; f->rcx = sc->rcx; f->rsp = sc->rsp;
	f->rip = sc->rip;
	/* Only the flags a program may change; never IOPL or interrupts off. */
	f->rflags = (sc->eflags & 0x40dd5ul) | RFLAGS_IF | 2;
	f->cs = SEL_USER_CODE;
	f->ss = SEL_USER_DATA;
	f->vector = 0;
	proc->signal_blocked = sf.uc.sigmask & ~UNBLOCKABLE;
	if (sc->fpstate && copy_from_user(proc->fpu_state, (void *)sc->fpstate, FPU_STATE_SIZE) == 0) {
		/* MXCSR reserved bits set would fault in fxrstor: keep the kernel alive. */
		*(uint32_t *)(proc->fpu_state + 24) &= 0xffff;
		fpu_restore(proc->fpu_state);
	}
	return f->rax;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct sigaction_k *, act,
		struct sigaction_k *, old, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	struct sigaction_k new_action;

	if (sigsetsize != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (act && copy_from_user(&new_action, act, sizeof(new_action)))
		return -EFAULT;
	if (old && copy_to_user(old, &proc->actions[sig - 1], sizeof(*old)))
		return -EFAULT;
	if (act) {
		new_action.mask &= ~UNBLOCKABLE;
		proc->actions[sig - 1] = new_action;
		/* Setting SIG_IGN discards a pending instance (POSIX). */
		if (new_action.handler == SIG_IGN ||
		    (new_action.handler == SIG_DFL && is_default_ignored(sig)))
			proc->signal_pending &= ~BIT(sig);
	}
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const uint64_t *, set, uint64_t *, old,
		size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	uint64_t new_set, previous = proc->signal_blocked;

	if (sigsetsize != 8)
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new_set, set, sizeof(new_set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: proc->signal_blocked |= new_set; break;
		case SIG_UNBLOCK: proc->signal_blocked &= ~new_set; break;
		case SIG_SETMASK: proc->signal_blocked = new_set; break;
		default: return -EINVAL;
		}
		proc->signal_blocked &= ~UNBLOCKABLE;
	}
	if (old && copy_to_user(old, &previous, sizeof(previous))) {
		proc->signal_blocked = previous;
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uint64_t *, set, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	uint64_t pending = proc->signal_pending & proc->signal_blocked;

	if (sigsetsize != 8)
		return -EINVAL;
	return copy_to_user(set, &pending, sizeof(pending));
}

SYSCALL_DEFINE2(rt_sigsuspend, const uint64_t *, set, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes);
	uint64_t mask;

	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&mask, set, sizeof(mask)))
		return -EFAULT;
	proc->saved_blocked = proc->signal_blocked;
	proc->restore_blocked = true;
	proc->signal_blocked = mask & ~UNBLOCKABLE;
	wait_event_interruptible(&nobody_wakes, false);
	return -EINTR;
}

SYSCALL_DEFINE0(pause)
{
	struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes);

	wait_event_interruptible(&nobody_wakes, false);
	return -EINTR;
}

struct stack_user {
	uint64_t sp;
	int32_t flags;
	int32_t pad;
	uint64_t size;
};

SYSCALL_DEFINE2(sigaltstack, const struct stack_user *, ss, struct stack_user *, old)
{
	struct proc *proc = current_proc();
	struct stack_user current_stack = {
		proc->altstack_sp, proc->altstack_flags, 0, proc->altstack_size };
	struct stack_user new_stack;
	uint64_t rsp = proc->frame->rsp;

	if (proc->altstack_size && rsp - proc->altstack_sp <= proc->altstack_size)
		current_stack.flags |= SS_ONSTACK;
	if (!proc->altstack_size)
		current_stack.flags = SS_DISABLE;
	if (ss) {
		if (copy_from_user(&new_stack, ss, sizeof(new_stack)))
			return -EFAULT;
		if (current_stack.flags & SS_ONSTACK)
			return -EPERM;
		if (new_stack.flags & ~(SS_DISABLE | (1 << 31)))
			return -EINVAL;
		if (new_stack.flags & SS_DISABLE) {
			new_stack.sp = new_stack.size = 0;
		} else if (new_stack.size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
	}
	if (old && copy_to_user(old, &current_stack, sizeof(current_stack)))
		return -EFAULT;
	if (ss) {
		proc->altstack_sp = new_stack.sp;
		proc->altstack_size = new_stack.size;
		proc->altstack_flags = new_stack.flags & SS_DISABLE;
	}
	return 0;
}

/* May the current process signal proc? Root may signal anyone; calf runs as root. */
static int send_checked(struct proc *proc, int sig)
{
	if (sig)
		signal_send(proc, sig);
	return 0;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct proc *self = current_proc();
	struct list_node *node;
	int found = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *proc = proc_find(pid);
		return proc ? send_checked(proc, sig) : -ESRCH;
	}
	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		bool chosen = pid == 0 ? proc->pgid == self->pgid :
			      pid == -1 ? proc->pid > 1 && proc != self :
			      proc->pgid == -pid;
		if (chosen && proc->state != PROC_ZOMBIE) {
			send_checked(proc, sig);
			found++;
		}
	}
	return found ? 0 : -ESRCH;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	if (tid <= 0)
		return -EINVAL;
	return sys_kill(&(struct syscall_args){ { (uint64_t)tid, (uint64_t)sig }, NULL });
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH;
	return sys_kill(&(struct syscall_args){ { (uint64_t)tid, (uint64_t)sig }, NULL });
}
