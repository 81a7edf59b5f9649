/*
 * txtbsy.c - ETXTBSY: a program being run cannot be written, and a file open for
 * writing cannot be run.
 *
 * As in Linux, exec denies writes to the program for as long as a process runs it:
 * open for writing and truncate() fail with ETXTBSY (and O_TRUNC truncates
 * nothing); reading still works, and once the last process running it is gone,
 * so does writing. The other way round, execve of a file someone has open for
 * writing fails with ETXTBSY. A script is denied only while execve opens it; what
 * stays denied is its interpreter. (calf once let root truncate a running program;
 * every process running it then died of SIGBUS. Found by the fuzzer.)
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define BASE 0x400000ul
#define PROG "/tmp/txtbsy-prog"
#define SCRIPT "/tmp/txtbsy-script"
#define COPY "/tmp/txtbsy-copy"

struct tiny {
	Elf64_Ehdr ehdr;
	Elf64_Phdr phdr;
	uint8_t code[16];
};

/* mov $34, %eax; syscall; jmp back: pause() for ever. */
static const uint8_t pause_loop[] = { 0xb8, 34, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7 };

static void write_program(void)
{
	struct tiny t;

	memset(&t, 0, sizeof t);
	memcpy(t.ehdr.e_ident, ELFMAG, SELFMAG);
	t.ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	t.ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	t.ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	t.ehdr.e_type = ET_EXEC;
	t.ehdr.e_machine = EM_X86_64;
	t.ehdr.e_version = EV_CURRENT;
	t.ehdr.e_entry = BASE + offsetof(struct tiny, code);
	t.ehdr.e_phoff = sizeof(Elf64_Ehdr);
	t.ehdr.e_ehsize = sizeof(Elf64_Ehdr);
	t.ehdr.e_phentsize = sizeof(Elf64_Phdr);
	t.ehdr.e_phnum = 1;
	t.phdr.p_type = PT_LOAD;
	t.phdr.p_flags = PF_R | PF_X;
	t.phdr.p_vaddr = t.phdr.p_paddr = BASE;
	t.phdr.p_filesz = t.phdr.p_memsz = sizeof t;
	t.phdr.p_align = 4096;
	memcpy(t.code, pause_loop, sizeof pause_loop);
	int fd = open(PROG, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, &t, sizeof t) != (ssize_t)sizeof t || close(fd) < 0)
		bail("cannot write %s: errno %d", PROG, errno);
	fd = open(SCRIPT, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, "#!" PROG "\n", strlen("#!" PROG "\n")) < 0 || close(fd) < 0)
		bail("cannot write %s: errno %d", SCRIPT, errno);
}

/* Start path in a child and return once it has exec'd (a close-on-exec pipe
 * reads end-of-file then), or -1 if execve failed, with its errno in *error. */
static pid_t start(const char *path, int *error)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		bail("pipe2 failed: errno %d", errno);
	pid_t pid = xfork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		int e = errno;
		write(fds[1], &e, sizeof e);
		_exit(1);
	}
	close(fds[1]);
	*error = 0;
	ssize_t n = read(fds[0], error, sizeof *error);
	close(fds[0]);
	if (n > 0) {
		wait_status(pid);
		return -1;
	}
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	wait_status(pid);
}

static long size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_running_program(void)
{
	int error;
	long size = size_of(PROG);
	pid_t pid = start(PROG, &error);

	if (pid < 0)
		bail("cannot run %s: errno %d", PROG, error);
	ok_errno(open(PROG, O_WRONLY), ETXTBSY, "open for writing a running program: ETXTBSY");
	ok_errno(open(PROG, O_RDWR | O_TRUNC), ETXTBSY, "open with O_TRUNC: ETXTBSY");
	ok_errno(truncate(PROG, 0), ETXTBSY, "truncate(): ETXTBSY");
	ok(size_of(PROG) == size, "the program keeps its size");
	int fd = open(PROG, O_RDONLY);
	ok(fd >= 0, "it can still be opened for reading");
	close(fd);
	pid_t second = start(PROG, &error);
	ok(second > 0, "and run by a second process");
	stop(pid);
	ok_errno(open(PROG, O_WRONLY), ETXTBSY, "while one process runs it, still ETXTBSY");
	stop(second);
	fd = open(PROG, O_WRONLY);
	ok(fd >= 0, "once no process runs it, it can be opened for writing");
	close(fd);
}

/* A copy of this program, run with --fork: it forks, tells us the child's pid
 * through fd 3, and exits; the child pauses. The fork must keep the denial. */
static void forker(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(3);
		pause();
		_exit(0);
	}
	write(3, &pid, sizeof pid);
	_exit(0);
}

static void copy_self(const char *self)
{
	char buf[65536];
	int in = open(self, O_RDONLY), out = open(COPY, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;

	if (in < 0 || out < 0)
		bail("cannot copy %s: errno %d", self, errno);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, n) != n)
			bail("cannot copy %s: errno %d", self, errno);
	close(in);
	close(out);
}

static void test_forked_child(const char *self)
{
	int fds[2];
	pid_t grandchild = 0;

	copy_self(self);
	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		dup2(fds[1], 3);
		execl(COPY, COPY, "--fork", (char *)NULL);
		_exit(1);
	}
	close(fds[1]);
	read(fds[0], &grandchild, sizeof grandchild);
	close(fds[0]);
	wait_status(pid);
	ok_errno(open(COPY, O_WRONLY), ETXTBSY,
		 "a forked child keeps its program denied after its parent exits");
	if (grandchild > 0)
		kill(grandchild, SIGKILL);
	/* Not our child: wait until it is gone (init reaps it). */
	int fd = -1;
	for (int i = 0; i < 500 && fd < 0; i++) {
		fd = open(COPY, O_WRONLY);
		if (fd < 0)
			sleep_ms(10);
	}
	ok(fd >= 0, "and once it is gone, the program can be written");
	close(fd);
	unlink(COPY);
}

static void test_exec_of_open_file(void)
{
	int error;
	int fd = open(PROG, O_WRONLY);

	ok(start(PROG, &error) < 0 && error == ETXTBSY,
	   "execve of a program open for writing: ETXTBSY");
	ok(start(SCRIPT, &error) < 0 && error == ETXTBSY,
	   "execve of a script whose interpreter is open for writing: ETXTBSY");
	close(fd);
	fd = open(SCRIPT, O_WRONLY);
	ok(start(SCRIPT, &error) < 0 && error == ETXTBSY,
	   "execve of a script open for writing: ETXTBSY");
	close(fd);
}

static void test_running_script(void)
{
	int error;
	pid_t pid = start(SCRIPT, &error);

	if (pid < 0)
		bail("cannot run %s: errno %d", SCRIPT, error);
	int fd = open(SCRIPT, O_WRONLY);
	ok(fd >= 0, "a running script can be opened for writing");
	close(fd);
	ok_errno(open(PROG, O_WRONLY), ETXTBSY, "its interpreter cannot");
	stop(pid);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--fork") == 0)
		forker();
	plan(15);
	write_program();
	test_running_program();
	test_forked_child(argv[0]);
	test_exec_of_open_file();
	test_running_script();
	unlink(PROG);
	unlink(SCRIPT);
	return done();
}
