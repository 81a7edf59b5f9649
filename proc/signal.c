/*
 * proc/signal.c - sending, blocking and delivering signals; the signal system calls.
 *
 * A signal is a pending bit, with the siginfo of whoever sent it, until the target
 * returns to user mode. A thread-directed signal (tkill, tgkill, a fault, SIGPIPE)
 * is pending in its thread; a process-directed one (kill, SIGCHLD, the terminal's,
 * timers) in the thread group, and the first thread not blocking it is woken to
 * take it. On the way to user mode the thread's own pending signals come first,
 * then the group's; the lowest unblocked one is acted on:
 * ignored, its default action taken (terminate, or stop: jobctl.c), or a handler
 * run on a frame built on the user stack exactly as Linux builds it (struct
 * rt_sigframe, siginfo included), so that libc's restorer can call rt_sigreturn.
 */
#include "proc/internal.h"
#include "proc/thread.h"
#include "arch/x86_64/context.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/trap.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1u << 31)	/* Linux's SS_FLAG_BITS */
#define MINSIGSTKSZ	2048
#define SA_EXPOSE_TAGBITS 0x00000800
/* The flags Linux keeps (UAPI_SA_FLAGS on x86): it clears the others, so that a
 * program can tell which ones the kernel knows. */
#define SA_KNOWN	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
			 SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

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
		struct { int32_t pid; uint32_t uid; uint64_t value; } queued;
		struct { uint64_t address; } fault;
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status, pad;
			int64_t utime, stime;	/* clock ticks */
		} child;
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

/* Signals whose default action is to do nothing. */
static bool is_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool is_ignored(const struct proc *proc, int sig)
{
	uint64_t handler = proc->sighand->actions[sig - 1].handler;

	return handler == SIG_IGN || (handler == SIG_DFL && is_default_ignored(sig));
}

/* Mark sig pending with its siginfo; an instance already pending keeps its own. */
static void make_pending(uint64_t *pending, struct ksiginfo *infos, const struct ksiginfo *info)
{
	int sig = info->signo;

	if (!(*pending & SIGBIT(sig)))
		infos[sig - 1] = *info;
	*pending |= SIGBIT(sig);
}

/* Would thread t take sig now? Not once it exited, nor while it blocks sig. */
static bool wants_signal(const struct proc *t, int sig)
{
	if (t->task.state == TASK_ZOMBIE || t->task.state == TASK_DEAD)
		return false;
	return sig == SIGKILL || !(t->signal_blocked & SIGBIT(sig));
}

/* The checks every send makes before the signal is made pending: false when it is
 * dropped (no process left, init's default, or ignored and not blocked by t). */
static bool should_queue(struct proc *t, int sig)
{
	if (sig <= 0 || sig > NSIG || !t->group || t->group->live == 0)
		return false;
	/* Like Linux, init only receives the signals it has handlers for. */
	if (t->tgid == 1 && t->sighand->actions[sig - 1].handler == SIG_DFL)
		return false;
	/* Stopping and continuing happen on sending, whatever the disposition. */
	jobctl_signal_sent(proc_leader(t), sig);
	/* Ignored signals are dropped at once, unless blocked: the disposition may
	 * change before they are unblocked (as in Linux). */
	return sig == SIGKILL || !is_ignored(t, sig) ||
	       ((t->signal_blocked | t->awaited) & SIGBIT(sig));
}

/* Process-directed: pending in the group, and the target thread woken if it would
 * take it, else the first one that would. */
void signal_send_info(struct proc *proc, const struct ksiginfo *info)
{
	int sig = info->signo;
	struct proc *t;

	if (!should_queue(proc, sig))
		return;
	make_pending(&proc->group->shared_pending, proc->group->shared_info, info);
	if (wants_signal(proc, sig)) {
		sched_wake_interruptible(&proc->task);
		return;
	}
	for_each_thread(proc, t) {
		if (wants_signal(t, sig)) {
			sched_wake_interruptible(&t->task);
			return;
		}
	}
}

void signal_send_thread_info(struct proc *t, const struct ksiginfo *info)
{
	int sig = info->signo;

	if (!should_queue(t, sig) || t->task.state == TASK_ZOMBIE || t->task.state == TASK_DEAD)
		return;
	make_pending(&t->signal_pending, t->signal_info, info);
	if (wants_signal(t, sig))
		sched_wake_interruptible(&t->task);
}

/* SIGPIPE, as Linux's send_sig: to the thread, from the current process. */
void signal_send(struct proc *proc, int sig)
{
	struct proc *sender = current_proc();
	struct ksiginfo info = { .signo = sig, .code = SI_USER };

	if (sender) {
		info.pid = sender->tgid;
		info.uid = sender->task.cred.uid;
	}
	signal_send_thread_info(proc, &info);
}

void signal_kill_thread(struct proc *t)
{
	struct ksiginfo info = { .signo = SIGKILL, .code = SI_KERNEL };

	make_pending(&t->signal_pending, t->signal_info, &info);
	if (t->task.state == TASK_STOPPED)
		sched_make_runnable(&t->task);
	sched_wake_interruptible(&t->task);
}

void signal_force_info(struct proc *proc, const struct ksiginfo *info)
{
	int sig = info->signo;
	struct sigaction_k *action = &proc->sighand->actions[sig - 1];

	if (action->handler == SIG_IGN || (proc->signal_blocked & SIGBIT(sig)))
		action->handler = SIG_DFL;
	proc->signal_blocked &= ~SIGBIT(sig);
	make_pending(&proc->signal_pending, proc->signal_info, info);
}

void signal_force(struct proc *proc, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

	signal_force_info(proc, &info);
}

int signal_send_group(int pgid, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };
	struct list_node *node;
	int count = 0;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (proc_is_leader(proc) && proc->pgid == pgid && thread_count(proc)) {
			signal_send_info(proc, &info);
			count++;
		}
	}
	return count;
}

bool signal_pending(void)
{
	struct proc *proc = current_proc();

	return proc && proc->group &&
	       ((proc->signal_pending | proc->group->shared_pending) & ~proc->signal_blocked);
}

/* ------------------------------------------ what the layers below proc/ ask */

static void send_self(int sig)
{
	signal_send(current_proc(), sig);
}

static bool refused(int sig)
{
	struct proc *proc = current_proc();

	return proc->sighand->actions[sig - 1].handler == SIG_IGN ||
	       (proc->signal_blocked & SIGBIT(sig));
}

static uint64_t mask_swap(uint64_t mask)
{
	struct proc *proc = current_proc();
	uint64_t old = proc->signal_blocked;

	proc->signal_blocked = mask & ~UNBLOCKABLE;
	return old;
}

static void mask_restore(uint64_t old, bool after_delivery)
{
	struct proc *proc = current_proc();

	if (after_delivery) {
		proc->saved_blocked = old;
		proc->restore_blocked = true;
	} else {
		proc->signal_blocked = old;
	}
}

const struct task_signal_ops signal_task_ops = {
	.pending = signal_pending,
	.send_self = send_self,
	.send_group = signal_send_group,
	.refused = refused,
	.mask_swap = mask_swap,
	.mask_restore = mask_restore,
};

void signal_reset_for_exec(struct proc *proc)
{
	for (int i = 0; i < NSIG; i++) {
		if (proc->sighand->actions[i].handler != SIG_IGN)
			proc->sighand->actions[i].handler = SIG_DFL;
		proc->sighand->actions[i].flags = 0;
		proc->sighand->actions[i].restorer = 0;
		proc->sighand->actions[i].mask = 0;
	}
	proc->altstack_sp = proc->altstack_size = 0;
	proc->altstack_flags = SS_DISABLE;
}

/* -------------------------------------------------------------- alternate stack */

/* Is sp on the alternate stack? Never with SS_AUTODISARM (Linux's on_sig_stack). */
static bool on_altstack(const struct proc *proc, uint64_t sp)
{
	if (proc->altstack_flags & SS_AUTODISARM)
		return false;
	return sp > proc->altstack_sp && sp - proc->altstack_sp <= proc->altstack_size;
}

/* Linux's sas_ss_flags: SS_DISABLE, SS_ONSTACK (sp is on it), or 0 (usable). */
static int altstack_state(const struct proc *proc, uint64_t sp)
{
	if (!proc->altstack_size)
		return SS_DISABLE;
	return on_altstack(proc, sp) ? SS_ONSTACK : 0;
}

struct stack_user {
	uint64_t sp;
	int32_t flags;
	int32_t pad;
	uint64_t size;
};

/*
 * Linux's do_sigaltstack, with sp the user stack pointer: report the old stack
 * (with SS_AUTODISARM if set), then set the new one unless running on the current
 * one (EPERM); the mode must be 0, SS_ONSTACK (the same) or SS_DISABLE (EINVAL),
 * and a usable stack at least MINSIGSTKSZ bytes (ENOMEM). The flags are kept as
 * given.
 */
static int do_sigaltstack(struct proc *proc, const struct stack_user *ss, struct stack_user *old,
			  uint64_t sp)
{
	if (old) {
		*old = (struct stack_user){ proc->altstack_sp, 0, 0, proc->altstack_size };
		old->flags = altstack_state(proc, sp) | (proc->altstack_flags & SS_AUTODISARM);
	}
	if (!ss)
		return 0;
	if (on_altstack(proc, sp))
		return -EPERM;
	unsigned mode = (unsigned)ss->flags & ~SS_AUTODISARM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	uint64_t stack_sp = ss->sp, size = ss->size;
	if (mode == SS_DISABLE)
		stack_sp = size = 0;
	else if (size < MINSIGSTKSZ)
		return -ENOMEM;
	proc->altstack_sp = stack_sp;
	proc->altstack_size = size;
	proc->altstack_flags = ss->flags;
	return 0;
}

/* -------------------------------------------------------------- delivery */

/*
 * A system call that stopped because a signal arrived: when a handler is about to
 * run, it fails with EINTR unless it returned -ERESTARTSYS and the handler has
 * SA_RESTART; when no handler runs (the signal stopped the process, or was
 * ignored), it is made to start over when the process resumes. -ERESTARTNOHAND is
 * for the calls that exist to wait for a handler (pause, sigsuspend).
 */
static void settle_interrupted_syscall(struct trap_frame *frame, const struct sigaction_k *action)
{
	struct proc *proc = current_proc();
	int64_t result = (int64_t)frame->rax;
	bool restartable = result == -ERESTARTSYS || result == -ERESTARTNOHAND;

	if (frame->vector != SYSCALL_VECTOR || !restartable)
		return;
	if (!action || (result == -ERESTARTSYS && (action->flags & SA_RESTART))) {
		frame->rax = proc->syscall_nr;
		frame->rip -= 2;	/* back onto the syscall instruction */
	} else {
		frame->rax = -EINTR;
	}
	frame->vector = 0;	/* settled once */
}

/* Does info carry a fault's address (not a sigqueue value in the same place)? */
static bool is_fault_report(const struct ksiginfo *info)
{
	return info->code > SI_USER && info->code < SI_KERNEL && info->signo != SIGCHLD;
}

static void fill_sigcontext(struct sigcontext_user *sc, const struct trap_frame *f,
			    uint64_t fpstate, const struct ksiginfo *info)
{
	*sc = (struct sigcontext_user){
		.r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->r11, .r12 = f->r12,
		.r13 = f->r13, .r14 = f->r14, .r15 = f->r15, .rdi = f->rdi, .rsi = f->rsi,
		.rbp = f->rbp, .rbx = f->rbx, .rdx = f->rdx, .rax = f->rax, .rcx = f->rcx,
		.rsp = f->rsp, .rip = f->rip, .eflags = f->rflags, .cs = (uint16_t)f->cs,
		.ss = (uint16_t)f->ss, .err = f->error_code,
		.trapno = f->vector < 32 ? f->vector : 0, .fpstate = fpstate,
		.cr2 = f->vector == VECTOR_PAGE_FAULT && is_fault_report(info) ? info->address : 0,
	};
}

/*
 * siginfo_t as Linux lays it out: which union member is filled depends on who sent
 * the signal. Codes between SI_USER and SI_KERNEL are the kernel's own reports,
 * specific to the signal: a child's for SIGCHLD, a fault's for the others. Codes
 * below 0 but SI_TKILL come from sigqueue and carry a value.
 */
static void fill_siginfo(struct siginfo_user *out, const struct ksiginfo *in)
{
	bool specific = in->code > SI_USER && in->code < SI_KERNEL;

	memset(out, 0, sizeof(*out));
	out->signo = in->signo;
	out->code = in->code;
	if (in->code < 0 && in->code != SI_TKILL) {
		out->queued.pid = in->pid;
		out->queued.uid = in->uid;
		out->queued.value = in->value;
	} else if (specific && in->signo == SIGCHLD) {
		out->child.pid = in->pid;
		out->child.uid = in->uid;
		out->child.status = in->status;
		out->child.utime = in->utime;
		out->child.stime = in->stime;
	} else if (specific) {
		out->fault.address = in->address;
	} else {
		out->kill.pid = in->pid;
		out->kill.uid = in->uid;
	}
}

/* Build the handler's frame on the user (or alternate) stack and point the
 * registers at the handler. Returns false when the stack is unusable. */
static bool setup_frame(struct trap_frame *frame, const struct ksiginfo *info,
			const struct sigaction_k *action)
{
	struct proc *proc = current_proc();
	uint64_t sp = frame->rsp - 128;	/* skip the red zone */

	if ((action->flags & SA_ONSTACK) && altstack_state(proc, sp) == 0)
		sp = proc->altstack_sp + proc->altstack_size;

	/* The FPU state first (64-byte aligned), then the frame below it. */
	uint64_t fpstate = (sp - FPU_STATE_SIZE) & ~63ull;
	uint64_t frame_at = ((fpstate - sizeof(struct rt_sigframe)) & ~15ull) - 8;
	struct rt_sigframe sf;

	memset(&sf, 0, sizeof(sf));
	sf.return_address = action->restorer;
	sf.uc.ss_sp = proc->altstack_sp;
	sf.uc.ss_size = proc->altstack_size;
	sf.uc.ss_flags = proc->altstack_flags;	/* as set, as Linux saves it */
	fill_sigcontext(&sf.uc.mcontext, frame, fpstate, info);
	sf.uc.sigmask = proc->restore_blocked ? proc->saved_blocked : proc->signal_blocked;
	fill_siginfo(&sf.info, info);

	fpu_save(proc->task.fpu_state);
	if (copy_to_user((void *)fpstate, proc->task.fpu_state, FPU_STATE_SIZE) ||
	    copy_to_user((void *)frame_at, &sf, sizeof(sf)))
		return false;

	proc->restore_blocked = false;
	/* SS_AUTODISARM: the handler runs with no alternate stack; rt_sigreturn puts
	 * back the one saved in the frame. */
	if (proc->altstack_flags & SS_AUTODISARM) {
		proc->altstack_sp = proc->altstack_size = 0;
		proc->altstack_flags = SS_DISABLE;
	}
	frame->rsp = frame_at;
	frame->rip = action->handler;
	frame->rdi = info->signo;
	frame->rsi = frame_at + offsetof(struct rt_sigframe, info);
	frame->rdx = frame_at + offsetof(struct rt_sigframe, uc);
	frame->rax = 0;
	frame->cs = SEL_USER_CODE;
	frame->ss = SEL_USER_DATA;
	frame->rflags &= ~(RFLAGS_AC | (1ul << 10) | (1ul << 8));	/* AC, DF, TF */
	/* The handler starts with a clean FPU state, like on Linux. */
	fpu_init_state(proc->task.fpu_state);
	fpu_restore(proc->task.fpu_state);
	return true;
}

/* Take the lowest signal of set pending for the thread, else for its group, with
 * its siginfo (as Linux's dequeue_signal); 0 if none. */
static int take_pending(struct proc *proc, uint64_t set, struct ksiginfo *info)
{
	uint64_t *pending = &proc->signal_pending;
	struct ksiginfo *infos = proc->signal_info;

	if (!(*pending & set)) {
		pending = &proc->group->shared_pending;
		infos = proc->group->shared_info;
	}
	uint64_t ready = *pending & set;
	if (!ready)
		return 0;
	int sig = __builtin_ctzll(ready) + 1;
	*pending &= ~SIGBIT(sig);
	*info = infos[sig - 1];
	return sig;
}

bool signal_work_pending(void)
{
	struct proc *proc = current_proc();
	uint64_t pending = __atomic_load_n(&proc->signal_pending, __ATOMIC_RELAXED) |
			   __atomic_load_n(&proc->group->shared_pending, __ATOMIC_RELAXED);

	return (pending & ~proc->signal_blocked) || proc->restore_blocked ||
	       __atomic_load_n(&proc->group->stopped, __ATOMIC_RELAXED);
}

void signal_deliver_pending(struct trap_frame *frame)
{
	struct proc *proc = current_proc();
	struct ksiginfo info;
	int sig;

	/* A group stopped by another thread: this one stops on its way out too. */
	while (proc->group->stopped && !(proc->signal_pending & SIGBIT(SIGKILL)) &&
	       !proc->group->exiting)
		jobctl_stop_self();
	while ((sig = take_pending(proc, ~proc->signal_blocked, &info)) != 0) {
		struct sigaction_k *action = &proc->sighand->actions[sig - 1];

		if (is_ignored(proc, sig))
			continue;
		if (action->handler == SIG_DFL && jobctl_is_stop_signal(sig)) {
			jobctl_stop(sig);	/* back here once continued (or killed) */
			continue;
		}
		if (action->handler == SIG_DFL) {
			irq_enable();
			proc_exit(wait_status_signaled(sig));
		}
		settle_interrupted_syscall(frame, action);
		uint64_t mask = action->mask | (action->flags & SA_NODEFER ? 0 : SIGBIT(sig));
		if (!setup_frame(frame, &info, action)) {
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
	if (sc->fpstate) {
		/* An FPU state that cannot be read is a bad frame, as on Linux. */
		if (copy_from_user(proc->task.fpu_state, (void *)sc->fpstate, FPU_STATE_SIZE)) {
			signal_force(proc, SIGSEGV);
			return f->rax;
		}
		/* MXCSR reserved bits set would fault in fxrstor: keep the kernel alive. */
		*(uint32_t *)(proc->task.fpu_state + 24) &= 0xffff;
		fpu_restore(proc->task.fpu_state);
	}
	/* The alternate stack saved in the frame comes back (SS_AUTODISARM took it
	 * away for the handler); refusals are ignored, as in Linux. */
	struct stack_user saved = { sf.uc.ss_sp, sf.uc.ss_flags, 0, sf.uc.ss_size };
	do_sigaltstack(proc, &saved, NULL, f->rsp);
	return f->rax;
}

/* A signal now ignored is discarded from the group and from every thread. */
static void discard_everywhere(struct proc *proc, int sig)
{
	struct proc *t;

	proc->group->shared_pending &= ~SIGBIT(sig);
	for_each_thread(proc, t)
		t->signal_pending &= ~SIGBIT(sig);
}

/*
 * Linux's order: the set size, reading the new action (EFAULT), the signal
 * (EINVAL), setting it, then writing the old one: a bad pointer for that fails
 * after the change is made. Unknown flags are cleared.
 */
SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct sigaction_k *, act,
		struct sigaction_k *, old, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	struct sigaction_k new_action, old_action;

	if (sigsetsize != 8)
		return -EINVAL;
	if (act && copy_from_user(&new_action, act, sizeof(new_action)))
		return -EFAULT;
	if (sig < 1 || sig > NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	old_action = proc->sighand->actions[sig - 1];
	if (act) {
		new_action.flags &= SA_KNOWN;
		new_action.mask &= ~UNBLOCKABLE;
		proc->sighand->actions[sig - 1] = new_action;
		/* Setting SIG_IGN discards a pending instance (POSIX). */
		if (new_action.handler == SIG_IGN ||
		    (new_action.handler == SIG_DFL && is_default_ignored(sig)))
			discard_everywhere(proc, sig);
	}
	if (old && copy_to_user(old, &old_action, sizeof(old_action)))
		return -EFAULT;
	return 0;
}

/* The new mask takes effect even when the old one cannot be written (Linux). */
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
	if (old && copy_to_user(old, &previous, sizeof(previous)))
		return -EFAULT;
	return 0;
}

/* Linux accepts any size up to a sigset's and writes that many bytes of it. */
SYSCALL_DEFINE2(rt_sigpending, uint64_t *, set, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	uint64_t pending = (proc->signal_pending | proc->group->shared_pending) &
			   proc->signal_blocked;

	if (sigsetsize > 8)
		return -EINVAL;
	return sigsetsize ? copy_to_user(set, &pending, sigsetsize) : 0;
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
	return -ERESTARTNOHAND;
}

/* Sleep with set unblocked, so that its signals wake us, until a signal comes
 * (-EINTR) or the deadline (UINT64_MAX: none) passes (-EAGAIN). */
static int await_signals(struct proc *proc, uint64_t set, uint64_t deadline)
{
	struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes);
	uint64_t blocked = proc->signal_blocked;
	uint64_t flags;
	int result;

	if (deadline <= clock_monotonic_ns())
		return -EAGAIN;		/* a zero timeout only looks */
	flags = irq_save();
	proc->signal_blocked &= ~set;
	proc->awaited = blocked & set;	/* still blocked as far as ignoring goes */
	if (deadline == UINT64_MAX)
		result = wait_sleep_irqs_off(&nobody_wakes);
	else
		result = wait_sleep_timeout_irqs_off(&nobody_wakes, deadline);
	proc->signal_blocked = blocked;
	proc->awaited = 0;
	irq_restore(flags);
	return result == -ETIMEDOUT ? -EAGAIN : -EINTR;
}

struct timespec_user { int64_t sec, nsec; };

/* The deadline on the monotonic clock for a relative timeout (NULL: UINT64_MAX). */
static int timeout_deadline(const struct timespec_user *timeout, uint64_t *deadline)
{
	struct timespec_user ts;
	const int64_t nsec = 1000000000;

	*deadline = UINT64_MAX;
	if (!timeout)
		return 0;
	if (copy_from_user(&ts, timeout, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= nsec)
		return -EINVAL;
	if (ts.sec < INT64_MAX / nsec - 1)
		*deadline = clock_monotonic_ns() + ts.sec * nsec + ts.nsec;
	return 0;
}

/* sigwaitinfo, sigtimedwait: take a pending signal of the set instead of having it
 * delivered, waiting for one if need be. */
SYSCALL_DEFINE4(rt_sigtimedwait, const uint64_t *, set_user, struct siginfo_user *, info_user,
		const struct timespec_user *, timeout, size_t, sigsetsize)
{
	struct proc *proc = current_proc();
	struct ksiginfo info;
	uint64_t set, deadline;

	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&set, set_user, sizeof(set)))
		return -EFAULT;
	int error = timeout_deadline(timeout, &deadline);
	if (error)
		return error;
	set &= ~UNBLOCKABLE;
	int sig = take_pending(proc, set, &info);
	if (!sig) {
		error = await_signals(proc, set, deadline);
		sig = take_pending(proc, set, &info);
		if (!sig)
			return error;
	}
	if (info_user) {
		struct siginfo_user out;
		fill_siginfo(&out, &info);
		if (copy_to_user(info_user, &out, sizeof(out)))
			return -EFAULT;
	}
	return sig;
}

SYSCALL_DEFINE0(pause)
{
	struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes);

	wait_event_interruptible(&nobody_wakes, false);
	return -ERESTARTNOHAND;
}

/* Linux's order: read the new stack (EFAULT), set it, then write the old one. */
SYSCALL_DEFINE2(sigaltstack, const struct stack_user *, ss, struct stack_user *, old)
{
	struct proc *proc = current_proc();
	struct stack_user new_stack, old_stack;

	if (ss && copy_from_user(&new_stack, ss, sizeof(new_stack)))
		return -EFAULT;
	int error = do_sigaltstack(proc, ss ? &new_stack : NULL, old ? &old_stack : NULL,
				   proc->frame->rsp);
	if (!error && old && copy_to_user(old, &old_stack, sizeof(old_stack)))
		error = -EFAULT;
	return error;
}

/* The most stack a handler's frame takes on an alternate stack (the FPU state and
 * the frame, each with its alignment): what Linux passes as AT_MINSIGSTKSZ, for
 * libc's sysconf(_SC_MINSIGSTKSZ). */
uint64_t signal_frame_max_size(void)
{
	return (FPU_STATE_SIZE + 63 + sizeof(struct rt_sigframe) + 15 + 8 + 15) & ~15ull;
}
