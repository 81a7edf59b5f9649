/*
 * proc/kill.c - the system calls that send signals (kill, tkill, tgkill, sigqueue),
 * and who may send them to whom.
 *
 * Each sends with the siginfo Linux gives it: SI_USER for kill, SI_TKILL for tkill
 * and tgkill, the caller's own for sigqueue; with the sender's pid and real uid.
 */
#include "proc/internal.h"
#include "mm/uaccess.h"
#include "syscall/syscall.h"

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

	return (struct ksiginfo){ .signo = sig, .code = code, .pid = self->pid, .uid = self->uid };
}

/*
 * May the current process signal proc? Linux's rule: root may signal anyone; others
 * a process whose real or saved uid is their real or effective uid (calf's saved uid
 * is the effective one); SIGCONT may go anywhere in the caller's session.
 */
static bool may_signal(const struct proc *self, const struct proc *proc, int sig)
{
	if (self->euid == 0 || (sig == SIGCONT && self->sid == proc->sid))
		return true;
	return self->euid == proc->uid || self->euid == proc->euid ||
	       self->uid == proc->uid || self->uid == proc->euid;
}

/* 0 (sent, or only checked for signal 0) or -EPERM. */
static int send_checked(struct proc *proc, const struct ksiginfo *info)
{
	if (!may_signal(current_proc(), proc, info->signo))
		return -EPERM;
	if (info->signo)
		signal_send_info(proc, info);
	return 0;
}

/*
 * kill(0) and kill(-pgid): every process of a group, successful if one send was;
 * kill(-1): every process but init and the caller, successful if there was one
 * (Linux does not count refusals there).
 */
static int send_to_many(int pid, const struct ksiginfo *info)
{
	struct proc *self = current_proc();
	int pgid = pid == 0 ? self->pgid : -pid;
	int found = 0, sent = 0, error = -ESRCH;
	struct list_node *node;

	list_for_each(node, &all_procs) {
		struct proc *proc = list_entry(node, struct proc, all_link);
		bool chosen = pid == -1 ? proc->pid > 1 && proc != self : proc->pgid == pgid;
		if (!chosen)
			continue;
		found++;
		error = send_checked(proc, info);
		sent += error == 0;
	}
	if (pid == -1)
		return found ? 0 : -ESRCH;
	return sent ? 0 : error;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_USER);

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;	/* -pid would overflow */
	if (pid > 0) {
		struct proc *proc = proc_find(pid);
		return proc ? send_checked(proc, &info) : -ESRCH;
	}
	return send_to_many(pid, &info);
}

/* Without threads, a thread id is a process id. */
static int send_to_thread(int tid, const struct ksiginfo *info)
{
	struct proc *proc = proc_find(tid);

	if (info->signo < 0 || info->signo > NSIG)
		return -EINVAL;
	return proc ? send_checked(proc, info) : -ESRCH;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_TKILL);

	if (tid <= 0)
		return -EINVAL;
	return send_to_thread(tid, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct ksiginfo info = info_from_self(sig, SI_TKILL);

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH;
	return send_to_thread(tid, &info);
}

/*
 * sigqueue's siginfo, from the caller, who fills in its own pid and uid. Like
 * Linux, nobody may pretend to be the kernel or kill() (codes >= 0) or tkill()
 * towards another process: -EPERM.
 */
static int queued_info(int pid, int sig, const struct queued_siginfo_user *user,
		       struct ksiginfo *info)
{
	struct queued_siginfo_user in;

	if (copy_from_user(&in, user, sizeof(in)))
		return -EFAULT;
	if ((in.code >= 0 || in.code == SI_TKILL) && pid != current_proc()->pid)
		return -EPERM;
	*info = (struct ksiginfo){ .signo = sig, .code = in.code, .pid = in.pid, .uid = in.uid,
				   .value = in.value };
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig,
		const struct queued_siginfo_user *, user)
{
	struct ksiginfo info;
	int error = queued_info(pid, sig, user, &info);

	if (error)
		return error;
	if (pid <= 0)
		return -ESRCH;	/* POSIX.1b does not mention process groups */
	return send_to_thread(pid, &info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		const struct queued_siginfo_user *, user)
{
	struct ksiginfo info;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	int error = queued_info(tid, sig, user, &info);
	if (error)
		return error;
	return tgid == tid ? send_to_thread(tid, &info) : -ESRCH;
}
