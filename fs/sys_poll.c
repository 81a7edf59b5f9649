/*
 * fs/sys_poll.c - poll, ppoll, select, pselect6: user arguments in and out; the
 * waiting itself is poll_entries (fs/poll.c).
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/abi.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "fs/sys_util.h"
#include "kernel/syscall.h"

#define NSEC 1000000000ull

/* An absolute deadline from a relative timespec (NULL: forever). */
int poll_timespec_deadline(const struct linux_timespec *ts, uint64_t *deadline)
{
	if (!ts) {
		*deadline = POLL_FOREVER;
		return 0;
	}
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NSEC)
		return -EINVAL;
	if (ts->tv_sec == 0 && ts->tv_nsec == 0) {
		*deadline = POLL_NOW;
		return 0;
	}
	uint64_t now = clock_monotonic_ns();
	uint64_t span = (uint64_t)ts->tv_sec >= (UINT64_MAX - now) / NSEC ? UINT64_MAX - now - 1
		: (uint64_t)ts->tv_sec * NSEC + ts->tv_nsec;
	*deadline = now + span;
	if (*deadline >= POLL_FOREVER)
		*deadline = POLL_FOREVER - 1;
	return 0;
}

/* What is left of the time until deadline, for the calls that report it. */
static struct linux_timespec remaining(uint64_t deadline)
{
	uint64_t now = clock_monotonic_ns();
	uint64_t left = deadline == POLL_NOW || now >= deadline ? 0 : deadline - now;

	return (struct linux_timespec){ left / NSEC, left % NSEC };
}

/*
 * Install a temporary signal mask for the duration of the call. When the call ends
 * with -EINTR the old mask comes back only after the signal is delivered (as
 * rt_sigsuspend does); otherwise at once.
 */
int poll_sigmask_begin(const uint64_t *user_mask, size_t size, uint64_t *old, bool *set)
{
	uint64_t mask;

	*set = false;
	if (!user_mask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&mask, user_mask, sizeof(mask)))
		return -EFAULT;
	*old = task_sigmask_swap(mask);
	*set = true;
	return 0;
}

void poll_sigmask_end(uint64_t old, bool set, long result)
{
	if (set)
		task_sigmask_restore(old, result == -EINTR);
}

static long do_poll(struct linux_pollfd *user_fds, unsigned nfds, uint64_t deadline)
{
	struct linux_pollfd *fds;
	struct poll_entry *entries;
	long result;

	if (nfds > fd_rlimit())	/* Linux's bound: RLIMIT_NOFILE */
		return -EINVAL;
	fds = kmalloc(nfds ? nfds * sizeof(*fds) : 1);
	entries = kmalloc(nfds ? nfds * sizeof(*entries) : 1);
	if (!fds || !entries) {
		result = -ENOMEM;
	} else if (copy_from_user(fds, user_fds, nfds * sizeof(*fds))) {
		result = -EFAULT;
	} else {
		for (unsigned i = 0; i < nfds; i++)
			entries[i] = (struct poll_entry){ fds[i].fd, (uint16_t)fds[i].events, 0 };
		result = poll_entries(entries, nfds, deadline);
		for (unsigned i = 0; result >= 0 && i < nfds; i++)
			fds[i].revents = entries[i].revents;
		if (result >= 0 && copy_to_user(user_fds, fds, nfds * sizeof(*fds)))
			result = -EFAULT;
	}
	kfree(fds);
	kfree(entries);
	return result;
}

SYSCALL_DEFINE3(poll, struct linux_pollfd *, fds, unsigned, nfds, int, timeout_ms)
{
	uint64_t deadline = POLL_FOREVER;

	if (timeout_ms == 0)
		deadline = POLL_NOW;
	else if (timeout_ms > 0)
		deadline = clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
	return do_poll(fds, nfds, deadline);
}

SYSCALL_DEFINE5(ppoll, struct linux_pollfd *, fds, unsigned, nfds,
		struct linux_timespec *, user_timeout, const uint64_t *, sigmask, size_t, sigsetsize)
{
	struct linux_timespec timeout;
	uint64_t deadline, old_mask = 0;
	bool masked;
	long result;

	if (user_timeout && copy_from_user(&timeout, user_timeout, sizeof(timeout)))
		return -EFAULT;
	result = poll_timespec_deadline(user_timeout ? &timeout : NULL, &deadline);
	if (!result)
		result = poll_sigmask_begin(sigmask, sigsetsize, &old_mask, &masked);
	if (result)
		return result;
	result = do_poll(fds, nfds, deadline);
	poll_sigmask_end(old_mask, masked, result);
	if (user_timeout && deadline != POLL_FOREVER) {
		timeout = remaining(deadline);
		copy_to_user(user_timeout, &timeout, sizeof(timeout));
	}
	return result;
}

#define FDSET_WORDS (FD_MAX / 64)
#define SELECT_IN  (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLERR)
#define SELECT_EX  POLLPRI

/*
 * select's three bitmaps of nfds bits (each may be NULL). Returns the number of
 * bits set in the results, -EBADF (a set names a closed descriptor), -EINVAL,
 * -EFAULT, -EINTR.
 */
static long do_select(int nfds, uint64_t *user_sets[3], uint64_t deadline)
{
	static const unsigned asked[3] = { SELECT_IN, SELECT_OUT, SELECT_EX };
	uint64_t sets[3][FDSET_WORDS] = { { 0 } };
	struct poll_entry *entries;
	unsigned n = 0;
	long result = 0;

	/* Linux reads no further than its table's size: beyond it no descriptor can be
	 * open, so a larger nfds is cut down to it rather than refused. */
	if (nfds < 0)
		return -EINVAL;
	if ((unsigned)nfds > fd_table_size(current_files()))
		nfds = fd_table_size(current_files());
	size_t bytes = ((size_t)nfds + 63) / 64 * 8;
	for (int s = 0; s < 3; s++)
		if (user_sets[s] && copy_from_user(sets[s], user_sets[s], bytes))
			return -EFAULT;
	entries = kmalloc(nfds ? nfds * sizeof(*entries) : 1);
	if (!entries)
		return -ENOMEM;
	for (int fd = 0; fd < nfds; fd++) {
		unsigned events = 0;
		for (int s = 0; s < 3; s++)
			if (sets[s][fd / 64] & (1ull << (fd % 64)))
				events |= asked[s];
		if (events)
			entries[n++] = (struct poll_entry){ fd, events, 0 };
	}
	result = poll_entries(entries, n, deadline);
	for (unsigned i = 0; result >= 0 && i < n; i++)
		if (entries[i].revents & POLLNVAL)
			result = -EBADF;
	if (result >= 0) {
		/* A descriptor counts in the sets it was in, not in every set whose
		 * events it has: POLLERR asked for by the write set is also in
		 * SELECT_IN, but makes no descriptor readable that was not asked. */
		uint64_t ready[3][FDSET_WORDS] = { { 0 } };
		result = 0;
		for (unsigned i = 0; i < n; i++) {
			int fd = entries[i].fd;
			for (int s = 0; s < 3; s++) {
				if (!(sets[s][fd / 64] & (1ull << (fd % 64))) ||
				    !(asked[s] & entries[i].revents))
					continue;
				ready[s][fd / 64] |= 1ull << (fd % 64);
				result++;
			}
		}
		for (int s = 0; s < 3; s++)
			if (user_sets[s] && copy_to_user(user_sets[s], ready[s], bytes))
				result = -EFAULT;
	}
	kfree(entries);
	return result;
}

SYSCALL_DEFINE5(select, int, nfds, uint64_t *, readfds, uint64_t *, writefds,
		uint64_t *, exceptfds, struct linux_timeval *, user_timeout)
{
	uint64_t *sets[3] = { readfds, writefds, exceptfds };
	struct linux_timeval tv;
	uint64_t deadline = POLL_FOREVER;
	long result;

	if (user_timeout) {
		if (copy_from_user(&tv, user_timeout, sizeof(tv)))
			return -EFAULT;
		/* Linux normalizes tv_usec >= 10^6 rather than failing; a second count
		 * that overflows doing so is negative, hence EINVAL. */
		struct linux_timespec ts = {
			(int64_t)((uint64_t)tv.tv_sec + (uint64_t)(tv.tv_usec / 1000000)),
			tv.tv_usec % 1000000 * 1000 };
		if (poll_timespec_deadline(&ts, &deadline))
			return -EINVAL;
	}
	result = do_select(nfds, sets, deadline);
	if (user_timeout && deadline != POLL_FOREVER) {
		struct linux_timespec left = remaining(deadline);
		tv = (struct linux_timeval){ left.tv_sec, left.tv_nsec / 1000 };
		copy_to_user(user_timeout, &tv, sizeof(tv));
	}
	return result;
}

struct pselect_sigmask {
	const uint64_t *mask;
	size_t size;
};

SYSCALL_DEFINE6(pselect6, int, nfds, uint64_t *, readfds, uint64_t *, writefds,
		uint64_t *, exceptfds, struct linux_timespec *, user_timeout,
		const struct pselect_sigmask *, user_sigmask)
{
	uint64_t *sets[3] = { readfds, writefds, exceptfds };
	struct pselect_sigmask sigmask = { NULL, 0 };
	struct linux_timespec ts;
	uint64_t deadline, old_mask = 0;
	bool masked;
	long result;

	if (user_timeout && copy_from_user(&ts, user_timeout, sizeof(ts)))
		return -EFAULT;
	if (user_sigmask && copy_from_user(&sigmask, user_sigmask, sizeof(sigmask)))
		return -EFAULT;
	result = poll_timespec_deadline(user_timeout ? &ts : NULL, &deadline);
	if (!result)
		result = poll_sigmask_begin(sigmask.mask, sigmask.size, &old_mask, &masked);
	if (result)
		return result;
	result = do_select(nfds, sets, deadline);
	poll_sigmask_end(old_mask, masked, result);
	if (user_timeout && deadline != POLL_FOREVER) {
		ts = remaining(deadline);
		copy_to_user(user_timeout, &ts, sizeof(ts));
	}
	return result;
}
