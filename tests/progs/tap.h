/*
 * tap.h - a tiny TAP producer for calf's guest test programs.
 *
 *     plan(3);
 *     ok(x == 1, "x is one");
 *     ok_errno(close(-1), EBADF, "close(-1) fails with EBADF");
 *     return done();
 *
 * Every line is written with one write(2) on fd 1, never through stdio: a stdio
 * buffer would be copied by fork and flushed twice, and unbuffered lines from a
 * parent and its children come out in the order they were produced.
 *
 * Only the process that called plan() may call ok(): a forked child has its own
 * copy of the counters. Children report through their exit status or a pipe and
 * the parent turns that into ok() lines. Children may call diag().
 *
 * ok-lines must be the same on every run (outputs are compared with Linux byte
 * for byte), so anything variable - pids, times, errno on failure - goes into
 * "# " diagnostics, and those are printed only when something fails.
 */
#ifndef CALF_PROGS_TAP_H
#define CALF_PROGS_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_planned, tap_run, tap_failed;

static inline void tap_write_all(const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* One line: prefix, formatted text, newline; one write so lines never interleave. */
static inline void tap_vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int saved = errno;
	size_t n = (size_t)snprintf(buf, sizeof buf, "%s", prefix);
	int m = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	if (m > 0)
		n += (size_t)m < sizeof buf - n - 1 ? (size_t)m : sizeof buf - n - 2;
	buf[n++] = '\n';
	tap_write_all(buf, n);
	errno = saved;
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vline("# ", fmt, ap);
	va_end(ap);
}

/* Give up on the whole program: the plan can no longer be kept. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void bail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vline("Bail out! ", fmt, ap);
	va_end(ap);
	_exit(2);
}

static inline void plan(int n)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "1..%d\n", n);
	tap_planned = n;
	tap_write_all(buf, (size_t)len);
}

static inline int vok(int cond, const char *fmt, va_list ap)
{
	char prefix[32];
	tap_run++;
	if (!cond)
		tap_failed++;
	snprintf(prefix, sizeof prefix, "%sok %d - ", cond ? "" : "not ", tap_run);
	tap_vline(prefix, fmt, ap);
	return cond;
}

__attribute__((format(printf, 2, 3)))
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

/*
 * ok_errno(call(...), EXXX, "...") passes when the call returned -1 and set
 * errno to EXXX. errno is read on entry, before anything here can change it.
 */
__attribute__((format(printf, 3, 4)))
static inline int ok_errno(long ret, int want, const char *fmt, ...)
{
	int err = errno;
	int cond = ret == -1 && err == want;
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("  got %ld, errno %d (%s); want -1, errno %d (%s)",
		     ret, err, strerror(err), want, strerror(want));
	return cond;
}

/* The exit status: 0 only if every planned test ran and passed. */
static inline int done(void)
{
	if (tap_run != tap_planned)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	if (tap_failed)
		diag("failed %d of %d tests", tap_failed, tap_run);
	return tap_failed == 0 && tap_run == tap_planned ? 0 : 1;
}

#endif
