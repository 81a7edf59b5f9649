/*
 * util.h - helpers shared by the guest test programs: forking a child and
 * judging how it ended, sleeping, reading the clock, finding our own binary.
 * Include tap.h first.
 */
#ifndef CALF_PROGS_UTIL_H
#define CALF_PROGS_UTIL_H

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "tap.h"

/* Children that die by SIGSEGV on purpose must not leave core files behind. */
static inline void no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);	/* best effort: a kernel without it is fine */
}

/* fork() that bails out on failure, so a test's plan is always kept. */
static inline pid_t xfork(void)
{
	pid_t pid = fork();
	if (pid < 0)
		bail("fork failed: errno %d", errno);
	if (pid == 0)
		no_core_dumps();
	return pid;
}

static inline void xpipe(int fds[2])
{
	if (pipe(fds) < 0)
		bail("pipe failed: errno %d", errno);
}

/* waitpid() for one child, retried on EINTR; returns the raw wait status. */
static inline int wait_status(pid_t pid)
{
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		bail("waitpid(%d) returned %d, errno %d", (int)pid, (int)r, errno);
	return st;
}

/* Run fn(arg) in a child that exits with its return value; return the status. */
static inline int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid = xfork();
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	return wait_status(pid);
}

/* A child's exit code, or 255 if it did not exit normally (so all bits fail). */
static inline int child_bits(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 0xff;
}

static inline void diag_status(int st)
{
	if (WIFEXITED(st))
		diag("  child exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		diag("  child was killed by signal %d", WTERMSIG(st));
	else
		diag("  raw wait status 0x%x", st);
}

__attribute__((format(printf, 3, 4)))
static inline int ok_exit(int st, int code, const char *fmt, ...)
{
	int cond = WIFEXITED(st) && WEXITSTATUS(st) == code;
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		diag_status(st);
		diag("  want exit status %d", code);
	}
	return cond;
}

__attribute__((format(printf, 3, 4)))
static inline int ok_killed(int st, int sig, const char *fmt, ...)
{
	int cond = WIFSIGNALED(st) && WTERMSIG(st) == sig;
	va_list ap;
	va_start(ap, fmt);
	vok(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		diag_status(st);
		diag("  want death by signal %d", sig);
	}
	return cond;
}

/* Sleep, resuming after signal handlers, so the whole time is slept. */
static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* read() until len bytes or EOF/error; returns the bytes read. */
static inline size_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static inline int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	close(fd);
	/* open() applies the umask; chmod makes the mode exactly what was asked. */
	if (n != (ssize_t)len || chmod(path, mode) < 0)
		return -1;
	return 0;
}

/*
 * An absolute path to this program, for re-executing ourselves. /proc/self/exe
 * is not there to ask, so use argv[0]: absolute as is, relative to the cwd
 * (made absolute now, before any chdir), or a bare name looked up in $PATH.
 */
static inline const char *self_path(const char *argv0)
{
	static char path[PATH_MAX];

	if (argv0[0] == '/')
		return argv0;
	if (strchr(argv0, '/')) {
		if (!getcwd(path, sizeof path - strlen(argv0) - 2))
			bail("getcwd failed: errno %d", errno);
		strcat(path, "/");
		strcat(path, argv0);
		return path;
	}
	const char *dirs = getenv("PATH");
	while (dirs && *dirs) {
		size_t len = strcspn(dirs, ":");
		snprintf(path, sizeof path, "%.*s/%s", (int)len, dirs, argv0);
		if (path[0] == '/' && access(path, X_OK) == 0)
			return path;
		dirs += len + (dirs[len] == ':');
	}
	bail("cannot find my own binary (argv[0] %s)", argv0);
}

/*
 * Does fork copy every private page at once (calf's fork_mode=copy)? Programs
 * that watch sharing after fork expect that mode's figures then. Linux has no
 * /proc/sys/vm/fork_mode: copy-on-write.
 */
static inline int fork_copies_pages(void)
{
	char name[16] = "";
	FILE *mode = fopen("/proc/sys/vm/fork_mode", "r");

	if (mode) {
		if (!fgets(name, sizeof name, mode))
			name[0] = '\0';
		fclose(mode);
	}
	return strncmp(name, "copy", 4) == 0;
}

#endif
