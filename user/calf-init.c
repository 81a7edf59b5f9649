/*
 * user/calf-init.c - PID 1 of calf's initramfs (/init links here).
 *
 * The same binary boots on calf and, under tools/linux-run, on Linux. It mounts the
 * virtual file systems and then does one of two things:
 *
 *   - tools/calf-run put a command in /calf-run.sh: run it with `sh /calf-run.sh`,
 *     stdin from /dev/null, and end with its exit status (calf powers QEMU off with
 *     it; on Linux the status is written to the log port, /dev/ttyS1, first);
 *   - otherwise give the console a login shell in a session of its own, and power
 *     off when it leaves.
 *
 * Meanwhile it does what every init must: wait for every child, including the
 * orphans the kernel gives it, so that no zombie lingers. busybox's poweroff and
 * reboot ask PID 1 by signal (SIGUSR2 or SIGTERM, SIGINT); the handlers only set a
 * flag, and the wait loop, interrupted with EINTR, acts on it.
 *
 * Why not a shell script: a script's background job starts with SIGINT ignored,
 * and a foreground job would keep the script from seeing poweroff's signal, so ^C
 * at the console would not reach the shell's children.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_SCRIPT "/calf-run.sh"
#define LOG_PORT "/dev/ttyS1"

static volatile sig_atomic_t shutdown_requested;	/* RB_POWER_OFF or RB_AUTOBOOT */

static void on_shutdown_signal(int sig)
{
	shutdown_requested = sig == SIGINT ? RB_AUTOBOOT : RB_POWER_OFF;
}

static void catch_shutdown_signals(void)
{
	/* No SA_RESTART: wait() must return EINTR so the loop notices the request. */
	struct sigaction action = { .sa_handler = on_shutdown_signal };

	sigaction(SIGUSR2, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
}

static void mount_virtual_file_systems(void)
{
	if (mount("proc", "/proc", "proc", 0, NULL))
		perror("init: mount /proc");
	if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL))
		perror("init: mount /tmp");
	/* Linux needs devtmpfs for its device nodes; calf makes its own and has none. */
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
}

static void __attribute__((noreturn)) shut_down(int how)
{
	sync();
	reboot(how);
	perror("init: reboot");
	_exit(1);
}

/* Fork a child that runs argv, after setup() in the child. */
static pid_t spawn(char *const argv[], void (*setup)(void))
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("init: fork");
		return -1;
	}
	if (pid == 0) {
		/* The child must not keep init's handlers' intent: default dispositions. */
		signal(SIGUSR2, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		setup();
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	return pid;
}

/* The command runs as a login would: a session of its own, stdin from nowhere. */
static void script_session(void)
{
	setsid();
	int fd = open("/dev/null", O_RDONLY);

	if (fd > 0) {
		dup2(fd, 0);
		close(fd);
	}
}

/* A session of its own with the console as its controlling terminal, so that job
 * control and ^C work in the shell. /dev/console never becomes a controlling tty
 * by being opened, hence TIOCSCTTY. */
static void console_session(void)
{
	setsid();
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	ioctl(fd, TIOCSCTTY, 1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Reap children (ours and adopted orphans) until main_child has exited; return its
 * wait status. A shutdown request ends the wait at once. */
static int reap_until(pid_t main_child)
{
	for (;;) {
		int status;
		pid_t pid = wait(&status);

		if (shutdown_requested)
			shut_down(shutdown_requested);
		if (pid == main_child)
			return status;
		if (pid < 0 && errno == ECHILD)
			return 0;
	}
}

/* The shell's exit status as the shell would report it (128 + signal). */
static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void report_on_log_port(int code)
{
	FILE *log = fopen(LOG_PORT, "w");

	if (log) {
		fprintf(log, "calf: init exited with status %d; powering off\n", code);
		fclose(log);
	}
}

static int run_script(void)
{
	char *argv[] = { "/bin/sh", RUN_SCRIPT, NULL };
	int code = exit_code(reap_until(spawn(argv, script_session)));
	struct stat port;

	/* Only Linux has a second serial port node; calf reports init's exit itself. */
	if (stat(LOG_PORT, &port) == 0 && S_ISCHR(port.st_mode)) {
		report_on_log_port(code);
		shut_down(RB_POWER_OFF);
	}
	return code;
}

static void interactive_shell(void)
{
	char *argv[] = { "/bin/sh", "-l", NULL };

	printf("calf: welcome. This is busybox sh on calf; 'poweroff' or Ctrl-D leaves.\n");
	fflush(stdout);
	reap_until(spawn(argv, console_session));
	shut_down(RB_POWER_OFF);
}

int main(void)
{
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 1);
	catch_shutdown_signals();
	mount_virtual_file_systems();
	if (chdir("/root"))
		perror("init: chdir /root");
	if (access(RUN_SCRIPT, R_OK) == 0)
		return run_script();
	interactive_shell();
}
