/*
 * proc/itimer.c - interval timers: setitimer, getitimer, alarm.
 *
 * ITIMER_REAL counts monotonic time and sends SIGALRM; ITIMER_VIRTUAL and
 * ITIMER_PROF count the process's CPU time and send SIGVTALRM and SIGPROF. calf
 * counts every tick a process runs as user time, so those two advance alike. All
 * are looked at on the timer tick, so a timer fires up to one tick (10 ms) late,
 * never early. As in Linux, a fork's child starts with no timer armed, exec keeps
 * them, and the signals come from the kernel (SI_KERNEL).
 */
#include "proc/internal.h"
#include "lib/string.h"
#include "arch/x86_64/timer.h"
#include "mm/uaccess.h"
#include "kernel/syscall.h"

#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2
#define NSEC		1000000000ull
#define TICK_NS		(NSEC / TIMER_HZ)
#define MAX_SECONDS	(INT64_MAX / NSEC - 1)	/* longer is forever, in practice */

struct timeval_user { int64_t sec, usec; };
struct itimerval_user { struct timeval_user interval, value; };

/* Processes whose ITIMER_REAL is armed, through itimer_link. */
static struct list_node armed_real = LIST_HEAD_INIT(armed_real);

static void send_expiry(struct proc *proc, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

	signal_send_info(proc, &info);
}

static void expire_real(struct proc *proc, uint64_t now)
{
	uint64_t interval = proc->itimer_interval_ns[ITIMER_REAL];

	if (interval) {
		/* Periods missed while the tick was late are not made up for. */
		uint64_t next = proc->itimer_value_ns[ITIMER_REAL] + interval;
		proc->itimer_value_ns[ITIMER_REAL] = next > now ? next : now + interval;
	} else {
		list_remove(&proc->itimer_link);
		proc->itimer_value_ns[ITIMER_REAL] = 0;
	}
	send_expiry(proc, SIGALRM);
}

/* One tick of CPU time for a CPU-time timer. */
static void charge_cpu_timer(struct proc *proc, int which, int sig)
{
	uint64_t *left = &proc->itimer_value_ns[which];

	if (!*left)
		return;
	if (*left > TICK_NS) {
		*left -= TICK_NS;
		return;
	}
	*left = proc->itimer_interval_ns[which];
	send_expiry(proc, sig);
}

void itimer_expire_real(void)
{
	uint64_t now = clock_monotonic_ns();
	struct list_node *node, *next;

	list_for_each_safe(node, next, &armed_real) {
		struct proc *proc = list_entry(node, struct proc, itimer_link);
		if (proc->itimer_value_ns[ITIMER_REAL] <= now)
			expire_real(proc, now);
	}
}

void itimer_tick(struct proc *running, bool from_user)
{
	if (running && running->group) {
		running = proc_leader(running);	/* the timers are the process's */
		/* ITIMER_VIRTUAL counts user time only; ITIMER_PROF user and system. */
		if (from_user)
			charge_cpu_timer(running, ITIMER_VIRTUAL, SIGVTALRM);
		charge_cpu_timer(running, ITIMER_PROF, SIGPROF);
	}
}

/* Arm (value > 0) or disarm one timer. The interval is kept either way, as Linux
 * keeps it for getitimer. */
static void set_timer(struct proc *proc, int which, uint64_t value, uint64_t interval)
{
	uint64_t flags = irq_save();

	if (which == ITIMER_REAL) {
		if (proc->itimer_value_ns[ITIMER_REAL])
			list_remove(&proc->itimer_link);
		if (value) {
			value += clock_monotonic_ns();
			list_push_back(&armed_real, &proc->itimer_link);
		}
	}
	proc->itimer_value_ns[which] = value;
	proc->itimer_interval_ns[which] = interval;
	irq_restore(flags);
}

void itimer_exit(struct proc *proc)
{
	set_timer(proc, ITIMER_REAL, 0, 0);
}

void itimer_transfer(struct proc *to, struct proc *from)
{
	uint64_t flags = irq_save();

	memcpy(to->itimer_value_ns, from->itimer_value_ns, sizeof(to->itimer_value_ns));
	memcpy(to->itimer_interval_ns, from->itimer_interval_ns, sizeof(to->itimer_interval_ns));
	if (from->itimer_value_ns[ITIMER_REAL]) {
		list_remove(&from->itimer_link);
		list_push_back(&armed_real, &to->itimer_link);
	}
	from->itimer_value_ns[ITIMER_REAL] = 0;
	irq_restore(flags);
}

/* Time left before the timer fires (0: disarmed). */
static uint64_t time_left(const struct proc *proc, int which)
{
	uint64_t value = proc->itimer_value_ns[which];

	if (which != ITIMER_REAL || !value)
		return value;
	uint64_t now = clock_monotonic_ns();
	return value > now ? value - now : 1000;	/* due at the next tick: still armed */
}

static struct timeval_user to_timeval(uint64_t ns)
{
	return (struct timeval_user){ ns / NSEC, (ns % NSEC) / 1000 };
}

/* 0, or -EINVAL for a negative or malformed time. */
static int from_timeval(const struct timeval_user *tv, uint64_t *ns)
{
	if (tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000)
		return -EINVAL;
	uint64_t sec = tv->sec < (int64_t)MAX_SECONDS ? (uint64_t)tv->sec : MAX_SECONDS;
	*ns = sec * NSEC + tv->usec * 1000;
	return 0;
}

static void get_timer(const struct proc *proc, int which, struct itimerval_user *out)
{
	out->value = to_timeval(time_left(proc, which));
	out->interval = to_timeval(proc->itimer_interval_ns[which]);
}

SYSCALL_DEFINE2(getitimer, int, which, struct itimerval_user *, out)
{
	struct itimerval_user current;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	get_timer(proc_leader(current_proc()), which, &current);
	return copy_to_user(out, &current, sizeof(current)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, const struct itimerval_user *, in,
		struct itimerval_user *, old)
{
	struct proc *proc = proc_leader(current_proc());
	struct itimerval_user request = { { 0, 0 }, { 0, 0 } }, previous;
	uint64_t value, interval;

	/* Linux's order: the new value is read and checked before `which` is. A NULL
	 * new value disarms: an old misfeature Linux still accepts. */
	if (in && copy_from_user(&request, in, sizeof(request)))
		return -EFAULT;
	if (from_timeval(&request.value, &value) || from_timeval(&request.interval, &interval))
		return -EINVAL;
	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	get_timer(proc, which, &previous);
	set_timer(proc, which, value, interval);
	if (old && copy_to_user(old, &previous, sizeof(previous)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	struct proc *proc = proc_leader(current_proc());
	uint64_t left = time_left(proc, ITIMER_REAL);

	set_timer(proc, ITIMER_REAL, seconds * NSEC, 0);
	/* Whole seconds left, rounded to nearest but never 0 for a pending alarm. */
	uint64_t whole = left / NSEC;
	if ((left && !whole) || left % NSEC >= NSEC / 2)
		whole++;
	return whole;
}
