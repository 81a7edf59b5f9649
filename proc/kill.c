/*
 * proc/kill.c - the system calls that send signals (kill, tkill, tgkill, sigqueue),
 * and who may send them to whom.
 *
 * Each sends with the siginfo Linux gives it: SI_USER for kill, SI_TKILL for tkill
 * and tgkill, the caller's own for sigqueue; with the sender's pid and real uid.
 */
#include "proc/internal.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"

/* The start of siginfo_t as sigqueue fills it: the rest is not read. */
struct queued_siginfo_user {
	int32_t signo, errno_value, code, pad;
	int32_t pid;
	uint32_t uid;
	uint64_t value;		/* union sigval */
};

/* The siginfo of a signal the current process sends: by kill (SI_USER) or by
 * tkill and tgkill (SI_TKILL). */
static struct ksiginfo info_from_self(int sig, int code)
{
	struct proc *self = current_proc();

	return (struct ksiginfo){ .signo = sig, .code = code, .pid = self->tgid,
				  .uid = self->task.cred.uid };
}

/*
 * May the current process signal proc? Linux's rule: root may signal anyone; others
 * a process whose real or saved uid is their real or effective uid (calf's saved uid
 * is the effective one); SIGCONT may go anywhere in the caller's session.
 */
static bool may_signal(const struct proc *self, const struct proc *proc, int sig)
{
	const struct cred *me = &self->task.cred, *them = &proc->task.cred;

	if (me->euid == 0 || (sig == SIGCONT && self->sid == proc->sid))
		return true;
	return me->euid == them->uid || me->euid == them->euid ||
	       me->uid == them->uid || me->uid == them->euid;
}

/* Linux's valid_signal: 0 (only checks) up to NSIG. */
static bool valid_signal(int sig)
{
	return sig >= 0 && sig <= NSIG;
}

/* 0 (sent, or only checked for signal 0), -EINVAL (no such signal: Linux finds that
 * out only once it has a target) or -EPERM. To proc's process, or (thread) to the
 * thread proc alone. */
static int send_to(struct proc *proc, const struct ksiginfo *info, bool thread)
{
	if (!valid_signal(info->signo))
		return -EINVAL;
	if (!may_signal(current_proc(), proc, info->signo))
		return -EPERM;
	if (info->signo && thread)
		signal_send_thread_info(proc, info);
	else if (info->signo)
		signal_send_info(proc, info);
	return 0;
}

static int send_checked(struct proc *proc, const struct ksiginfo *info)
{
	return send_to(proc, info, false);
}

/*
 * kill(0) and kill(-pgid): every process of a group, successful if one send was,
 * else the last error; kill(-1): every process but init and the caller, the last
 * error other than EPERM (Linux does not count refusals there).
 */
static int send_to_many(int pid, const struct ksiginfo *info)
{
	struct proc *self = current_proc();
	int pgid = pid == 0 ? self->pgid : -pid;
	int found = 0, sent = 0, error = -ESRCH, all_error = 0;
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		if (!proc_is_leader(proc))
			continue;	/* one send per process */
		bool chosen = pid == -1 ? proc->pid > 1 && proc->group != self->group
					: proc->pgid == pgid;
		if (!chosen)
			continue;
		found++;
		error = send_checked(proc, info);
		sent += error == 0;
		if (error != -EPERM)
			all_error = error;
	}
	if (pid == -1)
		return found ? all_error : -ESRCH;
	return sent ? 0 : error;
}

/* Linux's order: the target first (ESRCH), then the signal (EINVAL), then the
 * permission (EPERM). */
SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_USER);

	if (pid == INT32_MIN)
		return -ESRCH;	/* -pid would overflow */
	if (pid > 0) {
		struct proc *proc = proc_find(pid);
		return proc ? send_checked(proc, &info) : -ESRCH;
	}
	return send_to_many(pid, &info);
}

/* To the thread tid (of process tgid, unless 0). */
static int send_to_thread(int tgid, int tid, const struct ksiginfo *info)
{
	struct proc *proc = proc_find(tid);

	if (!proc || (tgid && proc->tgid != tgid))
		return -ESRCH;
	return send_to(proc, info, true);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_TKILL);

	if (tid <= 0)
		return -EINVAL;
	return send_to_thread(0, tid, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_TKILL);

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return send_to_thread(tgid, tid, &info);
}

#define SIGINFO_SIZE		128	/* siginfo_t */
#define KERNEL_SIGINFO_SIZE	48	/* what the kernel keeps of it: Linux's kernel_siginfo */
#define SI_DETHREAD		(-7)
#define SI_ASYNCNL		(-60)

/* Linux's known_siginfo_layout: codes whose siginfo fits in KERNEL_SIGINFO_SIZE. */
static bool known_layout(int sig, int code)
{
	static const int limits[] = {	/* the highest code each signal defines */
		[SIGILL] = 11, [SIGFPE] = 15, [SIGSEGV] = 9, [SIGBUS] = 5, [SIGTRAP] = 6,
		[SIGCHLD] = 6, [SIGIO] = 6, [SIGSYS] = 2,	/* SIGIO is SIGPOLL */
	};

	if (code == SI_KERNEL)
		return true;
	if (code > SI_USER) {
		if (sig > 0 && (size_t)sig < sizeof(limits) / sizeof(limits[0]) && limits[sig])
			return code <= limits[sig];
		return code <= 6;	/* NSIGPOLL */
	}
	return code >= SI_DETHREAD || code == SI_ASYNCNL;
}

/*
 * sigqueue's siginfo, from the caller, who fills in its own pid and uid. As Linux
 * does, the kernel's part is read (EFAULT), then for a code it does not know the
 * rest must be zero (E2BIG). Like Linux, nobody may pretend to be the kernel or
 * kill() (codes >= 0) or tkill() towards another process: -EPERM.
 */
static int read_queued_info(int sig, const struct queued_siginfo_user *user,
			    struct ksiginfo *info)
{
	union {
		struct queued_siginfo_user in;
		uint8_t bytes[SIGINFO_SIZE];
	} u;

	_Static_assert(sizeof(u.in) <= KERNEL_SIGINFO_SIZE, "the kernel's part");
	if (copy_from_user(u.bytes, user, KERNEL_SIGINFO_SIZE))
		return -EFAULT;
	if (!known_layout(sig, u.in.code)) {
		const uint8_t *rest = (const uint8_t *)user + KERNEL_SIGINFO_SIZE;
		if (copy_from_user(u.bytes + KERNEL_SIGINFO_SIZE, rest,
				   SIGINFO_SIZE - KERNEL_SIGINFO_SIZE))
			return -EFAULT;
		for (size_t i = KERNEL_SIGINFO_SIZE; i < SIGINFO_SIZE; i++)
			if (u.bytes[i])
				return -E2BIG;
	}
	*info = (struct ksiginfo){ .signo = sig, .code = u.in.code, .pid = u.in.pid,
				   .uid = u.in.uid, .value = u.in.value };
	return 0;
}

static bool impersonates(const struct ksiginfo *info, int pid)
{
	return (info->code >= 0 || info->code == SI_TKILL) && pid != current_proc()->pid;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig,
		const struct queued_siginfo_user *, user)
{
	struct ksiginfo info;
	int error = read_queued_info(sig, user, &info);

	if (error)
		return error;
	if (impersonates(&info, pid))
		return -EPERM;
	if (pid <= 0)
		return -ESRCH;	/* POSIX.1b does not mention process groups */
	struct proc *proc = proc_find(pid);
	return proc ? send_checked(proc, &info) : -ESRCH;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		const struct queued_siginfo_user *, user)
{
	struct ksiginfo info;
	int error = read_queued_info(sig, user, &info);

	if (error)
		return error;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (impersonates(&info, tid))
		return -EPERM;
	return send_to_thread(tgid, tid, &info);
}
