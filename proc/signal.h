/*
 * proc/signal.h - signals: dispositions, si_codes and the siginfo kept with each
 * pending signal, as in Linux; sending them. The numbers are kernel/signum.h; what
 * the layers below proc/ may do with signals is sched/signal.h.
 */
#ifndef CALF_PROC_SIGNAL_H
#define CALF_PROC_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/signum.h"

/* Dispositions and sigaction flags. */
#define SIG_DFL		0
#define SIG_IGN		1
#define SA_NOCLDSTOP	0x00000001	/* no SIGCHLD for stops and continues */
#define SA_NOCLDWAIT	0x00000002	/* SIGCHLD: children leave no zombies */
#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTORER	0x04000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000

/* si_code values (Linux's asm-generic/siginfo.h). */
#define SI_USER		0	/* kill() */
#define SI_KERNEL	0x80	/* the kernel on its own account */
#define SI_QUEUE	(-1)	/* sigqueue() */
#define SI_TKILL	(-6)	/* tkill(), tgkill() */
#define CLD_EXITED	1	/* SIGCHLD */
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_STOPPED	5
#define CLD_CONTINUED	6
#define SEGV_MAPERR	1	/* SIGSEGV: nothing mapped there */
#define SEGV_ACCERR	2	/* SIGSEGV: mapped, but this access is not allowed */
#define BUS_ADRALN	1	/* SIGBUS: misaligned (alignment check) */
#define BUS_ADRERR	2	/* SIGBUS: no such memory (a file mapping past its end) */
#define ILL_ILLOPN	2	/* SIGILL: invalid opcode */
#define FPE_INTDIV	1	/* SIGFPE: integer divide by zero (or overflow) */
#define FPE_FLTDIV	3
#define FPE_FLTOVF	4
#define FPE_FLTUND	5
#define FPE_FLTRES	6
#define FPE_FLTINV	7
#define TRAP_BRKPT	1	/* SIGTRAP */
#define TRAP_TRACE	2

/*
 * What a handler's siginfo_t will say about a signal: who or what sent it (code),
 * and the fields that kind of signal uses. One is kept per pending signal, the
 * first one's: like Linux, a signal already pending is not queued again.
 */
struct ksiginfo {
	int signo;
	int code;		/* SI_USER, SI_KERNEL, CLD_EXITED, SEGV_MAPERR, ... */
	int pid;		/* the sender, or the child for SIGCHLD */
	unsigned uid;		/* the sender's (or child's) real uid */
	int status;		/* SIGCHLD: exit code, or the signal that killed/stopped */
	union {			/* one or the other, by code (fill_siginfo) */
		uint64_t address;	/* faults: the address that faulted (or instruction) */
		uint64_t value;		/* codes below 0 but SI_TKILL (sigqueue): the sigval */
	};
	uint64_t utime, stime;	/* SIGCHLD: the child's CPU time in clock ticks */
};

struct proc;

/* Mark sig pending for the thread proc (and wake it if it sleeps interruptibly),
 * as sent by the current process (SI_USER), like Linux's send_sig: for SIGPIPE. */
void signal_send(struct proc *proc, int sig);

/* Process-directed: sig (with the siginfo the handler will see) is pending for
 * proc's whole thread group; proc, or else the first thread that does not block
 * it, is woken to take it. */
void signal_send_info(struct proc *proc, const struct ksiginfo *info);

/* Thread-directed (tkill, tgkill): pending for the thread t alone. */
void signal_send_thread_info(struct proc *t, const struct ksiginfo *info);

/* Send sig from the kernel (SI_KERNEL: a terminal's ^C, SIGTTIN, SIGWINCH) to every
 * process in process group pgid; returns how many got it. */
int signal_send_group(int pgid, int sig);

/* Does the current process have an unblocked signal pending? */
bool signal_pending(void);

/* The most stack a signal handler's frame takes: AT_MINSIGSTKSZ. */
uint64_t signal_frame_max_size(void);

#endif
