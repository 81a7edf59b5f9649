/*
 * proc/sys_time.c - the clock and sleep system calls. They live in proc/ because
 * the CPU-time clocks add up a thread group's ticks; sleeping is sched/'s.
 *
 * CLOCK_MONOTONIC is the clock since boot (arch/x86_64/timer.h); CLOCK_REALTIME
 * adds the RTC's reading at boot. Process CPU-time clocks count timer ticks.
 *
 * Reading a clock needs no kernel lock (kernel/syscall.h): every CPU reads the
 * same counter with constants fixed at boot, and the CPU-time clocks read the
 * caller's own tick counts, which only its own CPU's tick adds to.
 */
#include "kernel/syscall.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/timer.h"
#include "proc/proc.h"
#include "mm/uaccess.h"

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	3
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7
#define CLOCK_TAI		11	/* realtime: calf knows no leap seconds */
#define TIMER_ABSTIME		1
#define NSEC 1000000000ull

struct timespec_user { int64_t sec, nsec; };
struct timeval_user { int64_t sec, usec; };

static uint64_t realtime_ns(void)
{
	return clock_realtime_ns();
}

/* Nanoseconds on clock id, or -EINVAL. */
static int64_t read_clock(int id)
{
	struct proc *proc = current_proc();

	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return realtime_ns();
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return clock_monotonic_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return (proc->task.ticks_user + proc->task.ticks_system) * (NSEC / TIMER_HZ);
	default:
		return -EINVAL;
	}
}

static struct timespec_user to_timespec(uint64_t ns)
{
	return (struct timespec_user){ ns / NSEC, ns % NSEC };
}

SYSCALL_DEFINE2(clock_gettime, int, id, struct timespec_user *, out)
{
	int64_t ns = read_clock(id);

	if (ns < 0)
		return ns;
	struct timespec_user ts = to_timespec(ns);
	return copy_to_user(out, &ts, sizeof(ts));
}
SYSCALL_WITHOUT_KERNEL_LOCK(clock_gettime);

SYSCALL_DEFINE2(clock_getres, int, id, struct timespec_user *, out)
{
	if (read_clock(id) < 0)
		return -EINVAL;
	struct timespec_user resolution = { 0, 1 };
	return out ? copy_to_user(out, &resolution, sizeof(resolution)) : 0;
}
SYSCALL_WITHOUT_KERNEL_LOCK(clock_getres);

SYSCALL_DEFINE2(gettimeofday, struct timeval_user *, tv, void *, tz)
{
	uint64_t ns = realtime_ns();
	struct timeval_user value = { ns / NSEC, (ns % NSEC) / 1000 };

	if (tv && copy_to_user(tv, &value, sizeof(value)))
		return -EFAULT;
	if (tz && clear_user(tz, 8))
		return -EFAULT;
	return 0;
}
SYSCALL_WITHOUT_KERNEL_LOCK(gettimeofday);

SYSCALL_DEFINE1(time, int64_t *, out)
{
	int64_t seconds = realtime_ns() / NSEC;

	if (out && copy_to_user(out, &seconds, sizeof(seconds)))
		return -EFAULT;
	return seconds;
}
SYSCALL_WITHOUT_KERNEL_LOCK(time);

/* Sleep until the deadline on the monotonic clock; on a signal, report what is left. */
static long sleep_until(uint64_t deadline, struct timespec_user *remaining, bool relative)
{
	int result = sleep_until_ns(deadline);

	if (result == 0)
		return 0;
	if (remaining && relative) {
		uint64_t now = clock_monotonic_ns();
		struct timespec_user left = to_timespec(deadline > now ? deadline - now : 0);
		if (copy_to_user(remaining, &left, sizeof(left)))
			return -EFAULT;
	}
	return -EINTR;
}

static int read_request(const struct timespec_user *user, struct timespec_user *ts)
{
	if (copy_from_user(ts, user, sizeof(*ts)))
		return -EFAULT;
	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (int64_t)NSEC)
		return -EINVAL;
	return 0;
}

/* base + ts, saturating: a time too far away to reach is "never" (UINT64_MAX). */
static uint64_t add_timespec(uint64_t base, const struct timespec_user *ts)
{
	uint64_t span = (uint64_t)ts->sec;

	if (span >= (UINT64_MAX - base) / NSEC - 1)
		return UINT64_MAX;
	return base + span * NSEC + ts->nsec;
}

SYSCALL_DEFINE2(nanosleep, const struct timespec_user *, request, struct timespec_user *, remaining)
{
	struct timespec_user ts;
	int error = read_request(request, &ts);

	if (error)
		return error;
	return sleep_until(add_timespec(clock_monotonic_ns(), &ts), remaining, true);
}

/*
 * Linux's order: an unknown clock (EINVAL), a clock that cannot be slept on (the
 * raw and coarse ones and the thread's CPU time: EOPNOTSUPP), then the request.
 */
SYSCALL_DEFINE4(clock_nanosleep, int, id, int, flags, const struct timespec_user *, request,
		struct timespec_user *, remaining)
{
	struct timespec_user ts;
	int64_t now = read_clock(id);

	if (now < 0)
		return -EINVAL;
	if (id == CLOCK_MONOTONIC_RAW || id == CLOCK_REALTIME_COARSE ||
	    id == CLOCK_MONOTONIC_COARSE || id == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	int error = read_request(request, &ts);
	if (error)
		return error;
	uint64_t monotonic = clock_monotonic_ns();
	if (flags & TIMER_ABSTIME) {
		uint64_t wanted = add_timespec(0, &ts);
		if (wanted == UINT64_MAX)
			return sleep_until(UINT64_MAX, NULL, false);
		uint64_t delay = wanted > (uint64_t)now ? wanted - now : 0;
		return sleep_until(delay > UINT64_MAX - monotonic ? UINT64_MAX : monotonic + delay,
				   NULL, false);
	}
	return sleep_until(add_timespec(monotonic, &ts), remaining, true);
}

struct tms_user { int64_t utime, stime, cutime, cstime; };

SYSCALL_DEFINE1(times, struct tms_user *, out)
{
	struct proc *proc = current_proc();
	struct tms_user t = { proc->task.ticks_user, proc->task.ticks_system, 0, 0 };

	if (out && copy_to_user(out, &t, sizeof(t)))
		return -EFAULT;
	return timer_ticks();
}
