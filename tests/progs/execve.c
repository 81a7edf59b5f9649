/*
 * execve - execve: its errors, #! scripts, argv and envp, close-on-exec, and
 * what survives an exec (pid, ppid).
 *
 * The program re-executes itself to look at the new image from the inside:
 * argv[1] names a mode (see main), the mode checks what it was given and exits
 * 0 if all is right. Nothing is written outside a fresh directory under /tmp.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "util.h"

#include <sys/syscall.h>

extern char **environ;

static const char *self;
static char dir[] = "/tmp/calf-execve-XXXXXX";

/* The argv and envp handed to the "--argv" mode, which checks them verbatim. */
static char *const argv_sent[] = {
	"first", "--argv", "", "two words", "tab\there", "new\nline", "\xc3\xa9t\xc3\xa9",
	NULL
};
static char *const envp_sent[] = {
	"CALF_A=1", "CALF_B=two words", "EMPTY=", "NOEQUALS", "CALF_A=again", NULL
};

#define MANY_ARGS 1000
#define BIG_ENV 65536

static int strv_len(char *const *v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

static int mode_argv(int argc, char **argv)
{
	int bad = 0;
	if (argc != strv_len(argv_sent) || argv[argc] != NULL)
		return 1;
	argv[0] = argv_sent[0];		/* argv[0] is ours to change; skip it */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], argv_sent[i]) != 0)
			bad |= 2;
	if (strv_len(environ) != strv_len(envp_sent))
		return bad | 4;
	for (int i = 0; environ[i]; i++)
		if (strcmp(environ[i], envp_sent[i]) != 0)
			bad |= 8;
	return bad;
}

/* 1000 arguments and a 64 KiB environment string span many pages of stack. */
static int mode_many(int argc, char **argv)
{
	char want[16];
	if (argc != MANY_ARGS + 2)
		return 1;
	for (int i = 0; i < MANY_ARGS; i++) {
		snprintf(want, sizeof want, "a%d", i);
		if (strcmp(argv[i + 2], want) != 0)
			return 2;
	}
	const char *big = getenv("BIG");
	if (!big || strlen(big) != BIG_ENV)
		return 3;
	for (size_t i = 0; i < BIG_ENV; i++)
		if (big[i] != 'a' + (char)(i % 26))
			return 4;
	return 0;
}

/* argv: self --cloexec <fd with FD_CLOEXEC> <fd without> */
static int mode_cloexec(int argc, char **argv)
{
	if (argc != 4)
		return 1;
	int gone = atoi(argv[2]), kept = atoi(argv[3]);
	int bad = 0;
	if (fcntl(gone, F_GETFD) != -1 || errno != EBADF)
		bad |= 2;
	if (fcntl(kept, F_GETFD) != 0)
		bad |= 4;
	if (write(kept, "k", 1) != 1)
		bad |= 8;
	return bad;
}

/* argv: self --ids <pid before exec> <ppid before exec> */
static int mode_ids(int argc, char **argv)
{
	if (argc != 4)
		return 1;
	int bad = 0;
	if (getpid() != atoi(argv[2]))
		bad |= 2;
	if (getppid() != atoi(argv[3]))
		bad |= 4;
	return bad;
}

/* Run as the interpreter of a #! script; see test_script for the argv. */
static int mode_script(int argc, char **argv)
{
	char script[64];
	snprintf(script, sizeof script, "%s/script", dir);
	if (argc != 5)
		return 1;
	if (argv[0][0] != '/' || strcmp(argv[1], "--script") != 0)
		return 2;
	if (strcmp(argv[2], script) != 0)
		return 3;
	if (strcmp(argv[3], "one") != 0 || strcmp(argv[4], "two") != 0)
		return 4;
	return 0;
}

static char *path_in_dir(const char *name)
{
	static char buf[4][64];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof buf[0], "%s/%s", dir, name);
	return p;
}

/* Fork a child that execve()s; return its wait status. */
static int exec_in_child(const char *path, char *const argv[], char *const envp[])
{
	pid_t pid = xfork();
	if (pid == 0) {
		execve(path, argv, envp);
		diag("  execve(%s) failed: errno %d", path, errno);
		_exit(127);
	}
	return wait_status(pid);
}

static void test_errors(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };

	ok_errno(execve(path_in_dir("missing"), argv, envp), ENOENT,
		 "execve of a nonexistent path: ENOENT");
	ok_errno(execve("", argv, envp), ENOENT, "execve of an empty path: ENOENT");

	char *text = path_in_dir("text");
	write_file(text, "just some text\n", 0755);
	ok_errno(execve(text, argv, envp), ENOEXEC,
		 "execve of an executable non-ELF file without #!: ENOEXEC");

	char *stub = path_in_dir("stub");
	write_file(stub, "\x7f" "ELF", 0755);
	ok_errno(execve(stub, argv, envp), ENOEXEC,
		 "execve of a truncated ELF header: ENOEXEC");

	ok_errno(execve(dir, argv, envp), EACCES, "execve of a directory: EACCES");

	char *noexec = path_in_dir("noexec");
	write_file(noexec, "#!/bin/sh\n", 0644);
	ok_errno(execve(noexec, argv, envp), EACCES,
		 "execve of a file without execute bits: EACCES");

	char under_file[80];
	snprintf(under_file, sizeof under_file, "%s/x", text);
	ok_errno(execve(under_file, argv, envp), ENOTDIR,
		 "execve with a regular file as a directory: ENOTDIR");

	char *badinterp = path_in_dir("badinterp");
	char line[100];
	snprintf(line, sizeof line, "#!%s\n", path_in_dir("no-interpreter"));
	write_file(badinterp, line, 0755);
	ok_errno(execve(badinterp, argv, envp), ENOENT,
		 "execve of a #! script whose interpreter is missing: ENOENT");

	/* Raw system calls: a libc might check the pointers itself. */
	ok_errno(syscall(SYS_execve, (char *)1, argv, envp), EFAULT,
		 "execve with a bad path pointer: EFAULT");

	/* With a good path a bad argv must fail too; in a child, in case it does not. */
	pid_t pid = xfork();
	if (pid == 0) {
		long r = syscall(SYS_execve, self, (char **)1, envp);
		_exit(r == -1 && errno == EFAULT ? 0 : 1);
	}
	ok_exit(wait_status(pid), 0, "execve with a bad argv pointer: EFAULT");

	pid = xfork();
	if (pid == 0) {
		char *bad_argv[] = { "x", (char *)1, NULL };
		long r = syscall(SYS_execve, self, bad_argv, envp);
		_exit(r == -1 && errno == EFAULT ? 0 : 1);
	}
	ok_exit(wait_status(pid), 0, "execve with a bad argv string pointer: EFAULT");
}

/*
 * The kernel runs "#!interp arg" scripts as: interp arg script-path argv[1..].
 * The original argv[0] is dropped and replaced by the path given to execve.
 */
static void test_script(void)
{
	char *script = path_in_dir("script");
	char line[PATH_MAX + 32];
	snprintf(line, sizeof line, "#!%s --script\nthis line is never read\n", self);
	write_file(script, line, 0755);

	char *argv[] = { "ignored", "one", "two", NULL };
	char *envp[] = { NULL };
	int st = exec_in_child(script, argv, envp);
	ok_exit(st, 0, "#! script runs its interpreter with interp, arg, path, argv[1..]");
}

static void test_argv_envp(void)
{
	int st = exec_in_child(self, argv_sent, envp_sent);
	ok_exit(st, 0, "argv and envp arrive intact (empty, spaces, newline, UTF-8)");

	static char *many[MANY_ARGS + 3];
	static char storage[MANY_ARGS][8];
	many[0] = "many";
	many[1] = "--many";
	for (int i = 0; i < MANY_ARGS; i++) {
		snprintf(storage[i], sizeof storage[i], "a%d", i);
		many[i + 2] = storage[i];
	}
	static char big[BIG_ENV + 8] = "BIG=";
	for (int i = 0; i < BIG_ENV; i++)
		big[4 + i] = 'a' + (char)(i % 26);
	char *envp[] = { big, NULL };
	st = exec_in_child(self, many, envp);
	ok_exit(st, 0, "1000 arguments and a 64 KiB environment string arrive intact");
}

static void test_cloexec(void)
{
	int gone[2], kept[2];
	if (pipe2(gone, O_CLOEXEC) < 0)
		bail("pipe2 failed: errno %d", errno);
	xpipe(kept);

	char a[16], b[16];
	snprintf(a, sizeof a, "%d", gone[1]);
	snprintf(b, sizeof b, "%d", kept[1]);
	char *argv[] = { "cloexec", "--cloexec", a, b, NULL };
	char *envp[] = { NULL };
	pid_t pid = xfork();
	if (pid == 0) {
		execve(self, argv, envp);
		_exit(127);
	}
	close(gone[1]);
	close(kept[1]);
	int st = wait_status(pid);
	int bad = child_bits(st);
	char c = 0;
	ok(!(bad & 2), "a close-on-exec fd is closed in the new image");
	ok(!(bad & 4), "an fd without close-on-exec stays open, flag clear");
	ok(read_full(kept[0], &c, 1) == 1 && c == 'k' && !(bad & 8),
	   "the kept fd is still the same pipe");
	if (bad)
		diag_status(st);
	close(gone[0]);
	close(kept[0]);
}

static void test_ids(void)
{
	pid_t pid = xfork();
	if (pid == 0) {
		char p[16], pp[16];
		snprintf(p, sizeof p, "%d", (int)getpid());
		snprintf(pp, sizeof pp, "%d", (int)getppid());
		char *argv[] = { "ids", "--ids", p, pp, NULL };
		char *envp[] = { NULL };
		execve(self, argv, envp);
		_exit(127);
	}
	int st = wait_status(pid);
	int bad = child_bits(st);
	ok(!(bad & 3), "exec keeps the pid");
	ok(!(bad & 5), "exec keeps the ppid");
	if (bad)
		diag_status(st);
}

static void cleanup(void)
{
	static const char *names[] = {
		"text", "stub", "noexec", "badinterp", "script", NULL
	};
	for (int i = 0; names[i]; i++)
		unlink(path_in_dir(names[i]));
	rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--script") == 0) {
		if (argc != 5 || !strrchr(argv[2], '/'))
			return 1;
		/* dir is not known here; the script's own path tells us. */
		snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(argv[2], '/') - argv[2]), argv[2]);
		return mode_script(argc, argv);
	}
	if (argc >= 2 && strcmp(argv[1], "--argv") == 0)
		return mode_argv(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--many") == 0)
		return mode_many(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--cloexec") == 0)
		return mode_cloexec(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "--ids") == 0)
		return mode_ids(argc, argv);

	self = self_path(argv[0]);
	plan(19);
	if (!mkdtemp(dir))
		bail("mkdtemp failed: errno %d", errno);
	test_errors();
	test_script();
	test_argv_envp();
	test_cloexec();
	test_ids();
	cleanup();
	return done();
}
